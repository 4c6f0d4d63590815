"""A course template's maintenance taper as protocol data: the intervals that lengthen before the steady one.

A clinic spreads maintenance infusions out as a course settles (CLINICAL.md: treatments
"spread out and tapered to reduce the risk"; the lowest effective frequency). The taper is
a list of days in a ``[[course.templates]]`` table, ``maintenance_taper_days = [14, 21]``:
the first maintenance infusion 14 days after the last induction infusion, the next 21 days
after that, then every ``maintenance_interval_days``. Each step is at least as long as the
one before and no longer than the steady interval, or it would not be a taper. A bad value
is refused with the template, the key and its line in the clinic's file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

KEY = "maintenance_taper_days"
TABLE = "course.templates"

Fail = Callable[[str, str, int | None], Exception]
"""Makes the protocol's error from the key, the reason and the line (``ProtocolError`` bound to its source)."""


def item_line(text: str, table: str, index: int, key: str) -> int | None:
    """The line of ``key`` inside the ``index``-th (1-based) ``[[table]]`` of one TOML text, if it is written there."""
    seen = 0
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("["):
            inside = stripped == f"[[{table}]]" and (seen := seen + 1) == index
        elif inside and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def maintenance_taper(entry: dict[str, Any], interval: int, index: int, text: str, fail: Fail) -> tuple[int, ...]:
    """The taper of the ``index``-th course template (``()`` when it has none), checked against its ``interval``.

    ``text`` is the clinic's file, searched for the line; ``fail`` builds the error raised.
    """
    raw = entry.get(KEY, [])
    where = f"[[{TABLE}]] item {index} {KEY}"

    def refuse(reason: str) -> Exception:
        return fail(where, reason, item_line(text, TABLE, index, KEY))

    if not isinstance(raw, list):
        raise refuse(f"{raw!r} must be a list of days, such as [14, 21]")
    steps: list[int] = []
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse(f"{value!r} must be a whole number of days")
        if not 1 <= value <= interval:
            raise refuse(f"{value} must be between 1 and maintenance_interval_days ({interval})")
        if steps and value < steps[-1]:
            raise refuse(f"{value} is shorter than the step before it ({steps[-1]}): a taper only lengthens")
        steps.append(value)
    return tuple(steps)
