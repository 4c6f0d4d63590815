"""Treatment courses: the induction schedule from a template, then maintenance."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.course import CoursePosition, next_visit_date, plan_induction
from ketadesk.core.protocol import Protocol, ScheduleTemplate

MONDAY = date(2025, 1, 6)


def test_default_course_is_eight_infusions(protocol: Protocol) -> None:
    """The default template plans 3 + 2 + 1 + 1 + 1 = 8 induction infusions."""
    assert len(plan_induction(protocol.template(), MONDAY)) == 8


def test_default_course_dates(protocol: Protocol) -> None:
    """Week 1 on days 0, 2, 4; week 2 on days 0, 3; then one visit at the start of each of three weeks."""
    assert plan_induction(protocol.template(), MONDAY) == [
        date(2025, 1, 6),
        date(2025, 1, 8),
        date(2025, 1, 10),
        date(2025, 1, 13),
        date(2025, 1, 16),
        date(2025, 1, 20),
        date(2025, 1, 27),
        date(2025, 2, 3),
    ]


def test_six_in_two_weeks(protocol: Protocol) -> None:
    """The 6-infusion template plans three visits in each of two weeks."""
    assert plan_induction(protocol.template("induction-6"), MONDAY) == [
        date(2025, 1, 6),
        date(2025, 1, 8),
        date(2025, 1, 10),
        date(2025, 1, 13),
        date(2025, 1, 15),
        date(2025, 1, 17),
    ]


def test_next_visit_date_within_induction(protocol: Protocol) -> None:
    """Visit 1 is the start date and visit 4 is the first of week 2."""
    template = protocol.template()
    assert next_visit_date(template, MONDAY, 1) == MONDAY
    assert next_visit_date(template, MONDAY, 4) == date(2025, 1, 13)
    assert next_visit_date(template, MONDAY, 8) == date(2025, 2, 3)


def test_maintenance_follows_the_taper_then_the_template_interval(protocol: Protocol) -> None:
    """The shipped taper: maintenance 14 days after the last induction infusion, then 21, then every 28."""
    template = protocol.template()
    assert template.maintenance_taper_days == (14, 21)
    last = date(2025, 2, 3)
    assert [next_visit_date(template, MONDAY, n) - last for n in (9, 10, 11, 12)] == [
        timedelta(days=d) for d in (14, 35, 63, 91)
    ]


def test_a_template_without_a_taper_steps_by_its_interval(protocol: Protocol) -> None:
    """Without a taper every maintenance visit comes the template's interval after the one before."""
    template = replace(protocol.template(), maintenance_taper_days=())
    assert next_visit_date(template, MONDAY, 9) == date(2025, 2, 3) + timedelta(days=28)
    assert next_visit_date(template, MONDAY, 10) == date(2025, 2, 3) + timedelta(days=56)


@pytest.mark.parametrize("sequence", [0, -1])
def test_visit_numbers_start_at_one(protocol: Protocol, sequence: int) -> None:
    """There is no visit 0."""
    with pytest.raises(ValueError, match="start at 1"):
        next_visit_date(protocol.template(), MONDAY, sequence)


@pytest.mark.parametrize(
    ("sequence", "label", "maintenance"),
    [
        (1, "Infusion 1 of 8", False),
        (4, "Infusion 4 of 8", False),
        (8, "Infusion 8 of 8", False),
        (9, "Maintenance 1", True),
        (11, "Maintenance 3", True),
    ],
)
def test_course_position_labels(sequence: int, label: str, maintenance: bool) -> None:
    """Induction visits read 'Infusion n of 8'; after the eighth they read 'Maintenance n'."""
    position = CoursePosition(sequence=sequence, induction_count=8)
    assert position.label == label
    assert position.is_maintenance is maintenance


@st.composite
def _templates(draw: st.DrawFn) -> ScheduleTemplate:
    """Any template the protocol reader accepts: a taper of lengthening steps, none longer than the interval."""
    interval = draw(st.integers(min_value=1, max_value=365))
    taper = sorted(draw(st.lists(st.integers(min_value=1, max_value=interval), max_size=5)))
    return ScheduleTemplate(
        "t",
        "T",
        tuple(draw(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=12))),
        interval,
        tuple(taper),
    )


TEMPLATES = _templates()


@settings(max_examples=200, deadline=None)
@given(TEMPLATES, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_any_template_plans_its_count_in_order_inside_each_week(template: ScheduleTemplate, start: date) -> None:
    """Any template plans exactly its induction count, on distinct rising dates, each inside its own week."""
    dates = plan_induction(template, start)
    assert len(dates) == template.induction_count
    assert all(a < b for a, b in itertools.pairwise(dates))
    index = 0
    for week, count in enumerate(template.visits_per_week):
        week_start = start + timedelta(weeks=week)
        for day in dates[index : index + count]:
            assert week_start <= day < week_start + timedelta(days=7)
        assert dates[index] == week_start
        index += count


@settings(max_examples=200, deadline=None)
@given(TEMPLATES, st.integers(min_value=1, max_value=60))
def test_next_visit_date_agrees_with_the_plan_and_label(template: ScheduleTemplate, sequence: int) -> None:
    """next_visit_date matches the induction plan, then steps by the taper and the interval; the label agrees."""
    plan = plan_induction(template, MONDAY)
    when = next_visit_date(template, MONDAY, sequence)
    position = CoursePosition(sequence, template.induction_count)
    if sequence <= len(plan):
        assert when == plan[sequence - 1]
        assert not position.is_maintenance
        assert position.label == f"Infusion {sequence} of {template.induction_count}"
    else:
        extra = sequence - len(plan)
        steps = [*template.maintenance_taper_days, *[template.maintenance_interval_days] * extra][:extra]
        assert when == plan[-1] + timedelta(days=sum(steps))
        assert position.label == f"Maintenance {extra}"
        if extra > 1:  # each maintenance visit follows the one before by its step, never by less
            gap = (when - next_visit_date(template, MONDAY, sequence - 1)).days
            assert gap == steps[-1] and gap >= steps[0]
