"""A patient's request written down through its dialog, and a physician's decision on it through its own."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.records import PatientRequest, RequestDecision, RequestKind
from ketadesk.ui.watch.form import WatchForm
from ketadesk.ui.watch.requests import DecideDialog, RequestDialog
from tests.ui.watch_steps import flagged_course

SAID = "Asked for an extra infusion this week: 'I can't wait till the 15th'"


def _show(qtbot: QtBot, dialog: WatchForm) -> None:
    qtbot.addWidget(dialog)
    dialog.show()


def _refusal(dialog: WatchForm, field: str) -> str:
    return dialog.fields[field][1].text()


def _requests(clinic: Clinic, course_id: int) -> tuple[PatientRequest, ...]:
    return clinic.watch.state(course_id).requests


def test_a_request_is_written_down_with_when_the_patient_asked(
    qtbot: QtBot, nurse: Clinic, patient_id: int, clock: FakeClock
) -> None:
    """What, in the patient's words, and when: yesterday at 16:30 as typed; the nurse's name on it."""
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    dialog = RequestDialog(nurse, course_id)
    _show(qtbot, dialog)
    assert dialog.when.day.text() == nurse.today().isoformat()  # today, now, to begin with
    dialog.kind.setCurrentIndex(dialog.kind.findData(RequestKind.EXTRA_INFUSION.value))
    dialog.detail.setPlainText(SAID)
    yesterday = clock.now().astimezone() - timedelta(days=1)
    dialog.when.day.setText(yesterday.date().isoformat())
    dialog.when.clock.setTime(QTime(16, 30))
    dialog.save_button.click()
    assert not dialog.isVisible() and dialog.result_changes is not None
    (request,) = _requests(nurse, course_id)
    assert (request.kind, request.detail, request.entered_by) == (RequestKind.EXTRA_INFUSION, SAID, "nurse")
    asked = request.requested_at.astimezone()
    assert (asked.date(), asked.hour, asked.minute) == (yesterday.date(), 16, 30)


def test_bad_input_is_said_by_its_field_and_what_was_typed_stays(
    qtbot: QtBot, nurse: Clinic, patient_id: int, clock: FakeClock
) -> None:
    """No kind chosen, then a day that is no date, then tomorrow: each refused under its field, the words kept."""
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    dialog = RequestDialog(nurse, course_id)
    _show(qtbot, dialog)
    dialog.detail.setPlainText(SAID)
    dialog.save_button.click()
    assert _refusal(dialog, "kind") == "⚠ Choose what the patient asked for."
    assert dialog.fields["kind"][0].styleSheet() != ""
    dialog.kind.setCurrentIndex(dialog.kind.findData(RequestKind.HIGHER_DOSE.value))
    dialog.when.day.setText("31 Feb")
    dialog.save_button.click()
    assert _refusal(dialog, "kind") == "" and _refusal(dialog, "requested_at") != ""
    assert dialog.when.day.text() == "31 Feb" and dialog.focusWidget() is dialog.when.day.edit
    tomorrow = clock.now().astimezone() + timedelta(days=1)
    dialog.when.day.setText(tomorrow.date().isoformat())
    dialog.save_button.click()
    assert "When asked is in the future" in _refusal(dialog, "requested_at")
    dialog.when.day.setText((clock.now().astimezone() - timedelta(days=31)).date().isoformat())
    dialog.save_button.click()
    assert "only the last 30 days may be entered" in _refusal(dialog, "requested_at")
    assert dialog.isVisible() and dialog.detail.toPlainText() == SAID
    assert dialog.kind.currentData() == RequestKind.HIGHER_DOSE.value
    assert _requests(nurse, course_id) == ()


def test_the_physician_grants_or_refuses_saying_why(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """No choice and no reason are each said by their field; refused with a reason, the record names him."""
    course = flagged_course(nurse, physician, clock)
    request = next(r for r in _requests(physician, course.course_id) if r.id == course.pending_request)
    dialog = DecideDialog(physician, request)
    _show(qtbot, dialog)
    assert "An earlier visit — “Asked to come back in 5 days”" in dialog.findChild(QLabel, "decide_request").text()
    assert dialog.findChild(QLabel, "decide_physician").text() == "Samuel Okonkwo, MD"
    dialog.reason.setPlainText("Keep the planned interval; the taper is working")
    dialog.save_button.click()
    assert _refusal(dialog, "decision") == "⚠ Choose Granted or Refused."
    dialog.choices[RequestDecision.REFUSED].setChecked(True)
    dialog.reason.setPlainText("   ")
    dialog.save_button.click()
    assert _refusal(dialog, "decision") == "" and "Why" in _refusal(dialog, "reason")
    assert dialog.choices[RequestDecision.REFUSED].isChecked()
    dialog.reason.setPlainText("Keep the planned interval; the taper is working")
    dialog.save_button.click()
    assert not dialog.isVisible()
    decided = next(r for r in _requests(physician, course.course_id) if r.id == course.pending_request)
    assert decided.decision is not None
    assert (decided.decision.decision, decided.decision.decided_by) == (RequestDecision.REFUSED, "doctor")


def test_a_nurse_cannot_decide_and_her_reason_is_kept(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Greyed with the reason; asked anyway, the clinic refuses it and nothing is decided."""
    course = flagged_course(nurse, physician, clock)
    request = next(r for r in _requests(nurse, course.course_id) if r.id == course.pending_request)
    dialog = DecideDialog(nurse, request)
    _show(qtbot, dialog)
    assert not dialog.save_button.isEnabled() and "physician" in dialog.message.text().lower()
    assert dialog.findChild(QLabel, "decide_physician").text() == "a physician, in their own session"
    dialog.choices[RequestDecision.GRANTED].setChecked(True)
    dialog.reason.setPlainText("She is struggling")
    dialog.decide()
    assert dialog.isVisible() and "physician" in dialog.message.text().lower()
    assert dialog.reason.toPlainText() == "She is struggling"
    pending = next(r for r in _requests(nurse, course.course_id) if r.id == course.pending_request)
    assert pending.decision is None


def test_a_request_decided_meanwhile_is_refused_naming_the_decision(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """The dialog opened on an undecided request; decided elsewhere first, the second decision is refused in place."""
    course = flagged_course(nurse, physician, clock)
    request = next(r for r in _requests(physician, course.course_id) if r.id == course.pending_request)
    dialog = DecideDialog(physician, request)
    _show(qtbot, dialog)
    physician.watch.decide_request(request.id, RequestDecision.GRANTED, "Brought forward")
    dialog.choices[RequestDecision.REFUSED].setChecked(True)
    dialog.reason.setPlainText("Not indicated")
    dialog.save_button.click()
    assert dialog.isVisible() and "already granted by doctor" in dialog.message.text()
