"""Response and remission: the rules a course's scores are judged by, each with a version.

Response is a fall of 50 % or more from the course baseline, the last score before the
course's first infusion; remission is a PHQ-9 below 5 or a GAD-7 below 5 (CLINICAL.md;
the published definitions, not clinic settings). A status computed by these rules is stored
with :data:`RULES_VERSION`, so a status in the record always says which rule made it, and a
later change of rule is a new version rather than a silent change of what was recorded.
The arithmetic is in whole numbers, so "exactly 50 %" is never lost to rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ketadesk.core.instruments import instrument_label
from ketadesk.core.instruments.types import InstrumentKey

RESPONSE_FALL_PERCENT = 50
REMISSION_BELOW: dict[InstrumentKey, int] = {InstrumentKey.PHQ9: 5, InstrumentKey.GAD7: 5}
"""Instruments with a remission rule, and the total remission lies below (none for PCL-5 or the FQ)."""
RULES_VERSION = "outcome-rules-1"
"""The version of both rules as written here: response at a 50 % fall, remission PHQ-9 < 5 and GAD-7 < 5."""


@dataclass(frozen=True, slots=True)
class OutcomeRule:
    """One rule in words, with its version: what a badge or a report states beside the status."""

    key: str
    name: str
    definition: str
    version: str = RULES_VERSION


RESPONSE = OutcomeRule(
    "response",
    "Response",
    f"a fall of {RESPONSE_FALL_PERCENT} % or more from the course baseline (the last score before the first infusion)",
)
REMISSION = OutcomeRule(
    "remission",
    "Remission",
    "; ".join(f"{instrument_label(key)} below {below}" for key, below in REMISSION_BELOW.items()),
)


def responded(baseline: int, latest: int) -> bool | None:
    """True when ``latest`` is at least 50 % below ``baseline``; None when a baseline of 0 leaves nothing to fall."""
    if baseline <= 0:
        return None
    return (baseline - latest) * 100 >= RESPONSE_FALL_PERCENT * baseline


def remitted(instrument: InstrumentKey, total: int) -> bool | None:
    """True when the total is below the instrument's remission mark; None for an instrument with none."""
    below = REMISSION_BELOW.get(instrument)
    return None if below is None else total < below


@dataclass(frozen=True, slots=True)
class Timed:
    """What the baseline rule needs of a measure: its id, when it was entered, its total."""

    id: int
    at: datetime
    total: int


def course_baseline(measures: Sequence[Timed], first_infusion_at: datetime | None) -> Timed | None:
    """The last measure before the course's first infusion (before any infusion: the latest so far)."""
    before = [m for m in measures if first_infusion_at is None or m.at < first_infusion_at]
    return max(before, key=lambda m: (m.at, m.id)) if before else None


@dataclass(frozen=True, slots=True)
class OutcomeStatus:
    """A measure judged against its course baseline, with the version of the rules that judged it."""

    rule_version: str
    baseline_id: int | None
    baseline_total: int | None
    response: bool | None
    remission: bool | None

    def payload(self) -> dict[str, object]:
        """What the store keeps of the status (``outcome_measures.status``)."""
        return {
            "rule_version": self.rule_version,
            "baseline_id": self.baseline_id,
            "baseline_total": self.baseline_total,
            "response": self.response,
            "remission": self.remission,
        }


def outcome_status(
    instrument: InstrumentKey, total: int, baseline: Timed | None, *, is_baseline: bool = False
) -> OutcomeStatus:
    """Judge a total against its course baseline; a measure that is (or is before) the baseline has no response."""
    response = None if baseline is None or is_baseline else responded(baseline.total, total)
    return OutcomeStatus(
        RULES_VERSION,
        None if baseline is None else baseline.id,
        None if baseline is None else baseline.total,
        response,
        remitted(instrument, total),
    )
