"""Discharge through the clinic API: the observation minimum, every criterion, and the physician's override."""

from __future__ import annotations

import pytest

from ketadesk.clinic import Clinic, PermissionDenied
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.scales import AldreteScore
from tests.clinic.clinic_steps import Refused, chart, tick_discharge
from tests.engines import BOTH_ENGINES
from tests.helpers import password_of

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def test_ready_for_discharge_is_refused_before_30_min(
    nurse: Clinic, observing: int, clock: FakeClock, refused: Refused
) -> None:
    """At 29 min of observation the step is refused saying 1 min is left; at 30 min it is accepted."""
    clock.advance(minutes=29)
    with refused(field="observation") as caught:
        nurse.discharge.mark_ready(observing)
    assert str(caught.value) == "The minimum observation of 30 min has not passed (1 min left)."
    clock.advance(seconds=30)
    with refused(field="observation") as caught:
        nurse.discharge.mark_ready(observing)
    assert "(1 min left)" in str(caught.value)
    clock.advance(seconds=30)
    nurse.discharge.mark_ready(observing)
    assert nurse.visits.get(observing).detail.summary.phase is Phase.READY_FOR_DISCHARGE


def test_ready_for_discharge_is_refused_while_infusing(
    nurse: Clinic, infusing: int, clock: FakeClock, refused: Refused
) -> None:
    """However long the pump has run, a visit still infusing cannot be marked ready; the phase is what is named."""
    clock.advance(minutes=90)
    with refused(field="phase") as caught:
        nurse.discharge.mark_ready(infusing)
    assert "the visit is infusing" in str(caught.value)


def test_observation_counts_from_an_early_stop(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """After stopping early at 10 min, ready for discharge is possible 30 min after the stop."""
    clock.advance(minutes=10)
    nurse.infusion.stop_infusion(infusing, early=True, reason="Nausea, patient asked to stop")
    clock.advance(minutes=30)
    nurse.discharge.mark_ready(infusing)


def test_discharge_lists_every_unmet_criterion(nurse: Clinic, ready: int, refused: Refused) -> None:
    """With nothing ticked, the refusal names each unticked item; criteria judged from the record are met."""
    criteria = {c.key: c for c in nurse.discharge.criteria(ready)}
    assert all(
        criteria[k].met for k in ("observation_elapsed", "aldrete_pass", "sedation_resolved", "vitals_near_baseline")
    )
    with refused(field="discharge") as caught:
        nurse.discharge.discharge(ready)
    message = str(caught.value)
    assert message.startswith("Discharge is blocked:")
    for item in nurse.protocol.discharge_checklist:
        assert (f"{item.label} (not ticked)" in message) is (not item.automatic)


def test_discharge_is_blocked_by_one_missing_item_then_allowed(nurse: Clinic, ready: int, refused: Refused) -> None:
    """With all but the escort ticked only the escort is named; once ticked the patient is discharged."""
    tick_discharge(nurse, ready, skip=("escort_present",))
    with refused(field="discharge") as caught:
        nurse.discharge.discharge(ready)
    assert str(caught.value) == "Discharge is blocked: Responsible adult escort present (not ticked)."
    nurse.bedside.record_checklist(ready, "discharge", "escort_present", True, note="Partner in waiting room")
    nurse.discharge.discharge(ready)
    view = nurse.visits.get(ready)
    assert view.detail.summary.phase is Phase.DISCHARGED
    assert view.detail.events[-1].reason == ""
    assert nurse.maintenance.check() == []


def test_unticking_an_item_blocks_discharge_again(nurse: Clinic, ready: int, refused: Refused) -> None:
    """The latest answer counts: an item ticked and then unticked blocks discharge."""
    tick_discharge(nurse, ready)
    nurse.bedside.record_checklist(ready, "discharge", "steady_gait", False, note="Unsteady standing up")
    with refused(field="discharge") as caught:
        nurse.discharge.discharge(ready)
    assert "Steady gait" in str(caught.value)


def test_sedation_not_resolved_blocks_discharge(nurse: Clinic, ready: int, refused: Refused) -> None:
    """A later MOAA/S of 4 makes the sedation criterion unmet and it is named with the scores."""
    tick_discharge(nurse, ready)
    nurse.bedside.record_sedation(ready, moaas=4, rass=-1)
    with refused(field="discharge") as caught:
        nurse.discharge.discharge(ready)
    assert "MOAA/S 5 and RASS 0 (MOAA/S 4, RASS -1)" in str(caught.value)


def test_failing_aldrete_blocks_discharge(nurse: Clinic, ready: int, refused: Refused) -> None:
    """A later Aldrete of 8 (pass is 9) blocks discharge."""
    tick_discharge(nurse, ready)
    nurse.discharge.record_aldrete(ready, AldreteScore(2, 2, 1, 1, 2))
    with refused(field="discharge") as caught:
        nurse.discharge.discharge(ready)
    assert "Aldrete 8 (pass 9)" in str(caught.value)


def test_vitals_far_from_baseline_block_discharge(nurse: Clinic, ready: int, refused: Refused) -> None:
    """A latest reading more than 20 % above the 128/80 baseline blocks discharge until a closer one is charted."""
    tick_discharge(nurse, ready)
    chart(nurse, ready, sbp=170, dbp=100)
    with refused(field="discharge") as caught:
        nurse.discharge.discharge(ready)
    assert "outside 20 % of baseline" in str(caught.value)
    chart(nurse, ready, sbp=132, dbp=82)
    nurse.discharge.discharge(ready)


def test_physician_override_allows_discharge_with_a_criterion_unmet(
    nurse: Clinic, physician: Clinic, ready: int, refused: Refused
) -> None:
    """Only a physician's written override lets an unmet criterion pass, and the discharge says so."""
    tick_discharge(nurse, ready, skip=("escort_present",))
    with refused(PermissionDenied):
        nurse.bedside.acknowledge_override(
            ready, readiness.DISCHARGE_OVERRIDE, "Taxi arranged", password=password_of(nurse)
        )
    physician.bedside.acknowledge_override(
        ready, readiness.DISCHARGE_OVERRIDE, "Escort delayed; taxi home, called sister", password=password_of(physician)
    )
    nurse.discharge.discharge(ready)
    last = nurse.visits.get(ready).detail.events[-1]
    assert last.phase is Phase.DISCHARGED
    assert last.reason == (
        "Physician override by doctor: Escort delayed; taxi home, called sister — "
        "criteria unmet: Responsible adult escort present (not ticked)"
    )


def test_override_given_before_the_infusion_stopped_does_not_count(
    nurse: Clinic, physician: Clinic, infusing: int, clock: FakeClock, refused: Refused
) -> None:
    """A discharge override speaks for this recovery only: one written during the infusion is not enough."""
    physician.bedside.acknowledge_override(
        infusing, readiness.DISCHARGE_OVERRIDE, "Written too early", password=password_of(physician)
    )
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(infusing)
    nurse.bedside.record_vitals(infusing, sbp=126, dbp=80, hr=72, spo2=98, rr=14)
    clock.advance(minutes=31)
    nurse.discharge.mark_ready(infusing)
    with refused(match="Discharge is blocked"):
        nurse.discharge.discharge(infusing)


def test_discharge_only_from_ready(nurse: Clinic, recovered: int, refused: Refused) -> None:
    """A visit still in observation cannot be discharged, even with every item ticked."""
    tick_discharge(nurse, recovered)
    with refused(field="phase"):
        nurse.discharge.discharge(recovered)


def test_discharged_visit_takes_no_more_bedside_steps(nurse: Clinic, ready: int, refused: Refused) -> None:
    """After discharge, vitals, scores and checklist answers are refused."""
    tick_discharge(nurse, ready)
    nurse.discharge.discharge(ready)
    with refused(field="phase"):
        nurse.bedside.record_vitals(ready, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    with refused(field="phase"):
        nurse.bedside.record_sedation(ready, moaas=5, rass=0)
    with refused(field="phase"):
        nurse.bedside.record_checklist(ready, "discharge", "steady_gait", True)
    with refused(field="phase"):
        nurse.discharge.mark_ready(ready)


@pytest.mark.parametrize(
    ("moaas", "rass", "field"), [(6, 0, "moaas"), (-1, 0, "moaas"), (5, 5, "rass"), (5, -6, "rass")]
)
def test_out_of_range_sedation_scores_are_refused(
    nurse: Clinic, observing: int, refused: Refused, moaas: int, rass: int, field: str
) -> None:
    """MOAA/S outside 0–5 or RASS outside −5…+4 is refused and neither score is stored."""
    with refused(field=field):
        nurse.bedside.record_sedation(observing, moaas=moaas, rass=rass)


def test_incomplete_cadss6_is_refused(nurse: Clinic, infusing: int, refused: Refused) -> None:
    """A CADSS-6 without all six items, or with an item above 4, is refused."""
    with refused(field="cadss6"):
        nurse.bedside.record_cadss6(infusing, {1: 1, 2: 1})
    with refused(field="cadss6 item 1"):
        nurse.bedside.record_cadss6(infusing, {1: 5, 2: 0, 6: 0, 7: 0, 15: 0, 22: 0})
