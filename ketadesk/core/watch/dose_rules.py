"""Dose creep: today's dose against the course's first effective dose, the clinic's ceiling, and a rising run.

"Today's dose" is the mg/kg of the course's latest infusion — the one given last, or the
one prepared and about to run, so the flag shows at the pre-assessment, before the pump
starts. Doses are compared exactly as typed (:func:`~ketadesk.core.watch.words.exact`).

**The first effective dose** (rule ``dose-creep``) is the mg/kg of the course's earliest
*completed* infusion (one stopped early gave less than its dose) that was followed — after
it, before the next infusion — by an outcome score *improved* on the course's baseline (the
last score at or before the first infusion; :mod:`~ketadesk.core.watch.scores`). Without
any outcome score it is the first completed infusion's dose, and the flag says so. With
scores and no infusion followed by an improvement there is no effective dose yet: the rule
is not judged (escalating to find one is dose-finding, not creep; the ceiling and the
rising run still apply). Flag: today's mg/kg ≥ ``dose_creep_factor`` × that dose.

**The ceiling** (rule ``dose-above-ceiling``) is the protocol's ``[dose] max_mg_per_kg``;
flag: today's mg/kg above it (at the ceiling is within it).

**A rising run** (rule ``dose-rising-no-benefit``): the last ``rising_visits`` infusions'
mg/kg each higher than the one before (3: 0.5 → 0.6 → 0.75), while no instrument's latest
score since the run began is improved on its last score before the run's first infusion.
With no instrument measured both before and during the run, benefit cannot be judged and
the rule is not either: the rule is about scores that do not improve, not scores not taken.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ketadesk.core.watch.flags import Flag, FlagInput, WatchRule
from ketadesk.core.watch.records import CourseInfusion, OutcomeSeries
from ketadesk.core.watch.scores import between, improved, last_before, measured
from ketadesk.core.watch.settings import WatchRules
from ketadesk.core.watch.words import exact, listed, mg, times

Unjudged = tuple[WatchRule, str]


def _dose(infusion: CourseInfusion) -> str:
    state = "given" if infusion.started else "prepared, not started"
    return f"{mg(infusion.mg_per_kg)} on {infusion.day.isoformat()} (visit {infusion.visit_id}, {state})"


def first_effective(
    infusions: Sequence[CourseInfusion], scores: Sequence[OutcomeSeries], percent: int
) -> tuple[CourseInfusion, str] | None:
    """The course's first effective dose and what makes it so, or None when none is known yet."""
    completed = [i for i in infusions if i.completed]
    if not completed:
        return None
    series = measured(scores)
    if not series:
        return completed[0], "the first completed infusion (no outcome scores recorded)"
    started = [i for i in infusions if i.started]
    for infusion in completed:
        later = [i.at for i in started if i.at > infusion.at]
        following = later[0] if later else None
        for s in series:
            baseline = last_before(s.points, started[0].at)
            if baseline is None:
                continue
            for point in between(s.points, infusion.at, following):
                if improved(baseline.total, point.total, percent):
                    why = (
                        f"the first completed infusion followed by a fall of at least {percent} % on "
                        f"{s.instrument} ({baseline.total} → {point.total})"
                    )
                    return infusion, why
    return None


def dose_creep(
    course_id: int,
    infusions: Sequence[CourseInfusion],
    scores: Sequence[OutcomeSeries],
    rules: WatchRules,
    unjudged: list[Unjudged],
) -> Flag | None:
    """Today's mg/kg at or above ``dose_creep_factor`` × the course's first effective dose."""
    if not infusions:
        return None
    reference = first_effective(infusions, scores, rules.improvement_percent)
    if reference is None:
        if any(i.completed for i in infusions):
            unjudged.append((WatchRule.DOSE_CREEP, "no infusion has yet been followed by an improved outcome score"))
        return None
    first, why = reference
    today = infusions[-1]
    if today.visit_id == first.visit_id or exact(today.mg_per_kg) < exact(rules.dose_creep_factor) * exact(
        first.mg_per_kg
    ):
        return None
    ratio = exact(today.mg_per_kg) / exact(first.mg_per_kg)
    return Flag(
        WatchRule.DOSE_CREEP,
        course_id,
        f"{mg(today.mg_per_kg)} on {today.day.isoformat()} is {times(ratio)} the first effective dose "
        f"{mg(first.mg_per_kg)}",
        (
            FlagInput("today's dose", _dose(today)),
            FlagInput("first effective dose", f"{_dose(first)}: {why}"),
            FlagInput("factor", f"{rules.dose_creep_factor:g} ([watch] dose_creep_factor)"),
        ),
        (str(first.visit_id), repr(first.mg_per_kg), repr(today.mg_per_kg)),
    )


def dose_above_ceiling(course_id: int, infusions: Sequence[CourseInfusion], ceiling: float) -> Flag | None:
    """Today's mg/kg above the clinic's ceiling (``[dose] max_mg_per_kg``)."""
    if not infusions or exact(infusions[-1].mg_per_kg) <= exact(ceiling):
        return None
    today = infusions[-1]
    return Flag(
        WatchRule.DOSE_ABOVE_CEILING,
        course_id,
        f"{mg(today.mg_per_kg)} on {today.day.isoformat()} is above the clinic's ceiling of {mg(ceiling)}",
        (
            FlagInput("today's dose", _dose(today)),
            FlagInput("ceiling", f"{mg(ceiling)} ([dose] max_mg_per_kg)"),
        ),
        (repr(today.mg_per_kg), repr(float(ceiling))),
    )


def dose_rising_no_benefit(
    course_id: int,
    infusions: Sequence[CourseInfusion],
    scores: Sequence[OutcomeSeries],
    rules: WatchRules,
    unjudged: list[Unjudged],
) -> Flag | None:
    """The last ``rising_visits`` doses each higher than the one before, and no outcome score improved meanwhile."""
    run = list(infusions[-rules.rising_visits :])
    if len(run) < rules.rising_visits or any(
        exact(b.mg_per_kg) <= exact(a.mg_per_kg) for a, b in itertools.pairwise(run)
    ):
        return None
    compared: list[str] = []
    for s in measured(scores):
        before = last_before(s.points, run[0].at)
        since = [p for p in s.points if p.taken_at > run[0].at]
        if before is None or not since:
            continue
        if improved(before.total, since[-1].total, rules.improvement_percent):
            return None
        compared.append(f"{s.instrument} {before.total} → {since[-1].total}")
    if not compared:
        unjudged.append(
            (WatchRule.DOSE_RISING_NO_BENEFIT, "the doses are rising, but no outcome score was taken before and since")
        )
        return None
    doses = " → ".join(f"{i.mg_per_kg:g}" for i in run)
    return Flag(
        WatchRule.DOSE_RISING_NO_BENEFIT,
        course_id,
        f"the dose rose at each of the last {len(run)} infusions ({doses} mg/kg, {run[0].day.isoformat()} to "
        f"{run[-1].day.isoformat()}) while no outcome score fell by {rules.improvement_percent} % "
        f"({listed(compared)})",
        (
            *(FlagInput(f"infusion {n}", _dose(i)) for n, i in enumerate(run, start=1)),
            FlagInput("outcome scores", listed(compared)),
            FlagInput(
                "rule",
                f"{rules.rising_visits} rising doses ([watch] rising_visits); improved: a fall of at least "
                f"{rules.improvement_percent} % ([watch] improvement_percent)",
            ),
        ),
        tuple(str(i.visit_id) for i in run),
    )
