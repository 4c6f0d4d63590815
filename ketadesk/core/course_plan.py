"""The plan ahead of a course: the visits still to book, on the dates the template gives them.

The rest of the induction series falls on the template's days from the course's start
(:func:`~ketadesk.core.course.plan_induction`), then maintenance follows the taper and the
steady interval (:func:`~ketadesk.core.course.next_visit_date`). A course rarely runs to the
day: when the next planned date has already gone by, or falls on or before a visit already
booked, the whole plan moves later by the same number of days, so it keeps the spacing the
template wants and never starts in the past. Booking's suggestion
(``clinic.scheduling.next_visit``) is the first visit of this plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ketadesk.core.course import CoursePosition, next_visit_date
from ketadesk.core.protocol import ScheduleTemplate


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """One visit of the plan ahead: where it stands in the course, its date and the days since the visit before."""

    position: CoursePosition
    day: date
    days_after: int | None
    """Days after the visit before it (the last one booked or held, or the one planned before); None for a first."""

    @property
    def label(self) -> str:
        """``Infusion 5 of 8`` or ``Maintenance 2``."""
        return self.position.label


def first_open_day(today: date, last_booked: date | None) -> date:
    """The earliest day the plan may put its next visit: today, and after the last visit booked or held."""
    if last_booked is None:
        return today
    return max(today, last_booked + timedelta(days=1))


def plan_ahead(
    template: ScheduleTemplate, start: date, next_sequence: int, *, today: date, last_booked: date | None
) -> tuple[PlannedVisit, ...]:
    """The visits from number ``next_sequence`` on: the rest of induction, then maintenance through the taper.

    Maintenance is planned up to the first visit at the steady interval (one visit when the
    course is already past the taper); after that the course repeats that interval.
    ``last_booked`` is the date of the course's latest visit booked or held (cancelled ones
    and no-shows aside), None when there is none.
    """
    last = max(next_sequence, template.induction_count + len(template.maintenance_taper_days) + 1)
    planned = [next_visit_date(template, start, n) for n in range(next_sequence, last + 1)]
    shift = max(0, (first_open_day(today, last_booked) - planned[0]).days)
    days = [d + timedelta(days=shift) for d in planned]
    before: list[date | None] = [last_booked, *days[:-1]]
    return tuple(
        PlannedVisit(
            CoursePosition(sequence, template.induction_count),
            day,
            (day - previous).days if previous is not None else None,
        )
        for sequence, day, previous in zip(range(next_sequence, last + 1), days, before, strict=True)
    )
