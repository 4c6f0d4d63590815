"""Intervals shortening and too many infusions in a window: each flag at its boundary, for random courses."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.protocol import Protocol
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import CourseInfusion
from ketadesk.core.watch.words import listed
from tests.core.watch_builders import START, infusion, inputs, raised, rules, run


def _spaced(gaps: list[int], dose: float = 0.5) -> tuple[CourseInfusion, ...]:
    day = START
    found = [infusion(1, day, dose)]
    for number, gap in enumerate(gaps, start=2):
        day += timedelta(days=gap)
        found.append(infusion(number, day, dose))
    return tuple(found)


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(2, 5),
    step=st.integers(1, 6),
    shortest=st.integers(1, 10),
    induction=st.lists(st.integers(1, 4), max_size=6),
    bump=st.data(),
)
def test_intervals_shortening_by_exactly_the_step_are_flagged_and_one_day_less_is_not(
    protocol: Protocol, count: int, step: int, shortest: int, induction: list[int], bump: st.DataObject
) -> None:
    """Past induction, intervals each exactly ``shortening_min_days`` shorter: flagged; one a day less so: not."""
    watch = rules(protocol, shortening_intervals=count, shortening_min_days=step)
    lengths = [shortest + step * (count - 1 - n) for n in range(count)]  # e.g. 14, 11, 8 for step 3
    gaps = [*induction, *lengths]
    induction_count = len(induction) + 1
    flagged = run(protocol, inputs(_spaced(gaps), induction_count=induction_count), watch)
    flags = raised(flagged, WatchRule.INTERVALS_SHORTENING)
    assert len(flags) == 1
    assert {i.name: i.value for i in flags[0].inputs}["intervals"] == f"{listed([str(n) for n in lengths])} days"
    # One interval one day longer than it should be (and so the step before it one day short).
    which = bump.draw(st.integers(1, count - 1))
    nearly = [*lengths]
    nearly[which] += 1
    quiet = run(protocol, inputs(_spaced([*induction, *nearly]), induction_count=induction_count), watch)
    assert raised(quiet, WatchRule.INTERVALS_SHORTENING) == []


def test_shortening_inside_induction_is_the_plan(protocol: Protocol) -> None:
    """Induction's 7, 4, 1 days raise nothing: the rule looks only at intervals ending past induction."""
    given = _spaced([10, 7, 4, 1])
    assert raised(run(protocol, inputs(given, induction_count=5)), WatchRule.INTERVALS_SHORTENING) == []
    assert raised(run(protocol, inputs(given, induction_count=1)), WatchRule.INTERVALS_SHORTENING)


@settings(max_examples=150, deadline=None)
@given(
    window=st.integers(1, 30),
    allowed=st.integers(1, 6),
    induction=st.integers(0, 4),
    before=st.lists(st.integers(40, 60), max_size=3),
)
def test_one_infusion_more_than_allowed_in_the_window_is_flagged_and_a_day_wider_is_not(
    protocol: Protocol, window: int, allowed: int, induction: int, before: list[int]
) -> None:
    """``allowed + 1`` infusions with the first on the window's first day: flagged; the first a day earlier: not."""
    watch = rules(protocol, window_days=window, infusions_in_window=allowed)
    end = START + timedelta(days=400)
    first_day = end - timedelta(days=window - 1)
    earlier = [START + timedelta(days=sum(before[: n + 1])) for n in range(len(before))]

    def build(first: date) -> tuple[CourseInfusion, ...]:
        days = [*earlier, first, *([end] * allowed)]
        offset = induction + 1  # every infusion of the window is past induction
        return tuple(infusion(offset + n, d, 0.5) for n, d in enumerate(days))

    inside = raised(
        run(protocol, inputs(build(first_day), induction_count=induction), watch), WatchRule.INFUSIONS_IN_WINDOW
    )
    assert len(inside) == 1
    assert f"{allowed + 1} infusions in the {window} days" in inside[0].text
    wider = build(first_day - timedelta(days=1))
    quiet = run(protocol, inputs(wider, induction_count=induction), watch)
    assert raised(quiet, WatchRule.INFUSIONS_IN_WINDOW) == []


def test_induction_may_hold_more_than_the_window_allows(protocol: Protocol) -> None:
    """Three infusions in induction's first week are the plan, not a flag; a third in a maintenance week is."""
    week_one = _spaced([2, 2])
    assert raised(run(protocol, inputs(week_one, induction_count=8)), WatchRule.INFUSIONS_IN_WINDOW) == []
    assert raised(run(protocol, inputs(week_one, induction_count=2)), WatchRule.INFUSIONS_IN_WINDOW)
