"""Small builders of visit records for the core tests: a reading, a dose, a score, a visit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from ketadesk.core.course import CoursePosition
from ketadesk.core.phases import Phase
from ketadesk.core.records import DoseRecord, PhaseEvent, ScoreRecord, VisitDetail, VisitSummary, VitalsRecord
from ketadesk.core.vitals import Source, VitalSigns

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def at(minute: float) -> datetime:
    """``minute`` minutes after T0."""
    return T0 + timedelta(minutes=minute)


def reading(record_id: int, minute: float, *, baseline: bool = False, sbp: int = 120, dbp: int = 80) -> VitalsRecord:
    """A saved set of vitals taken ``minute`` minutes after T0."""
    return VitalsRecord(
        id=record_id,
        visit_id=1,
        vitals=VitalSigns(at(minute), sbp, dbp, 70, 98, 14),
        source=Source.MANUAL,
        alerts=(),
        is_baseline=baseline,
        entered_at=at(minute),
        entered_by="ann",
    )


def dose(dose_id: int = 1, *, mg_per_kg: float = 0.5, weight_kg: float = 80.0, duration_min: int = 40) -> DoseRecord:
    """A prepared dose."""
    mg = mg_per_kg * weight_kg
    return DoseRecord(
        dose_id, mg_per_kg, weight_kg, mg, 1.0, mg, duration_min, mg * 60 / duration_min, "Ketamine", "IV", "L1",
        at(-5), "ann",
    )  # fmt: skip


def score(score_id: int, scale: str, total: int, minute: float) -> ScoreRecord:
    """A bedside score without items."""
    return ScoreRecord(score_id, scale, total, (), at(minute), "ann")


def event(phase: Phase, minute: float, reason: str = "") -> PhaseEvent:
    """A step of the phase timeline."""
    return PhaseEvent(phase, at(minute), "ann", reason)


def visit(
    phase: Phase = Phase.OBSERVATION, *, visit_id: int = 1, day: date = date(2025, 3, 3), **changes: object
) -> VisitDetail:
    """An otherwise empty visit of patient 1 in ``phase``."""
    summary = VisitSummary(
        id=visit_id,
        patient_id=1,
        patient_name="LEE, Ann",
        mrn="KD-1001",
        substance_use=False,
        scheduled_date=day,
        chair=1,
        phase=phase,
        position=CoursePosition(4, 8),
        course_id=1,
    )
    empty = VisitDetail(summary, events=(), weight_kg=80.0, dose=None, vitals=(), checklist=(), notes=())
    return replace(empty, **changes)  # type: ignore[arg-type]
