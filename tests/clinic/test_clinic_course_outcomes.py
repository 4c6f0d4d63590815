"""The course's outcome trends read through the clinic: the course's instruments, current scores, baseline, verdicts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketadesk.clinic import Clinic, NotFound
from ketadesk.core.clock import FakeClock, from_utc_iso
from ketadesk.core.instruments.rules import RULES_VERSION
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.store import outcomes as store_outcomes
from tests.engines import BOTH_ENGINES
from tests.outcome_steps import answers_for, measured_course, record_at

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def test_each_instrument_of_the_course_is_judged_from_its_baseline_before_the_first_infusion(
    nurse: Clinic, clock: FakeClock
) -> None:
    """PHQ-9 20 to 10 is exactly a 50 % fall (a response, no remission); GAD-7 14 to 4 responds and remits."""
    walked = measured_course(nurse, clock)
    phq9, gad7 = nurse.course.outcomes(walked.course_id)
    assert (phq9.name, gad7.name) == ("PHQ-9", "GAD-7")
    assert phq9.baseline is not None and phq9.latest is not None
    assert (phq9.baseline.total, phq9.latest.total) == (20, 10)
    assert phq9.change is not None and phq9.change.percent == -50.0
    assert (phq9.response.met, phq9.remission.met) == (True, False)
    assert (gad7.response.met, gad7.remission.met) == (True, True)
    assert phq9.response.rule.version == RULES_VERSION
    first = store_outcomes.first_infusion_at(nurse.store, walked.course_id)
    assert first is not None and phq9.baseline.at < from_utc_iso(first) < phq9.latest.at
    stored = nurse.outcomes.current(walked.patient_id, walked.course_id)[-2]
    assert stored.status.response is phq9.response.met  # the screen and the stored status agree


def test_a_corrected_score_replaces_its_original_and_another_courses_scores_stay_there(
    nurse: Clinic, clock: FakeClock
) -> None:
    """The correction counts in place of the original; a measure of another course never appears."""
    walked = measured_course(nurse, clock)
    latest = nurse.outcomes.current(walked.patient_id, walked.course_id)[-2]
    assert latest.instrument is InstrumentKey.PHQ9 and latest.total == 10
    clock.advance(timedelta(minutes=5))
    answers = answers_for(nurse.outcomes.definition(InstrumentKey.PHQ9), 8)
    nurse.outcomes.correct_measure(latest.id, answers, "Item 1 typed in the wrong row")
    phq9 = nurse.course.outcomes(walked.course_id)[0]
    assert [p.total for p in phq9.points] == [20, 8]
    assert phq9.response.met is True
    other = nurse.scheduling.plan_course(walked.patient_id, nurse.today() + timedelta(days=60)).created_id
    assert other is not None
    clock.advance(timedelta(days=60))
    visit = nurse.scheduling.schedule_visit(walked.patient_id, nurse.today(), 2, course_id=other).created_id
    assert visit is not None
    record_at(nurse, visit, InstrumentKey.PHQ9, 3)
    assert [p.total for p in nurse.course.outcomes(walked.course_id)[0].points] == [20, 8]
    assert [p.total for p in nurse.course.outcomes(other)[0].points] == [3]


def test_a_course_never_measured_lists_its_instruments_with_no_scores(nurse: Clinic, patient_id: int) -> None:
    """The course's instruments, each with no points and nothing judged; an unknown course is NotFound."""
    course = nurse.scheduling.courses(patient_id)[-1]
    trends = nurse.course.outcomes(course.id)
    assert [t.instrument for t in trends] == list(nurse.outcomes.instruments(course.id))
    assert all(t.points == () and t.response.met is None for t in trends)
    with pytest.raises(NotFound):
        nurse.course.outcomes(course.id + 999)
