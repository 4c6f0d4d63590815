"""Reading visits: today's board, one visit with its timers, a date range, alerts still open, lists to open again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from ketadesk.clinic.usecase import Area
from ketadesk.clinic.views import VisitListing, VisitView
from ketadesk.core.charting import charted_minute
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.records import VisitSummary, VitalsRecord
from ketadesk.core.text import search_text
from ketadesk.core.timers import compute_timers
from ketadesk.store import visit_search
from ketadesk.store import visits as store_visits

# A search lists at most this many visits, newest first: enough for any day, any patient's years.
SEARCH_LIMIT = 200


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

    def of_patient(self, patient_id: int) -> list[VisitListing]:
        """Every visit of one patient (every course, and those outside one), newest first, with who signed it."""
        return self._listed(visit_search.for_patient(self.session.store, patient_id))

    def search(
        self, text: str = "", first: date | None = None, last: date | None = None, *, limit: int = SEARCH_LIMIT
    ) -> list[VisitListing]:
        """Visits booked from ``first`` to ``last`` (open ends allowed) of patients matching ``text``, newest first.

        ``text`` matches as the patient search does: the start of an MRN or any part of a
        name. Nothing given lists the newest visits of the whole clinic, up to ``limit``.
        """
        needle = search_text(text)  # as the patient search: NFC, not too long, encodable
        if "\x00" in needle:  # as in the patient search: no stored name or MRN holds a NUL
            return []
        return self._listed(visit_search.search(self.session.store, needle, first, last, limit))

    def _listed(self, summaries: list[VisitSummary]) -> list[VisitListing]:
        signed = visit_search.signatures(self.session.store, (s.id for s in summaries))
        return [VisitListing(s, signed.get(s.id)) for s in summaries]
