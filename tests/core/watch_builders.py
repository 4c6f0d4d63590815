"""Courses, scores, requests and screenings for the watch's rule tests, built from plain numbers.

A course here starts on Monday 2 March 2026; each infusion runs at 09:00 UTC on its day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import strategies as st

from ketadesk.core.patient import Sex
from ketadesk.core.protocol import Protocol
from ketadesk.core.watch.evaluate import Evaluation, WatchInputs, evaluate
from ketadesk.core.watch.flags import Flag, WatchRule
from ketadesk.core.watch.records import (
    CourseInfusion,
    OutcomePoint,
    OutcomeSeries,
    PatientRequest,
    RequestDecision,
    RequestDecisionRecord,
    RequestKind,
    ScreeningRecord,
)
from ketadesk.core.watch.settings import WatchRules

START = date(2026, 3, 2)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on ``day`` (UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def infusion(
    number: int,
    day: date,
    mg_per_kg: float,
    *,
    started: bool = True,
    stopped_early: bool = False,
    visit_id: int | None = None,
) -> CourseInfusion:
    """The course's infusion number ``number`` on ``day`` (visit id 100 + number unless given)."""
    return CourseInfusion(
        visit_id=visit_id if visit_id is not None else 100 + number,
        sequence=number,
        day=day,
        mg_per_kg=mg_per_kg,
        at=at(day),
        started=started,
        stopped_early=stopped_early,
    )


def course(doses: Sequence[float], gaps: Sequence[int] | None = None) -> tuple[CourseInfusion, ...]:
    """Completed infusions with these doses, ``gaps`` days apart (7 each when not given)."""
    spacing = list(gaps) if gaps is not None else [7] * (len(doses) - 1)
    day = START
    found = []
    for number, dose in enumerate(doses, start=1):
        found.append(infusion(number, day, dose))
        if number <= len(spacing):
            day += timedelta(days=spacing[number - 1])
    return tuple(found)


def series(instrument: str, points: Sequence[tuple[datetime, int]]) -> OutcomeSeries:
    """One instrument's totals at the given moments."""
    return OutcomeSeries(instrument, tuple(OutcomePoint(m, t) for m, t in points))


def request(
    number: int, when: datetime, decision: RequestDecision | None = RequestDecision.REFUSED, course_id: int = 1
) -> PatientRequest:
    """A request for a higher dose made at ``when``, decided an hour later (or not decided)."""
    decided = (
        None
        if decision is None
        else RequestDecisionRecord(decision, "Not indicated", when + timedelta(hours=1), "doctor")
    )
    return PatientRequest(number, course_id, RequestKind.HIGHER_DOSE, "Asked for more", when, when, "nurse", decided)


def inputs(
    infusions: Sequence[CourseInfusion] = (),
    *,
    scores: Sequence[OutcomeSeries] = (),
    requests: Sequence[PatientRequest] = (),
    screenings: Sequence[ScreeningRecord] = (),
    induction_count: int = 0,
    sex: Sex = Sex.FEMALE,
    today: date | None = None,
    now: datetime | None = None,
    start: date = START,
) -> WatchInputs:
    """The rules' inputs for course 1 (today: the day after the last infusion unless given)."""
    last = max((i.day for i in infusions), default=START)
    day = today or last + timedelta(days=1)
    return WatchInputs(
        course_id=1,
        start_date=start,
        induction_count=induction_count,
        infusions=tuple(infusions),
        scores=tuple(scores),
        requests=tuple(requests),
        screenings=tuple(screenings),
        sex=sex,
        today=day,
        now=now or at(day, 12),
        zone=UTC,
    )


def rules(protocol: Protocol, **changes: Any) -> WatchRules:
    """The shipped [watch] settings with ``changes``."""
    return replace(protocol.watch, **changes)


def run(protocol: Protocol, given: WatchInputs, watch: WatchRules | None = None, ceiling: float = 1.0) -> Evaluation:
    """Evaluate ``given`` under ``watch`` (the shipped settings when None)."""
    return evaluate(given, watch or protocol.watch, ceiling)


def raised(evaluation: Evaluation, rule: WatchRule) -> list[Flag]:
    """The flags of one rule."""
    return [f for f in evaluation.flags if f.rule is rule]


def doses() -> st.SearchStrategy[float]:
    """mg/kg doses as typed: 0.05-1.5 with at most three decimals."""
    return st.integers(50, 1500).map(lambda n: n / 1000)


def other_doses(count: int) -> st.SearchStrategy[list[float]]:
    """Doses for the infusions between the first and today's, which the rule must not look at."""
    return st.lists(doses(), min_size=count, max_size=count)
