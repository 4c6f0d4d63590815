"""What "improved" and "climbed back" mean, and benefit wearing off sooner, each at its boundary."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.protocol import Protocol
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import CourseInfusion, OutcomeSeries
from ketadesk.core.watch.scores import cycles, improved
from tests.core.watch_builders import START, infusion, inputs, raised, rules, run, series


@settings(max_examples=300, deadline=None)
@given(reference=st.integers(1, 120), percent=st.integers(1, 100))
def test_improved_starts_exactly_at_the_percent(reference: int, percent: int) -> None:
    """The smallest whole fall of at least ``percent`` % is improved; one point less of a fall is not (unless 0)."""
    fall = -(-percent * reference // 100)  # ceil(percent × reference / 100)
    assert improved(reference, reference - fall, percent)
    if reference - fall + 1 > 0:
        assert not improved(reference, reference - fall + 1, percent)


def test_a_zero_is_improved_and_a_zero_reference_is_improved_on_only_by_zero() -> None:
    """Nothing left to improve counts as improved; from 0, any rise is no better."""
    assert improved(10, 0, 100)
    assert improved(0, 0, 25)
    assert not improved(0, 1, 25)
    assert not improved(12, 12, 1)


def _cycles_course(lengths_min: list[int], gap_days: int = 60) -> tuple[tuple[CourseInfusion, ...], OutcomeSeries]:
    """An infusion every ``gap_days``; before each PHQ-9 20, half an hour after it 10, back to 20 after each length."""
    given = tuple(infusion(n + 1, START + timedelta(days=gap_days * n), 0.5) for n in range(len(lengths_min)))
    points = []
    for one, length in zip(given, lengths_min, strict=True):
        points += [
            (one.at - timedelta(hours=1), 20),
            (one.at + timedelta(minutes=30), 10),
            (one.at + timedelta(minutes=length), 20),
        ]
    return given, series("PHQ-9", points)


def _lengths(count: int, unit_hours: int, shrink: int) -> list[int]:
    """``count`` lengths in minutes, strictly shrinking from 100 units to exactly (100 − shrink) units."""
    first, last = 100 * unit_hours * 60, (100 - shrink) * unit_hours * 60
    step = (first - last) / (count - 1)
    return [round(first - step * n) for n in range(count)]


@settings(max_examples=150, deadline=None)
@given(count=st.integers(2, 5), unit_hours=st.integers(1, 8), shrink=st.integers(1, 99))
def test_benefit_shrinking_by_exactly_the_percent_is_flagged_and_a_minute_less_is_not(
    protocol: Protocol, count: int, unit_hours: int, shrink: int
) -> None:
    """The newest cycle exactly ``shrink`` % shorter than the oldest: flagged; one minute longer: not."""
    watch = rules(protocol, wearing_off_cycles=count, wearing_off_shrink_percent=shrink)
    lengths = _lengths(count, unit_hours, shrink)
    given, scores = _cycles_course(lengths)
    assert [c.lasted for c in cycles(scores, given, watch.improvement_percent)] == [
        timedelta(minutes=m) for m in lengths
    ]
    flags = raised(run(protocol, inputs(given, scores=[scores]), watch), WatchRule.BENEFIT_WEARING_OFF)
    assert len(flags) == 1 and "on PHQ-9 the benefit of the last" in flags[0].text
    given, scores = _cycles_course([*lengths[:-1], lengths[-1] + 1])
    assert raised(run(protocol, inputs(given, scores=[scores]), watch), WatchRule.BENEFIT_WEARING_OFF) == []


def test_a_cycle_that_lasts_longer_breaks_the_trend(protocol: Protocol) -> None:
    """Benefit lasting 20, 25 then 10 days is not shrinking at each cycle."""
    given, scores = _cycles_course([20 * 1440, 25 * 1440, 10 * 1440])
    assert raised(run(protocol, inputs(given, scores=[scores])), WatchRule.BENEFIT_WEARING_OFF) == []


def test_a_cycle_whose_benefit_outlasted_it_has_no_length() -> None:
    """Still improved when the next infusion came (no score climbed back before it): that cycle is not counted."""
    given = (infusion(1, START, 0.5), infusion(2, START + timedelta(days=30), 0.5))
    scores = series(
        "GAD-7",
        [
            (given[0].at - timedelta(hours=1), 16),
            (given[0].at + timedelta(days=2), 8),
            (given[0].at + timedelta(days=29), 11),  # still 31 % below 16: the benefit holds
            (given[1].at + timedelta(days=9), 15),  # after the second infusion, against 11: no better
        ],
    )
    assert cycles(scores, given, 25) == []
    climbed = series(
        "GAD-7", [*((p.taken_at, p.total) for p in scores.points[:2]), (given[0].at + timedelta(days=29), 13)]
    )
    assert [c.lasted.days for c in cycles(climbed, given, 25)] == [29]


def test_without_scores_wearing_off_is_not_judged(protocol: Protocol) -> None:
    """No outcome scores at all: the rule says it was not judged."""
    evaluation = run(protocol, inputs((infusion(1, START, 0.5),)))
    assert any(rule is WatchRule.BENEFIT_WEARING_OFF for rule, _ in evaluation.unjudged)
