"""What the window hears from its session's bus: the signature count to redraw, a session that has ended.

The count is redrawn after a local discharge or signature and after any other workstation's
commit (the bus's ``elsewhere``: what it was, only the database knows).

One listener per window, attached once per database (a demo opened at the door is another
database, with a bus of its own).
"""

from __future__ import annotations

from collections.abc import Callable

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.ui.kit.writes import ChangeBus, bus_for


class SessionWatch:
    """Calls ``signatures`` when a write may move the signature count, ``ended`` when the session was ended."""

    def __init__(self, working: Callable[[], bool], signatures: Callable[[], object], ended: Callable[[str], None]):
        self._working = working
        self._signatures = signatures
        self._ended = ended
        self._watched: ChangeBus | None = None

    def watch(self, clinic: Clinic) -> None:
        """Listen to ``clinic``'s session (a second call for the same database changes nothing)."""
        bus = bus_for(clinic)
        if self._watched is not bus:
            bus.published.connect(self._published)
            bus.elsewhere.connect(self._elsewhere)
            bus.session_ended.connect(self._ended)
            self._watched = bus

    def _published(self, changes: Changes, _origin: object, _by: str) -> None:
        """A write anywhere: the signature count moves when a visit is discharged or signed."""
        if self._working() and changes.touches(Change.SIGNATURE, Change.PHASE):
            self._signatures()

    def _elsewhere(self) -> None:
        """Another workstation committed something: it may have discharged or signed a visit."""
        if self._working():
            self._signatures()
