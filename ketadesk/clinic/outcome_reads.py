"""Outcome measures as the clinic reads them: a course's instruments, what is due at a visit, the risk flags.

The rules are core's (:mod:`ketadesk.core.instruments.schedule` for what is due,
:mod:`ketadesk.core.instruments.risk` for the flags); here they are fed from the record.
Kept apart from the writes (:mod:`ketadesk.clinic.outcomes`) so the infusion's gate
(:mod:`ketadesk.clinic.infusion`) and the chair board can ask without importing the writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ketadesk.clinic.session import Session
from ketadesk.core.course import Course
from ketadesk.core.instruments.measures import Measure, current
from ketadesk.core.instruments.risk import RiskFlag, blocking, risk_flags
from ketadesk.core.instruments.schedule import DueState, MeasureDue, due_at_visit
from ketadesk.core.instruments.types import Instrument, InstrumentKey
from ketadesk.core.local_time import local_date
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitSummary
from ketadesk.store import courses as store_courses
from ketadesk.store import outcomes as store_outcomes
from ketadesk.store import visits as store_visits

NOT_YET_STARTED = frozenset({Phase.SCHEDULED, Phase.PRE_ASSESSMENT})
"""The phases in which the infusion has not started, so a measure due before it can still be taken."""


@dataclass(frozen=True, slots=True)
class OutcomeMarks:
    """What a chair tile and the visit banner show of outcome measures for one visit.

    ``flags`` are the patient's suicide-risk flags showing now; the patient questionnaire
    mode never shows them (it reads only the instruments and their items).
    """

    due: tuple[MeasureDue, ...]
    flags: tuple[RiskFlag, ...]

    @property
    def overdue(self) -> tuple[MeasureDue, ...]:
        """The measures overdue (or, at a visit whose infusion started, missed)."""
        return tuple(d for d in self.due if d.state in (DueState.OVERDUE, DueState.MISSED))

    @property
    def asks(self) -> tuple[MeasureDue, ...]:
        """The measures the nurse should take now (due or overdue)."""
        return tuple(d for d in self.due if d.state.asks)

    @property
    def blocking(self) -> tuple[RiskFlag, ...]:
        """The flags that stop the infusion from starting until assessed or overridden."""
        return blocking(self.flags)

    @property
    def lines(self) -> tuple[str, ...]:
        """The marks in words, the flags first (``Suicide-risk flag (high priority): …``, ``PHQ-9 overdue …``)."""
        return (*(f.summary for f in self.flags), *(d.text for d in self.asks))


def course_instruments(session: Session, course_id: int | None) -> tuple[Instrument, ...]:
    """The instruments a course uses: those chosen for it, else the protocol's default for a new course."""
    outcomes = session.protocol.outcomes
    chosen = None if course_id is None else store_outcomes.course_instruments(session.store, course_id)
    keys = outcomes.default_instruments if chosen is None else chosen
    return tuple(outcomes.instrument(k) for k in keys)


def counted_measures(session: Session, patient_id: int, course_id: int | None = None) -> list[Measure]:
    """The patient's measures that count (of one course when ``course_id`` is given), oldest first.

    Not replaced by a correction and not struck (core's :func:`current`); the one read every
    outcome view starts from: what is due, the course's trends, the watch's scores.
    """
    counted = current(store_outcomes.measures(session.store, patient_id))
    return [m for m in counted if course_id is None or m.course_id == course_id]


def patient_flags(session: Session, patient_id: int) -> tuple[RiskFlag, ...]:
    """The patient's suicide-risk flags showing now, the ones still to assess and high priority first."""
    store = session.store
    return risk_flags(
        store_outcomes.measures(store, patient_id),
        store_outcomes.assessments(store, patient_id),
        store_outcomes.overrides(store, patient_id),
        session.protocol.outcomes.risk,
        session.now(),
    )


def _day(session: Session, measure: Measure) -> date:
    return local_date(measure.entered_at, session.protocol.zone)


def visit_due(session: Session, visit: VisitSummary) -> tuple[MeasureDue, ...]:
    """Each of the course's instruments judged for ``visit`` today (nothing for a visit outside a course)."""
    if visit.course_id is None or visit.phase in (Phase.CANCELLED, Phase.NO_SHOW):
        return ()
    course: Course = store_courses.get(session.store, visit.course_id)
    counted = counted_measures(session, visit.patient_id, course.id)
    started = visit.phase not in NOT_YET_STARTED
    here = {
        m.instrument
        for m in counted
        if m.visit_id == visit.id or (not started and m.visit_id is None and _day(session, m) == visit.scheduled_date)
    }
    last: dict[InstrumentKey, date] = {}
    for m in counted:
        day = _day(session, m)
        if m.instrument not in last or day > last[m.instrument]:
            last[m.instrument] = day
    position = visit.position
    return due_at_visit(
        session.protocol.outcomes.schedule,
        (i.key for i in course_instruments(session, course.id)),
        in_induction=position is not None and not position.is_maintenance,
        visit_day=visit.scheduled_date,
        infusion_started=started,
        taken_here=here,
        last_taken=last,
        course_start=course.start_date,
        today=session.today(),
    )


def visit_marks(session: Session, visit_id: int) -> OutcomeMarks:
    """The outcome marks of one visit: what is due or overdue, and the patient's risk flags."""
    visit = store_visits.row(session.store, visit_id).summary
    return OutcomeMarks(visit_due(session, visit), patient_flags(session, visit.patient_id))
