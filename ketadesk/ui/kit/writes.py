"""The one path every write takes in the UI, and the bus that tells every screen what changed.

A screen runs a write with :func:`run_write`: a refusal is shown in place (the form keeps
what was typed) and nothing else happens; a success is published on the clinic session's
:class:`ChangeBus` with the changes, the widget that started them and the login of who did.
Every screen listens and decides for itself from the changes whether it shows anything that
changed; a screen that is not on view only marks itself stale and redraws when it is shown
(the idea of Anki's ``op_executed``). A commit made at another workstation (or another
window on the same file) is announced on the same bus (``elsewhere``): it names nothing, so
every screen that is not re-read by the window's own tick redraws if in view, or marks
itself stale, as it does for a local change it shows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Protocol, TypeVar, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ketadesk.clinic import Changes, Clinic, NotFound, PermissionDenied, StoreError, ValidationError
from ketadesk.core.errors import SessionEnded
from ketadesk.ui.kit.lines import MessageLine

T = TypeVar("T")

# Errors a clinic call may raise that the user can act on; anything else is a bug and propagates.
USER_ERRORS = (ValidationError, PermissionDenied, StoreError, NotFound)


class ChangeBus(QObject):
    """Where the writes of one clinic session are announced to every screen showing that clinic.

    ``published`` carries the :class:`Changes`, the widget the write was started from (None
    when it came from elsewhere) and the login of who made it.
    """

    published = Signal(object, object, str)
    elsewhere = Signal()
    """Another workstation or window committed something: what, only the database knows (screens read it)."""
    session_ended = Signal(str)
    """The signed-in user was disabled or locked out meanwhile: the window goes back to the door (the reason)."""

    def publish(self, changes: Changes, origin: QObject | None, by: str) -> None:
        """Tell every listening screen that ``changes`` happened."""
        self.published.emit(changes, origin, by)


_buses: weakref.WeakKeyDictionary[object, ChangeBus] = weakref.WeakKeyDictionary()


def bus_for(clinic: Clinic) -> ChangeBus:
    """The bus of the database session ``clinic`` works in (every user signed in on it shares one)."""
    store = clinic.session.store
    bus = _buses.get(store)
    if bus is None:
        bus = ChangeBus()
        _buses[store] = bus
    return bus


def error_text(error: BaseException) -> str:
    """What a refusal says to the user."""
    return str(getattr(error, "message", None) or error)


def attempt(line: MessageLine, action: Callable[[], T]) -> T | None:
    """Run one clinic read or sign-in; on a refusal show it on ``line`` and return None (the form keeps its text)."""
    try:
        result = action()
    except USER_ERRORS as error:
        line.error(error_text(error))
        return None
    line.clear_message()
    return result


def run_write(
    clinic: Clinic,
    line: MessageLine,
    action: Callable[[], T],
    origin: QObject | None = None,
    *,
    refused: Callable[[BaseException], None] | None = None,
    then: Callable[[T], None] | None = None,
) -> T | None:
    """Run one write: on a refusal show it in place and return None; else publish what changed and return the result.

    ``refused`` shows a refusal its own way (marking the field that was wrong) instead of
    only on ``line``; ``then`` lets the form settle (clear what was saved, say "Saved")
    before the screens redraw. What the user typed is never touched here.
    """
    try:
        result = action()
    except USER_ERRORS as error:
        if refused is not None:
            refused(error)
        else:
            line.error(error_text(error))
        if isinstance(error, SessionEnded):
            bus_for(clinic).session_ended.emit(error.message)
        return None
    line.clear_message()
    if then is not None:
        then(result)
    if isinstance(result, Changes):
        bus_for(clinic).publish(result, origin, clinic.user.login)
    return result


class _Redrawing(Protocol):
    """What a watching screen supplies: whether changes touch what it shows, and one read and draw."""

    stale: bool

    def affected_by(self, changes: Changes) -> bool: ...

    def redraw(self) -> None: ...

    def on_view(self) -> bool: ...


class Watching:
    """A screen that redraws from published changes when it shows what they touched, or marks itself stale.

    A screen mixes this in and implements ``affected_by(changes)`` (does it show anything
    the changes touched?) and ``redraw()`` (read once and draw), the contract
    :class:`_Redrawing` spells out. A hidden screen only marks itself stale and redraws when
    it is shown again (:meth:`shown`).
    """

    stale: bool = False
    ticked: bool = False
    """True for a screen the window's tick re-reads when the database's revision moved (the board, the visit in
    front): another workstation's commit reaches it that way, so it does not redraw a second time for it."""

    def watch(self, clinic: Clinic) -> None:
        """Start listening to the writes of ``clinic``'s session (a bound method: Qt disconnects it with the widget)."""
        bus = bus_for(clinic)
        bus.published.connect(self._published)
        if not self.ticked:
            bus.elsewhere.connect(self._committed_elsewhere)

    def _committed_elsewhere(self) -> None:
        self._redraw_or_mark()

    def _published(self, changes: Changes, _origin: object, _by: str) -> None:
        if cast(_Redrawing, self).affected_by(changes):
            self._redraw_or_mark()

    def _redraw_or_mark(self) -> None:
        """Redraw now if in view, else mark stale for :meth:`shown`."""
        screen = cast(_Redrawing, self)
        if screen.on_view():
            screen.stale = False
            screen.redraw()
        else:
            screen.stale = True

    def on_view(self) -> bool:
        """True while the screen is in view in its window: not behind another tab or page.

        A screen standing alone (its own window, shown or not) counts as in view.
        """
        if not isinstance(self, QWidget):
            return True
        return self.isWindow() or self.isVisibleTo(self.window())

    def shown(self) -> None:
        """The screen came into view: catch up if a change arrived while it was hidden."""
        if self.stale:
            self.stale = False
            cast(_Redrawing, self).redraw()
