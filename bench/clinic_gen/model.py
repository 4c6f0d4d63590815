"""The generator's working records: a patient being planned, each attempt at a visit, and what a signature seals.

Plain mutable dataclasses with slots, not the store's frozen values: the generator fills
them in as it goes (ids once assigned, the current phase, the content gathered for the
signature) and millions of them are touched, so attribute writes must stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ketadesk.core.course import CoursePosition
from ketadesk.core.instruments.rules import Timed
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.signing import canonical_json

DONE, CANCELLED, NO_SHOW = "done", "cancelled", "no_show"

# One thing that happened: (timestamp text, tie-break counter, kind, what the kind needs).
Event = tuple[str, int, int, tuple[Any, ...]]

# Event kinds, in rough order of how often they occur.
(VITALS, PHASE, SCORE, ACK, WEIGHT, DOSE, CHECK, BOOK, REGISTER, PLAN, REVISE, ADVERSE, INTERVENTION, SIGN) = range(14)
# Outcome measures (bench.clinic_gen.outcomes): a course's instruments, one measure, a risk assessment.
(CHOOSE, MEASURE, ASSESS) = range(14, 17)


@dataclass(slots=True)
class Person:
    """One patient while the clinic is planned and written: their course, body and vital-sign baseline."""

    index: int
    plan_seed: int
    start: date
    n: int
    forced: bool
    attempts: list[Attempt] = field(default_factory=list)
    capped: bool = False
    patient: Patient | None = None
    patient_id: int = 0
    course_id: int = 0
    revision: int = 0
    sbp: float = 0.0
    dbp: float = 0.0
    hr: float = 0.0
    spo2: int = 98
    rr: int = 14
    response: float = 1.0
    weight: float = 70.0
    mg_per_kg: float = 0.5
    measured: MeasuredCourse | None = None
    """How the course's outcome measures go (bench.clinic_gen.outcomes), drawn when the course is planned."""


@dataclass(slots=True)
class MeasuredCourse:
    """One course's outcome measures while they are written: its instruments, its trajectory, its baselines.

    ``levels`` holds each instrument's answer to every item at the baseline (a fraction of a
    point, rounded at random each time); a measure scales them by where the course stands
    (:meth:`bench.clinic_gen.outcomes.OutcomeEvents.fraction`).
    """

    instruments: tuple[InstrumentKey, ...]
    trajectory: str
    floor: float
    relapse_after: int
    risk: bool
    levels: dict[InstrumentKey, tuple[tuple[int, float, int], ...]] = field(default_factory=dict)
    """Per instrument, each asked item's (number, baseline level, highest answer)."""
    last_on: date | None = None
    baseline: dict[InstrumentKey, Timed] = field(default_factory=dict)
    """Each instrument's course baseline once written: the last measure before the first infusion."""


@dataclass(slots=True)
class Attempt:
    """One booked visit: done, cancelled or a no-show, with its chair, start and reading count."""

    day: date
    sequence: int
    outcome: str
    person: Person
    chair: int = 1
    start: int = 0
    readings: int = 0
    visit_id: int = 0
    phase: str = Phase.SCHEDULED.value
    next: Attempt | None = None
    discharged: int = 0
    """Seconds from the start of ``day`` to the discharge (for signing after it)."""
    sealable: Sealable | None = None
    """The content a signature will cover, gathered while the visit is written (visits to be signed only)."""


@dataclass(slots=True)
class Sealable:
    """One visit's signed content, gathered row by row in :func:`canonical_visit`'s layout.

    Reading every visit back to hash it would nearly double the load's time, so the content
    is gathered as the rows are written. Each entry is what ``canonical_visit`` prints for a
    record, keyed where :func:`visits.details` sorts by something other than the order of
    writing (the time, then the id); values carry the types the store gives back (REAL
    columns as float). Entries are tuples, which JSON prints as arrays too: unlike lists,
    the garbage collector stops tracking them, and tracking a few days' readings cost a
    tenth of the load.
    """

    events: list[tuple[object, ...]] = field(default_factory=list)
    weight_kg: float | None = None
    dose: dict[str, object] | None = None
    vitals: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    checklist: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    acknowledgements: list[tuple[object, ...]] = field(default_factory=list)
    scores: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    adverse_events: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    interventions: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)

    def text(self, attempt: Attempt, induction_count: int) -> str:
        """The canonical JSON ``canonical_visit`` gives for this visit as stored."""
        patient = attempt.person.patient
        assert patient is not None
        return canonical_json(
            {
                "visit": {
                    "id": attempt.visit_id,
                    "patient_id": attempt.person.patient_id,
                    "mrn": patient.mrn,
                    "date": attempt.day.isoformat(),
                    "chair": attempt.chair,
                    "position": CoursePosition(attempt.sequence, induction_count).label,
                },
                "events": self.events,
                "weight_kg": self.weight_kg,
                "dose": self.dose,
                "vitals": _in_order(self.vitals),
                "checklist": _in_order(self.checklist),
                "notes": [],
                "acknowledgements": self.acknowledgements,
                "scores": _in_order(self.scores),
                "adverse_events": _in_order(self.adverse_events),
                "interventions": _in_order(self.interventions),
            }
        )


def _in_order(keyed: list[tuple[str, int, tuple[object, ...]]]) -> list[tuple[object, ...]]:
    return [entry for _, _, entry in sorted(keyed, key=lambda k: (k[0], k[1]))]
