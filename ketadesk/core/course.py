"""Treatment courses: an induction series from a schedule template, then maintenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ketadesk.core.protocol import ScheduleTemplate


@dataclass(frozen=True, slots=True)
class Course:
    """A patient's treatment course and its template, frozen as it was when the course was planned."""

    id: int
    patient_id: int
    template: ScheduleTemplate
    start_date: date
    visits_planned: int


@dataclass(frozen=True, slots=True)
class CoursePosition:
    """Where one visit stands in its course."""

    sequence: int
    induction_count: int

    @property
    def is_maintenance(self) -> bool:
        """True for visits after the induction series."""
        return self.sequence > self.induction_count

    @property
    def label(self) -> str:
        """``Infusion 4 of 8`` during induction, ``Maintenance 2`` after it."""
        if self.is_maintenance:
            return f"Maintenance {self.sequence - self.induction_count}"
        return f"Infusion {self.sequence} of {self.induction_count}"


def plan_induction(template: ScheduleTemplate, start: date) -> list[date]:
    """Dates of every induction infusion, spreading each week's visits across the week.

    Three a week fall on days 0, 2 and 4 of the week; two on days 0 and 3; one on day 0.
    A clinic moves single visits when it schedules them; the plan is the starting point.
    """
    dates: list[date] = []
    for week, count in enumerate(template.visits_per_week):
        week_start = start + timedelta(weeks=week)
        dates.extend(week_start + timedelta(days=(i * 7) // count) for i in range(count))
    return dates


def next_visit_date(template: ScheduleTemplate, start: date, sequence: int) -> date:
    """The planned date of visit number ``sequence`` (1-based), maintenance included."""
    if sequence < 1:
        raise ValueError("visit numbers start at 1")
    induction = plan_induction(template, start)
    if sequence <= len(induction):
        return induction[sequence - 1]
    extra = sequence - len(induction)
    return induction[-1] + timedelta(days=template.maintenance_interval_days * extra)
