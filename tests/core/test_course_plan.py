"""The plan ahead: induction on the template's days, maintenance through the taper, moved later when late."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.course import next_visit_date
from ketadesk.core.course_plan import plan_ahead
from ketadesk.core.protocol import Protocol, ScheduleTemplate

MONDAY = date(2025, 1, 6)


def test_a_new_course_plans_induction_then_the_taper(protocol: Protocol) -> None:
    """Nothing booked: eight induction dates from the template, then maintenance after 14, 21 and 28 days."""
    plan = plan_ahead(protocol.template(), MONDAY, 1, today=MONDAY, last_booked=None)
    assert [p.label for p in plan] == [f"Infusion {n} of 8" for n in range(1, 9)] + [
        "Maintenance 1",
        "Maintenance 2",
        "Maintenance 3",
    ]
    assert [(p.day - MONDAY).days for p in plan] == [0, 2, 4, 7, 10, 14, 21, 28, 42, 63, 91]
    assert [p.days_after for p in plan] == [None, 2, 2, 3, 3, 4, 7, 7, 14, 21, 28]


def test_the_plan_starts_at_the_next_number_after_the_last_visit(protocol: Protocol) -> None:
    """Three visits held on their days: the plan starts at infusion 4, its first interval from visit 3."""
    plan = plan_ahead(protocol.template(), MONDAY, 4, today=MONDAY + timedelta(days=5), last_booked=date(2025, 1, 10))
    assert (plan[0].label, plan[0].day, plan[0].days_after) == ("Infusion 4 of 8", date(2025, 1, 13), 3)


def test_a_late_course_moves_the_whole_plan_keeping_its_spacing(protocol: Protocol) -> None:
    """Visit 3 held four days late: infusion 4 is the day after it, and every later visit moves by as much."""
    template = protocol.template()
    plan = plan_ahead(template, MONDAY, 4, today=date(2025, 1, 14), last_booked=date(2025, 1, 14))
    assert plan[0].day == date(2025, 1, 15)
    shift = (plan[0].day - next_visit_date(template, MONDAY, 4)).days
    assert shift == 2
    for planned, sequence in zip(plan, itertools.count(4), strict=False):
        assert planned.day == next_visit_date(template, MONDAY, sequence) + timedelta(days=shift)


def test_a_course_past_its_taper_plans_one_more_visit_at_the_interval(protocol: Protocol) -> None:
    """At maintenance 6 the taper is long done: the plan is the next visit, 28 days after the last."""
    last = next_visit_date(protocol.template(), MONDAY, 13)
    plan = plan_ahead(protocol.template(), MONDAY, 14, today=last, last_booked=last)
    assert [(p.label, p.day, p.days_after) for p in plan] == [("Maintenance 6", last + timedelta(days=28), 28)]


@st.composite
def _templates(draw: st.DrawFn) -> ScheduleTemplate:
    interval = draw(st.integers(min_value=1, max_value=90))
    taper = sorted(draw(st.lists(st.integers(min_value=1, max_value=interval), max_size=4)))
    weeks = draw(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=8))
    return ScheduleTemplate("t", "T", tuple(weeks), interval, tuple(taper))


@settings(max_examples=200, deadline=None)
@given(
    _templates(),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=-60, max_value=400),
    st.one_of(st.none(), st.integers(min_value=-30, max_value=400)),
)
def test_any_plan_is_in_order_never_in_the_past_and_spaced_as_planned(
    template: ScheduleTemplate, sequence: int, today_offset: int, booked_offset: int | None
) -> None:
    """Whatever the course's state: dates rise, none before today or on or before the last visit, and each gap is
    the template's; the plan reaches the first visit at the steady interval."""
    today = MONDAY + timedelta(days=today_offset)
    booked = MONDAY + timedelta(days=booked_offset) if booked_offset is not None else None
    plan = plan_ahead(template, MONDAY, sequence, today=today, last_booked=booked)
    assert plan[0].position.sequence == sequence
    assert plan[0].day >= today and (booked is None or plan[0].day > booked)
    assert all(a.day < b.day for a, b in itertools.pairwise(plan))
    for a, b in itertools.pairwise(plan):
        planned_gap = next_visit_date(template, MONDAY, b.position.sequence) - next_visit_date(
            template, MONDAY, a.position.sequence
        )
        assert b.day - a.day == planned_gap == timedelta(days=b.days_after or 0)
    last = plan[-1].position
    assert last.sequence >= template.induction_count + len(template.maintenance_taper_days) + 1
