"""What the clinic API hands back besides core's records: a visit read with its timers, a history, a course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ketadesk.core.course import Course, maintenance_text
from ketadesk.core.course_plan import PlannedVisit
from ketadesk.core.course_record import CourseVisit
from ketadesk.core.dose_given import CourseTotal
from ketadesk.core.patient import Patient
from ketadesk.core.records import VisitDetail, VisitSummary
from ketadesk.core.signing import Signature
from ketadesk.core.timers import VisitTimers


@dataclass(frozen=True, slots=True)
class VisitView:
    """One visit with its timers at the moment it was read."""

    detail: VisitDetail
    timers: VisitTimers


@dataclass(frozen=True, slots=True)
class PatientHistory:
    """A patient's whole record: courses and every visit in full."""

    patient: Patient
    courses: tuple[Course, ...]
    visits: tuple[VisitDetail, ...]


@dataclass(frozen=True, slots=True)
class NextVisit:
    """The suggested next booking for a patient's course."""

    course_id: int | None
    sequence: int | None
    day: date
    label: str


@dataclass(frozen=True, slots=True)
class VisitListing:
    """One visit in a list to open again (a patient's record, a search, a chair's day): what it is, who signed it."""

    summary: VisitSummary
    signature: Signature | None

    @property
    def signed_by(self) -> str:
        """The signer's printed name and credentials, or '' while unsigned."""
        s = self.signature
        if s is None:
            return ""
        return f"{s.printed_name}, {s.credentials}" if s.credentials else s.printed_name


@dataclass(frozen=True, slots=True)
class CourseView:
    """One patient's course: every visit with its figures, what the course gave, and the plan ahead."""

    course: Course
    """The course, its template with the taper the protocol gives it."""
    template_label: str
    patient: Patient
    visits: tuple[CourseVisit, ...]
    """Every visit of the course in date order (cancelled and missed ones too)."""
    total: CourseTotal
    plan: tuple[PlannedVisit, ...]
    """The visits still to book, from the next number on; the course repeats its interval after the last."""

    @property
    def schedule_text(self) -> str:
        """``8 induction infusions, then after 14, then 21 days, then every 28 days``."""
        template = self.course.template
        return f"{template.induction_count} induction infusions, " + maintenance_text(
            template.maintenance_interval_days, template.maintenance_taper_days
        )

    @property
    def infused(self) -> tuple[CourseVisit, ...]:
        """The visits whose infusion started."""
        return tuple(v for v in self.visits if v.infused)
