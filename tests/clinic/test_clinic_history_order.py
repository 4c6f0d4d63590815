"""A history's readings come visit by visit, each visit's in the time they were taken, late entries included.

The history reads every visit's readings in one query ordered by visit (the index's order, with no
sort of them all); a reading entered late with an earlier time must still take its place in time.
"""

from __future__ import annotations

from datetime import timedelta

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from tests.helpers import ready_to_infuse, visit_today


def test_a_late_entry_takes_its_place_in_time_in_each_visit_of_the_history(nurse: Clinic, clock: FakeClock) -> None:
    first, second = visit_today(nurse, "KD-00001", 1), visit_today(nurse, "KD-00002", 2)
    patient_of_first = nurse.visits.get(first).detail.summary.patient_id
    nurse.scheduling.schedule_visit(patient_of_first, nurse.today() + timedelta(days=2), 1)
    for visit in (first, second):
        ready_to_infuse(nurse, visit)
    clock.advance(timedelta(minutes=20))
    nurse.bedside.record_vitals(first, sbp=131, dbp=81, hr=70, spo2=98, rr=14)
    nurse.bedside.record_vitals(second, sbp=132, dbp=82, hr=70, spo2=98, rr=14)
    nurse.bedside.record_vitals(
        first, sbp=133, dbp=83, hr=70, spo2=98, rr=14, taken_at=clock.now() - timedelta(minutes=10)
    )
    history = nurse.patients.history(patient_of_first)
    visit = next(v for v in history.visits if v.summary.id == first)
    assert [r.vitals.sbp for r in visit.vitals] == [128, 133, 131]
    assert [r.vitals.taken_at for r in visit.vitals] == sorted(r.vitals.taken_at for r in visit.vitals)
    assert visit.vitals == nurse.visits.get(first).detail.vitals  # the one visit's own read agrees
    assert all(r.visit_id == first for r in visit.vitals)
