"""The dose through the widgets: the stop dialog shows the amount calculated from the time run, the nurse corrects
it (an implausible amount refused in place), and the amount given shows in the workspace and the review; a dose
prepared again in pre-assessment leaves the first one visible, struck through, with when and by whom."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.ui.review.page import EntryList
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.visit.monitoring.section import MonitoringSection
from ketadesk.ui.visit.monitoring.stop_early import StopEarlyDialog
from ketadesk.ui.visit.pre_assessment.section import PreAssessmentSection
from tests.helpers import ready_to_infuse

GIVEN_LINE = "Given: 20 mg given of 35 mg prepared — stopped early at 26 of 40 min; corrected by Maria Santos, RN"


def _monitoring(qtbot: QtBot, nurse: Clinic, visit_id: int) -> MonitoringSection:
    section = MonitoringSection(nurse, visit_id)
    qtbot.addWidget(section)
    section.resize(1100, 750)
    return section


def _review(qtbot: QtBot, physician: Clinic, visit_id: int) -> ReviewScreen:
    screen = ReviewScreen(physician, visit_id)
    qtbot.addWidget(screen)
    screen.resize(1280, 900)
    return screen


def _open_stop_dialog(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> StopEarlyDialog:
    """The pump started, 26 of its 40 minutes run, and the nurse presses Stop early."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    section = _monitoring(qtbot, nurse, visit_id)
    clock.advance(minutes=26)
    section.reload()
    section.findChild(QPushButton, "stop_early_button").click()
    dialog = section.stop_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_nurse_sees_the_calculated_amount_and_corrects_it(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """22.8 mg calculated (35 × 26 ÷ 40) is offered; 50 is refused in place; 20 is recorded and shown everywhere."""
    dialog = _open_stop_dialog(qtbot, nurse, visit_id, clock)
    assert dialog.calculated.text() == "35 mg × 26 ÷ 40 min = 22.8 mg (about 22.8 mL at 1 mg/mL)"
    assert dialog.given.text() == "22.8"
    dialog.reason.setText("Distressing dissociation")
    dialog.given.setText("50")
    dialog.findChild(QPushButton, "stop_early_confirm").click()
    message = dialog.findChild(QLabel, "stop_early_message")
    assert dialog.isVisible() and "Amount given '50' mg is not plausible" in message.text()
    assert "at most 35 mg (the dose prepared)" in message.text()
    assert dialog.given.text() == "50" and dialog.reason.text() == "Distressing dissociation"
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.INFUSING

    dialog.given.setText("20")
    dialog.findChild(QPushButton, "stop_early_confirm").click()
    assert not dialog.isVisible()
    recorded = nurse.visits.get(visit_id).detail.dose_given
    assert recorded is not None and (recorded.given_mg, recorded.basis) == (20.0, "corrected")

    section = dialog.parent()
    assert isinstance(section, MonitoringSection)
    assert "20 mg given of 35 mg" in section.findChild(QLabel, "infusion_status").text()
    assert "20 mg given — corrected by Maria Santos, RN" in section.findChild(QLabel, "infusion_message").text()

    workspace_dose = PreAssessmentSection(nurse, visit_id)
    qtbot.addWidget(workspace_dose)
    assert workspace_dose.given.text().startswith(GIVEN_LINE)

    screen = _review(qtbot, physician, visit_id)
    assert any(line.startswith(GIVEN_LINE) for line in screen.findChild(EntryList, "review_dose").texts())


def test_the_offered_amount_follows_the_clock_until_the_nurse_types(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """A minute later the untouched amount is 23.6 mg; once the nurse types their own, a tick leaves it alone."""
    dialog = _open_stop_dialog(qtbot, nurse, visit_id, clock)
    section = dialog.parent()
    assert isinstance(section, MonitoringSection)
    clock.advance(minutes=1)
    section.refresh(nurse.visits.get(visit_id))
    assert dialog.given.text() == "23.6" and "× 27 ÷ 40 min = 23.6 mg" in dialog.calculated.text()
    dialog.given.setText("21")
    clock.advance(minutes=1)
    section.refresh(nurse.visits.get(visit_id))
    assert dialog.given.text() == "21"
    dialog.reject()


def test_confirming_as_offered_records_a_confirmed_amount(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Enter on the offered 22.8 mg: recorded as calculated from the times and confirmed by the nurse."""
    dialog = _open_stop_dialog(qtbot, nurse, visit_id, clock)
    dialog.reason.setText("Patient asked to stop")
    dialog.findChild(QPushButton, "stop_early_confirm").click()
    recorded = nurse.visits.get(visit_id).detail.dose_given
    assert recorded is not None and (recorded.given_mg, recorded.basis, recorded.by) == (22.8, "confirmed", "nurse")


def test_a_dose_prepared_again_shows_the_first_struck_through(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """0.5 mg/kg prepared, then 0.4 typed and prepared again: the 35 mg stays, struck, with when and by whom."""
    ready_to_infuse(nurse, visit_id)
    section = PreAssessmentSection(nurse, visit_id)
    qtbot.addWidget(section)
    assert section.superseded_labels == []
    clock.advance(minutes=3)
    section.mg_per_kg.setText("0.4")
    section.lot.setText("KT2301-16")
    section.prepare_button.click()
    assert "28 mg" in section.prepared.text()
    (struck,) = section.superseded_labels
    assert struck.objectName() == "dose_superseded_1"
    assert struck.text().startswith("<s>35 mg Ketamine hydrochloride (0.5 mg/kg × 70 kg), lot KT2301-15, prepared by")
    assert "</s> — superseded at" in struck.text() and "by Maria Santos, RN (prepared again: 28 mg)" in struck.text()

    review = _review(qtbot, physician, visit_id)
    lines = review.findChild(EntryList, "review_dose")
    head = next(label for label in lines.labels if label.text().startswith("35 mg Ketamine"))
    assert head.font().strikeOut(), "the superseded preparation is struck through in the review"
    assert any("superseded at" in text and "prepared again: 28 mg" in text for text in lines.texts())
    current = lines.labels[0]
    assert "= 28 mg" in current.text() and not current.font().strikeOut()
