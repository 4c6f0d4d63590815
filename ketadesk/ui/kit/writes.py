"""The one path every write takes in the UI, and the bus that tells every screen what changed.

A screen runs a write with :func:`run_write`: a refusal is shown in place (the form keeps
what was typed) and nothing else happens; a success is published on the clinic session's
:class:`ChangeBus` as a :class:`Published` (the changes, the widget that started them, and
the login of who did). Every screen listens and decides for itself from the changes whether
it shows anything that changed; a screen that is not on view only marks itself stale and
redraws when it is shown (the idea of Anki's ``op_executed``). Changes from another
workstation will arrive on the same bus, so local and remote writes redraw the same way.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from ketadesk.clinic import Changes, Clinic, NotFound, PermissionDenied, StoreError, ValidationError
from ketadesk.ui.kit.lines import MessageLine

T = TypeVar("T")

# Errors a clinic call may raise that the user can act on; anything else is a bug and propagates.
USER_ERRORS = (ValidationError, PermissionDenied, StoreError, NotFound)


@dataclass(frozen=True, slots=True)
class Published:
    """One write's changes, the widget it was started from (None from elsewhere), and who made it."""

    changes: Changes
    origin: QObject | None
    by: str


class ChangeBus(QObject):
    """Where the writes of one clinic session are announced to every screen showing that clinic."""

    published = Signal(object)

    def publish(self, changes: Changes, origin: QObject | None, by: str) -> None:
        """Tell every listening screen that ``changes`` happened."""
        self.published.emit(Published(changes, origin, by))


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


def run_write(clinic: Clinic, line: MessageLine, action: Callable[[], T], origin: QObject | None = None) -> T | None:
    """Run one write: show a refusal on ``line`` and return None, or publish what changed and return the result."""
    result = attempt(line, action)
    if isinstance(result, Changes):
        bus_for(clinic).publish(result, origin, clinic.user.login)
    return result
