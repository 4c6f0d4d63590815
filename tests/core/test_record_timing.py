"""When the pump stopped, an early stop, the record's last moment, timers from the record, the previous dose."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.phases import PUMP_STOPPED, RECOVERY, Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail, previous_infusion
from ketadesk.core.timers import STOP_GRACE, compute_timers, stopping_is_early
from tests.core.visit_builders import at, dose, event, reading, score, visit


def test_the_pump_stops_at_the_first_stop_or_observation() -> None:
    """A visit back in observation after being ready keeps its first stop as the infusion's end."""
    events = (
        event(Phase.INFUSING, 0),
        event(Phase.OBSERVATION, 40),
        event(Phase.READY_FOR_DISCHARGE, 70),
        event(Phase.OBSERVATION, 75),
    )
    detail = visit(events=events)
    assert detail.pump_stop == events[1]
    assert detail.infusion_stopped_at == at(40)
    assert not detail.stopped_early and detail.early_stop is None


def test_an_early_stop_carries_its_reason() -> None:
    """Stopped early at 12 min: that step is when the pump stopped, and its reason is kept."""
    events = (event(Phase.INFUSING, 0), event(Phase.STOPPED_EARLY, 12, "Nausea"), event(Phase.OBSERVATION, 12))
    detail = visit(events=events)
    assert detail.pump_stop == detail.early_stop == events[1]
    assert detail.stopped_early and detail.early_stop is not None and detail.early_stop.reason == "Nausea"
    assert detail.infusion_stopped_at == at(12)


def test_a_running_infusion_has_not_stopped() -> None:
    """While infusing there is no stop."""
    detail = visit(Phase.INFUSING, events=(event(Phase.INFUSING, 0),))
    assert detail.pump_stop is None and detail.infusion_stopped_at is None


def test_pump_stopped_and_recovery_phase_sets() -> None:
    """The steps that stop the pump are the first two phases of recovery."""
    assert PUMP_STOPPED == (Phase.STOPPED_EARLY, Phase.OBSERVATION) == RECOVERY[:2]


@given(st.integers(min_value=-600, max_value=600))
def test_an_early_stop_is_more_than_the_grace_before_the_end(seconds_left: int) -> None:
    """Stopping counts as early exactly when more than a minute of the planned infusion is left."""
    left = timedelta(seconds=seconds_left)
    assert stopping_is_early(left) is (left > STOP_GRACE)
    assert stopping_is_early(None) is False


def test_last_moment_is_the_latest_thing_the_record_mentions() -> None:
    """A score after the last reading and event is the record's last moment; an empty record has none."""
    detail = visit(events=(event(Phase.INFUSING, 0),), vitals=(reading(1, 10),), scores=(score(1, "moaas", 5, 55),))
    assert detail.last_moment == at(55)
    assert visit().last_moment is None


def test_reading_since_baseline_skips_the_baseline_itself() -> None:
    """Only a reading after the baseline is compared with it."""
    baseline = reading(1, -10, baseline=True)
    assert visit(vitals=(baseline,)).reading_since_baseline is None
    later = reading(2, 50)
    assert visit(vitals=(baseline, later)).reading_since_baseline == later
    assert visit(vitals=(later,)).reading_since_baseline is None


def test_timers_from_the_record_match_the_stored_times(protocol: Protocol) -> None:
    """Timers built from the record count observation from the stop and vitals from the latest reading."""
    events = (event(Phase.INFUSING, 0), event(Phase.OBSERVATION, 40))
    detail = visit(events=events, dose=dose(duration_min=45), vitals=(reading(1, -10, baseline=True), reading(2, 50)))
    times = detail.times()
    assert (times.phase, times.infusion_started_at, times.infusion_stopped_at) == (Phase.OBSERVATION, at(0), at(40))
    assert (times.planned_duration_min, times.last_vitals_at) == (45, at(50))
    timers = compute_timers(times, protocol, at(60))
    assert timers.observation_elapsed == timedelta(minutes=20)
    assert timers.next_vitals_due == at(65)
    assert detail.times(Phase.READY_FOR_DISCHARGE).phase is Phase.READY_FOR_DISCHARGE


def given_visit(visit_id: int, day: int, *, mg: float | None, started: bool) -> VisitDetail:
    """A visit of patient 1 on day ``day`` of March, with or without a dose and an infusion start."""
    return visit(
        Phase.SIGNED if started else Phase.CANCELLED,
        visit_id=visit_id,
        day=date(2025, 3, day),
        dose=dose(visit_id, mg_per_kg=mg) if mg is not None else None,
        events=(event(Phase.INFUSING, 0),) if started else (),
    )


def test_previous_infusion_is_the_latest_earlier_one_that_started() -> None:
    """A dose never given and a later visit are skipped; the same day counts by booking order."""
    history = [
        given_visit(1, 3, mg=0.5, started=True),
        given_visit(2, 5, mg=0.75, started=False),
        given_visit(3, 7, mg=0.75, started=True),
        given_visit(4, 7, mg=1.0, started=True),
        given_visit(5, 10, mg=1.0, started=True),
    ]
    by_id = {v.summary.id: v for v in history}
    found = previous_infusion(history, by_id[4].summary)
    assert found is by_id[3]
    assert previous_infusion(history, by_id[3].summary) is by_id[1]
    assert previous_infusion(history, by_id[1].summary) is None


@given(st.lists(st.tuples(st.integers(1, 28), st.booleans(), st.booleans()), min_size=1, max_size=8))
def test_previous_infusion_is_never_later_and_always_given(plan: list[tuple[int, bool, bool]]) -> None:
    """Whatever the history, the previous infusion comes before the visit asked about and was actually given."""
    history = [given_visit(i, day, mg=0.5 if dosed else None, started=started) for i, (day, dosed, started) in
               enumerate(plan, start=1)]  # fmt: skip
    for this in history:
        found = previous_infusion(history, this.summary)
        earlier = [
            v
            for v in history
            if v.dose is not None
            and v.event_time(Phase.INFUSING) is not None
            and (v.summary.scheduled_date, v.summary.id) < (this.summary.scheduled_date, this.summary.id)
        ]
        assert (found is None) is (not earlier)
        if found is not None:
            assert found.dose is not None and found.event_time(Phase.INFUSING) is not None
            assert all(
                (v.summary.scheduled_date, v.summary.id) <= (found.summary.scheduled_date, found.summary.id)
                for v in earlier
            )
