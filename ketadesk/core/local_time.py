"""Stored UTC moments as the clinic's wall clock shows them, with the zone named where a day needs it.

On the day clocks go back (in the EU the last Sunday of October, 03:00 CEST → 02:00 CET),
02:30 happens twice; on the day they go forward (the last Sunday of March) 02:30 never
happens. A chart, a vitals table or a report that says only "02:30" on such a day is
ambiguous, so every time shown for a day with a change of UTC offset carries its zone
("02:30 CEST", "02:30 CET"; "+02:00" where the zone has no letters). On every other day a
time is just ``HH:MM``. Timers never use wall-clock times at all: they are differences of
stored UTC moments, so they agree with the table across the change.

``zone`` is the workstation's local time (``TZ``, or the system's setting) unless a
:class:`zoneinfo.ZoneInfo` is given, or a report is being built inside :func:`shown_in`
with the clinic's own zone: then every time it prints is in that zone, whatever the
workstation's, so the same record gives the same file everywhere.
"""

from __future__ import annotations

import time as system_time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)


_SHOWN_IN: ContextVar[tzinfo | None] = ContextVar("shown_in", default=None)


@contextmanager
def shown_in(zone: tzinfo | None) -> Iterator[None]:
    """Times shown inside the block are in ``zone`` (a report's clinic zone); None keeps the workstation's."""
    token = _SHOWN_IN.set(zone)
    try:
        yield
    finally:
        _SHOWN_IN.reset(token)


def _zone(zone: tzinfo | None) -> tzinfo | None:
    return zone if zone is not None else _SHOWN_IN.get()


def in_zone(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """``moment`` on the wall clock times are shown by: ``zone``, the report's zone, or the workstation's."""
    shown = _zone(zone)
    return moment.astimezone(shown) if shown is not None else moment.astimezone()


_in_zone = in_zone


def _start_of(day: date, zone: tzinfo | None) -> datetime:
    """The first moment of the local ``day``, in UTC (midnight itself may not exist: a change at 00:00)."""
    zone = _zone(zone)
    if zone is not None:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def offset_changes_on(day: date, zone: tzinfo | None = None) -> bool:
    """Whether the local ``day`` has a change of UTC offset (a daylight-saving day) in ``zone``."""
    # Asked for every time a table shows; the local zone's names are in the key, so a changed TZ is seen.
    return _changes(day, _zone(zone), tuple(system_time.tzname))


@lru_cache(maxsize=256)
def _changes(day: date, zone: tzinfo | None, _local_names: tuple[str, ...]) -> bool:
    # From the last second of the day before: a change at midnight itself belongs to the day it begins.
    first = _in_zone(_start_of(day, zone) - _SECOND, zone).utcoffset()
    last = _in_zone(_start_of(day + _DAY, zone) - _SECOND, zone).utcoffset()
    return first != last


def zone_label(moment: datetime, zone: tzinfo | None = None) -> str:
    """The zone a moment is shown in: ``CEST``, or ``+02:00`` where the zone has no letters."""
    local = _in_zone(moment, zone)
    name = local.tzname() or ""
    if name.isalpha():
        return name
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def needs_zone(moment: datetime, day: date | None = None, zone: tzinfo | None = None) -> bool:
    """Whether ``moment`` is shown with its zone: its own local day, or the day it is shown for, has a change."""
    own = _in_zone(moment, zone).date()
    return offset_changes_on(own, zone) or (day is not None and day != own and offset_changes_on(day, zone))


def clock_text(moment: datetime, *, day: date | None = None, seconds: bool = False, zone: tzinfo | None = None) -> str:
    """``09:05``, or ``02:30 CET`` on a day with a change of offset (``day``: the day a screen or report is for)."""
    local = _in_zone(moment, zone)
    text = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{text} {zone_label(moment, zone)}" if needs_zone(moment, day, zone) else text


def date_clock_text(moment: datetime, *, seconds: bool = False, zone: tzinfo | None = None) -> str:
    """``2026-10-25 02:30 CET``: the local date and :func:`clock_text`."""
    return f"{_in_zone(moment, zone).date().isoformat()} {clock_text(moment, seconds=seconds, zone=zone)}"


def local_date(moment: datetime, zone: tzinfo | None = None) -> date:
    """The local calendar day a stored moment falls on."""
    return _in_zone(moment, zone).date()


def local_moments(day: date, clock_time: time) -> list[datetime]:
    """Every moment the workstation's clock reads ``clock_time`` on ``day``, earliest first.

    Usually one; two in the hour the clocks go back (02:30 CEST, then 02:30 CET); none in
    the hour they skip going forward.
    """
    naive = datetime.combine(day, clock_time)
    found: list[datetime] = []
    for fold in (0, 1):
        moment = naive.replace(fold=fold).astimezone().astimezone(UTC)
        if moment.astimezone().replace(tzinfo=None) == naive and moment not in found:
            found.append(moment)
    return sorted(found)


def zone_named(name: str) -> tzinfo | None:
    """The IANA time zone ``name`` (``Europe/Oslo``); None for "" (the workstation's own). ValueError if unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name such as Europe/Oslo or America/Chicago") from None


def zone_setting(value: object, section: str, key: str, fail: Callable[[str, str, str], Exception]) -> str:
    """A protocol's time-zone setting as given ('' when unset), or ``fail(section, key, why)`` raised for a bad one."""
    name = value.strip() if isinstance(value, str) else None
    try:
        if name is None:
            raise ValueError(f"{value!r} is not a time zone name such as Europe/Oslo or America/Chicago")
        zone_named(name)
    except ValueError as error:
        raise fail(section, key, str(error)) from None
    return name
