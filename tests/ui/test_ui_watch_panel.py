"""The watch panel of one course: the history on top, each flag with its rule and inputs, requests, screenings."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QStackedWidget, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import RequestDecision, ScreeningKind
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import run_write
from ketadesk.ui.watch.acknowledge import AcknowledgeDialog
from ketadesk.ui.watch.panel import HISTORY_STYLE, WatchPanel
from ketadesk.ui.watch.requests import DecideDialog, RequestDialog
from ketadesk.ui.watch.rows import FlagRow
from ketadesk.ui.watch.screening import ScreeningDialog
from tests.helpers import PASSWORDS, make_patient
from tests.ui.watch_steps import HISTORY, Course, flagged_course, shot
from tests.ui.windows_shown import windows_shown


def _panel(qtbot: QtBot, clinic: Clinic, course_id: int) -> WatchPanel:
    panel = WatchPanel(clinic, course_id)
    qtbot.addWidget(panel)
    panel.resize(900, 1000)
    panel.show()
    return panel


def _row(panel: WatchPanel, rule: WatchRule) -> FlagRow:
    return next(r for r in panel.flag_rows if r.raised.flag.rule is rule)


def test_the_history_is_on_top_and_each_flag_names_its_rule_and_inputs(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Dose creep, refused requests, overdue screenings: each with its rule, version and the values it used."""
    course = flagged_course(nurse, physician, clock)
    panel = _panel(qtbot, physician, course.course_id)
    layout = panel.layout()
    assert layout is not None and layout.itemAt(0).widget() is panel.substance  # above everything, not scrolled
    assert panel.substance.text() == f"⚠ Substance-use history: {HISTORY}"
    assert panel.substance.styleSheet() == HISTORY_STYLE
    creep = _row(panel, WatchRule.DOSE_CREEP)
    assert "Dose creep: 0.75 mg/kg on" in creep.heading.text() and "(rule dose-creep v1)" in creep.heading.text()
    assert "today's dose: 0.75 mg/kg" in creep.inputs.text() and "[watch] dose_creep_factor" in creep.inputs.text()
    refused = _row(panel, WatchRule.REFUSED_REQUESTS)
    assert "(rule refused-requests v1)" in refused.heading.text()
    overdue = [r for r in panel.flag_rows if r.raised.flag.rule is WatchRule.SCREENING_OVERDUE]
    assert len(overdue) == 3  # every kind but the AUDIT-C on record
    assert all(r.status.text().startswith("Not acknowledged") for r in panel.flag_rows)
    assert "Benefit wearing off sooner: no outcome scores recorded" in panel.unjudged.text()


def test_a_course_without_history_says_none_is_recorded(qtbot: QtBot, nurse: Clinic, patient_id: int) -> None:
    """No history: the top line still says so, quietly; a new course has no flag yet, which is said too."""
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    panel = _panel(qtbot, nurse, course_id)
    assert panel.substance.text() == "No substance-use history recorded"
    assert panel.substance.styleSheet() != HISTORY_STYLE
    assert panel.flag_rows == [] and panel.findChild(QLabel, "watch_no_flags") is not None


def test_the_physicians_acts_are_greyed_for_a_nurse_with_the_reason(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """A nurse sees Acknowledge… and Decide… but cannot press them; she may record requests and screenings."""
    course = flagged_course(nurse, physician, clock)
    panel = _panel(qtbot, nurse, course.course_id)
    acknowledge = _row(panel, WatchRule.DOSE_CREEP).acknowledge
    assert acknowledge.isVisible() and not acknowledge.isEnabled()
    assert "physician" in acknowledge.toolTip().lower()
    pending = next(r for r in panel.request_rows if r.request.id == course.pending_request)
    assert not pending.decide.isHidden() and not pending.decide.isEnabled()
    assert panel.record_request.isEnabled() and panel.record_screening.isEnabled()
    decided = [r for r in panel.request_rows if r.request.decision is not None]
    assert len(decided) == 2 and all(r.decide.isHidden() for r in decided)
    assert all(r.status.text().startswith("Refused by Samuel Okonkwo, MD on ") for r in decided)


def test_the_physician_acknowledges_from_the_panel_and_it_shows_who_when_and_the_note(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Acknowledge… opens the dialog with the flag; saved, the row says who, when and the note, and the button goes."""
    course = flagged_course(nurse, physician, clock)
    panel = _panel(qtbot, physician, course.course_id)
    _row(panel, WatchRule.DOSE_CREEP).acknowledge.click()
    dialog = panel.dialog
    assert isinstance(dialog, AcknowledgeDialog) and dialog.isVisible()
    assert dialog.findChild(QLabel, "acknowledge_flag_text").text().startswith("Dose creep: 0.75 mg/kg")
    dialog.findChild(QPlainTextEdit, "acknowledge_note").setPlainText("0.75 mg/kg is her effective dose")
    dialog.password.setText(PASSWORDS["doctor"])
    dialog.save_button.click()
    assert not dialog.isVisible()
    row = _row(panel, WatchRule.DOSE_CREEP)  # drawn again from the record
    assert row.status.text() == (
        "Acknowledged by Samuel Okonkwo, MD on 2026-12-01 09:00: 0.75 mg/kg is her effective dose"
    )
    assert row.acknowledge.isHidden() and row.heading.text().startswith("✓ ")
    assert not _row(panel, WatchRule.REFUSED_REQUESTS).acknowledge.isHidden()  # the others still wait
    panel.resize(900, 1120)  # all of it in the picture: the screenings under the requests
    QApplication.processEvents()  # the resize laid out before the picture is taken
    shot(panel, "gui_watch_panel")


def test_decide_record_a_request_and_a_screening_open_their_dialogs(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Each button opens its dialog for this course (or its patient); a decision saved shows on the request."""
    course = flagged_course(nurse, physician, clock)
    panel = _panel(qtbot, physician, course.course_id)
    next(r for r in panel.request_rows if r.request.id == course.pending_request).decide.click()
    decide = panel.dialog
    assert isinstance(decide, DecideDialog) and decide.request.id == course.pending_request
    decide.choices[RequestDecision.GRANTED].setChecked(True)
    decide.reason.setPlainText("Brought forward: low mood this week")
    decide.save_button.click()
    assert not decide.isVisible()
    granted = next(r for r in panel.request_rows if r.request.id == course.pending_request)
    assert granted.status.text().startswith("Granted by Samuel Okonkwo, MD") and granted.decide.isHidden()
    panel.record_request.click()
    assert isinstance(panel.dialog, RequestDialog) and panel.dialog.course_id == course.course_id
    panel.dialog.reject()
    panel.record_screening.click()
    assert isinstance(panel.dialog, ScreeningDialog) and panel.dialog.patient_id == course.patient_id


def test_the_screenings_show_each_result_and_when_next_due(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """One row a kind: the AUDIT-C on record with its next due day; the others never done, overdue, in words."""
    course = flagged_course(nurse, physician, clock)
    table = _panel(qtbot, nurse, course.course_id).findChild(QTableWidget, "watch_screenings")
    rows = {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text()) for r in range(4)}
    assert rows["AUDIT-C"][0].startswith("AUDIT-C 2 on 2026-11-29") and "by Maria Santos, RN" in rows["AUDIT-C"][0]
    assert rows["AUDIT-C"][1] == "Next due 2027-02-27 (every 90 days)"
    assert rows["Urine drug screen"] == ("Never done", "OVERDUE since 2026-11-24 (every 90 days)")
    assert rows["Prescription-monitoring check"][1] == "OVERDUE since 2026-11-24 (every 30 days)"


def test_the_panel_redraws_when_another_session_writes_to_the_watch(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """A screening recorded through the UI in the nurse's panel shows at once in the physician's panel."""
    course = flagged_course(nurse, physician, clock)
    watching = _panel(qtbot, physician, course.course_id)
    assert len([r for r in watching.flag_rows if r.raised.flag.rule is WatchRule.SCREENING_OVERDUE]) == 3
    writing = _panel(qtbot, nurse, course.course_id)
    writing.record_screening.click()
    dialog = writing.dialog
    assert isinstance(dialog, ScreeningDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ScreeningKind.DAST_10.value))
    dialog.score.setText("1")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert len([r for r in watching.flag_rows if r.raised.flag.rule is WatchRule.SCREENING_OVERDUE]) == 2


def test_a_hidden_panel_waits_and_catches_up_when_shown(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Behind another page it only marks itself stale; shown again, it reads the watch once."""
    course: Course = flagged_course(nurse, physician, clock)
    panel = _panel(qtbot, physician, course.course_id)
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    stack.addWidget(panel)
    other = QWidget()
    stack.addWidget(other)
    stack.show()
    stack.setCurrentWidget(other)
    writing = _panel(qtbot, nurse, course.course_id)
    writing.record_request.click()
    dialog = writing.dialog
    assert isinstance(dialog, RequestDialog)
    dialog.kind.setCurrentIndex(0)
    dialog.save_button.click()
    assert panel.stale and len(panel.request_rows) == 3
    stack.setCurrentWidget(panel)
    assert not panel.stale and len(panel.request_rows) == 4


def test_the_patients_history_recorded_later_shows_at_once(qtbot: QtBot, nurse: Clinic, patient_id: int) -> None:
    """The history is the patient's record: edited, the panel's top line follows."""
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    panel = _panel(qtbot, nurse, course_id)
    edited = make_patient(substance_use=True, substance_use_note="Opioid use disorder, on buprenorphine")
    assert run_write(nurse, MessageLine("edit_message"), lambda: nurse.patients.edit(patient_id, edited)) is not None
    assert panel.substance.text() == "⚠ Substance-use history: Opioid use disorder, on buprenorphine"


def test_no_button_of_a_row_opens_as_a_window_of_its_own(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Open flags and an undecided request: their buttons are shown inside their rows, never as windows first.

    A button shown before its row's layout took it flashed up as a little window of its own on a
    desktop (and cost a native window each time the course opened).
    """
    course = flagged_course(nurse, physician, clock)
    with windows_shown() as shown:
        panel = _panel(qtbot, physician, course.course_id)
        qtbot.waitUntil(panel.isVisible)
        panel.refresh()  # a redraw builds the rows again
    assert [r.acknowledge.isVisibleTo(panel) for r in panel.flag_rows] == [True] * len(panel.flag_rows)
    assert any(r.decide.isVisibleTo(panel) for r in panel.request_rows)
    assert shown == ["watch_panel"]
