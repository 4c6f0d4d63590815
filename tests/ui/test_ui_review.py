"""The physician's review: the whole visit on one page, signing with the password again, and addenda."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Changes, Clinic
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.writes import bus_for
from ketadesk.ui.review.page import EntryList
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.review.signature import NOT_SIGNED
from ketadesk.ui.review.worklist import WorklistPanel
from ketadesk.ui.visit.vitals.table import COLUMNS
from tests.helpers import PASSWORDS, ready_to_infuse
from tests.ui.review_steps import ALERT_ACTION, NOTE, PASSWORD, discharge, second_visit, staff


@pytest.fixture
def discharged(clinic: Clinic, clock: FakeClock, visit_id: int) -> int:
    """A visit walked to discharge by nurse ann, in a clinic whose staff have passwords."""
    staff(clinic)
    discharge(clinic.sign_in("ann", PASSWORD), visit_id, clock)
    return visit_id


def _screen(qtbot: QtBot, clinic: Clinic, visit_id: int) -> ReviewScreen:
    screen = ReviewScreen(clinic, visit_id)
    qtbot.addWidget(screen)
    screen.resize(1280, 900)
    return screen


def _entries(screen: ReviewScreen, name: str) -> list[str]:
    found = screen.findChild(EntryList, name)
    assert found is not None, name
    return found.texts()


def test_review_shows_every_reading_the_notes_and_the_checklist(qtbot: QtBot, clinic: Clinic, discharged: int) -> None:
    """Every reading in time order, alerts with their acknowledgement, scores, notes with author, events, checklist."""
    physician = clinic.sign_in("sam", PASSWORD)
    screen = _screen(qtbot, physician, discharged)
    detail = physician.visits.get(discharged).detail

    table = screen.findChild(QTableWidget, "review_readings_table")
    assert table.rowCount() == len(detail.vitals) == 4
    sbp = COLUMNS.index("SBP")
    assert [table.item(row, sbp).text() for row in range(4)] == ["128", "142", "186 ↑", "126"]
    assert "baseline" in table.item(0, 0).text()
    assert "Systolic BP high (acknowledged)" in table.item(2, COLUMNS.index("Alerts")).text()
    assert list(screen.chart.curves["sbp"].getData()[1]) == [128, 142, 186, 126]

    alerts = " ".join(_entries(screen, "review_alerts"))
    assert "Systolic BP high" in alerts and ALERT_ACTION in alerts and "Ann Rivers, RN" in alerts
    scores = screen.findChild(QTableWidget, "review_scores")
    scales = [scores.item(row, 1).text() for row in range(scores.rowCount())]
    assert scales == ["MOAA/S", "RASS", "CADSS-6", "MOAA/S", "RASS", "Aldrete"]
    notes = _entries(screen, "review_notes")
    note = next(n for n in detail.notes if n.kind == "dissociation")
    assert notes == [f"{local_time(note.at)} · Dissociation · Ann Rivers, RN", NOTE]
    events = "\n".join(_entries(screen, "review_events"))
    assert "Nausea (onset)" in events and "Ondansetron 4 mg IV" in events

    checklist = _entries(screen, "review_discharge_checklist")
    assert len(checklist) == len(readiness.discharge_items(physician.protocol))
    assert all(line.startswith("✓") for line in checklist)
    assert "✓  Vital signs up to date — not overdue" in checklist
    assert any(line.startswith("✓  Steady gait — ticked by Ann Rivers, RN") for line in checklist)
    assert _entries(screen, "review_discharge")[0].startswith("Discharged ")
    assert screen.findChild(QLabel, "review_signature").text() == NOT_SIGNED


def test_nurse_sees_sign_disabled_with_the_reason(qtbot: QtBot, clinic: Clinic, discharged: int) -> None:
    """A nurse may read the review but not sign; the disabled buttons say why."""
    screen = _screen(qtbot, clinic.sign_in("ann", PASSWORD), discharged)
    sign = screen.findChild(QPushButton, "sign_button")
    assert not sign.isEnabled()
    assert "Only a physician can sign" in sign.toolTip()
    addendum = screen.findChild(QPushButton, "addendum_button")
    assert not addendum.isEnabled()
    assert "Addenda are for signed visits" in addendum.toolTip()


def test_physician_cannot_sign_a_visit_still_under_way(
    qtbot: QtBot, clinic: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """Before discharge the physician's Sign button is disabled, naming the visit's phase."""
    staff(clinic)
    nurse = clinic.sign_in("ann", PASSWORD)
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    screen = _screen(qtbot, clinic.sign_in("sam", PASSWORD), visit_id)
    sign = screen.findChild(QPushButton, "sign_button")
    assert not sign.isEnabled()
    assert "this one is infusing" in sign.toolTip()
    assert screen.findChild(QLabel, "review_signature").text() == NOT_SIGNED


def test_physician_signs_through_the_dialog(qtbot: QtBot, clinic: Clinic, clock: FakeClock, discharged: int) -> None:
    """A wrong password is refused inline and the dialog stays; the right one signs, locks and empties the worklist."""
    other = second_visit(clinic.sign_in("ann", PASSWORD))
    discharge(clinic.sign_in("ann", PASSWORD), other, clock)
    physician = clinic.sign_in("sam", PASSWORD)
    worklist = WorklistPanel(physician)
    qtbot.addWidget(worklist)
    assert worklist.count == 2
    screen = _screen(qtbot, physician, discharged)
    sign = screen.findChild(QPushButton, "sign_button")
    assert sign.isEnabled()

    sign.click()
    dialog = screen.sign_dialog
    assert dialog is not None and dialog.isVisible() and dialog.objectName() == "sign_dialog"
    subject = dialog.findChild(QLabel, "sign_subject").text()
    assert "NÚÑEZ, Zoë" in subject and physician.today().isoformat() in subject and "Infusion 1 of 8" in subject
    assert dialog.meaning.currentText() == "Reviewed; discharge approved"
    password = dialog.findChild(QLineEdit, "sign_password")
    assert password.echoMode() is QLineEdit.EchoMode.Password

    password.setText("not my password")
    dialog.findChild(QPushButton, "sign_confirm").click()
    assert dialog.isVisible()
    assert "Wrong login or password" in dialog.findChild(QLabel, "sign_message").text()
    assert physician.visits.get(discharged).detail.summary.phase is Phase.DISCHARGED

    password.setText(PASSWORD)
    with qtbot.waitSignal(bus_for(physician).published) as emitted:
        dialog.findChild(QPushButton, "sign_confirm").click()
    assert isinstance(emitted.args[0], Changes) and emitted.args[0].touches_visit(discharged)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert physician.visits.get(discharged).detail.summary.phase is Phase.SIGNED
    line = screen.findChild(QLabel, "review_signature").text()
    assert line.startswith("Electronically signed by Samuel Okonkwo, MD on ")
    assert line.endswith("— Reviewed; discharge approved")
    assert worklist.count == 1
    assert worklist.findChild(QLabel, "worklist_title").text() == "Awaiting signature: 1"
    assert not sign.isEnabled() and "already signed" in sign.toolTip()
    assert screen.findChild(QPushButton, "addendum_button").isEnabled()


def test_an_empty_password_is_not_tried(qtbot: QtBot, clinic: Clinic, discharged: int) -> None:
    """Sign with no password says what is missing and spends none of the five tries."""
    screen = _screen(qtbot, clinic.sign_in("sam", PASSWORD), discharged)
    dialog = screen.open_sign_dialog()
    dialog.findChild(QPushButton, "sign_confirm").click()
    assert dialog.isVisible()
    assert "Type your password" in dialog.findChild(QLabel, "sign_message").text()
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    assert admin.audit.search(actor="sam", action="failed_reauthenticate_to_sign") == []


def test_addendum_appears_after_the_signature_with_its_authors_signature(
    qtbot: QtBot, clinic: Clinic, discharged: int
) -> None:
    """A nurse's addendum, refused without a reason (text kept), is added signed and shown after the signature."""
    clinic.sign_in("sam", PASSWORD).signing.sign_visit(discharged, PASSWORD)
    nurse = clinic.sign_in("ann", PASSWORD)
    screen = _screen(qtbot, nurse, discharged)
    button = screen.findChild(QPushButton, "addendum_button")
    assert button.isEnabled()
    button.click()
    dialog = screen.addendum_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.findChild(QPlainTextEdit, "addendum_text").setPlainText("Escort was her brother, not her sister.")
    dialog.findChild(QLineEdit, "addendum_password").setText(PASSWORD)
    dialog.findChild(QPushButton, "addendum_confirm").click()
    assert dialog.isVisible()
    assert "Reason for the addendum is required" in dialog.findChild(QLabel, "addendum_message").text()
    assert dialog.findChild(QPlainTextEdit, "addendum_text").toPlainText() == "Escort was her brother, not her sister."

    dialog.findChild(QLineEdit, "addendum_reason").setText("Wrong relationship charted")
    with qtbot.waitSignal(bus_for(screen.clinic).published):
        dialog.findChild(QPushButton, "addendum_confirm").click()
    assert not dialog.isVisible()
    stored = nurse.signing.addenda(discharged)
    assert [(a.by, a.text) for a in stored] == [("ann", "Escort was her brother, not her sister.")]
    lines = _entries(screen, "review_addenda")
    assert lines[0].startswith("Addendum 1 — ") and lines[0].endswith("by Ann Rivers, RN")
    assert lines[1] == "Escort was her brother, not her sister.\nReason for the addendum: Wrong relationship charted"
    assert lines[2].startswith("Electronically signed by Ann Rivers, RN on ")
    assert lines[2].endswith("Addendum written and signed by its author")
    page = screen.page_layout
    boxes = [page.itemAt(i).widget() for i in range(page.count()) if isinstance(page.itemAt(i).widget(), QGroupBox)]
    names = [box.objectName() for box in boxes]
    assert names.index("review_addenda_box") == names.index("review_signature_box") + 1
    assert screen.findChild(QLabel, "review_signature").text().startswith("Electronically signed by Samuel Okonkwo")


def test_discharge_override_reason_is_in_the_review(
    qtbot: QtBot, clinic: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """A discharge with a criterion unmet shows the unmet item and the physician's written reason."""
    staff(clinic)
    discharge(
        clinic.sign_in("ann", PASSWORD),
        visit_id,
        clock,
        leave_unticked="escort_present",
        physician=clinic.sign_in("sam", PASSWORD),
    )
    screen = _screen(qtbot, clinic.sign_in("sam", PASSWORD), visit_id)
    checklist = _entries(screen, "review_discharge_checklist")
    assert "✗  Responsible adult escort present — not ticked" in checklist
    discharged = "\n".join(_entries(screen, "review_discharge"))
    assert "Escort arrives in 10 min" in discharged
    assert "Physician override" in discharged and "Samuel Okonkwo, MD" in discharged


def test_a_record_changed_behind_the_open_review_is_not_signed_until_it_is_shown(
    qtbot: QtBot, clinic: Clinic, discharged: int
) -> None:
    """A note corrected at the nurse's workstation while the physician reads: Sign refuses; redrawn, it signs."""
    physician = clinic.sign_in("sam", PASSWORD)
    screen = _screen(qtbot, physician, discharged)
    screen.findChild(QPushButton, "sign_button").click()
    dialog = screen.sign_dialog
    assert dialog is not None
    nurse = clinic.sign_in("ann", PASSWORD)
    note = nurse.visits.get(discharged).detail.notes[0]
    nurse.corrections.correct_note(discharged, note.id, reason="Typo", text=f"{note.text} (corrected)")
    dialog.password.setText(PASSWORD)
    dialog.findChild(QPushButton, "sign_confirm").click()
    assert dialog.isVisible()
    assert "changed while you were reading it" in dialog.findChild(QLabel, "sign_message").text()
    assert physician.visits.get(discharged).detail.summary.phase is Phase.DISCHARGED
    assert any("(corrected)" in line for line in _entries(screen, "review_notes"))  # redrawn with the refusal
    dialog.password.setText(PASSWORD)
    dialog.findChild(QPushButton, "sign_confirm").click()
    assert not dialog.isVisible()
    assert physician.visits.get(discharged).detail.summary.phase is Phase.SIGNED
    assert physician.signing.problems() == []


def test_the_review_redraws_once_a_second_when_another_workstation_saved(
    qtbot: QtBot, clinic: Clinic, discharged: int
) -> None:
    """A note corrected at the nurse's workstation shows on the open review at its next tick; nothing read before."""
    physician = clinic.sign_in("sam", PASSWORD)
    screen = _screen(qtbot, physician, discharged)
    before = _entries(screen, "review_notes")
    screen.tick()
    assert _entries(screen, "review_notes") == before
    nurse = clinic.sign_in("ann", PASSWORD)
    note = nurse.visits.get(discharged).detail.notes[0]
    nurse.corrections.correct_note(discharged, note.id, reason="Typo", text=f"{note.text} (corrected)")
    screen.tick()
    assert any("(corrected)" in line for line in _entries(screen, "review_notes"))
