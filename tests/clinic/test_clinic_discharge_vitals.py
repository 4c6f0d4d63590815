"""Discharge while vitals are overdue: refused with the reason, allowed after a final set or a physician's override."""

from __future__ import annotations

from ketadesk.clinic import Clinic
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from tests.clinic.clinic_steps import Refused, chart, tick_discharge
from tests.engines import BOTH_ENGINES
from tests.helpers import password_of

pytestmark = BOTH_ENGINES  # on a file and on a server's database

REASON = "Vitals are overdue: record a final set before discharge, or a physician's override"


def _overdue(nurse: Clinic, ready: int, clock: FakeClock) -> None:
    """Everything ticked, then the 15-minute interval passes with no new set."""
    tick_discharge(nurse, ready)
    clock.advance(minutes=1)
    assert nurse.visits.get(ready).timers.vitals_overdue


def test_discharge_is_refused_while_vitals_are_overdue(
    nurse: Clinic, ready: int, clock: FakeClock, refused: Refused
) -> None:
    """With every other criterion met, an overdue set alone blocks discharge and the refusal says what to do."""
    _overdue(nurse, ready, clock)
    unmet = [c for c in nurse.discharge.criteria(ready) if not c.met]
    assert [c.key for c in unmet] == [readiness.FINAL_VITALS.key]
    with refused(field="discharge") as caught:
        nurse.discharge.discharge(ready)
    assert str(caught.value) == f"Discharge is blocked: Vital signs up to date ({REASON})."
    assert nurse.visits.get(ready).detail.summary.phase is Phase.READY_FOR_DISCHARGE


def test_a_final_set_lets_the_patient_go(nurse: Clinic, ready: int, clock: FakeClock) -> None:
    """Charting a final set clears it: the criterion holds and the discharge goes through with no reason needed."""
    _overdue(nurse, ready, clock)
    chart(nurse, ready, sbp=128, dbp=80)
    assert all(c.met for c in nurse.discharge.criteria(ready))
    nurse.discharge.discharge(ready)
    last = nurse.visits.get(ready).detail.events[-1]
    assert (last.phase, last.reason) == (Phase.DISCHARGED, "")


def test_a_physician_override_lets_it_through_and_says_so(
    nurse: Clinic, physician: Clinic, ready: int, clock: FakeClock
) -> None:
    """A physician's discharge override passes it; the discharge records the override and the overdue vitals."""
    _overdue(nurse, ready, clock)
    physician.bedside.acknowledge_override(
        ready, readiness.DISCHARGE_OVERRIDE, "Seen at the desk; well, going home", password=password_of(physician)
    )
    nurse.discharge.discharge(ready)
    last = nurse.visits.get(ready).detail.events[-1]
    assert last.phase is Phase.DISCHARGED
    assert last.reason == (
        f"Physician override by doctor: Seen at the desk; well, going home — criteria unmet: Vital signs up to date "
        f"({REASON})"
    )


def test_not_yet_due_is_no_blocker(nurse: Clinic, ready: int) -> None:
    """Straight after the recovery fixture's last set (15 min ago, due now, not late) discharge is allowed."""
    tick_discharge(nurse, ready)
    assert not nurse.visits.get(ready).timers.vitals_overdue
    nurse.discharge.discharge(ready)
    assert nurse.visits.get(ready).detail.summary.phase is Phase.DISCHARGED
