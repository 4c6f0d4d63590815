"""The gates before the pump starts and the discharge criteria, as structured values a screen renders."""

from __future__ import annotations

from datetime import timedelta

from ketadesk.core import readiness
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.readiness import AutoCheck, Blocker, Gate
from ketadesk.core.records import Acknowledgement, ChecklistEntry, VisitDetail
from ketadesk.core.scales import Scale
from ketadesk.core.timers import compute_timers
from tests.core.visit_builders import T0, at, dose, event, reading, score, visit


def ticked(protocol: Protocol, checklist: str = "pre_infusion") -> tuple[ChecklistEntry, ...]:
    """Every item of a checklist ticked by a nurse."""
    items = protocol.pre_infusion_checklist if checklist == "pre_infusion" else protocol.discharge_checklist
    return tuple(ChecklistEntry(checklist, i.key, True, "", T0, "ann") for i in items if not i.automatic)


def ack(subject: str, minute: float, subject_id: int | None = None) -> Acknowledgement:
    """A physician's acknowledgement ``minute`` minutes after T0."""
    return Acknowledgement(1, subject, subject_id, "Reviewed", at(minute), "doctor")


def ready_to_start(protocol: Protocol, **changes: object) -> VisitDetail:
    """A pre-assessment with everything done: checklist, weight, normal baseline, a dose for today's weight."""
    fields: dict[str, object] = {
        "checklist": ticked(protocol),
        "vitals": (reading(1, -10, baseline=True),),
        "dose": dose(),
    }
    fields.update(changes)
    return visit(Phase.PRE_ASSESSMENT, **fields)


def test_nothing_blocks_a_visit_ready_to_start(protocol: Protocol) -> None:
    """With every gate passed there is no blocker."""
    assert readiness.start_blockers(protocol, ready_to_start(protocol), None) == []


def test_an_empty_visit_lists_every_gate_in_order(protocol: Protocol) -> None:
    """Each unticked item, then weight, baseline and dose, each with its key, its sentence and a remedy."""
    blockers = readiness.start_blockers(protocol, visit(Phase.PRE_ASSESSMENT, weight_kg=None), None)
    items = protocol.pre_infusion_checklist
    assert [b.key for b in blockers] == [f"checklist:{i.key}" for i in items] + ["weight", "baseline", "dose"]
    assert [b.item for b in blockers[: len(items)]] == list(items)
    assert [str(b) for b in blockers[len(items) :]] == [
        "Weight today is not recorded",
        "Baseline vital signs are not recorded",
        "The dose is not prepared",
    ]
    assert str(blockers[0]) == f"Checklist: {items[0].label}"
    assert all(b.remedy and not b.needs_physician and b.override_subject is None for b in blockers)
    assert blockers[-3].remedy == "record today's weight"


def test_a_high_baseline_needs_a_physician(protocol: Protocol) -> None:
    """150/95 blocks with the sentence shown today, names the acknowledgement that clears it, and clears after one."""
    high = (reading(1, -10, baseline=True, sbp=150, dbp=95),)
    [blocker] = readiness.start_blockers(protocol, ready_to_start(protocol, vitals=high), None)
    assert blocker.gate is Gate.BASELINE_BP and blocker.key == "baseline_bp"
    assert str(blocker) == "Baseline BP 150/95 is above 140/90: a physician must acknowledge it"
    assert "Baseline BP 150/95" in blocker
    assert blocker.needs_physician and blocker.override_subject == readiness.BASELINE_BP
    assert blocker.remedy == readiness.PHYSICIAN_ACKNOWLEDGEMENT
    acked = ready_to_start(protocol, vitals=high, acknowledgements=(ack(readiness.BASELINE_BP, -5),))
    assert readiness.start_blockers(protocol, acked, None) == []


def test_an_acknowledgement_older_than_the_baseline_does_not_count(protocol: Protocol) -> None:
    """A baseline re-taken after the acknowledgement needs a new one."""
    high = (reading(1, -10, baseline=True, sbp=150, dbp=95),)
    old = ready_to_start(protocol, vitals=high, acknowledgements=(ack(readiness.BASELINE_BP, -20),))
    assert [b.gate for b in readiness.start_blockers(protocol, old, None)] == [Gate.BASELINE_BP]


def test_a_big_step_up_names_each_reason(protocol: Protocol) -> None:
    """A step of 0.5 mg/kg from 0.5 is a dose override with the review's reason kept apart from the sentence."""
    [blocker] = readiness.start_blockers(protocol, ready_to_start(protocol, dose=dose(mg_per_kg=1.0)), 0.5)
    assert blocker.gate is Gate.DOSE_OVERRIDE and blocker.needs_physician
    assert blocker.reasons == ("a step up of 0.5 mg/kg from the previous 0.5 mg/kg is more than 0.25 mg/kg",)
    assert str(blocker) == "Dose needs a physician's acknowledgement: " + blocker.reasons[0]


def test_a_dose_for_another_weight_must_be_recalculated(protocol: Protocol) -> None:
    """A dose worked out for 80 kg when today's weight is 82 kg blocks until it is recalculated."""
    [blocker] = readiness.start_blockers(protocol, ready_to_start(protocol, weight_kg=82.0), None)
    assert blocker.gate is Gate.DOSE_WEIGHT
    assert str(blocker) == "The dose was calculated for 80 kg but today's weight is 82 kg: recalculate it"
    assert blocker.remedy == "recalculate the dose for today's weight"


def test_blockers_are_frozen_values() -> None:
    """A blocker is a value: equal when its fields are, and the text is only its ``why``."""
    one = Blocker(Gate.WEIGHT, "Weight today is not recorded", "record today's weight")
    assert one == Blocker(Gate.WEIGHT, "Weight today is not recorded", "record today's weight")
    assert "today" in one and "Today" not in one and 3 not in one


def recovering(protocol: Protocol, minutes_after_stop: float, **changes: object) -> list[readiness.Criterion]:
    """The discharge criteria of a visit whose pump stopped at minute 40, judged ``minutes_after_stop`` later."""
    fields: dict[str, object] = {"events": (event(Phase.INFUSING, 0), event(Phase.OBSERVATION, 40)), "dose": dose()}
    fields.update(changes)
    detail = visit(Phase.OBSERVATION, **fields)
    now = at(40 + minutes_after_stop)
    return readiness.discharge_criteria(protocol, detail, compute_timers(detail.times(), protocol, now), now)


def test_nothing_recorded_says_what_would_satisfy_each_criterion(protocol: Protocol) -> None:
    """Straight after the stop every criterion is unmet; those judged from the record say nothing judges them yet."""
    criteria = {c.key: c for c in recovering(protocol, 0)}
    assert not any(c.met for c in criteria.values())
    aldrete = criteria[AutoCheck.ALDRETE_PASS]
    assert (aldrete.recorded, aldrete.remedy) == (False, "a modified Aldrete score of 9 or more")
    sedation = criteria[AutoCheck.SEDATION_RESOLVED]
    assert (sedation.recorded, sedation.remedy) == (False, "MOAA/S 5 and RASS 0")
    assert criteria[AutoCheck.VITALS_NEAR_BASELINE].remedy == "a reading within 20 % of baseline"
    assert criteria["steady_gait"].recorded is False and criteria["steady_gait"].detail == "not ticked"
    observation = criteria[AutoCheck.OBSERVATION_ELAPSED]
    assert observation.remaining == timedelta(minutes=30)
    assert observation.detail == "30:00 of observation left" and observation.remedy == "30:00 more of observation"


def test_sedation_detail_keeps_its_text(protocol: Protocol) -> None:
    """The criterion still writes ``MOAA/S 4, RASS -1`` and ``RASS +0``; only 5 and 0 meet it."""
    low = recovering(protocol, 5, scores=(score(1, Scale.MOAAS, 4, 44), score(2, Scale.RASS, -1, 44)))
    calm = recovering(protocol, 5, scores=(score(1, Scale.MOAAS, 5, 44), score(2, Scale.RASS, 0, 44)))
    [low_c] = [c for c in low if c.key == AutoCheck.SEDATION_RESOLVED]
    [calm_c] = [c for c in calm if c.key == AutoCheck.SEDATION_RESOLVED]
    assert (low_c.met, low_c.detail, low_c.recorded) == (False, "MOAA/S 4, RASS -1", True)
    assert (calm_c.met, calm_c.detail) == (True, "MOAA/S 5, RASS +0")
    assert str(low_c) == "MOAA/S 5 and RASS 0 (MOAA/S 4, RASS -1)"


def test_observation_met_once_the_minimum_has_passed(protocol: Protocol) -> None:
    """Thirty minutes after the stop the observation criterion holds with nothing left to do."""
    [c] = [c for c in recovering(protocol, 30) if c.key == AutoCheck.OBSERVATION_ELAPSED]
    assert (c.met, c.detail, c.remedy, c.remaining) == (True, "30 min observed", "", timedelta(0))


def test_observation_not_begun_is_not_recorded(protocol: Protocol) -> None:
    """Without timers (the pump still running) observation has not started and says what it needs."""
    detail = visit(Phase.INFUSING, events=(event(Phase.INFUSING, 0),))
    [c] = [c for c in readiness.discharge_criteria(protocol, detail, None, at(10)) if c.key == "observation_elapsed"]
    assert (c.met, c.recorded, c.detail) == (False, False, "observation has not started")
    assert c.remedy == "30 min of observation after the infusion stops"


def test_discharge_override_counts_only_since_the_last_observation(protocol: Protocol) -> None:
    """An override given before the visit went back to observation no longer speaks for this recovery."""
    events = (event(Phase.OBSERVATION, 40), event(Phase.READY_FOR_DISCHARGE, 70), event(Phase.OBSERVATION, 75))
    early = ack(readiness.DISCHARGE_OVERRIDE, 72)
    assert readiness.discharge_override(visit(events=events, acknowledgements=(early,))) is None
    later = ack(readiness.DISCHARGE_OVERRIDE, 80)
    assert readiness.discharge_override(visit(events=events, acknowledgements=(early, later))) == later
    assert readiness.discharge_override(visit(events=events)) is None


def test_a_discharged_visit_is_judged_as_it_stood_at_discharge(protocol: Protocol) -> None:
    """From the record alone: a visit discharged 35 min after the stop had its observation, whatever its phase now."""
    events = (
        event(Phase.INFUSING, 0),
        event(Phase.OBSERVATION, 40),
        event(Phase.READY_FOR_DISCHARGE, 71),
        event(Phase.DISCHARGED, 75),
        event(Phase.SIGNED, 200),
    )
    detail = visit(Phase.SIGNED, events=events, dose=dose())
    judged = {c.key: c for c in readiness.criteria_from_record(protocol, detail, at(75))}
    assert judged[AutoCheck.OBSERVATION_ELAPSED].met
    assert judged[AutoCheck.OBSERVATION_ELAPSED].detail == "30 min observed"
