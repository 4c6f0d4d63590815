"""The course charts' axes as numbers: the time axis's span and date ticks, a value axis's ticks.

Kept apart from the drawing (:mod:`ketadesk.ui.course.chart_widget`) so the spacing rules
can be read and tested as plain arithmetic. The time axis counts seconds since the epoch
and is labelled with the workstation's local dates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta

DAY_S = 86400.0
TICK_STEPS_DAYS = (1, 2, 7, 14, 30, 61, 91, 182, 365, 730)
"""The spacings the date axis may use; from 30 days on, ticks fall on the first of a month."""
TICK_LABEL_PX = 96
"""The room one date label needs on the time axis."""
VALUE_STEPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100)
"""The spacings a value axis may use (mg/kg in tenths, scores in whole points)."""
VALUE_LABEL_PX = 22
"""The height one value label needs on a value axis."""


def seconds(moment: datetime) -> float:
    """A moment as the time axis counts it (seconds since the epoch; the axis shows local dates)."""
    return moment.timestamp()


def _midnight(day: date) -> float:
    """The workstation's local midnight starting ``day``, on the time axis."""
    return datetime(day.year, day.month, day.day).astimezone().timestamp()


def day_ticks(low: float, high: float, width_px: float) -> tuple[float, list[float]]:
    """Date ticks for the span: the spacing in seconds and the ticks, as many as fit labels ``width_px`` wide."""
    days = max(1.0, (high - low) / DAY_S)
    room = max(1, int(width_px // TICK_LABEL_PX))
    # Past the longest spacing (a course of many years on a narrow chart), whole years as many as it takes.
    step = next((s for s in TICK_STEPS_DAYS if days / s <= room), 365 * math.ceil(days / 365 / room))
    first = datetime.fromtimestamp(low).date()
    last = datetime.fromtimestamp(high).date()
    ticks: list[float] = []
    if step < 30:
        day = first
        while day <= last:
            if day.toordinal() % step == 0:
                ticks.append(_midnight(day))
            day += timedelta(days=1)
    else:
        months = round(step / 30.4375)
        year, month = first.year, first.month
        while date(year, month, 1) <= last:
            if (year * 12 + month - 1) % months == 0:
                ticks.append(_midnight(date(year, month, 1)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return step * DAY_S, [t for t in ticks if low <= t <= high]


def day_label(moment: float, spacing: float) -> str:
    """A date tick's words: ``2026-11-28``, or ``2026-11`` when the ticks are a month or more apart."""
    shown = "%Y-%m" if spacing >= 30 * DAY_S else "%Y-%m-%d"
    return datetime.fromtimestamp(moment).strftime(shown)


def value_ticks(low: float, high: float, height_px: float) -> list[float]:
    """Round values from ``low`` to ``high`` (both within the range), as many as fit labels in ``height_px``."""
    room = max(2, int(height_px // VALUE_LABEL_PX))
    extent = max(high - low, 1e-9)
    step = next((s for s in VALUE_STEPS if extent / s <= room), VALUE_STEPS[-1])
    first = math.ceil(low / step - 1e-9)
    ticks = []
    index = first
    while index * step <= high + 1e-9:
        ticks.append(round(index * step, 6))
        index += 1
    return ticks


def value_label(value: float) -> str:
    """A value tick's words: whole numbers without a point (``25``), others as short as they are (``0.25``)."""
    return f"{value:g}"


def time_range(moments: Sequence[float], fallback: float) -> tuple[float, float]:
    """The time axis: every score and infusion with a day either side (a day around ``fallback`` if none)."""
    if not moments:
        return fallback - DAY_S, fallback + DAY_S
    return min(moments) - DAY_S, max(moments) + DAY_S
