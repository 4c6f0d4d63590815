"""The nurse's outcome-measure entry from the pre-assessment, the risk flag on tile and banner, and its answer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.clinic.outcomes import Outcomes
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.risk import RiskLevel
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.phases import Phase
from ketadesk.ui.board import ChairBoard
from ketadesk.ui.kit.colours import ALERT_COLOUR
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import run_write
from ketadesk.ui.outcomes.measure_form import MeasureForm
from ketadesk.ui.outcomes.risk_dialog import RiskAssessmentDialog
from ketadesk.ui.visit.workspace import VisitWorkspace
from tests.helpers import PASSWORDS, ready_to_infuse
from tests.ui.outcome_steps import CALM_PHQ9, FLAGGING_PHQ9, choose, ready_workspace, shoot

PHQ9 = InstrumentKey.PHQ9


@pytest.fixture
def workspace(qtbot: QtBot, nurse: Clinic, visit_id: int) -> VisitWorkspace:
    """The visit's workspace, every pre-infusion gate met but the outcome measures."""
    return ready_workspace(qtbot, nurse, visit_id)


def _enter(workspace: VisitWorkspace, answers: dict[int, int]) -> MeasureForm:
    form = workspace.pre_assessment.outcomes.enter(PHQ9)
    choose(form, answers)
    return form


def _assessment(workspace: VisitWorkspace) -> RiskAssessmentDialog:
    assert workspace.banner.risk.assess_button.isVisible()
    workspace.banner.risk.assess_button.click()
    dialog = workspace.banner.risk.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_a_phq9_entered_from_the_pre_assessment_is_saved_and_flags_tile_and_banner(
    qtbot: QtBot, nurse: Clinic, workspace: VisitWorkspace, patient_id: int
) -> None:
    """Enter… opens the form; the total is core's; Save stores it as the nurse's; the flag shows on banner and tile."""
    box = workspace.pre_assessment.outcomes
    assert box.states[PHQ9].text() == "DUE"
    box.enter_buttons[PHQ9].click()
    form = box.form
    assert form is not None and form.isVisible()
    assert "No permission required" in form.findChild(type(form.total), "measure_licence").text()
    choose(form, FLAGGING_PHQ9)
    assert form.total.text().startswith("Total: 11 (of 0–27) · moderate")
    shoot(form, "gui_measure_form.png")
    form.save_button.click()
    assert not form.isVisible()
    [measure] = nurse.outcomes.current(patient_id)
    assert (measure.instrument, measure.mode, measure.entered_by) == (PHQ9, EntryMode.NURSE, "nurse")
    assert dict(measure.answers) == FLAGGING_PHQ9
    assert box.states[PHQ9].text() == "DONE"
    banner = workspace.banner.risk
    assert banner.isVisible()
    assert "high priority" in banner.text.text() and "needs a risk assessment" in banner.text.text()
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    board.resize(900, 700)
    board.show()
    tile = board.tile(1)
    assert tile.risk_flag.isVisible()
    assert "HIGH PRIORITY" in tile.risk_flag.text()


def test_a_calm_phq9_raises_no_flag(nurse: Clinic, workspace: VisitWorkspace) -> None:
    """Item 9 at 0: nothing on the banner, and the infusion may start."""
    _enter(workspace, CALM_PHQ9).save_button.click()
    assert not workspace.banner.risk.isVisible()
    assert workspace.pre_assessment.start_infusion_button.isEnabled()


def test_the_infusion_cannot_start_until_the_risk_is_assessed(
    nurse: Clinic, workspace: VisitWorkspace, visit_id: int
) -> None:
    """The flag is named as what stops the start; the assessment refuses a missing level or action, then clears it."""
    section = workspace.pre_assessment
    assert section.start_infusion_button.isEnabled()
    _enter(workspace, FLAGGING_PHQ9).save_button.click()
    assert not section.start_infusion_button.isEnabled()
    assert "Suicide-risk flag (high priority)" in section.blockers.text()
    assert section.blockers.text().splitlines()[1].startswith("•  Suicide-risk flag")  # first of what is needed
    workspace.tabs.setCurrentIndex(1)  # the monitoring tab's Start says the same, and is refused naming the flag
    assert "Suicide-risk flag (high priority)" in workspace.monitoring.start_blockers.text()
    workspace.monitoring.start_button.click()
    assert "Suicide-risk flag" in workspace.monitoring.infusion_message.text()
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.PRE_ASSESSMENT
    workspace.tabs.setCurrentIndex(0)
    dialog = _assessment(workspace)
    dialog.assess_button.click()
    assert "level" in dialog.assessment_message.text().lower()
    dialog.level_buttons[next(iter(dialog.level_buttons))].click()
    dialog.assess_button.click()
    assert "Action taken" in dialog.assessment_message.text()
    assert dialog.isVisible()
    dialog.action.setPlainText("Safety plan reviewed with the patient; psychiatrist informed; follow-up call tomorrow")
    dialog.assess_button.click()
    assert not dialog.isVisible()
    assert "assessed: low risk by Maria Santos, RN" in workspace.banner.risk.text.text()  # by name, not login
    assert not workspace.banner.risk.assess_button.isVisible()
    assert section.start_infusion_button.isEnabled()
    section.start_infusion_button.click()
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.INFUSING


def test_a_physician_overrides_the_flag_with_their_own_password(
    nurse: Clinic, workspace: VisitWorkspace, patient_id: int
) -> None:
    """A wrong password is refused and nothing is written; the physician's own password and a reason clear the flag."""
    _enter(workspace, FLAGGING_PHQ9).save_button.click()
    dialog = _assessment(workspace)
    dialog.level_buttons[RiskLevel.MODERATE].click()
    dialog.action.setPlainText("Safety plan made with the patient; her sister will stay with her tonight")
    shoot(dialog, "gui_risk_assessment.png")
    dialog.reason.setPlainText("Assessed by me in clinic this morning; plan in place")
    dialog.password.setText("not-the-password")
    dialog.override_button.click()
    assert dialog.isVisible() and dialog.override_message.isVisible()
    assert nurse.outcomes.risk_flags(patient_id)[0].override is None
    assert dialog.reason.toPlainText().startswith("Assessed by me")  # kept
    dialog.password.setText(PASSWORDS["doctor"])
    dialog.override_button.click()
    assert not dialog.isVisible()
    flag = nurse.outcomes.risk_flags(patient_id)[0]
    assert flag.override is not None and flag.override.by == "doctor"
    assert workspace.pre_assessment.start_infusion_button.isEnabled()


def test_an_unanswered_item_is_named_and_every_answer_kept(
    nurse: Clinic, workspace: VisitWorkspace, patient_id: int
) -> None:
    """Save with item 4 left: the refusal names item 4, outlines it, stores nothing and keeps the other answers."""
    form = _enter(workspace, {n: v for n, v in FLAGGING_PHQ9.items() if n != 4})
    assert "item 4" in form.total.text()  # the total says what is missing before Save
    form.save_button.click()
    assert form.isVisible()
    assert "PHQ-9 item 4: not answered" in form.message.text()
    assert form.choices[4].styleSheet() and not form.choices[3].styleSheet()
    assert nurse.outcomes.measures(patient_id) == []
    assert form.answers() == {n: v for n, v in FLAGGING_PHQ9.items() if n != 4}
    form.choices[4].choose(1)
    assert not form.choices[4].styleSheet()
    form.save_button.click()
    assert not form.isVisible()
    assert len(nurse.outcomes.measures(patient_id)) == 1


def test_an_overdue_measure_shows_on_the_tile(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """A visit still in pre-assessment the day after it was booked: the tile names the measures overdue, in words."""
    nurse.infusion.start_pre_assessment(visit_id)
    clock.advance(minutes=24 * 60)
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    board.show()
    tile = board.tile(1)
    assert tile.measures_overdue.isVisible()
    assert "PHQ-9 overdue since" in tile.measures_overdue.text()
    assert "GAD-7 overdue since" in tile.measures_overdue.text()
    assert not tile.risk_flag.isVisible()
    nurse.outcomes.record_measure(visit_id, PHQ9, FLAGGING_PHQ9)  # taken late: the flag, and GAD-7 still overdue
    board.tick()
    assert "HIGH PRIORITY" in tile.risk_flag.text() and tile.risk_flag.isVisible()
    assert f"border: 3px solid {ALERT_COLOUR}" in tile.styleSheet()  # the tile's frame too, with the words
    assert "PHQ-9" not in tile.measures_overdue.text() and "GAD-7 overdue" in tile.measures_overdue.text()
    board.resize(900, 700)
    shoot(board, "gui_tile_risk.png")


def test_a_flag_raised_elsewhere_reaches_the_tile_and_banner_at_the_next_tick(
    qtbot: QtBot, nurse: Clinic, workspace: VisitWorkspace, visit_id: int
) -> None:
    """A measure committed without this screen's write path (another window) shows at the next once-a-second tick."""
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    board.show()
    assert not board.tile(1).risk_flag.text()
    nurse.outcomes.record_measure(visit_id, PHQ9, FLAGGING_PHQ9)  # not published here
    board.tick()
    workspace.tick()
    assert "HIGH PRIORITY" in board.tile(1).risk_flag.text()
    assert "high priority" in workspace.banner.risk.text.text()


def test_the_flag_is_the_first_thing_still_needed(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """With the checklist not yet ticked, the raised flag is listed above it, first of all."""
    nurse.infusion.start_pre_assessment(visit_id)
    nurse.outcomes.record_measure(visit_id, PHQ9, FLAGGING_PHQ9)
    workspace = VisitWorkspace(nurse, visit_id)
    qtbot.addWidget(workspace)
    needed = workspace.pre_assessment.blockers.text().splitlines()
    assert needed[1].startswith("•  Suicide-risk flag (high priority)")
    assert needed[2].startswith("•  Checklist: 10 items not ticked")


def test_an_answer_to_an_item_that_may_be_left_can_be_cleared(workspace: VisitWorkspace) -> None:
    """PHQ-9 item 10 has Clear; the items always asked have none."""
    form = _enter(workspace, FLAGGING_PHQ9)
    clear = form.findChild(QPushButton, "clear_item_10")
    assert clear is not None and form.findChild(QPushButton, "clear_item_9") is None
    clear.click()
    assert 10 not in form.answers() and form.choices[10].value() is None


def test_a_reading_does_not_read_the_outcome_marks_again(
    qtbot: QtBot, nurse: Clinic, visit_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter on the vitals row redraws the board and the visit without one more outcome read (the hot path)."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    workspace = VisitWorkspace(nurse, visit_id)
    qtbot.addWidget(workspace)
    workspace.show()
    board = ChairBoard(nurse)
    qtbot.addWidget(board)
    board.show()
    reads: list[str] = []
    for name in ("marks", "risk_flags", "due"):
        read = getattr(Outcomes, name)
        monkeypatch.setattr(Outcomes, name, lambda self, key, r=read, n=name: reads.append(n) or r(self, key))
    run_write(
        nurse,
        MessageLine("probe"),
        lambda: nurse.bedside.record_vitals(visit_id, sbp=120, dbp=80, hr=70, spo2=98, rr=14),
        workspace,
    )
    board.tick()
    workspace.tick()
    assert reads == []
    assert workspace.monitoring.isVisible()  # the reading was drawn where the nurse looks


def test_the_form_is_filled_from_the_keyboard_one_key_an_item(
    qtbot: QtBot, workspace: VisitWorkspace, patient_id: int, nurse: Clinic
) -> None:
    """Typing each answer's number chooses it and moves to the next item; after the last, Save has the keyboard."""
    form = workspace.pre_assessment.outcomes.enter(PHQ9)
    form.choices[1].buttons[0].setFocus()
    for number in range(1, 11):
        focused = form.focusWidget()
        assert focused is not None and focused.parentWidget() is form.choices[number]
        qtbot.keyClicks(focused, str(FLAGGING_PHQ9[number]))
    assert form.answers() == FLAGGING_PHQ9
    assert form.focusWidget() is form.save_button
    qtbot.keyClick(form.save_button, Qt.Key.Key_Space)
    assert len(nurse.outcomes.measures(patient_id)) == 1
