"""Where the time comes from.

Every timer in KetaDesk is derived from stored timestamps and a clock, never counted in
memory, so a restart or a second window shows the same state. Code takes a ``Clock``
instead of calling ``datetime.now`` so tests can move time forward without sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The workstation's real clock."""

    def now(self) -> datetime:
        """Return the system time in UTC, truncated to whole milliseconds.

        Milliseconds are enough for a bedside record and keep stored ISO strings short
        and sortable.
        """
        moment = datetime.now(UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the fake current moment."""
        return self._now

    def advance(self, delta: timedelta | None = None, *, minutes: float = 0, seconds: float = 0) -> None:
        """Move time forward by ``delta`` or by the given minutes and seconds."""
        step = delta if delta is not None else timedelta(minutes=minutes, seconds=seconds)
        if step < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += step

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (timezone-aware)."""
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware time")
        self._now = moment.astimezone(UTC)


_ZERO = timedelta(0)


def to_utc_iso(moment: datetime) -> str:
    """Format an aware datetime as the UTC ISO-8601 text the store keeps.

    A fixed width (milliseconds, ``Z`` suffix) keeps the text sortable as a string.
    """
    if moment.tzinfo is UTC:  # what the store reads back: its "+00:00" becomes the "Z" without a conversion
        return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored: attach a timezone first")
    # isoformat rather than strftime: the same text (milliseconds truncated, not rounded), at a third of the cost.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def from_utc_iso(text: str) -> datetime:
    """Parse text written by :func:`to_utc_iso` back into an aware UTC datetime.

    Python 3.11 reads the ``Z`` suffix itself; the stored form is always UTC, so the common
    case needs no conversion (this runs for every reading a history loads).
    """
    parsed = datetime.fromisoformat(text)
    zone = parsed.tzinfo
    if zone is UTC:
        return parsed
    if zone is None or parsed.utcoffset() == _ZERO:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
