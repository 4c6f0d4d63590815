"""Visits for the pictures of the whole record: patients named in Chinese and in Arabic, a corrected reading,
a struck reading and an early stop, each made through the clinic API on a fixed clock.

Used by tools/report_screenshots.py. Every act is made in its author's own session with
their own password: the nurse charts, corrects and stops; the physician answers the
request, countersigns the telephone order, signs and writes the addendum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.protocol import load_protocol
from ketadesk.core.scales import AldreteScore
from ketadesk.core.users import Role

PASSWORD = "screenshot-password-1"
ZONE = "America/New_York"
MORNING = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 09:00 in the clinic's zone


@dataclass(frozen=True, slots=True)
class Made:
    """The clinic the pictures come from, and its visits: (Chinese name's visit, Arabic name's visit)."""

    program: Clinic
    chinese: tuple[int, int]
    """(visit, course) of the patient named in Chinese: a reading corrected, one struck, stopped at 26 minutes."""
    arabic: tuple[int, int]
    """(visit, course) of the patient named in Arabic: her second infusion, stopped at 3 minutes."""


def _patient(mrn: str, family: str, given: str, born: date, sex: Sex, allergies: str) -> Patient:
    return Patient(
        mrn=mrn,
        family_name=family,
        given_name=given,
        date_of_birth=born,
        sex=sex,
        weight_kg=70.0,
        diagnoses=(Diagnosis.TREATMENT_RESISTANT_DEPRESSION,),
        allergies=allergies,
        medications="Sertraline 100 mg",
        substance_use=False,
        substance_use_note="",
        contraindications="",
    )


def _visit(
    nurse: Clinic, doctor: Clinic, clock: FakeClock, patient_id: int, *, run_min: int, fixes: bool, note: str
) -> int:
    """One visit: approval asked and given, a telephone order, the dose prepared twice, readings (one corrected and
    one struck when ``fixes``), nausea and ondansetron, the pump stopped early at ``run_min``, ``note``, discharge,
    signing and an addendum."""
    course = nurse.scheduling.courses(patient_id)[-1]
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course.id).created_id
    assert visit_id is not None
    nurse.infusion.start_pre_assessment(visit_id)
    for item in nurse.protocol.pre_infusion_checklist:
        nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
    nurse.infusion.record_weight(visit_id, "70")
    nurse.bedside.record_vitals(visit_id, sbp=152, dbp=96, hr=72, spo2=98, rr=14)
    nurse.infusion.prepare_dose(visit_id, "0.4", "KT2301-14")
    why = "Baseline 152/96, calm, treated hypertension"
    request = nurse.orders.request_approval(
        visit_id, readiness.BASELINE_BP, why, "BP 152/96", physician_login="doctor"
    ).created_id
    assert request is not None
    doctor.orders.approve_request(request, "Proceed; recheck at 10 min", password=PASSWORD)
    order = nurse.orders.record_verbal_order(
        visit_id, readiness.BASELINE_BP, "Proceed at 0.5 mg/kg", "BP 152/96",
        physician_login="doctor", mode="telephone", read_back=True,
    ).created_id  # fmt: skip
    assert order is not None
    clock.advance(minutes=3)
    nurse.infusion.prepare_dose(visit_id, "0.5", "KT2301-15")
    nurse.infusion.start_infusion(visit_id)
    run = 0
    for minute in range(3, run_min, 3):
        clock.advance(minutes=3)
        run = minute
        taken = nurse.bedside.record_vitals(visit_id, sbp=134, dbp=82, hr=96 if minute == 6 else 76, spo2=97, rr=14)
        if fixes and minute == 6:
            reason = "Typed HR 96 for 69: the monitor still showed the previous patient's rate; rechecked at the wrist"
            nurse.bedside.correct_vitals(
                visit_id, taken.created_id or 0, reason=reason, sbp="134", dbp="82", hr="69", spo2="97", rr="14"
            )
        if fixes and minute == 9:
            nurse.bedside.correct_vitals(
                visit_id, taken.created_id or 0, reason="Entered in the wrong chart (chair 3)", entered_in_error=True
            )
        if minute == 12:
            event = nurse.bedside.record_adverse_event(visit_id, "nausea", "Nausea, no vomiting").created_id
            nurse.bedside.record_intervention(
                visit_id, drug="Ondansetron", dose="4 mg", route="IV", adverse_event_id=event, note="Settled"
            )
    clock.advance(minutes=run_min - run)
    nurse.infusion.stop_infusion(visit_id, early=True, reason="Distressing dissociation; patient asked to stop")
    for _ in range(11):
        clock.advance(minutes=3)
        nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=70, spo2=98, rr=14)
    nurse.bedside.add_note(visit_id, "nursing", note)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    nurse.discharge.mark_ready(visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
    nurse.discharge.discharge(visit_id)
    doctor.orders.countersign_order(order, password=PASSWORD)
    clock.advance(minutes=10)
    doctor.signing.sign_visit(visit_id, PASSWORD)
    clock.advance(minutes=40)
    doctor.signing.add_addendum(visit_id, "Phoned at home: slept, no nausea since.", "Follow-up call", PASSWORD)
    return visit_id


def build(folder: Path) -> Made:
    """A clinic in ``folder`` with its staff, the two patients and their visits."""
    clock = FakeClock(MORNING)
    # The clinic's own zone, so the pictures show the same times on any workstation.
    text = default_protocol_text()
    assert 'time_zone = ""' in text, "the shipped protocol sets no zone; these pictures set theirs"
    protocol = load_protocol(text.replace('time_zone = ""', f'time_zone = "{ZONE}"'))
    program = Clinic.open(folder / "record.sqlite", clock, protocol)
    admin = program.setup_clinic(login="admin", display_name="Rita Lindgren", credentials="", password=PASSWORD)
    admin.accounts.create_user("nurse", "Maria Santos", "RN", frozenset({Role.NURSE}), PASSWORD)
    admin.accounts.create_user("doctor", "Samuel Okonkwo", "MD", frozenset({Role.PHYSICIAN}), PASSWORD)
    nurse, doctor = program.sign_in("nurse", PASSWORD), program.sign_in("doctor", PASSWORD)
    wang = _patient("KD-60001", "王", "秀英", date(1979, 5, 2), Sex.FEMALE, "青霉素（皮疹）")
    haddad = _patient("KD-60002", "الحداد", "ليلى", date(1988, 9, 17), Sex.FEMALE, "لا يوجد")
    ids = []
    for patient in (wang, haddad):
        patient_id = nurse.patients.register(patient).created_id
        assert patient_id is not None
        nurse.scheduling.plan_course(patient_id, nurse.today())
        ids.append(patient_id)
    chinese = _visit(nurse, doctor, clock, ids[0], run_min=26, fixes=True, note="停止后病人平静，家属在候诊室等候。")
    clock.advance(timedelta(hours=2))
    _completed(nurse, clock, ids[1])
    clock.advance(timedelta(days=2))
    arabic = _visit(nurse, doctor, clock, ids[1], run_min=3, fixes=False, note="المريضة هادئة بعد إيقاف التسريب.")
    courses = [nurse.scheduling.courses(patient_id)[-1].id for patient_id in ids]
    return Made(program, (chinese, courses[0]), (arabic, courses[1]))


def _completed(nurse: Clinic, clock: FakeClock, patient_id: int) -> int:
    """A visit whose infusion ran its planned 40 minutes (left discharged, not signed)."""
    course = nurse.scheduling.courses(patient_id)[-1]
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 2, course_id=course.id).created_id
    assert visit_id is not None
    nurse.infusion.start_pre_assessment(visit_id)
    for item in nurse.protocol.pre_infusion_checklist:
        nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
    nurse.infusion.record_weight(visit_id, "70")
    nurse.bedside.record_vitals(visit_id, sbp=126, dbp=80, hr=72, spo2=98, rr=14)
    nurse.infusion.prepare_dose(visit_id, "0.5", "KT2301-15")
    nurse.infusion.start_infusion(visit_id)
    for _ in range(13):
        clock.advance(minutes=3)
        nurse.bedside.record_vitals(visit_id, sbp=130, dbp=82, hr=74, spo2=97, rr=14)
    clock.advance(minutes=1)
    nurse.infusion.stop_infusion(visit_id)
    for _ in range(11):
        clock.advance(minutes=3)
        nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=70, spo2=98, rr=14)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    nurse.discharge.mark_ready(visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
    nurse.discharge.discharge(visit_id)
    return visit_id
