"""One treatment course visit by visit, as the course screen and the course summary PDF both show it.

Each rule here is the one both use: the peak blood pressure is the reading with the highest
systolic (then diastolic) pressure; the dissociation figure is the highest CADSS-6 total;
the amount given is :func:`~ketadesk.core.dose_given.given_dose` (never the planned dose);
the interval is the days since the course's previous visit, counting only visits that were
held or are still booked (a cancelled visit or a no-show did not happen, so the interval
runs from the one before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from ketadesk.core.course import CoursePosition
from ketadesk.core.dose_given import GivenDose, given_dose
from ketadesk.core.events import AdverseEvent
from ketadesk.core.phases import NOT_HELD, PUMP_STOPPED, Phase, PhaseSet
from ketadesk.core.records import DoseRecord, VisitDetail, VitalsRecord
from ketadesk.core.scales import Scale

PEAK_DISSOCIATION = Scale.CADSS6
"""The scale whose highest total a course shows for each visit."""
FIGURE_PHASES: PhaseSet = (Phase.INFUSING, *PUMP_STOPPED)
"""The steps of a visit its course figures read: the infusion's start, and the step that stopped the pump (an early
stop with its reason, or observation after a full infusion); its phase now comes with the visit itself."""


@dataclass(frozen=True, slots=True)
class CourseVisit:
    """One visit of a course with the figures a course shows for it."""

    visit_id: int
    day: date
    phase: Phase
    position: CoursePosition | None
    dose: DoseRecord | None
    """The dose as prepared (the planned mg and mg/kg); None until one is prepared."""
    given: GivenDose | None
    """The amount actually given, once the pump has stopped."""
    infused: bool
    early_stop_reason: str | None
    """Why the infusion was stopped early (None when it was not)."""
    peak_bp: VitalsRecord | None
    lowest_spo2: int | None
    highest_cadss6: int | None
    adverse_events: tuple[AdverseEvent, ...]
    interval_days: int | None = None
    """Days since the course's previous visit held or booked (None for the first, and for visits not held)."""
    started_at: datetime | None = None
    """When the infusion started (None until it has): where the course screen marks it on the time axis."""

    @property
    def label(self) -> str:
        """Where the visit stands in the course: ``Infusion 3 of 8``, ``Maintenance 2``."""
        return self.position.label if self.position is not None else "Not in a course"

    @property
    def held(self) -> bool:
        """False for a visit cancelled or missed (a no-show)."""
        return self.phase not in NOT_HELD

    @property
    def planned_mg(self) -> float | None:
        """The dose prepared, in mg."""
        return self.dose.dose_mg if self.dose is not None else None

    @property
    def mg_per_kg(self) -> float | None:
        """The dose prepared, in mg/kg."""
        return self.dose.mg_per_kg if self.dose is not None else None

    @property
    def given_mg_per_kg(self) -> float | None:
        """The amount given per kg of the weight the dose was prepared for (three decimals, as doses are)."""
        if self.given is None:
            return None
        return round(self.given.mg / self.given.dose.weight_kg, 3)


def peak_bp(visit: VisitDetail) -> VitalsRecord | None:
    """The reading with the highest systolic pressure, the higher diastolic breaking a tie (None without readings)."""
    return max(visit.vitals, key=lambda r: (r.vitals.sbp, r.vitals.dbp)) if visit.vitals else None


def highest_score(visit: VisitDetail, scale: Scale) -> int | None:
    """The highest total scored on ``scale`` during the visit."""
    totals = [s.total for s in visit.scores if s.scale == scale]
    return max(totals) if totals else None


def course_visit(visit: VisitDetail, interval_days: int | None = None) -> CourseVisit:
    """One visit's figures (its interval is the course's to give: see :func:`course_visits`)."""
    stop = visit.early_stop
    started = visit.event_time(Phase.INFUSING)
    return CourseVisit(
        visit_id=visit.summary.id,
        day=visit.summary.scheduled_date,
        phase=visit.summary.phase,
        position=visit.summary.position,
        dose=visit.dose,
        given=given_dose(visit),
        infused=started is not None,
        early_stop_reason=stop.reason if stop is not None else None,
        peak_bp=peak_bp(visit),
        lowest_spo2=min(r.vitals.spo2 for r in visit.vitals) if visit.vitals else None,
        highest_cadss6=highest_score(visit, PEAK_DISSOCIATION),
        adverse_events=visit.adverse_events,
        interval_days=interval_days,
        started_at=started,
    )


def in_course_order(visits: Iterable[VisitDetail]) -> list[VisitDetail]:
    """The visits by date, then booking order (the order a course is read in)."""
    return sorted(visits, key=lambda v: (v.summary.scheduled_date, v.summary.id))


def course_visits(visits: Iterable[VisitDetail]) -> tuple[CourseVisit, ...]:
    """Every visit of a course in date order, each with the days since the previous visit held or booked."""
    lines: list[CourseVisit] = []
    previous: date | None = None
    for visit in in_course_order(visits):
        line = course_visit(visit)
        if line.held:
            if previous is not None:
                line = replace(line, interval_days=(line.day - previous).days)
            previous = line.day
        lines.append(line)
    return tuple(lines)
