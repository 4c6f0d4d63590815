"""A measure taken for this visit corrected from the pre-assessment: its answers shown, a reason asked."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.ui.visit.workspace import VisitWorkspace
from tests.ui.outcome_steps import CALM_PHQ9, FLAGGING_PHQ9, choose, ready_workspace

PHQ9 = InstrumentKey.PHQ9


@pytest.fixture
def workspace(qtbot: QtBot, nurse: Clinic, visit_id: int) -> VisitWorkspace:
    """The visit's workspace, every pre-infusion gate met but the outcome measures."""
    return ready_workspace(qtbot, nurse, visit_id)


def test_a_taken_measure_is_corrected_with_a_reason_and_the_original_kept(
    nurse: Clinic, workspace: VisitWorkspace, patient_id: int
) -> None:
    """Item 9 tapped as 2 by mistake: Correct… shows the answers, refuses without a reason, then replaces them."""
    box = workspace.pre_assessment.outcomes
    form = box.enter(PHQ9)
    choose(form, FLAGGING_PHQ9)
    form.save_button.click()
    assert workspace.banner.risk.isVisible()
    assert box.correct_buttons[PHQ9].isEnabled() and not box.enter_buttons[PHQ9].isEnabled()
    box.correct_buttons[PHQ9].click()
    fix = box.form
    assert fix is not None and fix.correcting is not None and fix.answers() == FLAGGING_PHQ9
    assert fix.reason.isVisible()
    choose(fix, CALM_PHQ9)
    fix.save_button.click()
    assert fix.isVisible() and "Reason" in fix.message.text()
    assert fix.answers() == CALM_PHQ9  # nothing chosen is lost to the refusal
    fix.reason.setText("Item 9 tapped by mistake; the patient answered 0")
    fix.save_button.click()
    assert not fix.isVisible()
    rows = nurse.outcomes.measures(patient_id)
    assert len(rows) == 2 and rows[1].corrects_id == rows[0].id
    assert rows[1].correction_reason == "Item 9 tapped by mistake; the patient answered 0"
    [counted] = nurse.outcomes.current(patient_id)
    assert dict(counted.answers) == CALM_PHQ9
    assert not workspace.banner.risk.isVisible()  # the corrected answer raises no flag


def test_nothing_to_correct_before_a_measure_is_taken(workspace: VisitWorkspace) -> None:
    assert PHQ9 not in workspace.pre_assessment.outcomes.correct_buttons


def test_a_measure_entered_for_the_wrong_patient_is_struck_with_a_reason_and_is_due_again(
    nurse: Clinic, workspace: VisitWorkspace, patient_id: int
) -> None:
    """Strike… names what is struck and who entered it, refuses without a reason keeping the dialog, then strikes:
    the measure stays in the record, counts no more, its flag goes, and the instrument is due again."""
    box = workspace.pre_assessment.outcomes
    form = box.enter(PHQ9)
    choose(form, FLAGGING_PHQ9)
    form.save_button.click()
    assert workspace.banner.risk.isVisible()
    assert box.states[PHQ9].text() == "DONE" and box.strike_buttons[PHQ9].isEnabled()
    box.strike_buttons[PHQ9].click()
    dialog = box.strike_dialog
    assert dialog is not None and dialog.isVisible() and dialog.editor is None
    recorded = dialog.findChild(QLabel, "correction_recorded")
    assert recorded is not None and "PHQ-9, total" in recorded.text() and "Maria Santos, RN" in recorded.text()
    dialog.save_button.click()
    assert dialog.isVisible() and "Reason" in dialog.message.text()
    assert len(nurse.outcomes.measures(patient_id)) == 1  # nothing written by the refusal
    dialog.reason.setText("Entered for the wrong patient")
    dialog.save_button.click()
    assert not dialog.isVisible()
    original, struck = nurse.outcomes.measures(patient_id)
    assert struck.entered_in_error and struck.corrects_id == original.id
    assert struck.correction_reason == "Entered for the wrong patient"
    assert list(nurse.outcomes.current(patient_id)) == []
    assert not workspace.banner.risk.isVisible()
    assert box.states[PHQ9].text() != "DONE" and box.enter_buttons[PHQ9].isEnabled()
    assert PHQ9 not in box.strike_buttons
