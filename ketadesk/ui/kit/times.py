"""Stored UTC times as the workstation's local clock shows them (the zone named on a daylight-saving day)."""

from __future__ import annotations

from datetime import date, datetime

from ketadesk.core.local_time import clock_text, date_clock_text


def local_time(moment: datetime | None, *, seconds: bool = False, day: date | None = None) -> str:
    """A stored UTC time as the workstation's local clock time: ``09:05``, or ``02:30 CET`` on a day clocks change."""
    if moment is None:
        return "–"
    return clock_text(moment, seconds=seconds, day=day)


def local_datetime(moment: datetime | None) -> str:
    """A stored UTC time as local date and time (with its zone on a day clocks change)."""
    if moment is None:
        return "–"
    return date_clock_text(moment)
