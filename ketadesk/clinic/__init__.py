"""The clinic API: the one door the screens and the CLI go through."""

from ketadesk.clinic.api import Clinic
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.outcome_reads import OutcomeMarks
from ketadesk.clinic.usecase import Verdict
from ketadesk.clinic.views import CourseView, NextVisit, PatientHistory, VisitListing, VisitView
from ketadesk.core.errors import PermissionDenied, ValidationError
from ketadesk.core.protocol import ProtocolError
from ketadesk.store.errors import NewerDatabaseError, NotFound, StoreError, UnreachableDatabaseError
from ketadesk.store.sqlite_engine import Heard

__all__ = [
    "Change",
    "Changes",
    "Clinic",
    "CourseView",
    "Heard",
    "NewerDatabaseError",
    "NextVisit",
    "NotFound",
    "OutcomeMarks",
    "PatientHistory",
    "PermissionDenied",
    "ProtocolError",
    "StoreError",
    "UnreachableDatabaseError",
    "ValidationError",
    "Verdict",
    "VisitListing",
    "VisitView",
]
