"""A treatment course walked through the clinic API, day by day, for the course view and course screen tests.

Four visits of one patient's induction-8 course (70 kg, 0.5 mg/kg: 35 mg): on day 0 a full
infusion (peak 152/94, CADSS-6 7), on day 2 one stopped early at 26 of 40 minutes (the nurse
corrected the amount to 20 mg; peak 168/100, CADSS-6 11, nausea), on day 4 a visit cancelled,
on day 7 a visit booked and not yet begun. Each infused visit is discharged; none is signed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from tests.helpers import make_patient, ready_to_infuse

EARLY_REASON = "Distressing dissociation"


@dataclass(frozen=True, slots=True)
class WalkedCourse:
    """The course and its four visits, in date order."""

    patient_id: int
    course_id: int
    start: date
    full: int
    early: int
    cancelled: int
    booked: int


def _morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def infuse(
    nurse: Clinic,
    clock: FakeClock,
    patient_id: int,
    course_id: int,
    day: date,
    *,
    peak: tuple[int, int],
    cadss: dict[int, int],
    stop_at_min: int | None = None,
    given_mg: str | None = None,
    nausea: bool = False,
    check_in: Callable[[int], object] | None = None,
) -> int:
    """One visit on ``day``: baseline, the pump, a reading at ``peak`` after 10 minutes, CADSS-6, then the stop
    (at the planned end, or early at ``stop_at_min`` with :data:`EARLY_REASON`), observation and discharge.
    ``check_in`` is called with the visit booked, before anything is charted (outcome measures, say)."""
    clock.set(_morning(day))
    visit_id = nurse.scheduling.schedule_visit(patient_id, day, 1, course_id=course_id).created_id
    assert visit_id is not None
    if check_in is not None:
        check_in(visit_id)
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    nurse.bedside.record_vitals(visit_id, sbp=peak[0], dbp=peak[1], hr=80, spo2=97, rr=14)
    nurse.bedside.record_cadss6(visit_id, cadss)
    if nausea:
        nurse.bedside.record_adverse_event(visit_id, "nausea", "Nausea, no vomiting")
    if stop_at_min is None:
        remaining = nurse.visits.get(visit_id).timers.infusion_remaining
        assert remaining is not None
        clock.advance(remaining)
        nurse.infusion.stop_infusion(visit_id)
    else:
        clock.advance(minutes=stop_at_min - 10)
        nurse.infusion.stop_infusion(visit_id, early=True, reason=EARLY_REASON, given_mg=given_mg)
    for _ in range(3):
        clock.advance(minutes=15)
        nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=70, spo2=98, rr=14)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    nurse.discharge.mark_ready(visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
    nurse.discharge.discharge(visit_id)
    return visit_id


def walk_course(nurse: Clinic, clock: FakeClock, *, mrn: str = "KD-30001") -> WalkedCourse:
    """The four visits of the module docstring, from today (the clock's day) on; the clock ends on day 7."""
    start = nurse.today()
    patient_id = nurse.patients.register(make_patient(mrn)).created_id
    assert patient_id is not None
    course_id = nurse.scheduling.plan_course(patient_id, start).created_id
    assert course_id is not None
    full = infuse(
        nurse, clock, patient_id, course_id, start, peak=(152, 94), cadss={1: 2, 2: 2, 6: 1, 7: 0, 15: 1, 22: 1}
    )
    early = infuse(
        nurse,
        clock,
        patient_id,
        course_id,
        start + timedelta(days=2),
        peak=(168, 100),
        cadss={1: 2, 2: 3, 6: 2, 7: 1, 15: 2, 22: 1},
        stop_at_min=26,
        given_mg="20",
        nausea=True,
    )
    clock.set(_morning(start + timedelta(days=4)))
    cancelled = nurse.scheduling.schedule_visit(patient_id, start + timedelta(days=4), 2, course_id=course_id)
    assert cancelled.created_id is not None
    nurse.scheduling.cancel_visit(cancelled.created_id, "Patient unwell, rebooking")
    clock.set(_morning(start + timedelta(days=7)) - timedelta(hours=1))
    booked = nurse.scheduling.schedule_visit(patient_id, start + timedelta(days=7), 3, course_id=course_id)
    assert booked.created_id is not None
    return WalkedCourse(patient_id, course_id, start, full, early, cancelled.created_id, booked.created_id)
