"""Reading visits: today's board, one visit with its timers, a date range, alerts still open."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from ketadesk.clinic.usecase import Area
from ketadesk.clinic.views import VisitView
from ketadesk.core.charting import charted_minute
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.records import VisitSummary, VitalsRecord
from ketadesk.core.timers import compute_timers
from ketadesk.store import visits as store_visits


class Visits(Area):
    """The visits of the clinic as the screens read them (timers derived from the stored times and the clock)."""

    def board(self, day: date | None = None) -> list[VisitSummary]:
        """Every visit of the day with its timers, latest reading and unacknowledged alerts."""
        s = self.session
        rows = store_visits.on_date(s.store, day or s.today())
        now = s.now()
        return [replace(r.summary, timers=compute_timers(r.times, s.protocol, now), times=r.times) for r in rows]

    def between(self, first: date, last: date) -> list[VisitSummary]:
        """Visits booked in a date range (no readings), for lists and exports."""
        return [r.summary for r in store_visits.between(self.session.store, first, last)]

    def get(self, visit_id: int) -> VisitView:
        """Everything about one visit, with its timers now."""
        return self.session.visit_view(visit_id)

    def unacknowledged_alerts(self, visit_id: int) -> list[VitalsRecord]:
        """Alert readings of a visit still waiting for an acknowledgement."""
        return store_visits.unacknowledged_alerts(self.session.store, visit_id)

    def reading_in_the_same_minute(self, visit_id: int, when: datetime | None = None) -> VitalsRecord | None:
        """A current reading charted in the same minute as ``when`` (now when not given), to ask about a duplicate.

        The API accepts a second set in the same minute (it can be real); the screens ask first.
        """
        s = self.session
        start, end = charted_minute(when or s.now())
        found = store_visits.current_vitals_between(s.store, visit_id, to_utc_iso(start), to_utc_iso(end))
        return found[0] if found else None

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
