"""What the watch reads and what the clinic records for it: infusions, outcome scores, requests, screenings.

Plain values: the store builds them from its rows, the clinic hands them to the rules
(:mod:`ketadesk.core.watch.evaluate`), the screens show them. The screening instruments'
score ranges are their published definitions (AUDIT-C, Bush 1998: three items 0-4, total
0-12; DAST-10, Skinner 1982: ten yes/no items, total 0-10), so they live here once; what
counts as a positive screen is the clinic's, in the protocol's ``[watch.screening]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from ketadesk.core.charting import FUTURE_GRACE
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.errors import ValidationError

REQUEST_ENTRY_LIMIT = timedelta(days=30)
"""How long after a patient asked the request may still be written down (a call taken before the record was open)."""
SCREENING_ENTRY_LIMIT = timedelta(days=365)
"""How old a screening may be when entered: older than a year it says nothing about now (write it in a note)."""


def check_past(field: str, moment: datetime, now: datetime, limit: timedelta, label: str) -> datetime:
    """A time something happened: with its zone, not in the future, at most ``limit`` before now."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(field, str(moment), "a time with its time zone")
    if moment > now + FUTURE_GRACE:
        raise ValidationError(
            field, to_utc_iso(moment), "a time not in the future", message=f"{label} is in the future."
        )
    if moment < now - limit:
        days = limit.days
        raise ValidationError(
            field,
            to_utc_iso(moment),
            f"within the last {days} days",
            message=f"{label} is more than {days} days ago; only the last {days} days may be entered.",
        )
    return moment


class RequestKind(StrEnum):
    """What a patient asked for that the watch counts: more treatment, sooner, or stronger."""

    EXTRA_INFUSION = "extra_infusion"
    HIGHER_DOSE = "higher_dose"
    EARLIER_VISIT = "earlier_visit"

    @property
    def label(self) -> str:
        """The request as the record says it."""
        return _REQUEST_LABELS[self]


_REQUEST_LABELS = {
    RequestKind.EXTRA_INFUSION: "An extra infusion",
    RequestKind.HIGHER_DOSE: "A higher dose",
    RequestKind.EARLIER_VISIT: "An earlier visit",
}


class RequestDecision(StrEnum):
    """The physician's answer to a patient's request."""

    GRANTED = "granted"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """``Granted`` or ``Refused``."""
        return self.value.capitalize()


class ScreeningKind(StrEnum):
    """The substance-use screenings the clinic keeps, each due again after the protocol's interval."""

    AUDIT_C = "audit_c"
    DAST_10 = "dast_10"
    URINE_DRUG_SCREEN = "urine_drug_screen"
    PRESCRIPTION_MONITORING = "prescription_monitoring"

    @property
    def label(self) -> str:
        """The screening's usual name."""
        return _SCREENING_LABELS[self]

    @property
    def score_range(self) -> tuple[int, int] | None:
        """The total's published range for a scored questionnaire; None for a screen with a result instead."""
        return SCORE_RANGES.get(self)

    @property
    def results(self) -> tuple[ScreeningResult, ...]:
        """The results a screen without a score may have (empty for a scored questionnaire)."""
        return RESULTS.get(self, ())


_SCREENING_LABELS = {
    ScreeningKind.AUDIT_C: "AUDIT-C",
    ScreeningKind.DAST_10: "DAST-10",
    ScreeningKind.URINE_DRUG_SCREEN: "Urine drug screen",
    ScreeningKind.PRESCRIPTION_MONITORING: "Prescription-monitoring check",
}

SCORE_RANGES = {ScreeningKind.AUDIT_C: (0, 12), ScreeningKind.DAST_10: (0, 10)}
"""AUDIT-C: three items scored 0-4 (Bush 1998); DAST-10: ten items scored 0 or 1 (Skinner 1982)."""


class ScreeningResult(StrEnum):
    """The result of a urine drug screen or of a prescription-monitoring (PDMP) check."""

    NEGATIVE = "negative"
    POSITIVE = "positive"
    POSITIVE_PRESCRIBED = "positive_prescribed"
    NO_CONCERNS = "no_concerns"
    CONCERNS = "concerns"

    @property
    def label(self) -> str:
        """The result in words."""
        return _RESULT_LABELS[self]

    @property
    def flagged(self) -> bool:
        """True for a result a physician should review (a positive screen not explained by a prescription)."""
        return self in (ScreeningResult.POSITIVE, ScreeningResult.CONCERNS)


_RESULT_LABELS = {
    ScreeningResult.NEGATIVE: "Negative",
    ScreeningResult.POSITIVE: "Positive",
    ScreeningResult.POSITIVE_PRESCRIBED: "Positive, explained by a prescribed medicine",
    ScreeningResult.NO_CONCERNS: "No concerns",
    ScreeningResult.CONCERNS: "Concerns found",
}

RESULTS = {
    ScreeningKind.URINE_DRUG_SCREEN: (
        ScreeningResult.NEGATIVE,
        ScreeningResult.POSITIVE,
        ScreeningResult.POSITIVE_PRESCRIBED,
    ),
    ScreeningKind.PRESCRIPTION_MONITORING: (ScreeningResult.NO_CONCERNS, ScreeningResult.CONCERNS),
}


def check_screening(kind: ScreeningKind, score: int | None, result: ScreeningResult | None) -> None:
    """A questionnaire has a total in its range and no result; a screen has one of its results and no score."""
    span = kind.score_range
    if span is not None:
        low, high = span
        if result is not None:
            raise ValidationError("result", result.value, f"no result for {kind.label}, which is scored {low}-{high}")
        if score is None or isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
            raise ValidationError(
                "score",
                score,
                f"a whole number {low}-{high}",
                message=f"{kind.label} score {score!r} is not possible; its total is a whole number {low}-{high}.",
            )
        return
    allowed = ", ".join(r.value for r in kind.results)
    if score is not None:
        raise ValidationError("score", score, f"no score for {kind.label}; its result is one of {allowed}")
    if result not in kind.results:
        shown = result.value if isinstance(result, ScreeningResult) else result
        raise ValidationError(
            "result",
            shown,
            f"one of {allowed}",
            message=f"{kind.label} result {shown!r} is not possible; use one of {allowed}.",
        )


@dataclass(frozen=True, slots=True)
class CourseInfusion:
    """One visit of the course with a dose prepared, not cancelled and not a no-show: given, or about to be.

    ``at`` is when the pump started, or — not started yet — when the dose was prepared, so
    today's prepared dose is judged before it runs. ``day`` is the visit's booked day.
    """

    visit_id: int
    sequence: int | None
    day: date
    mg_per_kg: float
    at: datetime
    started: bool
    stopped_early: bool

    @property
    def completed(self) -> bool:
        """The infusion ran its planned time (it counts as a course's first effective dose)."""
        return self.started and not self.stopped_early


@dataclass(frozen=True, slots=True)
class OutcomePoint:
    """One outcome measure's total at the moment it was taken (a higher total is worse, as on PHQ-9 and GAD-7)."""

    taken_at: datetime
    total: int


@dataclass(frozen=True, slots=True)
class OutcomeSeries:
    """One instrument's totals over the course, oldest first (``instrument``: the name shown, "PHQ-9")."""

    instrument: str
    points: tuple[OutcomePoint, ...]


@dataclass(frozen=True, slots=True)
class RequestDecisionRecord:
    """The physician's decision on a request: what, why, who and when."""

    decision: RequestDecision
    reason: str
    decided_at: datetime
    decided_by: str


@dataclass(frozen=True, slots=True)
class PatientRequest:
    """A patient's request as recorded: what they asked, when, who wrote it down, and the decision once made."""

    id: int
    course_id: int
    kind: RequestKind
    detail: str
    requested_at: datetime
    entered_at: datetime
    entered_by: str
    decision: RequestDecisionRecord | None = None

    @property
    def refused(self) -> bool:
        """True once a physician refused it."""
        return self.decision is not None and self.decision.decision is RequestDecision.REFUSED


@dataclass(frozen=True, slots=True)
class ScreeningRecord:
    """One substance-use screening: its score (a questionnaire) or result (a screen), when done, who entered it."""

    id: int
    patient_id: int
    kind: ScreeningKind
    score: int | None
    result: ScreeningResult | None
    detail: str
    done_at: datetime
    entered_at: datetime
    entered_by: str

    @property
    def shown(self) -> str:
        """``AUDIT-C 5`` or ``Urine drug screen: Negative``."""
        if self.score is not None:
            return f"{self.kind.label} {self.score}"
        return f"{self.kind.label}: {self.result.label if self.result else 'no result'}"


@dataclass(frozen=True, slots=True)
class FlagAcknowledgement:
    """A physician's signed acknowledgement of one occurrence of a flag (its rule and fingerprint), with a note."""

    id: int
    course_id: int
    rule: str
    version: int
    fingerprint: str
    inputs: str
    """The flag's inputs as the physician saw them, so the record says what was acknowledged."""
    note: str
    at: datetime
    by: str
