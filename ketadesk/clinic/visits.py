"""Reading visits: today's board, one visit with its timers, a date range, alerts still open."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ketadesk.clinic.usecase import Area
from ketadesk.clinic.views import VisitView
from ketadesk.core.records import VisitSummary, VitalsRecord
from ketadesk.core.timers import compute_timers
from ketadesk.store import visits as store_visits


class Visits(Area):
    """The visits of the clinic as the screens read them (timers derived from the stored times and the clock)."""

    def board(self, day: date | None = None) -> list[VisitSummary]:
        """Every visit of the day and every visit still in progress, with timers, latest reading and alerts.

        In progress whatever day it was booked for: a patient infusing at midnight stays on
        their chair until discharged.
        """
        s = self.session
        rows = store_visits.on_board(s.store, day or s.today())
        now = s.now()
        return [replace(r.summary, timers=compute_timers(r.times, s.protocol, now), times=r.times) for r in rows]

    def between(self, first: date, last: date) -> list[VisitSummary]:
        """Visits booked in a date range (no readings), for lists and exports."""
        return [r.summary for r in store_visits.between(self.session.store, first, last)]

    def booked_or_in_progress(self, first: date, last: date) -> list[VisitSummary]:
        """Visits booked in a date range and every visit still in progress whatever its day (no readings)."""
        return [r.summary for r in store_visits.in_range_or_in_the_chair(self.session.store, first, last)]

    def get(self, visit_id: int) -> VisitView:
        """Everything about one visit, with its timers now."""
        return self.session.visit_view(visit_id)

    def unacknowledged_alerts(self, visit_id: int) -> list[VitalsRecord]:
        """Alert readings of a visit still waiting for an acknowledgement."""
        return store_visits.unacknowledged_alerts(self.session.store, visit_id)

    def retime(self, visits: list[VisitSummary]) -> list[VisitSummary]:
        """The same visits with their timers derived again now, without reading (for the once-a-second tick)."""
        s = self.session
        now = s.now()
        return [v if v.times is None else replace(v, timers=compute_timers(v.times, s.protocol, now)) for v in visits]

    def retime_view(self, view: VisitView) -> VisitView:
        """One visit's timers derived again now, without reading."""
        return self.session.retime_view(view)

    def revision(self) -> tuple[int, int]:
        """Changes whenever anything is committed (here or by another window): a tick re-reads only then."""
        return self.session.store.revision()
