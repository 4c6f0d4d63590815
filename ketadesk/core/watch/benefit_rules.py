"""Benefit wearing off sooner: the time until scores climb back after an infusion shrinks from cycle to cycle.

For each instrument, each infusion's cycle whose benefit was seen and then gone (the
score climbed back, :mod:`~ketadesk.core.watch.scores`) has a length: from the pump's
start to the score that climbed back. Flag (rule ``benefit-wearing-off``): the last
``wearing_off_cycles`` such cycles (3) each shorter than the one before, and the newest at
least ``wearing_off_shrink_percent`` (25) shorter than the oldest of them, so hours of
difference in when a questionnaire was filled in are not a trend. One flag per
instrument that shows it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ketadesk.core.watch.flags import Flag, FlagInput, WatchRule
from ketadesk.core.watch.records import CourseInfusion, OutcomeSeries
from ketadesk.core.watch.scores import cycles, measured
from ketadesk.core.watch.settings import WatchRules
from ketadesk.core.watch.words import days, listed


def benefit_wearing_off(
    course_id: int, infusions: Sequence[CourseInfusion], scores: Sequence[OutcomeSeries], rules: WatchRules
) -> list[Flag]:
    """A flag for each instrument whose last cycles' benefit lasted less each time, by enough in all."""
    started = [i for i in infusions if i.started]
    flags: list[Flag] = []
    for series in measured(scores):
        last = cycles(series, started, rules.improvement_percent)[-rules.wearing_off_cycles :]
        if len(last) < rules.wearing_off_cycles:
            continue
        lengths = [c.lasted for c in last]
        if any(later >= earlier for earlier, later in itertools.pairwise(lengths)):
            continue
        if lengths[-1] * 100 > lengths[0] * (100 - rules.wearing_off_shrink_percent):
            continue
        shrink = 100 - lengths[-1] / lengths[0] * 100
        shown = listed([days(n) for n in lengths])
        flags.append(
            Flag(
                WatchRule.BENEFIT_WEARING_OFF,
                course_id,
                f"on {series.instrument} the benefit of the last {len(last)} infusions lasted {shown}: "
                f"the newest {shrink:.0f} % shorter than the oldest",
                (
                    *(
                        FlagInput(
                            f"cycle {n}",
                            f"infusion {c.infusion.day.isoformat()} (visit {c.infusion.visit_id}): "
                            f"{series.instrument} {c.before.total} before, {c.benefit.total} after, "
                            f"back to {c.climbed_back.total} after {days(c.lasted)}",
                        )
                        for n, c in enumerate(last, start=1)
                    ),
                    FlagInput(
                        "rule",
                        f"{rules.wearing_off_cycles} cycles ([watch] wearing_off_cycles), the newest at least "
                        f"{rules.wearing_off_shrink_percent} % shorter ([watch] wearing_off_shrink_percent); "
                        f"climbed back: less than {rules.improvement_percent} % below the score before the infusion",
                    ),
                ),
                (series.instrument, *(str(c.infusion.visit_id) for c in last)),
            )
        )
    return flags
