"""What "improved", "no better" and "climbed back" mean for outcome scores, defined once for every rule.

Every instrument the clinic uses (PHQ-9, GAD-7, PCL-5, the Fear Questionnaire) scores
worse as it rises, so a fall is a benefit. The rules compare a later total with a
reference total:

- **improved**: the later total is at least ``improvement_percent`` (protocol, default 25)
  below the reference — ``(reference − later) × 100 ≥ improvement_percent × reference``,
  in whole numbers, so a boundary is exact — or it is 0 (nothing left to improve). 25 % is
  the usual lower edge of a partial response (50 % is a response), so a smaller fall is
  noise or drift, not a benefit. A reference of 0 is improved on only by another 0.
- **no better**: not improved.
- **climbed back**, in the cycle after an infusion: a score after the infusion had improved
  on the last score before it, and a later score in the same cycle (before the next
  infusion) is no longer improved on it — the benefit has gone. The cycle's benefit lasted
  from the infusion's start to that score.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ketadesk.core.watch.records import CourseInfusion, OutcomePoint, OutcomeSeries


def improved(reference: int, later: int, percent: int) -> bool:
    """True when ``later`` fell by at least ``percent`` % from ``reference`` (or is 0)."""
    if later == 0:
        return True
    return reference > 0 and (reference - later) * 100 >= percent * reference


def fall_percent(reference: int, later: int) -> float | None:
    """How far ``later`` fell from ``reference``, in percent (None when the reference is 0)."""
    return None if reference <= 0 else (reference - later) * 100 / reference


def _taken(point: OutcomePoint) -> datetime:
    return point.taken_at


def last_before(points: Sequence[OutcomePoint], moment: datetime) -> OutcomePoint | None:
    """The last score taken at or before ``moment`` (a score taken at check-in comes before the pump starts).

    ``points`` are oldest first, as :func:`measured` gives them: found by bisection, since every
    rule asks this once per infusion of a course that may have hundreds.
    """
    index = bisect_right(points, moment, key=_taken)
    return points[index - 1] if index else None


def between(points: Sequence[OutcomePoint], start: datetime, end: datetime | None) -> list[OutcomePoint]:
    """The scores taken after ``start`` and before ``end`` (None: no end), oldest first (``points`` are)."""
    first = bisect_right(points, start, key=_taken)
    last = len(points) if end is None else bisect_left(points, end, key=_taken)
    return list(points[first:last])


def measured(scores: Sequence[OutcomeSeries]) -> list[OutcomeSeries]:
    """The series that hold at least one score, each sorted oldest first."""
    return [OutcomeSeries(s.instrument, tuple(sorted(s.points, key=lambda p: p.taken_at))) for s in scores if s.points]


@dataclass(frozen=True, slots=True)
class Cycle:
    """How long one infusion's benefit lasted on one instrument: from the infusion to the score that climbed back."""

    infusion: CourseInfusion
    before: OutcomePoint
    benefit: OutcomePoint
    """The first score after the infusion that had improved on ``before``."""
    climbed_back: OutcomePoint

    @property
    def lasted(self) -> timedelta:
        """From the pump's start to the score that showed the benefit gone."""
        return self.climbed_back.taken_at - self.infusion.at


def cycles(series: OutcomeSeries, started: Sequence[CourseInfusion], percent: int) -> list[Cycle]:
    """Each infusion's cycle on ``series`` whose benefit was seen and then climbed back, oldest first.

    A cycle with no score before its infusion, no improved score after it, or no climb back
    before the next infusion (benefit still there when the patient came back) has no length
    to compare and is left out.
    """
    found: list[Cycle] = []
    for index, infusion in enumerate(started):
        following = started[index + 1].at if index + 1 < len(started) else None
        before = last_before(series.points, infusion.at)
        if before is None:
            continue
        benefit = None
        for point in between(series.points, infusion.at, following):
            if benefit is None:
                if improved(before.total, point.total, percent):
                    benefit = point
            elif not improved(before.total, point.total, percent):
                found.append(Cycle(infusion, before, benefit, point))
                break
    return found
