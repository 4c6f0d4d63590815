"""Pre-assessment section: checklist, weight, baseline and dose entered through the widgets reach the record."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import BASELINE_BP, DOSE_OVERRIDE
from ketadesk.ui.visit.approval import PhysicianAcknowledgement
from ketadesk.ui.visit.pre_assessment.section import PreAssessmentSection
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, quick_argon2


def _section(qtbot: QtBot, clinic: Clinic, visit_id: int) -> PreAssessmentSection:
    section = PreAssessmentSection(clinic, visit_id)
    qtbot.addWidget(section)
    return section


def _started(qtbot: QtBot, nurse: Clinic, visit_id: int) -> PreAssessmentSection:
    nurse.infusion.start_pre_assessment(visit_id)
    return _section(qtbot, nurse, visit_id)


def _tick_all(section: PreAssessmentSection) -> None:
    for line in section.checklist.values():
        if not line.box.isChecked():
            line.box.click()


def _baseline(section: PreAssessmentSection, sbp: str = "128", dbp: str = "80") -> None:
    section.baseline_row.set_values(sbp=sbp, dbp=dbp, hr="72", spo2="98", rr="14")
    section.baseline_row.commit_button.click()


def _weight(section: PreAssessmentSection, kg: str = "70") -> None:
    section.weight.setText(kg)
    section.weight_button.click()


@pytest.fixture(autouse=True)
def _physician_password(clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    """The physician approves at the bedside with their own password."""
    quick_argon2(monkeypatch)


def _acknowledge(dialog: PhysicianAcknowledgement, reason: str) -> None:
    dialog.reason.setPlainText(reason)
    dialog.password.setText(PASSWORDS["doctor"])
    button = dialog.findChild(QPushButton, "acknowledge_button")
    assert button is not None
    button.click()


def test_start_button_begins_the_pre_assessment(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """A scheduled visit offers Start pre-assessment; clicking it moves the visit and unlocks the checklist."""
    section = _section(qtbot, nurse, visit_id)
    line = section.checklist["identity_confirmed"]
    assert not section.start_button.isHidden()
    assert not line.box.isEnabled()
    section.start_button.click()
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.PRE_ASSESSMENT
    assert section.start_button.isHidden()
    assert line.box.isEnabled()


def test_ticking_and_unticking_checklist_items_stores_them(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """Each tick and untick (on the box or its words) is written at once and shows who answered."""
    section = _started(qtbot, nurse, visit_id)
    section.checklist["fasting"].box.click()
    qtbot.mouseClick(section.checklist["iv_access"].text, Qt.MouseButton.LeftButton)  # a click on the words
    detail = nurse.visits.get(visit_id).detail
    assert detail.checklist_answer("pre_infusion", "fasting").checked  # type: ignore[union-attr]
    assert detail.checklist_answer("pre_infusion", "iv_access").checked  # type: ignore[union-attr]
    assert "Maria Santos, RN" in section.checklist["fasting"].by.text()
    section.checklist["fasting"].box.click()
    answer = nurse.visits.get(visit_id).detail.checklist_answer("pre_infusion", "fasting")
    assert answer is not None and not answer.checked
    assert section.checklist["fasting"].by.text().startswith("unticked by Maria Santos")


def test_weight_baseline_and_dose_through_the_widgets_clear_every_blocker(
    qtbot: QtBot, nurse: Clinic, visit_id: int
) -> None:
    """Checklist, weight, baseline and dose entered in the section leave nothing blocking the start."""
    section = _started(qtbot, nurse, visit_id)
    assert "Weight today is not recorded" in section.blockers.text()
    _tick_all(section)
    _weight(section)
    _baseline(section)
    section.lot.setText("kt2301-15")
    section.prepare_button.click()
    assert nurse.infusion.start_blockers(visit_id) == []
    assert section.blockers.text().startswith("✓")
    dose = nurse.visits.get(visit_id).detail.dose
    assert dose is not None and dose.dose_mg == 35.0 and dose.lot_number == "KT2301-15"
    assert "Prepared by Maria Santos, RN" in section.prepared.text()


def test_dose_result_shows_mg_volume_and_rate_as_typed(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """0.5 mg/kg × 70 kg = 35 mg, 35 mL at 1 mg/mL, 52.5 mL/h over 40 min; a bad dose is named, not cleared."""
    section = _started(qtbot, nurse, visit_id)
    assert section.mg_per_kg.text() == "0.5"  # the protocol default: first infusion of this patient
    assert "Record today's weight" in section.result.text()
    _weight(section)
    text = section.result.text()
    assert "0.5 mg/kg × 70 kg = 35 mg" in text
    assert "Volume 35 mL" in text
    assert "52.5 mL/h (52.5 mg/h) over 40 min" in text
    section.mg_per_kg.setText("1")
    assert "70 mg" in section.result.text()
    assert "105 mL/h" in section.result.text()
    section.mg_per_kg.setText("5")
    assert "not a plausible ketamine dose" in section.result.text()
    assert section.mg_per_kg.text() == "5"


def test_refused_weight_keeps_the_text_and_says_why(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """An implausible weight is refused with a message; what was typed stays for correction."""
    section = _started(qtbot, nurse, visit_id)
    _weight(section, "700")
    assert not section.weight_message.isHidden()
    assert section.weight.text() == "700"
    assert nurse.visits.get(visit_id).detail.weight_kg is None


def test_high_baseline_needs_and_gets_a_physician_acknowledgement(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """A baseline of 150/95 shows the requirement; acknowledging through the dialog removes the blocker."""
    section = _started(qtbot, nurse, visit_id)
    assert section.baseline_ack_button.isHidden()
    _baseline(section, "150", "95")
    assert not section.baseline_ack_button.isHidden()
    assert "150/95 is above 140/90" in section.baseline_ack.text()
    assert any("Baseline BP 150/95" in b for b in nurse.infusion.start_blockers(visit_id))
    section.baseline_ack_button.click()
    dialog = section.acknowledgement_dialog
    assert dialog is not None and dialog.subject == BASELINE_BP
    _acknowledge(dialog, "Known hypertension, usual readings 145-150/90-95; proceed.")
    assert not any("Baseline BP" in b for b in nurse.infusion.start_blockers(visit_id))
    assert "Baseline BP" not in section.blockers.text()
    assert section.baseline_ack_button.isHidden()
    assert "Known hypertension" in section.baseline_ack.text()
    ack = nurse.visits.get(visit_id).detail.acknowledgements[-1]
    assert (ack.subject, ack.by) == (BASELINE_BP, "doctor")


def test_dose_step_beyond_the_protocol_needs_a_physician(
    qtbot: QtBot, nurse: Clinic, visit_id: int, patient_id: int, clock: FakeClock
) -> None:
    """After 0.5 mg/kg last time, 0.8 is flagged as typed, and once prepared needs the physician's reason."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit_id)
    course = nurse.scheduling.courses(patient_id)[-1]
    today = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course.id).created_id or 0
    section = _started(qtbot, nurse, today)
    assert section.mg_per_kg.text() == "0.5"  # the previous dose
    _tick_all(section)
    _weight(section)
    _baseline(section)
    section.mg_per_kg.setText("0.8")
    section.lot.setText("KT2311-07")
    assert "step up of 0.3 mg/kg" in section.result.text()
    section.prepare_button.click()
    assert not section.dose_ack_button.isHidden()
    assert any("Dose needs a physician" in b for b in nurse.infusion.start_blockers(today))
    section.dose_ack_button.click()
    dialog = section.acknowledgement_dialog
    assert dialog is not None and dialog.subject == DOSE_OVERRIDE
    _acknowledge(dialog, "Partial response at 0.5; tolerated well. Escalate to 0.8.")
    assert nurse.infusion.start_blockers(today) == []
    assert section.dose_ack_button.isHidden()


def test_refresh_keeps_typing_and_never_writes(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """Repeated refreshes leave half-typed fields alone and add nothing to the record."""
    section = _started(qtbot, nurse, visit_id)
    section.checklist["fasting"].box.click()
    section.weight.setText("7")
    section.mg_per_kg.setText("0.7")
    section.lot.setText("KT")
    audit = nurse.audit.count()
    for _ in range(3):
        clock.advance(seconds=1)
        section.refresh(nurse.visits.get(visit_id))
    nurse.bedside.record_checklist(visit_id, "pre_infusion", "iv_access", True)  # another workstation
    section.refresh(nurse.visits.get(visit_id))
    assert (section.weight.text(), section.mg_per_kg.text(), section.lot.text()) == ("7", "0.7", "KT")
    assert section.checklist["iv_access"].box.isChecked()
    assert nurse.audit.count() == audit + 1


def test_untouched_weight_follows_the_record(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """A weight recorded elsewhere fills the empty field on the next refresh."""
    section = _started(qtbot, nurse, visit_id)
    nurse.infusion.record_weight(visit_id, "82.5")
    section.refresh(nurse.visits.get(visit_id))
    assert section.weight.text() == "82.5"
    assert "82.5 kg" in section.result.text()


def test_inputs_are_read_only_once_the_infusion_has_started(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """After the start every input is locked and shows what was recorded."""
    ready_to_infuse(nurse, visit_id)
    section = _section(qtbot, nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    section.refresh(nurse.visits.get(visit_id))
    assert all(line.box.isChecked() and not line.box.isEnabled() for line in section.checklist.values())
    assert section.weight.isReadOnly() and section.weight.text() == "70"
    assert section.mg_per_kg.isReadOnly() and section.mg_per_kg.text() == "0.5"
    assert section.lot.text() == "KT2301-15"
    assert not section.prepare_button.isEnabled() and not section.weight_button.isEnabled()
    assert section.baseline_row.isHidden()
    assert "BP 128/80" in section.baseline_recorded.text()
    assert "35 mg" in section.result.text()
    assert "infusion started" in section.status.text()


def test_readings_during_the_infusion_leave_the_closed_pre_assessment_alone(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Only the baseline belongs here: a set charted mid-infusion redraws nothing and recalculates no dose."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    section = _section(qtbot, nurse, visit_id)
    section.refresh(nurse.visits.get(visit_id))
    recalculated: list[int] = []
    calculate = nurse.infusion.calculate_dose
    nurse.infusion.calculate_dose = lambda *a, **k: recalculated.append(1) or calculate(*a, **k)  # type: ignore[method-assign]
    clock.advance(minutes=10)
    nurse.bedside.record_vitals(visit_id, sbp=140, dbp=88, hr=80, spo2=97, rr=15)
    section.refresh(nurse.visits.get(visit_id))
    assert recalculated == []
    assert "BP 128/80" in section.baseline_recorded.text()
    baseline = nurse.visits.get(visit_id).detail.baseline
    assert baseline is not None
    nurse.bedside.correct_vitals(
        visit_id, baseline.id, reason="Transposed digits", sbp=126, dbp=80, hr=72, spo2=98, rr=14
    )
    section.refresh(nurse.visits.get(visit_id))
    assert "BP 126/80" in section.baseline_recorded.text()  # a corrected baseline is redrawn


def test_a_nurse_cannot_approve_in_the_physicians_name_without_the_physicians_password(
    qtbot: QtBot, nurse: Clinic, visit_id: int
) -> None:
    """In the dialog a wrong (or empty) password writes nothing; the physician's own one writes their approval."""
    section = _started(qtbot, nurse, visit_id)
    _baseline(section, "150", "95")
    section.baseline_ack_button.click()
    dialog = section.acknowledgement_dialog
    assert dialog is not None and dialog.isVisible()
    entered = dialog.findChild(QLabel, "acknowledgement_entered_by")
    assert entered is not None and "Maria Santos, RN" in entered.text()
    dialog.reason.setPlainText("Proceed")
    button = dialog.findChild(QPushButton, "acknowledge_button")
    assert button is not None
    button.click()
    assert dialog.isVisible() and "types their own password" in dialog.message.text()
    dialog.password.setText(PASSWORDS["nurse"])
    button.click()
    assert dialog.isVisible() and "Wrong login or password" in dialog.message.text()
    assert dialog.password.text() == "" and dialog.reason.toPlainText() == "Proceed"
    assert nurse.visits.get(visit_id).detail.acknowledgements == ()
    dialog.password.setText(PASSWORDS["doctor"])
    button.click()
    assert not dialog.isVisible()
    ack = nurse.visits.get(visit_id).detail.acknowledgements[-1]
    assert (ack.by, ack.entered_by) == ("doctor", "nurse")
