"""The watch reads its outcome scores from the stored measures: current ones only, per instrument, oldest first."""

from __future__ import annotations

from datetime import timedelta

from ketadesk.clinic import Clinic
from ketadesk.clinic.watch_scores import outcome_scores
from ketadesk.core.clock import FakeClock, to_utc_iso
from ketadesk.core.course import Course
from ketadesk.core.instruments import GAD7, PHQ9, Instrument
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.rules import outcome_status
from ketadesk.store import outcomes
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database

PHQ9_HIGH = {1: 3, 2: 3, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 0, 10: 2}  # total 18
PHQ9_LOW = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 0, 7: 0, 8: 0, 9: 0, 10: 1}  # total 5
GAD7_SOME = {1: 2, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1}  # total 9


def _measure(
    nurse: Clinic,
    clock: FakeClock,
    course: Course,
    instrument: Instrument,
    answers: dict[int, int],
    *,
    corrects_id: int | None = None,
    entered_in_error: bool = False,
) -> int:
    scored = instrument.score(answers)
    measure_id = outcomes.add_measure(
        nurse.store,
        patient_id=course.patient_id,
        course_id=course.id,
        visit_id=None,
        answers=answers,
        scored=scored,
        status=outcome_status(instrument.key, scored.total, None),
        mode=EntryMode.NURSE,
        at=to_utc_iso(clock.now()),
        actor_id=nurse.user.id,
        corrects_id=corrects_id,
        entered_in_error=entered_in_error,
        reason="typed in the wrong row" if corrects_id else "",
    )
    clock.advance(timedelta(days=1))
    return measure_id


def test_the_watch_sees_each_instruments_current_totals_oldest_first(
    nurse: Clinic, clock: FakeClock, patient_id: int
) -> None:
    """A corrected original and a struck measure never count; instruments come in their order, PHQ-9 first."""
    course = nurse.scheduling.courses(patient_id)[-1]
    assert outcome_scores(nurse.session, course) == ()
    _measure(nurse, clock, course, GAD7, GAD7_SOME)
    first = _measure(nurse, clock, course, PHQ9, PHQ9_LOW)
    _measure(nurse, clock, course, PHQ9, PHQ9_HIGH, corrects_id=first)
    struck = _measure(nurse, clock, course, PHQ9, PHQ9_LOW)
    _measure(nurse, clock, course, PHQ9, PHQ9_LOW, corrects_id=struck, entered_in_error=True)
    _measure(nurse, clock, course, PHQ9, PHQ9_LOW)

    series = outcome_scores(nurse.session, course)
    assert [s.instrument for s in series] == ["PHQ-9", "GAD-7"]
    phq9, gad7 = series
    assert [p.total for p in phq9.points] == [18, 5]
    assert [p.taken_at for p in phq9.points] == sorted(p.taken_at for p in phq9.points)
    assert [p.total for p in gad7.points] == [9]
