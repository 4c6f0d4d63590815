"""When a course's instruments are due: before each induction infusion, then every 14 days after the last."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.instruments import InstrumentKey
from ketadesk.core.instruments.schedule import DueState, MeasureSchedule, due_at_visit
from ketadesk.core.protocol import Protocol

PHQ, GAD = InstrumentKey.PHQ9, InstrumentKey.GAD7
SCHEDULE = MeasureSchedule(before_each_induction_infusion=True, every_days_after_induction=14)
DAY = date(2026, 11, 24)
START = date(2026, 10, 1)


def _due(**changes: object) -> dict[InstrumentKey, DueState]:
    arguments: dict[str, object] = {
        "in_induction": True,
        "visit_day": DAY,
        "infusion_started": False,
        "taken_here": (),
        "last_taken": {},
        "course_start": START,
        "today": DAY,
    }
    arguments.update(changes)
    found = due_at_visit(SCHEDULE, (PHQ, GAD), **arguments)  # type: ignore[arg-type]
    return {d.instrument: d.state for d in found}


def test_the_shipped_schedule_is_before_each_induction_infusion_then_every_14_days(protocol: Protocol) -> None:
    """The default protocol: before each induction infusion, then every 14 days; PHQ-9 and GAD-7 by default."""
    outcomes = protocol.outcomes
    assert outcomes.schedule == SCHEDULE
    assert outcomes.default_instruments == (PHQ, GAD)


def test_each_induction_visit_asks_for_every_instrument_before_the_infusion() -> None:
    """An induction visit without its measures: both due today; one taken, that one done; both overdue the next day."""
    assert _due() == {PHQ: DueState.DUE, GAD: DueState.DUE}
    assert _due(taken_here={PHQ}) == {PHQ: DueState.DONE, GAD: DueState.DUE}
    assert _due(today=DAY + timedelta(days=1)) == {PHQ: DueState.OVERDUE, GAD: DueState.OVERDUE}


def test_an_induction_infusion_started_without_its_measure_missed_it() -> None:
    """Once the pump has started, a measure not taken before it is missed, not due."""
    assert _due(infusion_started=True) == {PHQ: DueState.MISSED, GAD: DueState.MISSED}


@given(st.integers(0, 40))
def test_after_induction_a_measure_is_due_14_days_after_the_last(days_since: int) -> None:
    """Not due before day 14, due on day 14, overdue after it (for any day since the last)."""
    last = DAY - timedelta(days=days_since)
    state = _due(in_induction=False, last_taken={PHQ: last, GAD: last})[PHQ]
    expected = DueState.NOT_DUE if days_since < 14 else DueState.DUE if days_since == 14 else DueState.OVERDUE
    assert state is expected


def test_after_induction_a_course_never_measured_is_due_from_its_start() -> None:
    """No measure of an instrument at all: due since the course began."""
    assert _due(in_induction=False)[GAD] is DueState.OVERDUE
    assert _due(in_induction=False, course_start=DAY)[GAD] is DueState.DUE


def test_the_words_say_what_to_do() -> None:
    """Due before the infusion, overdue since a date, next due on a date."""
    [phq, _gad] = due_at_visit(
        SCHEDULE,
        (PHQ, GAD),
        in_induction=False,
        visit_day=DAY,
        infusion_started=False,
        taken_here=(),
        last_taken={PHQ: DAY - timedelta(days=20), GAD: DAY - timedelta(days=3)},
        course_start=START,
        today=DAY,
    )
    assert phq.text == "PHQ-9 overdue since 18 November 2026"
    [induction, _] = due_at_visit(
        SCHEDULE,
        (PHQ, GAD),
        in_induction=True,
        visit_day=DAY,
        infusion_started=False,
        taken_here=(),
        last_taken={},
        course_start=START,
        today=DAY,
    )
    assert induction.text == "PHQ-9 due before the infusion"
