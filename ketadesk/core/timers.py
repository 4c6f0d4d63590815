"""Visit timers, derived from stored timestamps and the clock — never counted in memory.

Because nothing here remembers anything between calls, a restart, a crash or a second
window computes the same infusion remaining, observation remaining and vitals due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ketadesk.core.phases import RECOVERY, Phase
from ketadesk.core.protocol import Protocol

# A pump and the workstation do not agree to the second: a stop this close to the planned
# end is the infusion completing; anything earlier is an early stop and needs a reason.
STOP_GRACE = timedelta(minutes=1)


def stopping_is_early(remaining: timedelta | None) -> bool:
    """True when stopping with ``remaining`` of the planned infusion left is an early stop (more than the grace)."""
    return remaining is not None and remaining > STOP_GRACE


@dataclass(frozen=True, slots=True)
class VisitTimes:
    """The stored moments a visit's timers are computed from."""

    phase: Phase
    infusion_started_at: datetime | None = None
    infusion_stopped_at: datetime | None = None
    planned_duration_min: int | None = None
    last_vitals_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VisitTimers:
    """What the chair tile and the banner show about time."""

    infusion_elapsed: timedelta | None
    infusion_remaining: timedelta | None
    observation_elapsed: timedelta | None
    observation_remaining: timedelta | None
    next_vitals_due: datetime | None
    vitals_due_in: timedelta | None

    @property
    def vitals_overdue(self) -> bool:
        """True once the next set of vitals is late."""
        return self.vitals_due_in is not None and self.vitals_due_in < timedelta(0)

    @property
    def stopping_now_is_early(self) -> bool:
        """True while more than :data:`STOP_GRACE` of the planned infusion is left."""
        return stopping_is_early(self.infusion_remaining)

    @property
    def planned_end_passed(self) -> timedelta | None:
        """How long ago the planned end passed with the pump still recorded as running (None when it has not).

        Within :data:`STOP_GRACE` of the planned end the pump and the workstation may simply
        disagree; past it, a stop has not been recorded (or the infusion goes on for a reason
        nobody wrote down), and the nurse is told so — never shown a negative time left.
        """
        if self.infusion_remaining is None or self.infusion_remaining >= -STOP_GRACE:
            return None
        return -self.infusion_remaining

    @property
    def observation_complete(self) -> bool:
        """True when the protocol's minimum observation has passed."""
        return self.observation_remaining is not None and self.observation_remaining <= timedelta(0)


def vitals_interval(phase: Phase, protocol: Protocol) -> int | None:
    """Minutes between vitals sets in ``phase``, or None when no schedule applies."""
    if phase is Phase.INFUSING:
        return protocol.vitals_interval_min["infusing"]
    if phase in (Phase.STOPPED_EARLY, Phase.OBSERVATION):
        return protocol.vitals_interval_min["observation"]
    if phase is Phase.READY_FOR_DISCHARGE:
        return protocol.vitals_interval_min["ready_for_discharge"]
    return None


def compute_timers(times: VisitTimes, protocol: Protocol, now: datetime) -> VisitTimers:
    """Derive every timer for one visit at ``now``.

    Vitals fall due one interval after the latest reading, counted no earlier than the
    infusion start: a baseline taken before the pump started does not count as the
    first monitoring reading.
    """
    infusion_elapsed = infusion_remaining = None
    observation_elapsed = observation_remaining = None
    started, stopped = times.infusion_started_at, times.infusion_stopped_at
    if started is not None:
        end = stopped if stopped is not None else now
        infusion_elapsed = max(end - started, timedelta(0))
        planned = timedelta(minutes=times.planned_duration_min or protocol.infusion_duration_min)
        infusion_remaining = timedelta(0) if stopped is not None else planned - infusion_elapsed
    if stopped is not None and times.phase in RECOVERY:
        observation_elapsed = max(now - stopped, timedelta(0))
        observation_remaining = timedelta(minutes=protocol.observation_minimum_min) - observation_elapsed

    next_due = due_in = None
    interval = vitals_interval(times.phase, protocol)
    if interval is not None and started is not None:
        anchor = started if times.last_vitals_at is None else max(times.last_vitals_at, started)
        next_due = anchor + timedelta(minutes=interval)
        due_in = next_due - now
    return VisitTimers(
        infusion_elapsed=infusion_elapsed,
        infusion_remaining=infusion_remaining,
        observation_elapsed=observation_elapsed,
        observation_remaining=observation_remaining,
        next_vitals_due=next_due,
        vitals_due_in=due_in,
    )


def planned_end_passed_text(passed: timedelta) -> str:
    """What the tile, the banner and the monitoring section say when the planned end has passed."""
    minutes = max(1, int(passed.total_seconds() // 60))
    return f"PLANNED END PASSED {minutes} min ago — record the stop, or why it continues"


def format_duration(delta: timedelta) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a countdown; negative values get a minus sign."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
