"""The clinic API: the one door the screens and the CLI go through."""

from ketadesk.clinic.api import Clinic, NextVisit, PatientHistory, VisitView
from ketadesk.clinic.changes import Changes
from ketadesk.core.errors import PermissionDenied, ValidationError
from ketadesk.core.protocol import ProtocolError
from ketadesk.store.errors import NewerDatabaseError, NotFound, StoreError

__all__ = [
    "Changes",
    "Clinic",
    "NewerDatabaseError",
    "NextVisit",
    "NotFound",
    "PatientHistory",
    "PermissionDenied",
    "ProtocolError",
    "StoreError",
    "ValidationError",
    "VisitView",
]
