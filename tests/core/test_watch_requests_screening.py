"""Refused requests and substance-use screening: each flag at its boundary, and the screenings' due dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import Sex
from ketadesk.core.protocol import Protocol
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import (
    RequestDecision,
    ScreeningKind,
    ScreeningRecord,
    ScreeningResult,
    check_screening,
)
from ketadesk.core.watch.screening_rules import ScreeningDue
from ketadesk.core.watch.settings import ScreeningRules
from tests.core.watch_builders import START, at, inputs, raised, request, rules, run


@settings(max_examples=150, deadline=None)
@given(needed=st.integers(1, 6), window=st.integers(1, 400), granted=st.integers(0, 3), spread=st.data())
def test_refused_requests_at_the_count_within_the_window_are_flagged(
    protocol: Protocol, needed: int, window: int, granted: int, spread: st.DataObject
) -> None:
    """``needed`` refusals, the oldest exactly ``window`` days ago: flagged; that one a second older: not."""
    watch = rules(protocol, refused_requests=needed, refused_window_days=window)
    now = at(START + timedelta(days=500), 12)
    oldest = now - timedelta(days=window)
    others = spread.draw(st.lists(st.integers(0, window * 86400 - 1), min_size=needed - 1, max_size=needed - 1))
    refused = [request(1, oldest)] + [request(n + 2, now - timedelta(seconds=s)) for n, s in enumerate(others)]
    kept = [request(50 + n, now - timedelta(days=1), RequestDecision.GRANTED) for n in range(granted)]
    pending = [request(90, now - timedelta(hours=2), None)]
    flags = raised(
        run(protocol, inputs(requests=[*refused, *kept, *pending], now=now), watch), WatchRule.REFUSED_REQUESTS
    )
    assert len(flags) == 1
    assert sorted(flags[0].occurrence) == sorted(str(r.id) for r in refused)
    older = [request(1, oldest - timedelta(seconds=1)), *refused[1:]]
    quiet = run(protocol, inputs(requests=[*older, *kept, *pending], now=now), watch)
    assert raised(quiet, WatchRule.REFUSED_REQUESTS) == []


def _screening(
    number: int,
    kind: ScreeningKind,
    days_after_start: int,
    score: int | None = None,
    result: ScreeningResult | None = None,
) -> ScreeningRecord:
    done = at(START + timedelta(days=days_after_start), 10)
    return ScreeningRecord(number, 7, kind, score, result, "", done, done, "nurse")


def _due(evaluation_screening: tuple[ScreeningDue, ...], kind: ScreeningKind) -> ScreeningDue:
    return next(d for d in evaluation_screening if d.kind is kind)


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(list(ScreeningKind)), every=st.integers(1, 400), done=st.integers(0, 300))
def test_a_screening_is_due_on_its_day_and_overdue_the_day_after(
    protocol: Protocol, kind: ScreeningKind, every: int, done: int
) -> None:
    """Done on day D, every N days: on D + N it is due (no flag), on D + N + 1 overdue (flagged)."""
    watch = rules(protocol, screening=rules_for(protocol, kind, every))
    record = _screening(1, kind, done, 0 if kind.score_range else None, None if kind.score_range else kind.results[0])
    due_day = START + timedelta(days=done + every)
    on_the_day = run(protocol, inputs(screenings=[record], today=due_day), watch)
    assert _due(on_the_day.screening, kind).due_on == due_day
    assert not [f for f in raised(on_the_day, WatchRule.SCREENING_OVERDUE) if kind.label in f.text]
    after = run(protocol, inputs(screenings=[record], today=due_day + timedelta(days=1)), watch)
    late = [f for f in raised(after, WatchRule.SCREENING_OVERDUE) if f.inputs[0].value == kind.label]
    assert len(late) == 1 and f"was due on {due_day.isoformat()}" in late[0].text


def rules_for(protocol: Protocol, kind: ScreeningKind, every: int) -> ScreeningRules:
    """The shipped screening settings with ``kind`` every ``every`` days."""
    return replace(protocol.watch.screening, **{f"{kind.value}_every_days": every})


def test_never_done_is_due_at_the_course_start(protocol: Protocol) -> None:
    """No screening yet: each is due on the course's first day and overdue the day after."""
    evaluation = run(protocol, inputs(today=START))
    assert all(d.due_on == START and not d.overdue for d in evaluation.screening)
    later = run(protocol, inputs(today=START + timedelta(days=1)))
    assert len(raised(later, WatchRule.SCREENING_OVERDUE)) == len(ScreeningKind)
    assert "never done; due at the course's start" in raised(later, WatchRule.SCREENING_OVERDUE)[0].text


@pytest.mark.parametrize(
    ("kind", "sex", "cut"),
    [
        (ScreeningKind.AUDIT_C, Sex.MALE, 4),
        (ScreeningKind.AUDIT_C, Sex.FEMALE, 3),
        (ScreeningKind.AUDIT_C, Sex.OTHER, 3),
        (ScreeningKind.AUDIT_C, Sex.UNKNOWN, 3),
        (ScreeningKind.DAST_10, Sex.MALE, 3),
    ],
)
def test_a_score_at_the_cut_off_is_flagged_and_one_below_is_not(
    protocol: Protocol, kind: ScreeningKind, sex: Sex, cut: int
) -> None:
    """The protocol's default cut-offs (AUDIT-C 4 for men, 3 otherwise; DAST-10 3), at and one below."""
    at_cut = run(protocol, inputs(screenings=[_screening(3, kind, 0, cut)], sex=sex, today=START))
    flags = raised(at_cut, WatchRule.SCREENING_POSITIVE)
    assert len(flags) == 1 and f"{kind.label} {cut} on 2026-03-02" in flags[0].text
    below = run(protocol, inputs(screenings=[_screening(3, kind, 0, cut - 1)], sex=sex, today=START))
    assert raised(below, WatchRule.SCREENING_POSITIVE) == []


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(1, 10), sex=st.sampled_from(list(Sex)))
def test_any_cut_off_the_clinic_sets_is_where_the_flag_begins(protocol: Protocol, cut: int, sex: Sex) -> None:
    """A DAST-10 cut-off from the protocol: the score at it is flagged, one below is not."""
    watch = rules(protocol, screening=replace(protocol.watch.screening, dast_10_flag_at_or_above=cut))
    flagged = run(
        protocol, inputs(screenings=[_screening(1, ScreeningKind.DAST_10, 0, cut)], sex=sex, today=START), watch
    )
    assert raised(flagged, WatchRule.SCREENING_POSITIVE)
    quiet = run(
        protocol, inputs(screenings=[_screening(1, ScreeningKind.DAST_10, 0, cut - 1)], sex=sex, today=START), watch
    )
    assert raised(quiet, WatchRule.SCREENING_POSITIVE) == []


def test_only_the_latest_screening_of_a_kind_counts(protocol: Protocol) -> None:
    """A positive urine screen followed by a negative one raises nothing; positive-explained is not flagged."""
    kind = ScreeningKind.URINE_DRUG_SCREEN
    older = _screening(1, kind, 0, result=ScreeningResult.POSITIVE)
    newer = _screening(2, kind, 5, result=ScreeningResult.NEGATIVE)
    today = START + timedelta(days=6)
    assert raised(run(protocol, inputs(screenings=[older], today=today)), WatchRule.SCREENING_POSITIVE)
    assert raised(run(protocol, inputs(screenings=[older, newer], today=today)), WatchRule.SCREENING_POSITIVE) == []
    explained = _screening(3, kind, 5, result=ScreeningResult.POSITIVE_PRESCRIBED)
    assert raised(run(protocol, inputs(screenings=[explained], today=today)), WatchRule.SCREENING_POSITIVE) == []
    concerns = _screening(4, ScreeningKind.PRESCRIPTION_MONITORING, 5, result=ScreeningResult.CONCERNS)
    assert raised(run(protocol, inputs(screenings=[concerns], today=today)), WatchRule.SCREENING_POSITIVE)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(list(ScreeningKind)),
    score=st.one_of(st.none(), st.integers(-5, 20)),
    result=st.one_of(st.none(), st.sampled_from(list(ScreeningResult))),
)
def test_a_screening_has_a_score_in_range_or_one_of_its_results_and_nothing_else(
    kind: ScreeningKind, score: int | None, result: ScreeningResult | None
) -> None:
    """A questionnaire's total in its published range and no result; a screen's own result and no score."""
    span = kind.score_range
    fits = (span is not None and result is None and score is not None and span[0] <= score <= span[1]) or (
        span is None and score is None and result in kind.results
    )
    if fits:
        check_screening(kind, score, result)
    else:
        with pytest.raises(ValidationError) as refused:
            check_screening(kind, score, result)
        assert refused.value.field in ("score", "result")
