"""A visit through the clinic API from check-in to discharge, and the gates before the pump may start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import NEXT_PHASES, Phase
from ketadesk.core.scales import AldreteScore
from ketadesk.store import visits as store_visits
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from tests.clinic.clinic_steps import Refused, row_counts
from tests.engines import BOTH_ENGINES
from tests.helpers import password_of, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _phases(clinic: Clinic, visit_id: int) -> list[Phase]:
    return [e.phase for e in clinic.visits.get(visit_id).detail.events]


def test_whole_visit_from_check_in_to_discharge(nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """Every step of a normal visit is accepted in order, each write adds audit entries, and the chain verifies."""
    audit = [nurse.audit.count()]

    def step(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        result = call(*args, **kwargs)
        audit.append(nurse.audit.count())
        assert audit[-1] > audit[-2], f"{call.__name__} wrote no audit entry"
        return result

    step(nurse.infusion.start_pre_assessment, visit_id)
    for item in nurse.protocol.pre_infusion_checklist:
        step(nurse.bedside.record_checklist, visit_id, "pre_infusion", item.key, True)
    step(nurse.infusion.record_weight, visit_id, "70,4")
    baseline = step(
        nurse.bedside.record_vitals, visit_id, sbp="128", dbp="80", hr="72", spo2="98", rr="14", temp_c="36,8"
    )
    assert baseline.warnings == ()
    dose = step(nurse.infusion.prepare_dose, visit_id, "0.5", "kt2301-15")
    assert dose.warnings == ()
    assert nurse.infusion.start_blockers(visit_id) == []
    clock.advance(minutes=3)
    step(nurse.infusion.start_infusion, visit_id)
    for minute in (10, 20, 30, 40):
        clock.advance(minutes=10)
        step(nurse.bedside.record_vitals, visit_id, sbp=132, dbp=84, hr=78, spo2=97, rr=14)
        if minute == 20:
            step(nurse.bedside.record_sedation, visit_id, moaas=4, rass=-1)
            step(nurse.bedside.record_cadss6, visit_id, {1: 2, 2: 1, 6: 2, 7: 0, 15: 1, 22: 0})
            step(nurse.bedside.add_note, visit_id, "dissociation", "Floating feeling, calm; music helped.")
    step(nurse.infusion.stop_infusion, visit_id)
    step(nurse.bedside.record_vitals, visit_id, sbp=126, dbp=80, hr=74, spo2=98, rr=14)
    clock.advance(minutes=30)
    step(nurse.bedside.record_vitals, visit_id, sbp=124, dbp=78, hr=70, spo2=99, rr=14)
    step(nurse.bedside.record_sedation, visit_id, moaas=5, rass=0)
    step(nurse.discharge.record_aldrete, visit_id, AldreteScore(2, 2, 2, 2, 2))
    step(nurse.discharge.mark_ready, visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            step(nurse.bedside.record_checklist, visit_id, "discharge", item.key, True)
    assert all(c.met for c in nurse.discharge.criteria(visit_id))
    step(nurse.discharge.discharge, visit_id)

    view = nurse.visits.get(visit_id)
    assert _phases(nurse, visit_id) == [
        Phase.SCHEDULED,
        Phase.PRE_ASSESSMENT,
        Phase.INFUSING,
        Phase.OBSERVATION,
        Phase.READY_FOR_DISCHARGE,
        Phase.DISCHARGED,
    ]
    assert all(e.by == "nurse" for e in view.detail.events[1:])
    assert view.detail.weight_kg == 70.4
    assert view.detail.dose is not None
    assert (view.detail.dose.dose_mg, view.detail.dose.lot_number) == (35.2, "KT2301-15")
    assert view.detail.baseline is not None and view.detail.baseline.vitals.temp_c == 36.8
    assert len(view.detail.vitals) == 7
    cadss = view.detail.latest_score("cadss6")
    assert cadss is not None and cadss.total == 6
    assert view.timers.infusion_elapsed == timedelta(minutes=40)
    assert nurse.maintenance.check() == []


def test_phase_steps_follow_the_allowed_order(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """Steps out of order are refused with the phase named and nothing written."""
    with refused(field="phase") as caught:
        nurse.infusion.start_infusion(visit_id)
    assert "scheduled" in str(caught.value)
    with refused(field="phase"):
        nurse.bedside.record_vitals(visit_id, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    with refused(field="phase"):
        nurse.infusion.stop_infusion(visit_id)
    with refused(field="phase"):
        nurse.discharge.discharge(visit_id)
    nurse.infusion.start_pre_assessment(visit_id)
    with refused(field="phase"):
        nurse.infusion.start_pre_assessment(visit_id)
    with refused(field="phase"):
        nurse.bedside.record_checklist(visit_id, "discharge", "steady_gait", True)
    events = nurse.visits.get(visit_id).detail.events
    for before, after in pairwise(events):
        assert after.phase in NEXT_PHASES[before.phase]


def test_start_is_blocked_with_every_reason_listed(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """With nothing charted the refusal lists the checklist items, weight, baseline and dose; each fix removes one."""
    nurse.infusion.start_pre_assessment(visit_id)
    with refused(field="start") as caught:
        nurse.infusion.start_infusion(visit_id)
    message = str(caught.value)
    assert message.startswith("The infusion cannot start yet:")
    for item in nurse.protocol.pre_infusion_checklist:
        assert f"Checklist: {item.label}" in message
    for reason in ("Weight today is not recorded", "Baseline vital signs are not recorded", "The dose is not prepared"):
        assert reason in message

    for item in nurse.protocol.pre_infusion_checklist:
        nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
    assert not any(b.startswith("Checklist") for b in nurse.infusion.start_blockers(visit_id))
    nurse.infusion.record_weight(visit_id, 70)
    nurse.bedside.record_vitals(visit_id, sbp=120, dbp=78, hr=70, spo2=98, rr=14)
    assert nurse.infusion.start_blockers(visit_id) == ["The dose is not prepared"]
    nurse.infusion.prepare_dose(visit_id, 0.5, "KT-1")
    assert nurse.infusion.start_blockers(visit_id) == []
    nurse.infusion.start_infusion(visit_id)
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.INFUSING


def test_unticked_checklist_item_blocks_again(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """The latest answer counts: unticking one item after ticking it blocks the start again, naming it."""
    ready_to_infuse(nurse, visit_id)
    nurse.bedside.record_checklist(visit_id, "pre_infusion", "fasting", False, note="Ate toast at 8")
    with refused(field="start") as caught:
        nurse.infusion.start_infusion(visit_id)
    assert "Nothing to eat for 4 h" in str(caught.value)


def test_bad_checklist_requests_are_refused(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """Unknown checklists or items, and automatic discharge criteria, cannot be ticked."""
    nurse.infusion.start_pre_assessment(visit_id)
    with refused(field="checklist"):
        nurse.bedside.record_checklist(visit_id, "post_infusion", "fasting", True)
    with refused(field="item"):
        nurse.bedside.record_checklist(visit_id, "pre_infusion", "no_such_item", True)
    with refused(field="note"):
        nurse.bedside.record_checklist(visit_id, "pre_infusion", "fasting", True, note="bell\x07")


def test_dose_for_another_weight_must_be_recalculated(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """A dose prepared for 70 kg blocks the start once today's weight says 80 kg, until it is prepared again."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.record_weight(visit_id, 80)
    with refused(field="start") as caught:
        nurse.infusion.start_infusion(visit_id)
    assert "recalculate" in str(caught.value)
    nurse.infusion.prepare_dose(visit_id, 0.5, "KT-1")
    dose = nurse.visits.get(visit_id).detail.dose
    assert dose is not None and dose.dose_mg == 40.0
    nurse.infusion.start_infusion(visit_id)


def test_high_baseline_bp_needs_a_physician(nurse: Clinic, physician: Clinic, visit_id: int, refused: Refused) -> None:
    """A baseline of 150/85 blocks the start; a nurse's acknowledgement is refused, a physician's lets it start."""
    ready_to_infuse(nurse, visit_id, sbp=150, dbp=85)
    assert nurse.infusion.start_blockers(visit_id) == [
        "Baseline BP 150/85 is above 140/90: a physician must acknowledge it"
    ]
    with refused(field="start"):
        nurse.infusion.start_infusion(visit_id)
    with refused(PermissionDenied) as caught:
        nurse.bedside.acknowledge_override(
            visit_id, readiness.BASELINE_BP, "Looks fine to me", password=password_of(nurse)
        )
    assert "physician" in str(caught.value)
    with refused(field="reason"):
        physician.bedside.acknowledge_override(visit_id, readiness.BASELINE_BP, "  ", password=password_of(physician))
    physician.bedside.acknowledge_override(
        visit_id, readiness.BASELINE_BP, "Anxious on arrival; recheck 138/84", password=password_of(physician)
    )
    assert nurse.infusion.start_blockers(visit_id) == []
    nurse.infusion.start_infusion(visit_id)
    ack = nurse.visits.get(visit_id).detail.acknowledgements[-1]
    assert (ack.subject, ack.by) == (readiness.BASELINE_BP, "doctor")


@pytest.mark.parametrize(("sbp", "dbp", "blocked"), [(140, 90, False), (141, 80, True), (130, 91, True)])
def test_baseline_limit_is_above_140_over_90(nurse: Clinic, visit_id: int, sbp: int, dbp: int, blocked: bool) -> None:
    """Exactly 140/90 needs no acknowledgement; one mmHg more in either number does."""
    ready_to_infuse(nurse, visit_id, sbp=sbp, dbp=dbp)
    assert any("Baseline BP" in b for b in nurse.infusion.start_blockers(visit_id)) is blocked


def _second_visit(nurse: Clinic, clock: FakeClock, first: int, patient_id: int) -> int:
    """Finish the first infusion at 0.5 mg/kg and book the same patient's next visit in chair 2."""
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(first)
    course = nurse.scheduling.courses(patient_id)[-1]
    second = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 2, course_id=course.id).created_id
    assert second is not None
    return second


def test_step_up_of_half_a_mg_per_kg_needs_a_physician(
    nurse: Clinic, physician: Clinic, infusing: int, patient_id: int, clock: FakeClock, refused: Refused
) -> None:
    """From 0.5 to 1.0 mg/kg is a step of 0.5 (> 0.25): warned on preparing, blocked until a physician acknowledges."""
    second = _second_visit(nurse, clock, infusing, patient_id)
    ready_to_infuse(nurse, second)
    assert nurse.infusion.previous_dose(second) == 0.5
    change = nurse.infusion.prepare_dose(second, "1.0", "KT-2")
    assert change.warnings == ("a step up of 0.5 mg/kg from the previous 0.5 mg/kg is more than 0.25 mg/kg",)
    with refused(field="start") as caught:
        nurse.infusion.start_infusion(second)
    assert "Dose needs a physician's acknowledgement" in str(caught.value)
    with refused(PermissionDenied):
        nurse.bedside.acknowledge_override(second, readiness.DOSE_OVERRIDE, "Agreed", password=password_of(nurse))
    physician.bedside.acknowledge_override(
        second, readiness.DOSE_OVERRIDE, "Partial response at 0.5; escalate per plan", password=password_of(physician)
    )
    assert nurse.infusion.start_blockers(second) == []
    nurse.infusion.start_infusion(second)
    assert nurse.visits.get(second).detail.summary.phase is Phase.INFUSING


def test_dose_acknowledgement_covers_only_the_dose_it_saw(
    nurse: Clinic, physician: Clinic, infusing: int, patient_id: int, clock: FakeClock
) -> None:
    """Preparing the dose again after the physician's acknowledgement needs a new acknowledgement."""
    second = _second_visit(nurse, clock, infusing, patient_id)
    ready_to_infuse(nurse, second)
    nurse.infusion.prepare_dose(second, "1.0", "KT-2")
    physician.bedside.acknowledge_override(second, readiness.DOSE_OVERRIDE, "Escalate", password=password_of(physician))
    nurse.infusion.prepare_dose(second, "1.0", "KT-3")
    assert any("Dose needs" in b for b in nurse.infusion.start_blockers(second))


def test_step_up_of_a_quarter_needs_no_physician(
    nurse: Clinic, infusing: int, patient_id: int, clock: FakeClock
) -> None:
    """From 0.5 to 0.75 mg/kg is within the allowed step: no warning, no blocker."""
    second = _second_visit(nurse, clock, infusing, patient_id)
    ready_to_infuse(nurse, second)
    assert nurse.infusion.prepare_dose(second, "0.75", "KT-2").warnings == ()
    assert nurse.infusion.start_blockers(second) == []


def test_dose_acknowledgement_needs_a_prepared_dose(physician: Clinic, visit_id: int, refused: Refused) -> None:
    """A physician cannot acknowledge a dose that has not been prepared; unknown subjects are refused too."""
    physician.infusion.start_pre_assessment(visit_id)
    with refused(field="dose"):
        physician.bedside.acknowledge_override(
            visit_id, readiness.DOSE_OVERRIDE, "Fine", password=password_of(physician)
        )
    with refused(field="subject"):
        physician.bedside.acknowledge_override(visit_id, "anything", "Fine", password=password_of(physician))


@pytest.mark.parametrize(
    ("mg_per_kg", "lot", "field"),
    [
        ("abc", "KT-1", "mg_per_kg"),
        ("5", "KT-1", "mg_per_kg"),
        ("0.5", "", "lot_number"),
        ("0.5", "KT 1", "lot_number"),
    ],
)
def test_bad_dose_is_refused(
    nurse: Clinic, visit_id: int, refused: Refused, mg_per_kg: str, lot: str, field: str
) -> None:
    """An implausible mg/kg or a malformed lot number is refused naming the field; no dose row is written."""
    nurse.infusion.start_pre_assessment(visit_id)
    nurse.infusion.record_weight(visit_id, 70)
    with refused(field=field):
        nurse.infusion.prepare_dose(visit_id, mg_per_kg, lot)


def test_dose_before_weight_is_refused(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """The dose cannot be worked out before today's weight is recorded."""
    nurse.infusion.start_pre_assessment(visit_id)
    with refused(field="weight_kg"):
        nurse.infusion.prepare_dose(visit_id, "0.5", "KT-1")


def test_stop_early_needs_a_reason_and_is_recorded(
    nurse: Clinic, infusing: int, clock: FakeClock, refused: Refused
) -> None:
    """Stopping early without a reason is refused; with one, stopped_early and the reason are in the events."""
    clock.advance(minutes=12)
    with refused(field="reason"):
        nurse.infusion.stop_infusion(infusing, early=True)
    with refused(field="reason"):
        nurse.infusion.stop_infusion(infusing, early=True, reason="   ")
    assert nurse.visits.get(infusing).detail.summary.phase is Phase.INFUSING
    nurse.infusion.stop_infusion(infusing, early=True, reason="Distressing dissociation; patient asked to stop")
    view = nurse.visits.get(infusing)
    assert _phases(nurse, infusing)[-3:] == [Phase.INFUSING, Phase.STOPPED_EARLY, Phase.OBSERVATION]
    stopped = [e for e in view.detail.events if e.phase is Phase.STOPPED_EARLY]
    assert stopped[0].reason == "Distressing dissociation; patient asked to stop"
    assert view.timers.infusion_elapsed == timedelta(minutes=12)
    assert view.timers.infusion_remaining == timedelta(0)
    assert view.timers.observation_remaining == timedelta(minutes=30)
    assert nurse.maintenance.check() == []


def test_stop_early_is_one_write(
    nurse: Clinic, infusing: int, clock: FakeClock, refused: Refused, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If saving the step into observation fails, the 'stopped early' step is rolled back with it."""
    from ketadesk.store import visits as store_visits

    real_add_event = store_visits.add_event

    def failing_add_event(store: object, visit_id: int, phase: Phase, **kwargs: Any) -> None:
        if phase is Phase.OBSERVATION:
            raise OSError("disk unplugged")
        real_add_event(store, visit_id, phase, **kwargs)  # type: ignore[arg-type]

    clock.advance(minutes=5)
    monkeypatch.setattr(store_visits, "add_event", failing_add_event)
    with refused(StoreError, match="disk unplugged"):  # an OS error reaches the user as the store's, saying why
        nurse.infusion.stop_infusion(infusing, early=True, reason="Vomiting")
    monkeypatch.undo()
    assert nurse.visits.get(infusing).detail.summary.phase is Phase.INFUSING
    nurse.infusion.stop_infusion(infusing, early=True, reason="Vomiting")
    assert nurse.maintenance.check() == []


def test_normal_stop_has_no_stopped_early_event(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """A stop at the end of the infusion goes straight to observation."""
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(infusing)
    assert Phase.STOPPED_EARLY not in _phases(nurse, infusing)
    assert nurse.visits.get(infusing).detail.summary.phase is Phase.OBSERVATION


def test_cancel_is_possible_in_pre_assessment_but_not_once_infusing(
    nurse: Clinic, visit_id: int, refused: Refused
) -> None:
    """A visit can be cancelled before the pump starts; once infusing it must be stopped instead."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    with refused(field="phase"):
        nurse.scheduling.cancel_visit(visit_id, "Changed mind")
    other = nurse.scheduling.schedule_visit(
        nurse.visits.get(visit_id).detail.summary.patient_id, nurse.today(), 3
    ).created_id
    assert other is not None
    nurse.infusion.start_pre_assessment(other)
    nurse.scheduling.cancel_visit(other, "IV access failed twice")
    assert nurse.visits.get(other).detail.summary.phase is Phase.CANCELLED


def test_two_workstations_marking_one_visit_ready_at_once_the_second_is_refused_and_writes_nothing(
    nurse: Clinic, recovered: int, clock: FakeClock, clinic_target: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both checked the step from observation before either wrote; the second is checked again under the lock."""
    other = Clinic.open(clinic_target, clock, nurse.protocol).sign_in("nurse", password_of(nurse))
    try:
        write = store_visits.add_event
        between: list[dict[str, int]] = []

        def the_first_writes_in_between(store: Store, *args: Any, **kwargs: Any) -> None:
            if store is other.store and not between:  # the second workstation checked its step and is writing ...
                nurse.discharge.mark_ready(recovered)  # ... when the first's is committed
                between.append(row_counts(nurse))
            write(store, *args, **kwargs)

        monkeypatch.setattr(store_visits, "add_event", the_first_writes_in_between)
        with pytest.raises(ValidationError, match="Cannot move the visit to ready for discharge") as caught:
            other.discharge.mark_ready(recovered)
        monkeypatch.undo()
        assert caught.value.field == "phase"
        assert nurse.session.phase(recovered) is Phase.READY_FOR_DISCHARGE
        assert between and row_counts(nurse) == between[0]  # the second wrote nothing at all, audit included
    finally:
        other.close()
