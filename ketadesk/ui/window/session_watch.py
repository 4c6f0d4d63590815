"""What the window hears from its session's bus: the signature count to redraw, a session that has ended.

Kept apart from the window's page handling: the window mixes this in and supplies ``page``,
``door_page``, :meth:`refresh_signature_count` and :meth:`sign_out`.
"""

from __future__ import annotations

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.ui.door.sign_in import SignInScreen
from ketadesk.ui.kit.writes import ChangeBus, bus_for
from ketadesk.ui.window.pages import Page


class SessionWatch:
    """Listens to one database session's bus (once per database) for the whole window."""

    page: Page
    door_page: object
    _watched: ChangeBus | None = None

    def refresh_signature_count(self) -> int:
        """The window's own (see :class:`~ketadesk.ui.window.main_window.MainWindow`)."""
        raise NotImplementedError

    def sign_out(self) -> None:
        """The window's own (see :class:`~ketadesk.ui.window.main_window.MainWindow`)."""
        raise NotImplementedError

    def _watch(self, clinic: Clinic) -> None:
        """Listen to the writes of ``clinic``'s session: the status bar's count, and a session ended meanwhile."""
        bus = bus_for(clinic)
        if self._watched is not bus:
            bus.published.connect(self._published)
            bus.session_ended.connect(self._session_ended)
            self._watched = bus

    def _published(self, changes: Changes, _origin: object, _by: str) -> None:
        """A write anywhere: the signature count moves when a visit is discharged or signed."""
        if self.page is Page.WORK and changes.touches(Change.SIGNATURE, Change.PHASE):
            self.refresh_signature_count()

    def _session_ended(self, why: str) -> None:
        """The user was disabled or locked out while signed in: back to the door, saying why."""
        if self.page is not Page.DOOR:
            self.sign_out()
            if isinstance(self.door_page, SignInScreen):
                self.door_page.message.error(why)
