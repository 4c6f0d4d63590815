"""The demo clinic's outcome measures and course watch, read back through the clinic API as the screens read them.

Judged by the clinic's own rules (what ``clinic.outcomes`` says is due, the status stored
with each measure, the flags ``clinic.watch`` raises), not by the demo's tables of stories.
"""

from __future__ import annotations

from datetime import date

import pytest

from ketadesk.clinic import Clinic
from ketadesk.clinic.demo import Showcase
from ketadesk.core.course import Course
from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.schedule import DueState
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import Gate
from ketadesk.core.watch.flags import WatchRule

Demo = tuple[Clinic, list[Showcase]]
FLAGGED = (
    WatchRule.DOSE_CREEP,
    WatchRule.INTERVALS_SHORTENING,
    WatchRule.BENEFIT_WEARING_OFF,
    WatchRule.REFUSED_REQUESTS,
    WatchRule.SCREENING_OVERDUE,
)


def _courses(clinic: Clinic) -> list[Course]:
    patients = sorted({v.patient_id for v in clinic.visits.between(date(2000, 1, 1), date(2100, 1, 1))})
    return [c for p in patients for c in clinic.scheduling.courses(p)]


def _series(clinic: Clinic, course: Course) -> dict[InstrumentKey, list[Measure]]:
    found: dict[InstrumentKey, list[Measure]] = {}
    for m in clinic.outcomes.current(course.patient_id, course.id):
        found.setdefault(m.instrument, []).append(m)
    return found


def test_courses_use_phq9_with_gad7_and_others_pcl5_or_the_fq(demo: Demo) -> None:
    """Most courses are measured with PHQ-9 and GAD-7 together; others chose PCL-5 or the Fear Questionnaire."""
    clinic, _ = demo
    chosen = [tuple(i.key for i in clinic.outcomes.instruments(c.id)) for c in _courses(clinic)]
    together = chosen.count((InstrumentKey.PHQ9, InstrumentKey.GAD7))
    assert together > len(chosen) / 2
    assert any(InstrumentKey.PCL5 in c for c in chosen) and any(InstrumentKey.FQ in c for c in chosen)


def test_every_started_infusion_had_its_measures_taken_before_it(demo: Demo) -> None:
    """No visit's measures were missed: each induction infusion started with every instrument of its course taken."""
    clinic, _ = demo
    started = 0
    for course in _courses(clinic):
        for visit in clinic.visits.between(date(2000, 1, 1), date(2100, 1, 1)):
            if visit.course_id != course.id or visit.phase in (Phase.SCHEDULED, Phase.PRE_ASSESSMENT):
                continue
            due = clinic.outcomes.due(visit.id)
            assert all(d.state is not DueState.MISSED for d in due), (visit.id, [d.text for d in due])
            started += 1
    assert started > 50


def test_outcome_series_respond_remit_relapse_and_do_not_respond(demo: Demo) -> None:
    """Judged by the status stored with each measure: each kind of course is in the demo."""
    clinic, _ = demo
    kinds: set[str] = set()
    for course in _courses(clinic):
        for measures in _series(clinic, course).values():
            responses = [m.status.response for m in measures[1:]]
            if any(m.status.remission for m in measures[1:]):
                kinds.add("remits")
            if any(responses):
                kinds.add("responds")
                if not responses[-1]:
                    kinds.add("relapses")
            elif len(measures) >= 4:
                kinds.add("does not respond")
    assert kinds == {"remits", "responds", "relapses", "does not respond"}


def test_each_watch_flag_is_raised_on_some_course(demo: Demo) -> None:
    """Dose creep, intervals shortening, benefit wearing off, refused requests and an overdue screening."""
    clinic, _ = demo
    raised = {f.flag.rule for c in _courses(clinic) for f in clinic.watch.state(c.id).flags}
    assert set(FLAGGED) <= raised


def test_today_one_flag_waits_for_its_assessment_and_one_was_assessed(demo: Demo) -> None:
    """A PHQ-9 item 9 above 0 stops today's pre-assessment; another, assessed, let the infusion start."""
    clinic, _ = demo
    flags = {v.id: (v, clinic.outcomes.risk_flags(v.patient_id)) for v in clinic.visits.board()}
    waiting = [(v, f) for v, f in flags.values() if any(not flag.cleared for flag in f)]
    assessed = [(v, f) for v, f in flags.values() if f and all(flag.assessment is not None for flag in f)]
    assert len(waiting) == 1 and len(assessed) == 1
    visit, _ = waiting[0]
    assert visit.phase is Phase.PRE_ASSESSMENT
    assert Gate.SUICIDE_RISK in {b.gate for b in clinic.infusion.blockers(visit.id)}
    visit, (flag, *_) = assessed[0]
    assert visit.phase is Phase.INFUSING and flag.item9 > 0


def test_some_measures_were_typed_by_the_patient(demo: Demo) -> None:
    """The questionnaire mode was used now and then; the nurse entered the rest, each in her own session."""
    clinic, _ = demo
    measures = [m for c in _courses(clinic) for ms in _series(clinic, c).values() for m in ms]
    modes = [m.mode for m in measures]
    assert 0 < modes.count(EntryMode.PATIENT) < modes.count(EntryMode.NURSE)
    assert {m.entered_by for m in measures} <= {"nurse", "nurse2"}


@pytest.mark.parametrize("story", ["responds", "remits", "relapses", "does not respond"])
def test_the_summary_names_a_course_for_each_outcome_story(demo: Demo, story: str) -> None:
    """``ketadesk demo`` lists a course for each kind of series, at one of that course's visits."""
    clinic, showcase = demo
    shown = [s for s in showcase if s.course_id is not None and s.shows.startswith(story)]
    assert shown
    assert clinic.visits.get(shown[0].visit_id).detail.summary.course_id == shown[0].course_id


@pytest.mark.parametrize("rule", FLAGGED)
def test_the_summary_names_a_course_that_raises_each_flag(demo: Demo, rule: WatchRule) -> None:
    """The course listed for a flag raises it on the course screen now."""
    clinic, showcase = demo
    shown = [s for s in showcase if s.course_id is not None and rule.label.lower() in s.shows]
    assert shown
    course_id = shown[0].course_id
    assert course_id is not None
    assert rule in {f.flag.rule for f in clinic.watch.state(course_id).open_flags}
