"""The suicide-risk flag raised by PHQ-9 item 9, its priority, how long it stays, and what clears it.

Any answer above 0 to PHQ-9 item 9 (thoughts of being better off dead or of self-harm)
calls for a suicide-risk assessment whatever the total (Kroenke 2001; one-year attempt risk
rises about tenfold from "not at all" to "nearly every day", Simon 2013). The flag is high
priority at item 9 of 2 or more or a total of 20 or more, and it stays shown for a period
after the measure; all three numbers are the clinic's (``[outcomes.suicide_risk]``).

A flag is cleared by a clinician's risk assessment (the level and the action taken) or a
physician's override with a reason; until then it stays raised whatever its age, and the
infusion cannot start (:mod:`ketadesk.core.readiness`). Once cleared it stays shown until
its period ends. A correction of the measure keeps the assessment only when it raises
neither item 9 nor the priority: otherwise the corrected answer is a new flag to assess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ketadesk.core.instruments.measures import Measure, chain, current
from ketadesk.core.instruments.phq9 import ITEM_9
from ketadesk.core.instruments.types import InstrumentKey


@dataclass(frozen=True, slots=True)
class RiskSettings:
    """The clinic's rule for the flag: how long it stays, and where high priority begins."""

    flag_days: int
    item9_high_at_or_above: int
    total_high_at_or_above: int


class RiskLevel(StrEnum):
    """The level a clinician's risk assessment found. The value is what the store keeps."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def label(self) -> str:
        """The level as the record says it."""
        return f"{self.value} risk"


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """A clinician's assessment of the risk a flag raised: the level found and the action taken."""

    id: int
    measure_id: int
    level: RiskLevel
    action: str
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class RiskOverride:
    """A physician's decision to go ahead without an assessment, with the reason; entered in whose session."""

    id: int
    measure_id: int
    reason: str
    at: datetime
    by: str
    entered_by: str | None = None


def high_priority(item9: int, total: int, settings: RiskSettings) -> bool:
    """Item 9 at or above the clinic's mark, or the total at or above its mark."""
    return item9 >= settings.item9_high_at_or_above or total >= settings.total_high_at_or_above


def raises_flag(measure: Measure) -> bool:
    """A PHQ-9 whose item 9 is answered above 0."""
    return measure.instrument is InstrumentKey.PHQ9 and (measure.answer(ITEM_9) or 0) > 0


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """One raised flag: the measure that raised it, its priority and why, until when, and what cleared it."""

    measure: Measure
    item9: int
    high_priority: bool
    why: tuple[str, ...]
    raised_at: datetime
    until: datetime
    assessment: RiskAssessment | None = None
    override: RiskOverride | None = None

    @property
    def cleared(self) -> bool:
        """Assessed by a clinician, or overridden by a physician."""
        return self.assessment is not None or self.override is not None

    @property
    def priority(self) -> str:
        """``high priority`` or ``raised``, as a banner says it."""
        return "high priority" if self.high_priority else "raised"

    @property
    def summary(self) -> str:
        """The flag in one line: ``Suicide-risk flag (high priority): PHQ-9 item 9 answered 2; total 21 …``."""
        return self.described()

    def described(self, name: Callable[[str], str] = str) -> str:
        """The flag in one line, naming who answered it by ``name`` of their login (a screen gives the printed name)."""
        state = (
            f"assessed: {self.assessment.level.label} by {name(self.assessment.by)}"
            if self.assessment is not None
            else f"overridden by {name(self.override.by)}"
            if self.override is not None
            else "needs a risk assessment"
        )
        return f"Suicide-risk flag ({self.priority}): {'; '.join(self.why)} — {state}"


def _clears(assessed: Measure, flagged: Measure, settings: RiskSettings) -> bool:
    """An assessment of ``assessed`` still answers its correction ``flagged`` when item 9 and priority did not rise."""
    before, after = assessed.answer(ITEM_9) or 0, flagged.answer(ITEM_9) or 0
    return after <= before and (
        high_priority(before, assessed.total, settings) or not high_priority(after, flagged.total, settings)
    )


def risk_flags(
    measures: Sequence[Measure],
    assessments: Sequence[RiskAssessment],
    overrides: Sequence[RiskOverride],
    settings: RiskSettings,
    now: datetime,
) -> tuple[RiskFlag, ...]:
    """Every flag of one patient's measures that shows now (not cleared, or cleared and still in its period)."""
    flags: list[RiskFlag] = []
    for measure in current(measures):
        if not raises_flag(measure):
            continue
        item9 = measure.answer(ITEM_9) or 0
        lineage = chain(measure, measures)
        answering = {m.id for m in lineage if _clears(m, measure, settings)}
        assessment = max(
            (a for a in assessments if a.measure_id in answering), key=lambda a: (a.at, a.id), default=None
        )
        override = max((o for o in overrides if o.measure_id in answering), key=lambda o: (o.at, o.id), default=None)
        raised_at = lineage[-1].entered_at
        until = raised_at + timedelta(days=settings.flag_days)
        flag = RiskFlag(
            measure,
            item9,
            high_priority(item9, measure.total, settings),
            _why(item9, measure.total, settings),
            raised_at,
            until,
            assessment,
            override,
        )
        if not flag.cleared or now < until:
            flags.append(flag)
    flags.sort(key=lambda f: (f.cleared, not f.high_priority, -f.raised_at.timestamp()))
    return tuple(flags)


def _why(item9: int, total: int, settings: RiskSettings) -> tuple[str, ...]:
    reasons = [f"PHQ-9 item 9 answered {item9}"]
    if item9 >= settings.item9_high_at_or_above:
        reasons[0] += f" ({settings.item9_high_at_or_above} or more)"
    if total >= settings.total_high_at_or_above:
        reasons.append(f"total {total} ({settings.total_high_at_or_above} or more)")
    return tuple(reasons)


def blocking(flags: Sequence[RiskFlag]) -> tuple[RiskFlag, ...]:
    """The flags that stop an infusion from starting: raised and neither assessed nor overridden."""
    return tuple(f for f in flags if not f.cleared)
