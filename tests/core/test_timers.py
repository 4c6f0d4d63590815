"""Visit timers, derived from stored timestamps and a FakeClock: infusion, observation and vitals due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.core.timers import VisitTimers, VisitTimes, compute_timers, format_duration, vitals_interval

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PROTOCOL = load_protocol(files("ketadesk.resources").joinpath("protocol.toml").read_text(encoding="utf-8"))


def minutes(n: float) -> timedelta:
    """n minutes."""
    return timedelta(minutes=n)


def infusing(last_vitals: datetime | None = None, planned: int | None = None) -> VisitTimes:
    """A visit whose pump started at T0 and is still running."""
    return VisitTimes(Phase.INFUSING, infusion_started_at=T0, planned_duration_min=planned, last_vitals_at=last_vitals)


def observing(
    stopped_after: float = 40, last_vitals: datetime | None = None, phase: Phase = Phase.OBSERVATION
) -> VisitTimes:
    """A visit whose pump started at T0 and stopped ``stopped_after`` minutes later."""
    return VisitTimes(
        phase,
        infusion_started_at=T0,
        infusion_stopped_at=T0 + minutes(stopped_after),
        planned_duration_min=40,
        last_vitals_at=last_vitals,
    )


# --- infusion ---------------------------------------------------------------------------------


def test_infusion_elapsed_and_remaining_follow_the_clock(clock: FakeClock, protocol: Protocol) -> None:
    """15 min into a 40-min infusion, 15 min have elapsed and 25 remain; at 40 min none remain."""
    clock.advance(minutes=15)
    timers = compute_timers(infusing(), protocol, clock.now())
    assert timers.infusion_elapsed == minutes(15)
    assert timers.infusion_remaining == minutes(25)
    clock.advance(minutes=25)
    timers = compute_timers(infusing(), protocol, clock.now())
    assert timers.infusion_remaining == timedelta(0)


def test_infusion_remaining_goes_negative_when_overrunning(clock: FakeClock, protocol: Protocol) -> None:
    """A pump still running after its planned time shows how far over it is."""
    clock.advance(minutes=42)
    assert compute_timers(infusing(), protocol, clock.now()).infusion_remaining == minutes(-2)


def test_planned_duration_overrides_the_protocol(clock: FakeClock, protocol: Protocol) -> None:
    """A visit planned for 60 min counts down from 60, not the protocol's 40."""
    clock.advance(minutes=15)
    assert compute_timers(infusing(planned=60), protocol, clock.now()).infusion_remaining == minutes(45)


def test_clock_before_start_shows_nothing_elapsed(protocol: Protocol) -> None:
    """A clock a little behind the stored start does not give negative elapsed time."""
    timers = compute_timers(infusing(), protocol, T0 - minutes(1))
    assert timers.infusion_elapsed == timedelta(0)
    assert timers.infusion_remaining == minutes(40)


def test_stopped_infusion_elapsed_is_frozen(clock: FakeClock, protocol: Protocol) -> None:
    """Once the pump stops, elapsed stays at the run time and remaining is zero however late it gets."""
    clock.advance(minutes=100)
    timers = compute_timers(observing(stopped_after=40), protocol, clock.now())
    assert timers.infusion_elapsed == minutes(40)
    assert timers.infusion_remaining == timedelta(0)


def test_not_started_visit_has_no_timers(protocol: Protocol) -> None:
    """A visit in pre-assessment shows no infusion, observation or vitals timer."""
    timers = compute_timers(VisitTimes(Phase.PRE_ASSESSMENT, last_vitals_at=T0), protocol, T0 + minutes(5))
    assert timers == VisitTimers(None, None, None, None, None, None)
    assert not timers.vitals_overdue
    assert not timers.observation_complete


# --- observation ------------------------------------------------------------------------------


def test_observation_counts_from_the_stop(clock: FakeClock, protocol: Protocol) -> None:
    """10 min after the pump stops, 10 min of observation have passed and 20 of the 30 remain."""
    clock.advance(minutes=50)
    timers = compute_timers(observing(stopped_after=40), protocol, clock.now())
    assert timers.observation_elapsed == minutes(10)
    assert timers.observation_remaining == minutes(20)
    assert not timers.observation_complete


def test_observation_complete_exactly_at_the_minimum(clock: FakeClock, protocol: Protocol) -> None:
    """Observation is complete at exactly 30 min after the stop, not a second before."""
    clock.advance(minutes=69, seconds=59)
    assert not compute_timers(observing(), protocol, clock.now()).observation_complete
    clock.advance(seconds=1)
    timers = compute_timers(observing(), protocol, clock.now())
    assert timers.observation_remaining == timedelta(0)
    assert timers.observation_complete


def test_stopped_early_observes_from_the_early_stop(clock: FakeClock, protocol: Protocol) -> None:
    """An infusion stopped at 12 min starts observation at 12 min, with the full minimum still to run."""
    clock.advance(minutes=12)
    timers = compute_timers(observing(stopped_after=12, phase=Phase.STOPPED_EARLY), protocol, clock.now())
    assert timers.infusion_elapsed == minutes(12)
    assert timers.infusion_remaining == timedelta(0)
    assert timers.observation_remaining == minutes(30)


def test_ready_for_discharge_keeps_counting_observation(protocol: Protocol) -> None:
    """Ready for discharge still shows observation time."""
    timers = compute_timers(observing(phase=Phase.READY_FOR_DISCHARGE), protocol, T0 + minutes(75))
    assert timers.observation_elapsed == minutes(35)
    assert timers.observation_complete


@pytest.mark.parametrize("phase", [Phase.DISCHARGED, Phase.SIGNED])
def test_closed_visits_have_no_observation_or_vitals_timer(phase: Phase, protocol: Protocol) -> None:
    """After discharge nothing counts down and nothing falls due."""
    timers = compute_timers(observing(phase=phase), protocol, T0 + minutes(300))
    assert timers.observation_remaining is None
    assert timers.next_vitals_due is None
    assert not timers.vitals_overdue


def test_observation_minimum_comes_from_the_protocol(default_text: str) -> None:
    """A clinic with a 60-min minimum observation counts down from 60."""
    long_watch = load_protocol(default_text, "[observation]\nminimum_min = 60\n")
    timers = compute_timers(observing(), long_watch, T0 + minutes(50))
    assert timers.observation_remaining == minutes(50)


# --- vitals due -------------------------------------------------------------------------------


def test_vitals_intervals_by_phase(protocol: Protocol) -> None:
    """Vitals are due every 10 min while infusing and every 15 min after; no schedule before or after the chair."""
    assert vitals_interval(Phase.INFUSING, protocol) == 10
    assert vitals_interval(Phase.STOPPED_EARLY, protocol) == 15
    assert vitals_interval(Phase.OBSERVATION, protocol) == 15
    assert vitals_interval(Phase.READY_FOR_DISCHARGE, protocol) == 15
    for phase in (
        Phase.SCHEDULED,
        Phase.PRE_ASSESSMENT,
        Phase.DISCHARGED,
        Phase.SIGNED,
        Phase.CANCELLED,
        Phase.NO_SHOW,
    ):
        assert vitals_interval(phase, protocol) is None


def test_first_vitals_due_10_min_after_start(clock: FakeClock, protocol: Protocol) -> None:
    """With no reading since the start, vitals fall due 10 min after the pump started."""
    clock.advance(minutes=4)
    timers = compute_timers(infusing(), protocol, clock.now())
    assert timers.next_vitals_due == T0 + minutes(10)
    assert timers.vitals_due_in == minutes(6)


def test_baseline_before_start_does_not_count(protocol: Protocol) -> None:
    """A baseline taken 5 min before the pump started does not move the first due time earlier."""
    timers = compute_timers(infusing(last_vitals=T0 - minutes(5)), protocol, T0 + minutes(1))
    assert timers.next_vitals_due == T0 + minutes(10)


def test_vitals_due_10_min_after_the_last_reading_while_infusing(clock: FakeClock, protocol: Protocol) -> None:
    """While infusing, the next set is due 10 min after the latest reading."""
    clock.advance(minutes=15)
    timers = compute_timers(infusing(last_vitals=T0 + minutes(12)), protocol, clock.now())
    assert timers.next_vitals_due == T0 + minutes(22)
    assert timers.vitals_due_in == minutes(7)


def test_vitals_due_15_min_after_the_last_reading_in_observation(clock: FakeClock, protocol: Protocol) -> None:
    """In observation, the next set is due 15 min after the latest reading."""
    clock.advance(minutes=45)
    timers = compute_timers(observing(last_vitals=T0 + minutes(41)), protocol, clock.now())
    assert timers.next_vitals_due == T0 + minutes(56)
    assert timers.vitals_due_in == minutes(11)


def test_vitals_overdue_only_after_the_due_time_passes(clock: FakeClock, protocol: Protocol) -> None:
    """At the due time vitals are not yet overdue; one second later they are."""
    times = infusing(last_vitals=T0 + minutes(10))
    clock.advance(minutes=20)
    at_due = compute_timers(times, protocol, clock.now())
    assert at_due.vitals_due_in == timedelta(0)
    assert not at_due.vitals_overdue
    clock.advance(seconds=1)
    late = compute_timers(times, protocol, clock.now())
    assert late.vitals_overdue
    assert late.vitals_due_in == timedelta(seconds=-1)


def test_new_reading_clears_overdue(clock: FakeClock, protocol: Protocol) -> None:
    """Overdue vitals stop being overdue once a new reading is stored."""
    clock.advance(minutes=25)
    assert compute_timers(infusing(), protocol, clock.now()).vitals_overdue
    assert not compute_timers(infusing(last_vitals=clock.now()), protocol, clock.now()).vitals_overdue


def test_timers_are_the_same_when_recomputed(clock: FakeClock, protocol: Protocol) -> None:
    """Two computations at the same moment from the same timestamps agree: nothing is counted in memory."""
    times = observing(last_vitals=T0 + minutes(45))
    clock.advance(minutes=61)
    first = compute_timers(times, protocol, clock.now())
    compute_timers(times, protocol, clock.now() + minutes(100))  # another window, another moment
    rebuilt = VisitTimes(
        Phase.OBSERVATION,
        infusion_started_at=T0,
        infusion_stopped_at=T0 + minutes(40),
        planned_duration_min=40,
        last_vitals_at=T0 + minutes(45),
    )
    assert compute_timers(rebuilt, protocol, clock.now()) == first
    assert first.vitals_overdue


# --- countdown text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "0:00"),
        (timedelta(minutes=5, seconds=7), "5:07"),
        (timedelta(minutes=59, seconds=59), "59:59"),
        (timedelta(hours=1, minutes=2, seconds=3), "1:02:03"),
        (timedelta(seconds=-30), "-0:30"),
        (timedelta(hours=-1), "-1:00:00"),
        (timedelta(seconds=89.9), "1:29"),
    ],
)
def test_format_duration(delta: timedelta, text: str) -> None:
    """Countdowns read m:ss or h:mm:ss, with a minus sign when late."""
    assert format_duration(delta) == text


# --- property tests ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=200 * 60),
    st.one_of(st.none(), st.integers(min_value=-30 * 60, max_value=120 * 60)),
    st.one_of(st.none(), st.integers(min_value=5, max_value=240)),
)
def test_infusing_timers_are_derived_from_timestamps(now_s: int, vitals_s: int | None, planned: int | None) -> None:
    """While infusing: elapsed + remaining = planned, and vitals fall due 10 min after max(last reading, start)."""
    now = T0 + timedelta(seconds=now_s)
    last = None if vitals_s is None else T0 + timedelta(seconds=vitals_s)
    times = VisitTimes(Phase.INFUSING, infusion_started_at=T0, planned_duration_min=planned, last_vitals_at=last)
    timers = compute_timers(times, PROTOCOL, now)
    assert timers.infusion_elapsed == now - T0
    assert timers.infusion_elapsed + timers.infusion_remaining == minutes(planned or 40)  # type: ignore[operator]
    anchor = T0 if last is None else max(last, T0)
    assert timers.next_vitals_due == anchor + minutes(10)
    assert timers.vitals_overdue is (now > anchor + minutes(10))
    assert timers.observation_elapsed is None
    assert compute_timers(times, PROTOCOL, now) == timers


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=240 * 60),
    st.integers(min_value=0, max_value=300 * 60),
    st.sampled_from([Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE]),
)
def test_observation_timers_are_derived_from_timestamps(run_s: int, after_s: int, phase: Phase) -> None:
    """After the stop: elapsed + remaining = 30 min, complete exactly when 30 min have passed, vitals every 15 min."""
    stopped = T0 + timedelta(seconds=run_s)
    now = stopped + timedelta(seconds=after_s)
    times = VisitTimes(phase, infusion_started_at=T0, infusion_stopped_at=stopped, last_vitals_at=stopped)
    timers = compute_timers(times, PROTOCOL, now)
    assert timers.infusion_elapsed == stopped - T0
    assert timers.infusion_remaining == timedelta(0)
    assert timers.observation_elapsed + timers.observation_remaining == minutes(30)  # type: ignore[operator]
    assert timers.observation_complete is (after_s >= 30 * 60)
    assert timers.next_vitals_due == stopped + minutes(15)
    assert timers.vitals_overdue is (after_s > 15 * 60)


def test_the_planned_end_passing_is_said_plainly_after_the_grace() -> None:
    """Within the minute's grace nothing is said; after it, how long ago, in whole minutes, never a negative left."""
    from datetime import timedelta

    from ketadesk.core.timers import VisitTimers, planned_end_passed_text

    def running(remaining: timedelta) -> VisitTimers:
        return VisitTimers(timedelta(minutes=40) - remaining, remaining, None, None, None, None)

    assert running(timedelta(minutes=3)).planned_end_passed is None
    assert running(timedelta(seconds=-59)).planned_end_passed is None
    assert running(timedelta(minutes=-12, seconds=-30)).planned_end_passed == timedelta(minutes=12, seconds=30)
    assert planned_end_passed_text(timedelta(minutes=12, seconds=30)).startswith("PLANNED END PASSED 12 min ago")
    assert planned_end_passed_text(timedelta(seconds=61)).startswith("PLANNED END PASSED 1 min ago")
