"""Outcome measures recorded on a walked course, for the course outcome tests of the clinic and the screen.

A measure is written the way the store keeps one entered at check-in (scored by the instrument,
dated by the clinic's clock, entered by the signed-in nurse, with its audit entry).
:func:`measured_course` walks a PHQ-9 and GAD-7 course: the baselines the day before the first
infusion (PHQ-9 20, GAD-7 14), three induction infusions, then PHQ-9 10 (exactly a 50 % fall:
a response, no remission) and GAD-7 4 (a response and a remission) a week after the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock, to_utc_iso
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.rules import outcome_status
from ketadesk.core.instruments.types import Asked, Instrument, InstrumentKey
from ketadesk.store import courses as store_courses
from ketadesk.store import outcomes as store_outcomes
from tests.course_steps import infuse
from tests.helpers import make_patient

PEAK = (146, 90)
CADSS = {1: 1, 2: 1, 6: 1, 7: 0, 15: 0, 22: 0}


def answers_for(instrument: Instrument, total: int) -> dict[int, int]:
    """Answers adding up to ``total``: each item of the total filled to its top in form order (so a PHQ-9 below
    25 leaves item 9 at 0), the items asked only when the total is above 0 left unanswered."""
    answers: dict[int, int] = {}
    rest = total
    for item in instrument.items:
        if item.asked is Asked.WHEN_TOTAL_ABOVE_ZERO or not item.in_total:
            continue
        answers[item.number] = min(item.scale.high, rest)
        rest -= answers[item.number]
    assert rest == 0, f"{instrument.name} cannot total {total}"
    return answers


def record(nurse: Clinic, course_id: int, key: InstrumentKey, total: int) -> int:
    """One measure of ``key`` totalling ``total`` for the course, entered by the nurse now."""
    instrument = nurse.protocol.outcomes.instrument(key)
    course = store_courses.get(nurse.store, course_id)
    answers = answers_for(instrument, total)
    scored = instrument.score(answers)
    return store_outcomes.add_measure(
        nurse.store,
        patient_id=course.patient_id,
        course_id=course_id,
        visit_id=None,
        answers=answers,
        scored=scored,
        status=outcome_status(key, scored.total, None),
        mode=EntryMode.NURSE,
        at=to_utc_iso(nurse.session.now()),
        actor_id=nurse.session.user.id,
    )


@dataclass(frozen=True, slots=True)
class MeasuredCourse:
    """The course and its three infused visits, in date order."""

    patient_id: int
    course_id: int
    start: date
    visits: tuple[int, ...]


def measured_course(nurse: Clinic, clock: FakeClock, *, mrn: str = "KD-40001") -> MeasuredCourse:
    """The course of the module docstring, planned to start tomorrow; the clock ends a week after the start."""
    patient_id = nurse.patients.register(make_patient(mrn)).created_id
    assert patient_id is not None
    start = nurse.today() + timedelta(days=1)
    course_id = nurse.scheduling.plan_course(patient_id, start).created_id
    assert course_id is not None
    record(nurse, course_id, InstrumentKey.PHQ9, 20)
    record(nurse, course_id, InstrumentKey.GAD7, 14)
    visits = tuple(
        infuse(nurse, clock, patient_id, course_id, start + timedelta(days=d), peak=PEAK, cadss=CADSS)
        for d in (0, 2, 4)
    )
    clock.set(clock.now() + timedelta(days=3))
    record(nurse, course_id, InstrumentKey.PHQ9, 10)
    record(nurse, course_id, InstrumentKey.GAD7, 4)
    return MeasuredCourse(patient_id, course_id, start, visits)
