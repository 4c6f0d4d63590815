"""What the clinic API hands back besides core's records: a visit read with its timers, a history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ketadesk.core.course import Course
from ketadesk.core.patient import Patient
from ketadesk.core.records import VisitDetail
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
