"""The physician acknowledges a flag: the flag's text and inputs, a required note, their own password again."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.evaluate import RaisedFlag
from ketadesk.core.watch.flags import WatchRule
from ketadesk.ui.watch.acknowledge import AcknowledgeDialog
from tests.helpers import PASSWORDS
from tests.ui.watch_steps import flagged_course, shot

NOTE = "0.75 mg/kg is her effective dose; tolerance and misuse risks discussed, stays at 0.75"


def _creep(clinic: Clinic, course_id: int) -> RaisedFlag:
    return next(f for f in clinic.watch.flags(course_id) if f.flag.rule is WatchRule.DOSE_CREEP)


def _dialog(qtbot: QtBot, clinic: Clinic, course_id: int) -> AcknowledgeDialog:
    dialog = AcknowledgeDialog(clinic, course_id, _creep(clinic, course_id))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _refusal(dialog: AcknowledgeDialog, field: str) -> str:
    return dialog.fields[field][1].text()


def test_the_dialog_shows_the_flag_its_inputs_and_who_acknowledges(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """What is acknowledged is on the dialog: the rule's finding, every input, and the physician's own name."""
    course = flagged_course(nurse, physician, clock)
    dialog = _dialog(qtbot, physician, course.course_id)
    flag = _creep(physician, course.course_id).flag
    assert dialog.findChild(QLabel, "acknowledge_flag_text").text() == flag.text
    inputs = dialog.findChild(QLabel, "acknowledge_flag_inputs").text()
    assert all(f"{i.name}: {i.value}" in inputs for i in flag.inputs) and len(flag.inputs) == 3
    assert dialog.findChild(QLabel, "acknowledge_signer").text() == "Samuel Okonkwo, MD"
    assert dialog.save_button.isEnabled()
    dialog.note.setPlainText(NOTE)
    shot(dialog, "gui_watch_acknowledge")


def test_a_wrong_password_says_so_and_keeps_the_note(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Refused under the password field; the note stays as typed, the password field is emptied; nothing written."""
    course = flagged_course(nurse, physician, clock)
    dialog = _dialog(qtbot, physician, course.course_id)
    dialog.note.setPlainText(NOTE)
    dialog.password.setText("not my password")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.result_changes is None
    assert "Wrong login or password" in _refusal(dialog, "password")
    assert dialog.note.toPlainText() == NOTE and dialog.password.text() == ""
    assert dialog.focusWidget() is dialog.password
    assert _creep(physician, course.course_id).open
    dialog.password.setText(PASSWORDS["doctor"])
    dialog.save_button.click()
    assert not dialog.isVisible() and dialog.result_changes is not None
    acknowledgement = _creep(physician, course.course_id).acknowledgement
    assert acknowledgement is not None and (acknowledgement.by, acknowledgement.note) == ("doctor", NOTE)


def test_the_note_is_required_and_an_empty_password_is_not_tried(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """No password: said at once, no try counted. No note: refused under the note before the password is checked."""
    course = flagged_course(nurse, physician, clock)
    dialog = _dialog(qtbot, physician, course.course_id)
    dialog.note.setPlainText(NOTE)
    dialog.save_button.click()
    assert _refusal(dialog, "password") == "⚠ Type your own password to acknowledge."
    assert dialog.note.toPlainText() == NOTE
    dialog.note.setPlainText("   ")
    dialog.password.setText(PASSWORDS["doctor"])
    dialog.save_button.click()
    assert dialog.isVisible() and "Note" in _refusal(dialog, "note")
    assert _refusal(dialog, "password") == ""  # the password was not the problem
    assert dialog.fields["note"][0].styleSheet() != ""  # the refused field is marked
    assert _creep(physician, course.course_id).open


def test_a_nurse_cannot_acknowledge_and_is_told_why(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """The button is greyed with the reason; pressed anyway (Enter in the password field), the clinic refuses it."""
    course = flagged_course(nurse, physician, clock)
    dialog = _dialog(qtbot, nurse, course.course_id)
    assert not dialog.save_button.isEnabled()
    assert "physician" in dialog.message.text().lower()
    dialog.note.setPlainText("Seen")
    dialog.password.setText(PASSWORDS["nurse"])
    dialog.password.returnPressed.emit()
    assert dialog.isVisible() and "physician" in dialog.message.text().lower()
    assert dialog.note.toPlainText() == "Seen" and _creep(nurse, course.course_id).open


def test_a_flag_acknowledged_meanwhile_is_refused_naming_who(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """Two physicians on one flag: the second is told the first acknowledged it, and keeps what they typed."""
    course = flagged_course(nurse, physician, clock)
    dialog = _dialog(qtbot, physician, course.course_id)
    physician.watch.acknowledge_flag(
        course.course_id, dialog.raised.flag.fingerprint, "Seen at the bedside", password=PASSWORDS["doctor"]
    )
    dialog.note.setPlainText(NOTE)
    dialog.password.setText(PASSWORDS["doctor"])
    dialog.save_button.click()
    assert dialog.isVisible() and "already acknowledged by doctor" in dialog.message.text()
    assert dialog.note.toPlainText() == NOTE
