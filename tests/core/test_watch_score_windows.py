"""The score windows every watch rule asks for, found by bisection, agree with reading every score in turn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.watch.records import OutcomePoint
from ketadesk.core.watch.scores import between, last_before

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HOURS = st.integers(0, 24 * 60)
POINTS = st.lists(st.tuples(HOURS, st.integers(0, 27)), max_size=40).map(
    lambda found: [OutcomePoint(START + timedelta(hours=h), total) for h, total in sorted(found)]
)


def _at(hours: int) -> datetime:
    return START + timedelta(hours=hours)


@given(POINTS, HOURS)
def test_the_last_score_at_or_before_a_moment_is_the_one_a_full_read_finds(
    points: list[OutcomePoint], hours: int
) -> None:
    moment = _at(hours)
    earlier = [p for p in points if p.taken_at <= moment]
    assert last_before(points, moment) == (earlier[-1] if earlier else None)


@given(POINTS, HOURS, st.one_of(st.none(), HOURS))
def test_the_scores_between_two_moments_exclude_both_ends(
    points: list[OutcomePoint], start: int, end: int | None
) -> None:
    low, high = _at(start), None if end is None else _at(end)
    expected = [p for p in points if p.taken_at > low and (high is None or p.taken_at < high)]
    assert between(points, low, high) == expected


def test_a_score_taken_at_the_pumps_start_counts_as_before_it() -> None:
    points = [OutcomePoint(_at(0), 20), OutcomePoint(_at(1), 12)]
    assert last_before(points, _at(0)) == points[0]
    assert between(points, _at(0), None) == [points[1]]
