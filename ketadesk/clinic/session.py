"""One session at the workstation: the open store, the clock, the clinic's protocol, who is signed in.

Every clinic area works through the session, so the few things every use case needs (the
time now, a visit's phase, a step of the phase machine, a charted time's limits, a visit
read with its timers) are written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from ketadesk.clinic.views import VisitView
from ketadesk.core.charting import check_charted_time
from ketadesk.core.clock import Clock, from_utc_iso, to_utc_iso
from ketadesk.core.errors import SessionEnded
from ketadesk.core.phases import Phase, check_transition
from ketadesk.core.protocol import Protocol
from ketadesk.core.timers import compute_timers
from ketadesk.core.users import Role, User
from ketadesk.store import users as store_users
from ketadesk.store import visits as store_visits
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound


@dataclass(frozen=True, slots=True)
class Session:
    """The open database, the clock, the protocol and the signed-in user, shared by every area."""

    store: Store
    clock: Clock
    protocol: Protocol
    user: User

    def now(self) -> datetime:
        """The time now, from the injected clock."""
        return self.clock.now()

    def stamp(self) -> str:
        """The time now as the store keeps it (UTC ISO-8601)."""
        return to_utc_iso(self.clock.now())

    def today(self) -> date:
        """Today's date in the workstation's local time zone."""
        return self.clock.now().astimezone().date()

    def phase(self, visit_id: int) -> Phase:
        """The visit's phase as stored now."""
        return store_visits.current_phase(self.store, visit_id)

    def require_standing(self) -> None:
        """Refuse a write by a user disabled or locked out since signing in (:class:`SessionEnded`).

        The program itself (the system user) is never disabled. A lockout is wrong passwords
        typed for this login elsewhere, so the person at this keyboard may not be its owner.
        """
        if Role.SYSTEM in self.user.roles:
            return
        self._refuse_if_ended(store_users.lockout(self.store, self.user.id))

    def standing_and_phase(self, visit_id: int) -> Phase:
        """:meth:`require_standing`, then the visit's phase, read together (one round trip on a server)."""
        if Role.SYSTEM in self.user.roles:
            return self.phase(visit_id)
        standing, phase = store_users.lockout_and_phase(self.store, self.user.id, visit_id)
        self._refuse_if_ended(standing)
        if phase is None:
            raise NotFound(f"no visit with id {visit_id}")
        return Phase(phase)

    def _refuse_if_ended(self, standing: tuple[int, str | None, bool]) -> None:
        _attempts, locked_until, active = standing
        if not active:
            raise SessionEnded(self.user.login, "was disabled")
        if locked_until and from_utc_iso(locked_until) > self.clock.now():
            raise SessionEnded(self.user.login, "was locked after wrong passwords")

    def move(self, visit_id: int, target: Phase, reason: str = "") -> None:
        """One step of the phase machine, checked by core and written with its audit row."""
        check_transition(self.phase(visit_id), target, reason)
        store_visits.add_event(
            self.store, visit_id, target, at=self.stamp(), actor_id=self.user.id, reason=reason.strip()
        )

    def retime_view(self, view: VisitView) -> VisitView:
        """The same visit with its timers derived again at the time now (no read: the stored moments are kept)."""
        times = view.detail.summary.times
        if times is None:
            return view
        timers = compute_timers(times, self.protocol, self.clock.now())
        return VisitView(replace(view.detail, summary=replace(view.detail.summary, timers=timers)), timers)

    def charted_time(self, field: str, moment: datetime | None) -> datetime:
        """A charted time: now when not given, within core's late-entry and future limits."""
        return check_charted_time(field, moment, self.clock.now())

    def visit_view(self, visit_id: int) -> VisitView:
        """Everything about one visit, with its timers now."""
        detail, times = store_visits.detail(self.store, visit_id)
        timers = compute_timers(times, self.protocol, self.clock.now())
        return VisitView(replace(detail, summary=replace(detail.summary, timers=timers, times=times)), timers)
