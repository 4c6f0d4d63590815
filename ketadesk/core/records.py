"""What the record holds about a visit, as the store hands it back.

These are values: the store builds them from rows, the clinic API passes them up, and the
screens, the CLI and the reports read them. Nothing here knows how they are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise

from ketadesk.core.corrections import Corrected, Correction
from ketadesk.core.course import CoursePosition
from ketadesk.core.events import AdverseEvent, Intervention
from ketadesk.core.orders import ApprovalRequest, VerbalOrder
from ketadesk.core.phases import PUMP_STOPPED, Phase
from ketadesk.core.timers import VisitTimers, VisitTimes
from ketadesk.core.vitals import AlertKind, ExtremeKind, Source, VitalSigns


@dataclass(frozen=True, slots=True)
class VitalsRecord:
    """A saved set of vitals with who entered it and which alerts it raised."""

    id: int
    visit_id: int
    vitals: VitalSigns
    source: Source
    alerts: tuple[AlertKind, ...]
    is_baseline: bool
    entered_at: datetime
    entered_by: str
    corrects_id: int | None = None
    entered_in_error: bool = False
    confirmed_extremes: tuple[ExtremeKind, ...] = ()
    """The extreme limits this reading passed, which the nurse who entered it confirmed it was."""


@dataclass(frozen=True, slots=True)
class PhaseEvent:
    """One step of the visit's phase timeline."""

    phase: Phase
    at: datetime
    by: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    """The latest answer to one checklist item, with who ticked it and when."""

    checklist: str
    item_key: str
    checked: bool
    note: str
    at: datetime
    by: str
    id: int = 0
    """The stored answer's id (a correction points at it)."""


@dataclass(frozen=True, slots=True)
class DoseRecord:
    """The dose as prepared and run for one visit."""

    id: int
    mg_per_kg: float
    weight_kg: float
    dose_mg: float
    concentration_mg_per_ml: float
    volume_ml: float
    duration_min: int
    rate_ml_per_h: float
    drug: str
    route: str
    lot_number: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class DoseGivenRecord:
    """The amount of the prepared dose recorded as given when the pump stopped, with who recorded it.

    ``basis`` is a :class:`ketadesk.core.dose_given.GivenBasis` value: the infusion completed
    (the prepared dose), or it stopped early and the nurse confirmed the amount calculated
    from the times or corrected it. ``calculated_mg`` is what the rule gave at the stop.
    """

    id: int
    dose_id: int
    given_mg: float
    calculated_mg: float
    minutes_run: float
    basis: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """A time-stamped, attributed free-text note."""

    id: int
    kind: str
    text: str
    at: datetime
    by: str
    corrects_id: int | None = None


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A clinician's acknowledgement of an alert or an override, with the action taken."""

    id: int
    subject: str
    subject_id: int | None
    note: str
    at: datetime
    by: str
    entered_by: str | None = None
    """Who typed it, when not its author: a physician's bedside approval entered in a nurse's session."""


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    """One bedside scale score (MOAA/S, RASS, CADSS-6, Aldrete) with its items."""

    id: int
    scale: str
    total: int
    items: tuple[tuple[str, int], ...]
    taken_at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class VisitSummary:
    """One visit as the chair board and the visit list show it."""

    id: int
    patient_id: int
    patient_name: str
    mrn: str
    substance_use: bool
    scheduled_date: date
    chair: int | None
    phase: Phase
    position: CoursePosition | None
    course_id: int | None
    timers: VisitTimers | None = None
    latest: VitalsRecord | None = None
    unacknowledged_alerts: tuple[AlertKind, ...] = ()
    unacknowledged_readings: tuple[tuple[int, AlertKind], ...] = ()
    """Each alert still waiting, by the reading that raised it: a second reading of the same kind is a new alert."""
    times: VisitTimes | None = None
    """The stored moments the timers were derived from, so a clock tick can re-derive them without a read."""


@dataclass(frozen=True, slots=True)
class VisitDetail:
    """Everything recorded about one visit, for the workspace and the reports."""

    summary: VisitSummary
    events: tuple[PhaseEvent, ...]
    weight_kg: float | None
    dose: DoseRecord | None
    vitals: tuple[VitalsRecord, ...]
    checklist: tuple[ChecklistEntry, ...]
    notes: tuple[NoteRecord, ...]
    acknowledgements: tuple[Acknowledgement, ...] = field(default=())
    scores: tuple[ScoreRecord, ...] = field(default=())
    adverse_events: tuple[AdverseEvent, ...] = field(default=())
    interventions: tuple[Intervention, ...] = field(default=())
    approval_requests: tuple[ApprovalRequest, ...] = field(default=())
    """Approvals the nurse asked of a physician elsewhere, each with the answer once given."""
    verbal_orders: tuple[VerbalOrder, ...] = field(default=())
    """Verbal and telephone orders taken at the bedside, each with its countersignature or dispute once given."""
    earlier_doses: tuple[DoseRecord, ...] = field(default=())
    """Preparations a later one replaced, oldest first (kept, never overwritten; ``dose`` is the current one)."""
    dose_given: DoseGivenRecord | None = None
    """The amount recorded as given when the pump stopped (None before the stop, and on visits stopped earlier)."""

    @property
    def superseded_doses(self) -> tuple[tuple[DoseRecord, DoseRecord], ...]:
        """Each replaced preparation with the one that replaced it: its time and author say when and by whom."""
        if self.dose is None:
            return ()
        chain = (*self.earlier_doses, self.dose)
        return tuple(pairwise(chain))

    corrections: tuple[Correction, ...] = field(default=())
    """Every correction and strike of this visit's entries, in the order they were made."""
    replaced_vitals: tuple[VitalsRecord, ...] = field(default=())
    """Readings that no longer count (corrected or struck), kept to be shown struck through."""
    replaced_scores: tuple[ScoreRecord, ...] = field(default=())
    replaced_checklist: tuple[ChecklistEntry, ...] = field(default=())
    replaced_notes: tuple[NoteRecord, ...] = field(default=())

    def correction_of(self, record: Corrected, original_id: int) -> Correction | None:
        """Who corrected or struck an entry, when and why (None when it stands, or for an early vitals correction)."""
        return next((c for c in self.corrections if c.record is record and c.original_id == original_id), None)

    @property
    def baseline(self) -> VitalsRecord | None:
        """The baseline set: the latest reading marked as baseline."""
        marked = [v for v in self.vitals if v.is_baseline]
        return marked[-1] if marked else None

    def latest_acknowledgement(self, subject: str) -> Acknowledgement | None:
        """The most recent acknowledgement of ``subject`` (baseline BP, dose, discharge override)."""
        return next((a for a in reversed(self.acknowledgements) if a.subject == subject), None)

    def latest_score(self, scale: str) -> ScoreRecord | None:
        """The most recent score on ``scale``, if any."""
        found = [s for s in self.scores if s.scale == scale]
        return found[-1] if found else None

    def checklist_answer(self, checklist: str, item_key: str) -> ChecklistEntry | None:
        """The latest answer to one checklist item."""
        for entry in self.checklist:
            if entry.checklist == checklist and entry.item_key == item_key:
                return entry
        return None

    def event_time(self, phase: Phase) -> datetime | None:
        """When the visit last entered ``phase``, if it has."""
        times = [e.at for e in self.events if e.phase is phase]
        return times[-1] if times else None

    @property
    def pump_stop(self) -> PhaseEvent | None:
        """The step that stopped the pump: the first into stopped early or observation (None while it runs)."""
        return next((e for e in self.events if e.phase in PUMP_STOPPED), None)

    @property
    def infusion_stopped_at(self) -> datetime | None:
        """When the pump stopped, if it has."""
        stop = self.pump_stop
        return stop.at if stop is not None else None

    @property
    def early_stop(self) -> PhaseEvent | None:
        """The step into "stopped early", with its reason, when the infusion ended before its planned time."""
        return next((e for e in self.events if e.phase is Phase.STOPPED_EARLY), None)

    @property
    def stopped_early(self) -> bool:
        """True when the infusion was stopped before its planned end."""
        return self.early_stop is not None

    @property
    def latest_vitals(self) -> VitalsRecord | None:
        """The most recent current reading."""
        return self.vitals[-1] if self.vitals else None

    @property
    def reading_since_baseline(self) -> VitalsRecord | None:
        """The latest reading when it is not the baseline itself (what "back near baseline" compares)."""
        baseline, latest = self.baseline, self.latest_vitals
        if baseline is None or latest is None or latest.id == baseline.id:
            return None
        return latest

    @property
    def last_moment(self) -> datetime | None:
        """The latest moment the record mentions: a report judges "now" from the record, never from the clock."""
        moments = [e.at for e in self.events] + [v.vitals.taken_at for v in self.vitals] + [n.at for n in self.notes]
        moments += [s.taken_at for s in self.scores] + [c.at for c in self.checklist]
        return max(moments) if moments else None

    def times(self, phase: Phase | None = None) -> VisitTimes:
        """The moments the visit's timers come from, read from the record itself (``phase`` as stored unless given)."""
        latest = self.latest_vitals
        return VisitTimes(
            phase=self.summary.phase if phase is None else phase,
            infusion_started_at=self.event_time(Phase.INFUSING),
            infusion_stopped_at=self.infusion_stopped_at,
            planned_duration_min=self.dose.duration_min if self.dose is not None else None,
            last_vitals_at=latest.vitals.taken_at if latest is not None else None,
        )


def previous_infusion(history: Iterable[VisitDetail], this: VisitSummary) -> VisitDetail | None:
    """The patient's infusion before ``this`` visit: the latest earlier one that started, with its dose.

    "Earlier" is by the visit's date, then booking order on the same day, so reviewing an old
    visit compares it with the one that preceded it, not with a later one. (The store answers
    the same question in SQL for the bedside: ``store.visits.previous_dose_mg_per_kg``.)
    """
    earlier = [
        v
        for v in history
        if v.summary.patient_id == this.patient_id
        and v.summary.id != this.id
        and v.dose is not None
        and v.event_time(Phase.INFUSING) is not None
        and (v.summary.scheduled_date, v.summary.id) < (this.scheduled_date, this.id)
    ]
    return max(earlier, key=lambda v: (v.summary.scheduled_date, v.summary.id), default=None)
