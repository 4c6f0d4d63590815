"""One patient's treatment course as the course screen reads it, and the read the course summary PDF shares.

The screen and the PDF read a course the same way (:func:`read_course`): the course with the
taper its template has in the protocol, the template's label, the patient, and every visit
of the course in full. The figures of each visit come from core
(:mod:`ketadesk.core.course_record`), the plan ahead too (:mod:`ketadesk.core.course_plan`),
so the screen, the PDF and booking's suggestion cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ketadesk.clinic.course_outcomes import course_outcomes
from ketadesk.clinic.session import Session
from ketadesk.clinic.usecase import Area
from ketadesk.clinic.views import CourseView
from ketadesk.core.course import Course, with_protocol_taper
from ketadesk.core.course_plan import PlannedVisit, plan_ahead
from ketadesk.core.course_record import course_visits
from ketadesk.core.dose_given import total_given
from ketadesk.core.instruments.trend import InstrumentTrend
from ketadesk.core.patient import Patient
from ketadesk.core.records import VisitDetail
from ketadesk.store import courses as store_courses
from ketadesk.store import patients as store_patients
from ketadesk.store import visits as store_visits


@dataclass(frozen=True, slots=True)
class CourseRead:
    """A course as read from the record: the course, its template's label, the patient, every visit in full."""

    course: Course
    template_label: str
    patient: Patient
    details: tuple[VisitDetail, ...]


def with_taper(session: Session, course: Course) -> Course:
    """The course with the taper of its template in the protocol (the store keeps only weeks and interval)."""
    return replace(course, template=with_protocol_taper(course.template, session.protocol.templates))


def plan_of(session: Session, course: Course) -> tuple[PlannedVisit, ...]:
    """The visits still to book in ``course`` (tapered: see :func:`with_taper`), from today on."""
    store = session.store
    return plan_ahead(
        course.template,
        course.start_date,
        store_courses.next_sequence(store, course.id),
        today=session.today(),
        last_booked=store_courses.last_held_day(store, course.id),
    )


def read_course(session: Session, course_id: int, *, figures_only: bool = False) -> CourseRead:
    """Read one course for the screen or the PDF (an unknown course is :class:`NotFound`).

    ``figures_only``: each visit with just what its course figures come from (the screen's
    table; see :func:`ketadesk.store.visit_details.details`), not its whole record.
    """
    store = session.store
    course = with_taper(session, store_courses.get(store, course_id))
    patient = store_patients.get(store, course.patient_id)
    rows = store_visits.for_course(store, course_id)
    details = tuple(d for d, _ in store_visits.details(store, rows, figures_only=figures_only))
    try:
        label = session.protocol.template(course.template.key).label
    except KeyError:  # the protocol no longer has the template the course was planned with
        label = course.template.key
    return CourseRead(course, label, patient, details)


class Courses(Area):
    """Treatment courses as a whole: every visit with its figures, and the plan ahead."""

    def view(self, course_id: int) -> CourseView:
        """One course: each visit's date, position, dose, amount given, early stop, peaks and adverse events,
        the interval since the visit before, the course's total given, and the visits still to book."""
        s = self.session
        read = read_course(s, course_id, figures_only=True)
        lines = course_visits(read.details)
        return CourseView(
            read.course,
            read.template_label,
            read.patient,
            lines,
            total_given(line.given for line in lines),
            plan_of(s, read.course),
        )

    def outcomes(self, course_id: int) -> tuple[InstrumentTrend, ...]:
        """Each instrument the course measures over time: bands, baseline, latest, change, response, remission."""
        return course_outcomes(self.session, course_id)
