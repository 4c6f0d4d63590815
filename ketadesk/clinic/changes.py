"""What a clinic call changed, in the screens' words, so each screen can decide whether to redraw.

A write names the visits and patients it touched and the kinds of thing that changed
(:class:`Change`). The kinds come from the use case's declaration (:mod:`ketadesk.clinic.usecase`),
not from the body of the call, so a write cannot forget to say what it changed. The same
value will arrive from other workstations, so local and remote writes redraw the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Change(StrEnum):
    """A kind of thing a screen shows that a write can change."""

    PHASE = "phase"
    VITALS = "vitals"
    ALERTS = "alerts"
    SCORES = "scores"
    NOTES = "notes"
    EVENTS = "events"
    CHECKLIST = "checklist"
    DOSE = "dose"
    APPROVALS = "approvals"
    SIGNATURE = "signature"
    SCHEDULE = "schedule"
    PATIENT = "patient"
    USERS = "users"
    AUDIT = "audit"
    WATCH = "watch"
    OUTCOMES = "outcomes"


@dataclass(frozen=True, slots=True)
class Changes:
    """The visits, patients and kinds of thing one call changed, and the id it created."""

    visits: frozenset[int] = field(default_factory=frozenset)
    patients: frozenset[int] = field(default_factory=frozenset)
    kinds: frozenset[Change] = field(default_factory=frozenset)
    created_id: int | None = None
    warnings: tuple[str, ...] = ()

    def touches_visit(self, visit_id: int) -> bool:
        """True when a screen showing ``visit_id`` should refresh."""
        return visit_id in self.visits

    def touches(self, *kinds: Change) -> bool:
        """True when any of ``kinds`` changed."""
        return not self.kinds.isdisjoint(kinds)

    def with_kinds(self, kinds: frozenset[Change], visit_id: int | None = None) -> Changes:
        """These changes with the declared ``kinds`` (and the visit the call was about) added."""
        visits = self.visits if visit_id is None else self.visits | {visit_id}
        return replace(self, kinds=self.kinds | kinds, visits=visits)

    @staticmethod
    def visit(visit_id: int, *, created_id: int | None = None, warnings: tuple[str, ...] = ()) -> Changes:
        """Changes to one visit's records (the kinds are filled in from the use case's declaration)."""
        return Changes(visits=frozenset({visit_id}), created_id=created_id, warnings=warnings)

    @staticmethod
    def patient(patient_id: int, *, created_id: int | None = None) -> Changes:
        """Changes to one patient's records."""
        return Changes(patients=frozenset({patient_id}), created_id=created_id)
