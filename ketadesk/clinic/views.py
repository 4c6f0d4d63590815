"""What the clinic API hands back besides core's records: a visit read with its timers, a history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ketadesk.core.course import Course
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
