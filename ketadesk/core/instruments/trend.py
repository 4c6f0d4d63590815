"""One course's outcome measures as trends: each instrument's scores over time, judged against the baseline.

The course screen plots every instrument the course measures, shades its bands, and states
the baseline, the latest score, the change and the response and remission verdicts; the
course summary reads the same trend, so the screen and the paper cannot disagree. The
verdicts are the rules of :mod:`ketadesk.core.instruments.rules` (the baseline is the last
score before the course's first infusion), carried with the rule itself so a badge states
its definition and version rather than a bare yes or no.

A verdict is judged on the latest score *after* the baseline: a course whose only score is
its baseline has not yet shown a response or a remission, and says so instead of judging
the baseline against itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ketadesk.core.instruments.measures import Measure, current
from ketadesk.core.instruments.rules import (
    REMISSION,
    REMISSION_BELOW,
    RESPONSE,
    OutcomeRule,
    course_baseline,
    remitted,
    responded,
)
from ketadesk.core.instruments.types import Band, Instrument


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One score on the trend: which measure, when it was entered, its total and the band it fell in."""

    measure_id: int
    at: datetime
    total: int
    band: str
    """The band's name as scored when the measure was entered ("" for an instrument without bands)."""


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """The latest score against the baseline: the difference in points and as a percentage of the baseline."""

    points: int
    percent: float | None
    """None when the baseline is 0 (no percentage of nothing)."""

    @property
    def text(self) -> str:
        """``−8 (−50 %)``, ``+3 (+25 %)``, ``0 (0 %)``; with a baseline of 0 the points alone."""
        points = _signed(self.points)
        return points if self.percent is None else f"{points} ({_signed(round(self.percent))} %)"


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else f"\u2212{-value}" if value < 0 else "0"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rule judged on the course: met, not met, or not judged (with why), and the rule in words."""

    rule: OutcomeRule
    met: bool | None
    why_not_judged: str = ""

    @property
    def state(self) -> str:
        """``met``, ``not met`` or ``not judged``."""
        return "not judged" if self.met is None else "met" if self.met else "not met"

    @property
    def text(self) -> str:
        """What a badge states: ``Response: met — a fall of 50 % or more … (outcome-rules-1)``."""
        reason = f" ({self.why_not_judged})" if self.met is None and self.why_not_judged else ""
        return f"{self.rule.name}: {self.state}{reason} \u2014 {self.rule.definition} (rule {self.rule.version})"


@dataclass(frozen=True, slots=True)
class InstrumentTrend:
    """One instrument over one course: its scores, its bands, baseline, latest, change and verdicts."""

    instrument: Instrument
    points: tuple[TrendPoint, ...]
    """The current scores (no corrected original, no struck measure), oldest first."""
    baseline: TrendPoint | None
    latest: TrendPoint | None
    """The last score after the baseline (None when there is none yet)."""
    change: ScoreChange | None
    response: Verdict
    remission: Verdict

    @property
    def bands(self) -> tuple[Band, ...]:
        """The instrument's bands (low, high, name), for shading."""
        return self.instrument.bands

    @property
    def name(self) -> str:
        """The instrument's short name: ``PHQ-9``."""
        return self.instrument.name


def _point(measure: Measure) -> TrendPoint:
    band = measure.scored.band
    return TrendPoint(measure.id, measure.entered_at, measure.total, "" if band is None else band.name)


def change_between(baseline: int, latest: int) -> ScoreChange:
    """The change from ``baseline`` to ``latest`` in points and percent of the baseline."""
    return ScoreChange(latest - baseline, None if baseline == 0 else (latest - baseline) * 100 / baseline)


def _response(baseline: TrendPoint | None, latest: TrendPoint | None) -> Verdict:
    if baseline is None:
        return Verdict(RESPONSE, None, "no score before the first infusion")
    if latest is None:
        return Verdict(RESPONSE, None, "no score since the baseline")
    met = responded(baseline.total, latest.total)
    return Verdict(RESPONSE, met, "a baseline of 0 cannot fall" if met is None else "")


def _remission(instrument: Instrument, latest: TrendPoint | None) -> Verdict:
    if instrument.key not in REMISSION_BELOW:
        return Verdict(REMISSION, None, f"no remission rule for {instrument.name}")
    if latest is None:
        return Verdict(REMISSION, None, "no score since the baseline")
    return Verdict(REMISSION, remitted(instrument.key, latest.total))


def instrument_trend(
    instrument: Instrument, measures: Iterable[Measure], first_infusion_at: datetime | None
) -> InstrumentTrend:
    """``instrument``'s trend over a course from the course's measures (any instruments; only current ones count)."""
    mine = sorted((m for m in current(measures) if m.instrument is instrument.key), key=lambda m: (m.entered_at, m.id))
    points = tuple(_point(m) for m in mine)
    chosen = course_baseline([m.timed for m in mine], first_infusion_at)
    baseline = None if chosen is None else next(p for p in points if p.measure_id == chosen.id)
    after = [p for p in points if baseline is None or (p.at, p.measure_id) > (baseline.at, baseline.measure_id)]
    latest = after[-1] if after else None
    change = None if baseline is None or latest is None else change_between(baseline.total, latest.total)
    return InstrumentTrend(
        instrument,
        points,
        baseline,
        latest,
        change,
        _response(baseline, latest),
        _remission(instrument, latest),
    )


def course_trends(
    instruments: Sequence[Instrument], measures: Iterable[Measure], first_infusion_at: datetime | None
) -> tuple[InstrumentTrend, ...]:
    """One trend per instrument, in the order given, from one course's measures."""
    listed = list(measures)
    return tuple(instrument_trend(i, listed, first_infusion_at) for i in instruments)
