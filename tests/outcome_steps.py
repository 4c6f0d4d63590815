"""Outcome measures recorded through the clinic on walked courses, for the course outcome tests and the screen.

Each measure is recorded with ``clinic.outcomes.record_measure`` at a visit of the course, at
the clinic's clock, as the nurse. :func:`measured_course` walks a PHQ-9 and GAD-7 course:
both measured at the first visit's check-in before its infusion (PHQ-9 20, GAD-7 14: the
baselines), three induction infusions two days apart, then at the check-in of the visit a
week after the first, PHQ-9 10 (exactly a 50 % fall: a response, no remission) and GAD-7 4
(a response and a remission). :func:`longer_course` is six infusions measured before each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ketadesk.clinic import Changes, Clinic
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
LONGER_PHQ9 = (21, 18, 15, 13, 11, 9, 7)
LONGER_GAD7 = (16, 14, 13, 10, 8, 6, 5)


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


def record_at(nurse: Clinic, visit_id: int, key: InstrumentKey, total: int) -> Changes:
    """One measure of ``key`` totalling ``total`` at ``visit_id``, entered by the nurse now (the clinic's write)."""
    return nurse.outcomes.record_measure(visit_id, key, answers_for(nurse.outcomes.definition(key), total))


def record(nurse: Clinic, course_id: int, key: InstrumentKey, total: int) -> int:
    """One measure of ``key`` for the course outside any visit, written as the store keeps one entered now.

    For an instrument the course was not planned with (the clinic's write refuses those): a
    course measured with it all the same, as one planned before the instruments were chosen.
    """
    instrument = nurse.outcomes.definition(key)
    course = store_courses.get(nurse.store, course_id)
    scored = instrument.score(answers_for(instrument, total))
    return store_outcomes.add_measure(
        nurse.store,
        patient_id=course.patient_id,
        course_id=course_id,
        visit_id=None,
        answers=answers_for(instrument, total),
        scored=scored,
        status=outcome_status(key, scored.total, None),
        mode=EntryMode.NURSE,
        at=to_utc_iso(nurse.session.now()),
        actor_id=nurse.session.user.id,
    )


def _measures(nurse: Clinic, clock: FakeClock, phq9: int, gad7: int) -> Callable[[int], None]:
    """A check-in that records PHQ-9 and GAD-7 at the visit, taking five minutes (the pump starts after it)."""

    def check_in(visit_id: int) -> None:
        record_at(nurse, visit_id, InstrumentKey.PHQ9, phq9)
        record_at(nurse, visit_id, InstrumentKey.GAD7, gad7)
        clock.advance(minutes=5)

    return check_in


@dataclass(frozen=True, slots=True)
class MeasuredCourse:
    """The course, its infused visits in date order, and the visit booked after them where the last scores are."""

    patient_id: int
    course_id: int
    start: date
    visits: tuple[int, ...]
    booked: int


def _course(nurse: Clinic, mrn: str, **names: str) -> tuple[int, int, date]:
    patient_id = nurse.patients.register(make_patient(mrn, **names)).created_id
    assert patient_id is not None
    start = nurse.today()
    course_id = nurse.scheduling.plan_course(patient_id, start).created_id
    assert course_id is not None
    return patient_id, course_id, start


def _book_on(nurse: Clinic, clock: FakeClock, walked: tuple[int, int, date], day: int) -> int:
    """Book the course's visit on its day ``day``, the clock at 09:00 UTC that day."""
    patient_id, course_id, start = walked
    clock.set(datetime.combine(start + timedelta(days=day), time(9, 0), tzinfo=UTC))
    booked = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course_id).created_id
    assert booked is not None
    return booked


def measured_course(nurse: Clinic, clock: FakeClock, *, mrn: str = "KD-40001") -> MeasuredCourse:
    """The course of the module docstring, from today; the clock ends at the check-in a week after the start."""
    walked = _course(nurse, mrn)
    patient_id, course_id, start = walked
    visits = tuple(
        infuse(
            nurse,
            clock,
            patient_id,
            course_id,
            start + timedelta(days=day),
            peak=PEAK,
            cadss=CADSS,
            check_in=_measures(nurse, clock, 20, 14) if day == 0 else None,
        )
        for day in (0, 2, 4)
    )
    booked = _book_on(nurse, clock, walked, 7)
    _measures(nurse, clock, 10, 4)(booked)
    return MeasuredCourse(patient_id, course_id, start, visits, booked)


def longer_course(nurse: Clinic, clock: FakeClock, *, mrn: str = "KD-40002") -> MeasuredCourse:
    """Six induction infusions over two weeks, PHQ-9 and GAD-7 at the check-in of each (the first visit's are the
    baselines), the fourth stopped early at 22 min; the last scores at the check-in a week after the sixth."""
    walked = _course(nurse, mrn, family_name="Lindqvist", given_name="Anna")
    patient_id, course_id, start = walked
    visits = []
    for number, day in enumerate((0, 2, 4, 7, 9, 11)):
        stop = (22, "19") if number == 3 else (None, None)
        check_in = _measures(nurse, clock, LONGER_PHQ9[number], LONGER_GAD7[number])
        visit = infuse(
            nurse,
            clock,
            patient_id,
            course_id,
            start + timedelta(days=day),
            peak=PEAK,
            cadss=CADSS,
            stop_at_min=stop[0],
            given_mg=stop[1],
            check_in=check_in,
        )
        visits.append(visit)
    booked = _book_on(nurse, clock, walked, 18)
    _measures(nurse, clock, LONGER_PHQ9[-1], LONGER_GAD7[-1])(booked)
    return MeasuredCourse(patient_id, course_id, start, tuple(visits), booked)
