"""The final set of vitals before discharge: a criterion core always judges, whatever the clinic's checklist."""

from __future__ import annotations

import dataclasses

from ketadesk.core import readiness
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ChecklistItem, Protocol
from ketadesk.core.readiness import FINAL_VITALS, VITALS_OVERDUE_AT_DISCHARGE, AutoCheck, Criterion
from ketadesk.core.timers import compute_timers
from tests.core.visit_builders import at, dose, event, reading, visit

READY_EVENTS = (event(Phase.INFUSING, 0), event(Phase.OBSERVATION, 40), event(Phase.READY_FOR_DISCHARGE, 70))


def final_vitals(
    protocol: Protocol, last_reading: float, now: float, phase: Phase = Phase.READY_FOR_DISCHARGE
) -> Criterion:
    """The criterion for a visit ready for discharge since minute 70, its last reading at ``last_reading``."""
    detail = visit(
        phase, events=READY_EVENTS, dose=dose(), vitals=(reading(1, -10, baseline=True), reading(2, last_reading))
    )
    timers = compute_timers(detail.times(), protocol, at(now))
    [criterion] = [
        c for c in readiness.discharge_criteria(protocol, detail, timers, at(now)) if c.key == FINAL_VITALS.key
    ]
    return criterion


def test_it_is_always_a_criterion_after_the_judged_ones(protocol: Protocol) -> None:
    """The shipped checklist does not list it, so core adds it after the last criterion judged from the record."""
    items = readiness.discharge_items(protocol)
    at_index = items.index(FINAL_VITALS)
    assert items[:at_index] + items[at_index + 1 :] == protocol.discharge_checklist
    assert items[at_index - 1].key == AutoCheck.VITALS_NEAR_BASELINE and not items[at_index + 1].automatic
    assert FINAL_VITALS.automatic and FINAL_VITALS.key == AutoCheck.VITALS_NOT_OVERDUE
    only_ticked = dataclasses.replace(protocol, discharge_checklist=tuple(i for i in items if not i.automatic))
    assert readiness.discharge_items(only_ticked)[-1] == FINAL_VITALS


def test_a_clinic_may_place_it_in_its_own_list(protocol: Protocol) -> None:
    """A checklist that lists it (automatic, own label) keeps its place and label; it is not added twice."""
    own = ChecklistItem(FINAL_VITALS.key, "Final obs within the interval", automatic=True)
    placed = dataclasses.replace(protocol, discharge_checklist=(own, *protocol.discharge_checklist))
    items = readiness.discharge_items(placed)
    assert items[0] == own and [i.key for i in items].count(FINAL_VITALS.key) == 1
    assert final_vitals(placed, 75, 80).label == "Final obs within the interval"


def test_met_while_the_last_set_is_within_the_interval(protocol: Protocol) -> None:
    """Ready for discharge (every 15 min): 15 min after the last reading the next is due, not overdue."""
    criterion = final_vitals(protocol, 72, 87)
    assert (criterion.met, criterion.detail, criterion.automatic) == (True, "not overdue", True)


def test_unmet_once_overdue_saying_what_to_do(protocol: Protocol) -> None:
    """A second past due, the criterion fails with the reason the nurse reads: a final set, or an override."""
    criterion = final_vitals(protocol, 72, 87.02)
    assert (criterion.met, criterion.recorded) == (False, True)
    assert criterion.detail == VITALS_OVERDUE_AT_DISCHARGE
    assert criterion.detail == "Vitals are overdue: record a final set before discharge, or a physician's override"
    assert criterion.remedy == "a final set of vital signs"


def test_judged_in_observation_too(protocol: Protocol) -> None:
    """During observation the same schedule applies, so an overdue set already shows before ready for discharge."""
    assert not final_vitals(protocol, 42, 60, phase=Phase.OBSERVATION).met
    assert final_vitals(protocol, 50, 60, phase=Phase.OBSERVATION).met


def test_without_timers_it_is_not_judged(protocol: Protocol) -> None:
    """With no timers (the pump not stopped) nothing judges it yet."""
    detail = visit(Phase.INFUSING, events=(event(Phase.INFUSING, 0),))
    [criterion] = [c for c in readiness.discharge_criteria(protocol, detail, None, at(10)) if c.key == FINAL_VITALS.key]
    assert (criterion.met, criterion.recorded) == (False, False)


def test_a_discharged_visit_is_judged_as_it_stood(protocol: Protocol) -> None:
    """From the record: discharged 20 min after its last set it was overdue then; 10 min after, it was not."""
    events = (*READY_EVENTS, event(Phase.DISCHARGED, 92))
    vitals = (reading(1, -10, baseline=True), reading(2, 72))
    detail = visit(Phase.DISCHARGED, events=events, dose=dose(), vitals=vitals)
    judged = {c.key: c for c in readiness.criteria_from_record(protocol, detail, at(92))}
    assert not judged[FINAL_VITALS.key].met
    on_time = visit(Phase.DISCHARGED, events=events, dose=dose(), vitals=(*vitals, reading(3, 82)))
    assert {c.key: c for c in readiness.criteria_from_record(protocol, on_time, at(92))}[FINAL_VITALS.key].met
