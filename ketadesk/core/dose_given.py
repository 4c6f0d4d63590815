"""How much of the prepared dose a visit actually gave, and how the record knows it.

The review, every report and the course totals use this amount, never the planned one: a
40-minute infusion stopped at 26 minutes gave about two thirds of its dose. The amount is
recorded when the pump stops (``DoseGivenRecord``): the prepared dose for a completed
infusion; for an early stop, the amount :func:`ketadesk.core.dosing.dose_given_by_time`
calculates, confirmed or corrected by the nurse. A visit stopped before this was recorded
has no such row: a completed one gave its prepared dose, an early-stopped one is calculated
from its stored times and says so ("calculated from the times"), since nobody confirmed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ketadesk.core.dosing import dose_given_by_time, parse_given_mg
from ketadesk.core.phases import Phase
from ketadesk.core.records import DoseRecord, VisitDetail

# Two amounts this close are the same to the pump's display (both are rounded to 0.1 mg).
SAME_MG = 0.05


class GivenBasis(StrEnum):
    """Where a visit's given amount comes from."""

    COMPLETED = "completed"
    """The infusion ran its planned time: the prepared dose was given."""
    CONFIRMED = "confirmed"
    """Stopped early: the amount calculated from the times, confirmed by the nurse at the stop."""
    CORRECTED = "corrected"
    """Stopped early: the nurse entered a different amount from the one calculated."""
    FROM_TIMES = "from_times"
    """Stopped early with no amount recorded: calculated from the stored times, confirmed by nobody."""


@dataclass(frozen=True, slots=True)
class GivenDose:
    """The amount a visit gave, with what it rests on (for the screens, the reports and the totals)."""

    mg: float
    basis: GivenBasis
    dose: DoseRecord
    minutes_run: float
    calculated_mg: float
    by: str | None = None
    """Who recorded the amount (None when it is derived from the times)."""
    at: datetime | None = None
    """When it was recorded (None when it is derived from the times)."""

    @property
    def early(self) -> bool:
        """True when the infusion stopped before its planned end."""
        return self.basis is not GivenBasis.COMPLETED

    @property
    def stopped_text(self) -> str:
        """``stopped early at 26 of 40 min`` or ``completed over 40 min``."""
        if self.early:
            return f"stopped early at {minutes_text(self.minutes_run)} of {self.dose.duration_min} min"
        return f"completed over {self.dose.duration_min} min"

    def basis_text(self, who: Callable[[str], str] = str) -> str:
        """Where the amount comes from, in words, with who recorded it (``who`` maps a login to a name)."""
        sum_text = calculation_text(self.dose, self.minutes_run, self.calculated_mg)
        if self.basis is GivenBasis.COMPLETED:
            return "the dose prepared" + (f", recorded by {who(self.by)}" if self.by else "")
        if self.basis is GivenBasis.CONFIRMED:
            return f"calculated from the times ({sum_text}), confirmed by {who(self.by or '')}"
        if self.basis is GivenBasis.CORRECTED:
            return f"corrected by {who(self.by or '')} (calculated from the times: {sum_text})"
        return f"calculated from the times ({sum_text}); not confirmed by a nurse"

    def how(self, who: Callable[[str], str] = str) -> str:
        """How the infusion ended and what the amount rests on: ``stopped early at 26 of 40 min; …``."""
        return f"{self.stopped_text}; {self.basis_text(who)}"

    def line(self, who: Callable[[str], str] = str) -> str:
        """The one line every screen and report shows: amount, of what, how it ended, and on what basis."""
        return f"{self.mg:g} mg given of {self.dose.dose_mg:g} mg prepared — {self.how(who)}"


@dataclass(frozen=True, slots=True)
class GivenEstimate:
    """What stopping a running infusion now would have given, by the core rule (for the stop dialog)."""

    dose: DoseRecord
    minutes_run: float
    calculated_mg: float

    @property
    def volume_ml(self) -> float:
        """The calculated amount as the pump counts it (mL infused)."""
        return round(self.calculated_mg / self.dose.concentration_mg_per_ml, 1)

    @property
    def text(self) -> str:
        """``35 mg × 26 ÷ 40 min = 22.8 mg`` with the volume, as the nurse checks it against the pump."""
        return (
            f"{calculation_text(self.dose, self.minutes_run, self.calculated_mg)} "
            f"(about {self.volume_ml:g} mL at {self.dose.concentration_mg_per_ml:g} mg/mL)"
        )


def estimate(dose: DoseRecord, started: datetime, now: datetime) -> GivenEstimate:
    """What the infusion that started at ``started`` has given by ``now``."""
    minutes = max((now - started).total_seconds() / 60, 0.0)
    return GivenEstimate(dose, round(minutes, 2), dose_given_by_time(dose.dose_mg, dose.duration_min, minutes))


def running_estimate(visit: VisitDetail, now: datetime) -> GivenEstimate | None:
    """What ``visit``'s infusion has given by ``now`` while its pump runs (None before the start or after the stop)."""
    started = visit.event_time(Phase.INFUSING)
    if visit.dose is None or started is None or visit.infusion_stopped_at is not None:
        return None
    return estimate(visit.dose, started, now)


def read_given(raw: str | float, calculated_mg: float, prepared_mg: float) -> tuple[float, GivenBasis]:
    """The amount a nurse confirms or corrects at an early stop, and which of the two it is.

    The calculated amount confirmed as it stands is always accepted (even a stop within the
    first seconds, which gave 0.0 mg); any other amount must be plausible
    (:func:`ketadesk.core.dosing.parse_given_mg`: more than 0, at most the prepared dose).
    """
    text = str(raw).strip().replace(",", ".")
    if text in (f"{calculated_mg:g}", f"{calculated_mg:.1f}"):
        return calculated_mg, GivenBasis.CONFIRMED
    value = parse_given_mg(raw, prepared_mg)
    return value, early_basis(value, calculated_mg)


def calculation_text(dose: DoseRecord, minutes_run: float, calculated_mg: float) -> str:
    """The rule's sum in words: ``35 mg × 26 ÷ 40 min = 22.8 mg``."""
    return f"{dose.dose_mg:g} mg × {minutes_text(minutes_run)} ÷ {dose.duration_min} min = {calculated_mg:g} mg"


def minutes_text(minutes: float) -> str:
    """Minutes as a nurse reads them: ``26``, or ``26.5`` when it was not a whole minute."""
    return f"{round(minutes, 1):g}"


def given_dose(visit: VisitDetail) -> GivenDose | None:
    """The amount ``visit`` gave, once its pump has stopped (None before, or when it never started).

    A recorded amount is used as recorded. Without one (a visit stopped before amounts were
    recorded, or an early stop through the API without an amount), a completed infusion gave
    its prepared dose and an early stop is calculated from the stored times, labelled so.
    """
    dose, started, stopped = visit.dose, visit.event_time(Phase.INFUSING), visit.infusion_stopped_at
    if dose is None or started is None or stopped is None:
        return None
    ran = estimate(dose, started, stopped)
    minutes, calculated = ran.minutes_run, ran.calculated_mg
    recorded = visit.dose_given
    if recorded is not None:
        return GivenDose(
            recorded.given_mg,
            GivenBasis(recorded.basis),
            dose,
            recorded.minutes_run,
            recorded.calculated_mg,
            by=recorded.by,
            at=recorded.at,
        )
    if not visit.stopped_early:
        return GivenDose(dose.dose_mg, GivenBasis.COMPLETED, dose, minutes, dose.dose_mg)
    return GivenDose(calculated, GivenBasis.FROM_TIMES, dose, minutes, calculated)


def early_basis(given_mg: float, calculated_mg: float) -> GivenBasis:
    """An early stop's amount is confirmed when it is the calculated one, corrected when the nurse changed it."""
    return GivenBasis.CONFIRMED if abs(given_mg - calculated_mg) < SAME_MG else GivenBasis.CORRECTED


@dataclass(frozen=True, slots=True)
class CourseTotal:
    """What a course gave: the sum of the amounts given, and over how many infusions."""

    mg: float
    infusions: int
    calculated: int
    """How many of those amounts are calculated from the times and were never confirmed."""


def course_total(visits: Iterable[VisitDetail]) -> CourseTotal:
    """The amounts given over a course's visits whose pump has stopped (never the planned amounts)."""
    return total_given(given_dose(v) for v in visits)


def total_given(amounts: Iterable[GivenDose | None]) -> CourseTotal:
    """The total of amounts already worked out (a course's lines carry theirs: no second pass over the record)."""
    given = [g for g in amounts if g is not None]
    return CourseTotal(
        round(sum(g.mg for g in given), 1),
        len(given),
        sum(1 for g in given if g.basis is GivenBasis.FROM_TIMES),
    )
