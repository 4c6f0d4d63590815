"""A course walked visit by visit for the watch's clinic tests: each infusion given in full, charted, discharged."""

from __future__ import annotations

from datetime import timedelta

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from tests.clinic.clinic_steps import chart, tick_discharge
from tests.conftest import START
from tests.helpers import ready_to_infuse


def book(nurse: Clinic, patient_id: int) -> int:
    """Today's visit of the patient's latest course, in chair 1."""
    course = nurse.scheduling.courses(patient_id)[-1]
    created = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course.id).created_id
    assert created is not None
    return created


def prepared(nurse: Clinic, patient_id: int, mg_per_kg: str) -> int:
    """Today's visit in pre-assessment with ``mg_per_kg`` prepared (the pump not started)."""
    visit_id = book(nurse, patient_id)
    ready_to_infuse(nurse, visit_id)
    if mg_per_kg != "0.5":
        nurse.infusion.prepare_dose(visit_id, mg_per_kg, "KT2301-16")
    return visit_id


def given(nurse: Clinic, clock: FakeClock, patient_id: int, mg_per_kg: str) -> int:
    """Today's visit given in full at ``mg_per_kg``, observed and discharged."""
    visit_id = prepared(nurse, patient_id, mg_per_kg)
    nurse.infusion.start_infusion(visit_id)
    for _ in range(4):
        clock.advance(minutes=10)
        chart(nurse, visit_id)
    clock.advance(seconds=30)
    nurse.infusion.stop_infusion(visit_id)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    for _ in range(2):
        clock.advance(minutes=15)
        chart(nurse, visit_id)
    nurse.discharge.mark_ready(visit_id)
    tick_discharge(nurse, visit_id)
    nurse.discharge.discharge(visit_id)
    return visit_id


def on_day(clock: FakeClock, day: int) -> None:
    """Move to 09:00 UTC on the course's day ``day`` (day 0 is the tests' start)."""
    clock.set(START + timedelta(days=day))
