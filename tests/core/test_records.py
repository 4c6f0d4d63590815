"""Record values: the baseline, latest scores, checklist answers and phase times a visit hands back."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from ketadesk.core.course import CoursePosition
from ketadesk.core.phases import Phase
from ketadesk.core.records import (
    ChecklistEntry,
    PhaseEvent,
    ScoreRecord,
    VisitDetail,
    VisitSummary,
    VitalsRecord,
)
from ketadesk.core.vitals import Source, VitalSigns

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def reading(record_id: int, minute: int, *, baseline: bool = False, sbp: int = 120) -> VitalsRecord:
    """A saved set of vitals ``minute`` minutes after T0."""
    at = T0 + timedelta(minutes=minute)
    return VitalsRecord(
        id=record_id,
        visit_id=1,
        vitals=VitalSigns(at, sbp, 80, 70, 98, 14),
        source=Source.MANUAL,
        alerts=(),
        is_baseline=baseline,
        entered_at=at,
        entered_by="ann",
    )


def detail(**changes: object) -> VisitDetail:
    """An otherwise empty visit detail."""
    summary = VisitSummary(
        id=1,
        patient_id=1,
        patient_name="LEE, Ann",
        mrn="KD-1001",
        substance_use=False,
        scheduled_date=date(2025, 3, 3),
        chair=1,
        phase=Phase.OBSERVATION,
        position=CoursePosition(4, 8),
        course_id=1,
    )
    fields: dict[str, object] = {
        "summary": summary,
        "events": (),
        "weight_kg": 80.0,
        "dose": None,
        "vitals": (),
        "checklist": (),
        "notes": (),
    }
    fields.update(changes)
    return VisitDetail(**fields)  # type: ignore[arg-type]


def test_baseline_is_the_latest_marked_reading() -> None:
    """A re-taken baseline replaces the first; readings not marked baseline never count."""
    vitals = (reading(1, -10, baseline=True, sbp=150), reading(2, -5, baseline=True, sbp=130), reading(3, 10))
    assert detail(vitals=vitals).baseline == vitals[1]


def test_no_baseline_when_none_marked() -> None:
    """A visit without a marked baseline has none."""
    assert detail(vitals=(reading(1, 10),)).baseline is None


def test_latest_score_per_scale() -> None:
    """latest_score gives the most recent score on the asked scale only."""
    scores = (
        ScoreRecord(1, "moaas", 4, (("moaas", 4),), T0, "ann"),
        ScoreRecord(2, "rass", -1, (("rass", -1),), T0, "ann"),
        ScoreRecord(3, "moaas", 5, (("moaas", 5),), T0 + timedelta(minutes=10), "ann"),
    )
    visit = detail(scores=scores)
    assert visit.latest_score("moaas") == scores[2]
    assert visit.latest_score("rass") == scores[1]
    assert visit.latest_score("aldrete") is None


def test_checklist_answer_by_list_and_key() -> None:
    """checklist_answer finds an item by checklist and key, and keeps the two checklists apart."""
    entries = (
        ChecklistEntry("pre_infusion", "escort_arranged", True, "", T0, "ann"),
        ChecklistEntry("discharge", "escort_present", False, "not yet", T0, "ann"),
    )
    visit = detail(checklist=entries)
    assert visit.checklist_answer("discharge", "escort_present") == entries[1]
    assert visit.checklist_answer("pre_infusion", "escort_present") is None
    assert visit.checklist_answer("discharge", "steady_gait") is None


def test_event_time_is_the_last_entry_into_a_phase() -> None:
    """A visit that went back to observation reports its latest entry into observation."""
    events = (
        PhaseEvent(Phase.OBSERVATION, T0 + timedelta(minutes=40), "ann"),
        PhaseEvent(Phase.READY_FOR_DISCHARGE, T0 + timedelta(minutes=70), "ann"),
        PhaseEvent(Phase.OBSERVATION, T0 + timedelta(minutes=75), "ann", "BP up again"),
    )
    visit = detail(events=events)
    assert visit.event_time(Phase.OBSERVATION) == T0 + timedelta(minutes=75)
    assert visit.event_time(Phase.DISCHARGED) is None


def test_records_are_frozen() -> None:
    """Record values cannot be changed after the store builds them."""
    record = reading(1, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.is_baseline = True  # type: ignore[misc]
