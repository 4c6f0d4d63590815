"""Treatment courses: an induction series from a schedule template, then maintenance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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


def maintenance_interval(template: ScheduleTemplate, number: int) -> int:
    """Days before maintenance visit ``number`` (1-based): the taper's steps first, then the steady interval."""
    taper = template.maintenance_taper_days
    return taper[number - 1] if number <= len(taper) else template.maintenance_interval_days


def maintenance_days(template: ScheduleTemplate, count: int) -> int:
    """Days from the last induction infusion to maintenance visit ``count`` (the sum of the intervals before it)."""
    taper = template.maintenance_taper_days[:count]
    return sum(taper) + (count - len(taper)) * template.maintenance_interval_days


def next_visit_date(template: ScheduleTemplate, start: date, sequence: int) -> date:
    """The planned date of visit number ``sequence`` (1-based), maintenance (and its taper) included."""
    if sequence < 1:
        raise ValueError("visit numbers start at 1")
    induction = plan_induction(template, start)
    if sequence <= len(induction):
        return induction[sequence - 1]
    return induction[-1] + timedelta(days=maintenance_days(template, sequence - len(induction)))


def maintenance_text(interval_days: int, taper_days: Sequence[int] = ()) -> str:
    """Maintenance in words: ``then every 28 days``, or ``then after 14, then 21 days, then every 28 days``."""
    if not taper_days:
        return f"then every {interval_days} days"
    steps = ", then ".join(str(d) for d in taper_days)
    return f"then after {steps} days, then every {interval_days} days"


def with_protocol_taper(stored: ScheduleTemplate, templates: Iterable[ScheduleTemplate]) -> ScheduleTemplate:
    """The course's template with the taper of the protocol's template of the same key.

    A course keeps the induction weeks and interval it was planned with (the store copies
    them); the taper is read from the protocol, and only while the protocol's template of
    that key still plans the same weeks and interval, so a template since changed cannot
    lend a course a taper that was not written for it.
    """
    for template in templates:
        if (template.key, template.visits_per_week, template.maintenance_interval_days) == (
            stored.key,
            stored.visits_per_week,
            stored.maintenance_interval_days,
        ):
            return replace(stored, maintenance_taper_days=template.maintenance_taper_days)
    return stored
