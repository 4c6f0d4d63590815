"""How often: intervals shortening outside induction, and too many infusions in a window of days.

Both count the course's infusions (given, or prepared and about to run) by their booked
day. Induction is the course template's first ``induction_count`` visits: its close
spacing is the plan, not a warning sign, so the rules look past it.

**Intervals shortening** (rule ``intervals-shortening``): an interval is the days between
two infusions in a row, counted when the later one is past induction. Flag: the last
``shortening_intervals`` such intervals each at least ``shortening_min_days`` shorter than
the one before (3 and 3: 28, 21, 14 days; 28, 26, 24 is a booking's drift, not a flag).

**Too many in a window** (rule ``infusions-in-window``): for each infusion past induction,
the ``window_days`` days ending on its day (7: that day and the six before) may hold at
most ``infusions_in_window`` infusions of the course (2). Flag: more than that, for the
latest such window.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

from ketadesk.core.watch.flags import Flag, FlagInput, WatchRule
from ketadesk.core.watch.records import CourseInfusion
from ketadesk.core.watch.settings import WatchRules
from ketadesk.core.watch.words import listed


def in_induction(infusion: CourseInfusion, induction_count: int) -> bool:
    """True for one of the course's induction infusions (by its number in the course)."""
    return infusion.sequence is not None and infusion.sequence <= induction_count


def intervals_shortening(
    course_id: int, infusions: Sequence[CourseInfusion], induction_count: int, rules: WatchRules
) -> Flag | None:
    """The last intervals past induction each shorter than the one before by at least ``shortening_min_days``."""
    pairs = [(a, b) for a, b in itertools.pairwise(infusions) if not in_induction(b, induction_count)]
    last = pairs[-rules.shortening_intervals :]
    if len(last) < rules.shortening_intervals:
        return None
    lengths = [(b.day - a.day).days for a, b in last]
    if any(earlier - later < rules.shortening_min_days for earlier, later in itertools.pairwise(lengths)):
        return None
    shown = listed([str(n) for n in lengths])
    bounds = [last[0][0], *(b for _, b in last)]
    return Flag(
        WatchRule.INTERVALS_SHORTENING,
        course_id,
        f"the last {len(lengths)} intervals outside induction were {shown} days, each at least "
        f"{rules.shortening_min_days} days shorter than the one before",
        (
            FlagInput("infusions", ", ".join(f"{i.day.isoformat()} (visit {i.visit_id})" for i in bounds)),
            FlagInput("intervals", f"{shown} days"),
            FlagInput(
                "rule",
                f"{rules.shortening_intervals} intervals ([watch] shortening_intervals), each "
                f"{rules.shortening_min_days} days shorter or more ([watch] shortening_min_days)",
            ),
        ),
        tuple(str(i.visit_id) for i in bounds),
    )


def infusions_in_window(
    course_id: int, infusions: Sequence[CourseInfusion], induction_count: int, rules: WatchRules
) -> Flag | None:
    """More than ``infusions_in_window`` infusions in the ``window_days`` days ending on an infusion past induction."""
    for end in reversed(infusions):
        if in_induction(end, induction_count):
            continue
        first_day = end.day - timedelta(days=rules.window_days - 1)
        inside = [i for i in infusions if first_day <= i.day <= end.day]
        if len(inside) <= rules.infusions_in_window:
            continue
        return Flag(
            WatchRule.INFUSIONS_IN_WINDOW,
            course_id,
            f"{len(inside)} infusions in the {rules.window_days} days {first_day.isoformat()} to "
            f"{end.day.isoformat()}, outside induction (the protocol allows {rules.infusions_in_window})",
            (
                FlagInput("infusions", ", ".join(f"{i.day.isoformat()} (visit {i.visit_id})" for i in inside)),
                FlagInput(
                    "allowed",
                    f"{rules.infusions_in_window} in {rules.window_days} days ([watch] infusions_in_window, "
                    "window_days)",
                ),
            ),
            tuple(str(i.visit_id) for i in inside),
        )
    return None
