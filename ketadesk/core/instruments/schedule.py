"""When each of a course's instruments is due: before each induction infusion, then every so many days.

The clinic's schedule (``[outcomes]``: ``before_each_induction_infusion``,
``every_days_after_induction``, default 14): during induction every instrument the course
uses is due at each visit before the infusion starts; after induction one is due once the
interval has passed since the last of it (a course with none yet is due from its start).
A measure taken for the visit, or on its day before the infusion, answers it. An induction
visit whose infusion started without one has missed it (the next visit asks again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ketadesk.core.dates import in_words
from ketadesk.core.instruments import instrument_label
from ketadesk.core.instruments.types import InstrumentKey


@dataclass(frozen=True, slots=True)
class MeasureSchedule:
    """The clinic's schedule for outcome measures."""

    before_each_induction_infusion: bool
    every_days_after_induction: int


class DueState(StrEnum):
    """Where one instrument stands for a visit."""

    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    MISSED = "missed"
    NOT_DUE = "not_due"

    @property
    def asks(self) -> bool:
        """True when the nurse should take it now (due or overdue)."""
        return self in (DueState.DUE, DueState.OVERDUE)


@dataclass(frozen=True, slots=True)
class MeasureDue:
    """One instrument's state for a visit, the day it fell due, and when it was last taken."""

    instrument: InstrumentKey
    state: DueState
    due_on: date | None
    last_on: date | None
    rule: str

    @property
    def text(self) -> str:
        """In words: ``PHQ-9 due before the infusion``, ``GAD-7 overdue since 1 December 2026``."""
        name = instrument_label(self.instrument)
        if self.state is DueState.DONE:
            return f"{name} taken for this visit"
        if self.state is DueState.MISSED:
            return f"{name} was not taken before this infusion"
        if self.state is DueState.OVERDUE and self.due_on is not None:
            return f"{name} overdue since {in_words(self.due_on)}"
        if self.state is DueState.DUE:
            return f"{name} due {'before the infusion' if self.rule == INDUCTION_RULE else 'today'}"
        return f"{name} next due {in_words(self.due_on)}" if self.due_on is not None else f"{name} not due"


INDUCTION_RULE = "before each induction infusion"


def due_at_visit(
    schedule: MeasureSchedule,
    instruments: Iterable[InstrumentKey],
    *,
    in_induction: bool,
    visit_day: date,
    infusion_started: bool,
    taken_here: Iterable[InstrumentKey],
    last_taken: Mapping[InstrumentKey, date],
    course_start: date,
    today: date,
) -> tuple[MeasureDue, ...]:
    """Each of the course's instruments judged for one visit on ``today``."""
    here = set(taken_here)
    every = schedule.every_days_after_induction
    found: list[MeasureDue] = []
    for key in instruments:
        last = last_taken.get(key)
        if key in here:
            found.append(MeasureDue(key, DueState.DONE, visit_day, last, ""))
            continue
        if in_induction and schedule.before_each_induction_infusion:
            if infusion_started:
                found.append(MeasureDue(key, DueState.MISSED, visit_day, last, INDUCTION_RULE))
                continue
            state = DueState.OVERDUE if today > visit_day else DueState.DUE
            found.append(MeasureDue(key, state, visit_day, last, INDUCTION_RULE))
            continue
        due_on = course_start if last is None else last + timedelta(days=every)
        rule = f"every {every} days after induction"
        if today > due_on:
            state = DueState.OVERDUE
        elif today == due_on:
            state = DueState.DUE
        else:
            state = DueState.NOT_DUE
        found.append(MeasureDue(key, state, due_on, last, rule))
    return tuple(found)
