"""The course screen reads each visit's figures from its extreme readings only: the same figures as the full record."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketadesk.clinic import Clinic
from ketadesk.clinic.course import read_course
from ketadesk.core.clock import FakeClock
from ketadesk.core.course_record import course_visits
from tests.clinic.watch_steps import prepared
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database

READINGS = st.lists(st.tuples(st.integers(110, 175), st.integers(60, 95), st.integers(92, 100)), min_size=1, max_size=6)
"""(SBP, DBP, SpO2) sets, none extreme (the pulse pressure stays above 10)."""


def _figures(nurse: Clinic, course_id: int, *, figures_only: bool) -> list[tuple[object, ...]]:
    visits = course_visits(read_course(nurse.session, course_id, figures_only=figures_only).details)
    return [
        (
            v.visit_id,
            None if v.peak_bp is None else (v.peak_bp.vitals.sbp, v.peak_bp.vitals.dbp),
            v.lowest_spo2,
            v.highest_cadss6,
            v.given,
            v.adverse_events,
            v.started_at,
            v.infused,
            v.early_stop_reason,
        )
        for v in visits
    ]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(readings=READINGS, corrected=st.booleans(), ending=st.sampled_from(["running", "early", "completed"]))
def test_the_narrow_read_gives_the_full_reads_figures(
    nurse: Clinic,
    clock: FakeClock,
    patient_id: int,
    readings: list[tuple[int, int, int]],
    corrected: bool,
    ending: str,
) -> None:
    """Whatever the readings (ties included), a corrected or struck highest one, and an infusion still running,
    stopped early or completed, the peak BP, lowest SpO2, amount given, early stop and every other figure of the
    course screen are those of the visit's whole record (the narrow read keeps only the start and stop steps)."""
    visit_id = prepared(nurse, patient_id, "0.5")
    nurse.infusion.start_infusion(visit_id)
    ids = []
    for sbp, dbp, spo2 in readings:
        clock.advance(minutes=5)
        changes = nurse.bedside.record_vitals(visit_id, sbp=sbp, dbp=dbp, hr=80, spo2=spo2, rr=14)
        ids.append(changes.created_id)
    clock.advance(minutes=1)
    nurse.bedside.record_vitals(visit_id, sbp=176, dbp=99, hr=80, spo2=91, rr=14)  # the highest, then undone
    last = nurse.visits.get(visit_id).detail.vitals[-1].id
    if corrected:
        nurse.bedside.correct_vitals(visit_id, last, reason="Cuff slipped", sbp=130, dbp=80, hr=80, spo2=97, rr=14)
    else:
        nurse.bedside.correct_vitals(visit_id, last, reason="Wrong patient", entered_in_error=True)
    if ending == "early":
        nurse.infusion.stop_infusion(visit_id, early=True, reason="Nausea")  # no amount: calculated from the steps
    elif ending == "completed":
        clock.advance(minutes=45)
        nurse.infusion.stop_infusion(visit_id)
    course_id = nurse.visits.get(visit_id).detail.summary.course_id
    assert course_id is not None
    narrow = _figures(nurse, course_id, figures_only=True)
    assert narrow == _figures(nurse, course_id, figures_only=False)
    peak = next(f for f in narrow if f[0] == visit_id)
    assert peak[1] != (176, 99) and peak[2] != 91
    assert (peak[4] is not None, peak[8]) == (ending != "running", "Nausea" if ending == "early" else None)
