"""How a screen deep in a visit asks its window to hand the workstation to the patient.

The pre-assessment knows which visit and which instruments; only the window can put the
questionnaire page in front of everything else. The screen does not reach into the window:
it announces a :class:`QuestionnaireRequest` on its session's hub, and the window it sits
in (and only that one: the request names the widget it came from) takes it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.instruments.types import InstrumentKey


@dataclass(frozen=True, slots=True)
class QuestionnaireRequest:
    """The patient of ``visit_id`` answers ``instruments`` on this workstation, opened from ``origin``."""

    visit_id: int
    instruments: tuple[InstrumentKey, ...]
    origin: QWidget


class QuestionnaireRequests(QObject):
    """Where a session's screens ask for the questionnaire mode; the window listens."""

    requested = Signal(object)

    def ask(self, request: QuestionnaireRequest) -> None:
        """Ask the window ``request.origin`` sits in to start the questionnaire mode."""
        self.requested.emit(request)


_hubs: weakref.WeakKeyDictionary[object, QuestionnaireRequests] = weakref.WeakKeyDictionary()


def requests_for(clinic: Clinic) -> QuestionnaireRequests:
    """The hub of the database session ``clinic`` works in (every user signed in on it shares one)."""
    store = clinic.session.store
    hub = _hubs.get(store)
    if hub is None:
        hub = QuestionnaireRequests()
        _hubs[store] = hub
    return hub
