"""Every rule of the watch over one course at once, and the course's watch as the screens show it.

:func:`evaluate` takes plain inputs (:class:`WatchInputs`) and the protocol's settings and
returns the flags raised, in the rules' order, with the rules it could not judge and why
(the screen says "not judged: no outcome scores" rather than staying silent as if all were
well). :class:`WatchState` adds what the record holds around them: the patient's
substance-use history (always shown), the physicians' acknowledgements, the requests and
the screenings with their due dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from ketadesk.core.patient import Sex
from ketadesk.core.watch.benefit_rules import benefit_wearing_off
from ketadesk.core.watch.dose_rules import Unjudged, dose_above_ceiling, dose_creep, dose_rising_no_benefit
from ketadesk.core.watch.flags import Flag, WatchRule
from ketadesk.core.watch.frequency_rules import infusions_in_window, intervals_shortening
from ketadesk.core.watch.records import (
    CourseInfusion,
    FlagAcknowledgement,
    OutcomeSeries,
    PatientRequest,
    ScreeningRecord,
)
from ketadesk.core.watch.request_rules import refused_requests
from ketadesk.core.watch.screening_rules import ScreeningDue, dues, screening_flags
from ketadesk.core.watch.settings import WatchRules


@dataclass(frozen=True, slots=True)
class WatchInputs:
    """What the rules read about one course (the clinic gathers it from the record)."""

    course_id: int
    start_date: date
    induction_count: int
    infusions: tuple[CourseInfusion, ...]
    """Given or prepared, oldest first (by day, then moment, then visit)."""
    scores: tuple[OutcomeSeries, ...]
    requests: tuple[PatientRequest, ...]
    screenings: tuple[ScreeningRecord, ...]
    sex: Sex
    today: date
    now: datetime
    zone: tzinfo | None = None
    """The zone days are counted in (None: the workstation's)."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The flags one evaluation raised, the rules it could not judge (and why), and the screenings' due dates."""

    flags: tuple[Flag, ...]
    unjudged: tuple[Unjudged, ...]
    screening: tuple[ScreeningDue, ...]


def ordered(infusions: Sequence[CourseInfusion]) -> tuple[CourseInfusion, ...]:
    """A course's infusions in the order they were given: by day, then the moment, then the visit."""
    return tuple(sorted(infusions, key=lambda i: (i.day, i.at, i.visit_id)))


def evaluate(inputs: WatchInputs, rules: WatchRules, ceiling_mg_per_kg: float) -> Evaluation:
    """Run every rule over the course; ``ceiling_mg_per_kg`` is the protocol's ``[dose] max_mg_per_kg``."""
    course = inputs.course_id
    infusions = ordered(inputs.infusions)
    unjudged: list[Unjudged] = []
    raised: list[Flag | None] = [
        dose_creep(course, infusions, inputs.scores, rules, unjudged),
        dose_above_ceiling(course, infusions, ceiling_mg_per_kg),
        dose_rising_no_benefit(course, infusions, inputs.scores, rules, unjudged),
        intervals_shortening(course, infusions, inputs.induction_count, rules),
        infusions_in_window(course, infusions, inputs.induction_count, rules),
        *benefit_wearing_off(course, infusions, inputs.scores, rules),
        refused_requests(course, inputs.requests, inputs.now, rules),
    ]
    if not any(s.points for s in inputs.scores):
        unjudged.append((WatchRule.BENEFIT_WEARING_OFF, "no outcome scores recorded for this course"))
    screening = dues(inputs.screenings, inputs.start_date, inputs.today, rules.screening, inputs.zone)
    raised.extend(screening_flags(course, screening, inputs.sex, rules.screening, inputs.zone))
    return Evaluation(tuple(f for f in raised if f is not None), tuple(unjudged), screening)


@dataclass(frozen=True, slots=True)
class RaisedFlag:
    """A flag with the physician's acknowledgement of this very occurrence, once given."""

    flag: Flag
    acknowledgement: FlagAcknowledgement | None = None

    @property
    def open(self) -> bool:
        """True while no physician has acknowledged it."""
        return self.acknowledgement is None


@dataclass(frozen=True, slots=True)
class WatchState:
    """One course's watch: the substance-use history, every flag raised now, the requests and the screenings."""

    course_id: int
    patient_id: int
    substance_use: bool
    substance_use_note: str
    flags: tuple[RaisedFlag, ...]
    unjudged: tuple[Unjudged, ...]
    requests: tuple[PatientRequest, ...]
    screening: tuple[ScreeningDue, ...]

    @property
    def open_flags(self) -> tuple[RaisedFlag, ...]:
        """The flags no physician has acknowledged yet."""
        return tuple(f for f in self.flags if f.open)

    @property
    def substance_text(self) -> str:
        """``Substance-use history: alcohol use disorder, in remission`` or ``No substance-use history recorded``."""
        if not self.substance_use:
            return "No substance-use history recorded"
        return "Substance-use history" + (f": {self.substance_use_note}" if self.substance_use_note else "")


def watch_state(
    inputs: WatchInputs,
    evaluation: Evaluation,
    acknowledgements: Sequence[FlagAcknowledgement],
    *,
    patient_id: int,
    substance_use: bool,
    substance_use_note: str,
) -> WatchState:
    """The course's watch: each flag paired with the acknowledgement of its fingerprint, if any."""
    by_print = {(a.rule, a.fingerprint): a for a in acknowledgements if a.course_id == inputs.course_id}
    flags = tuple(RaisedFlag(f, by_print.get((f.rule.value, f.fingerprint))) for f in evaluation.flags)
    return WatchState(
        inputs.course_id,
        patient_id,
        substance_use,
        substance_use_note,
        flags,
        evaluation.unjudged,
        tuple(sorted(inputs.requests, key=lambda r: (r.requested_at, r.id))),
        evaluation.screening,
    )
