"""The working page's modules, loaded while the sign-in screen waits for a password.

The program opens at its door, and the door needs only the clinic and the sign-in form;
the chair board, the visit workspace and the areas of the clinic they call are imported
after it is painted, one module per turn of the event loop, so the screen appears at
once and keeps taking keys while the rest loads. Signing in then finds them loaded: the
board is painted after the password's check and its own reads, with no imports between.
A module that fails to import here is left for its first use, which says why as it would
have without this.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from contextlib import suppress

from PySide6.QtCore import QObject, QTimer

WORK_MODULES = (
    "ketadesk.clinic.visits",
    "ketadesk.clinic.orders",
    "ketadesk.clinic.signing",
    "ketadesk.clinic.outcomes",
    "ketadesk.ui.board",
    "ketadesk.ui.window.visit_tabs",
    "ketadesk.ui.visit.banner",
    "ketadesk.ui.visit.workspace",
)
"""In the order they load: what the board needs first, then a visit's workspace (the first chair opened)."""


class WarmUp(QObject):
    """Imports ``modules`` one per event-loop turn once started; ``then`` runs after the last."""

    def __init__(self, parent: QObject, then: Callable[[], None], modules: Sequence[str] = WORK_MODULES) -> None:
        super().__init__(parent)
        self.setObjectName("warm_up")
        self._waiting = list(modules)
        self._then = then
        self.done = not self._waiting

    def start(self) -> None:
        """Begin after whatever the event loop has queued (the door's first paint comes first)."""
        if not self.done:
            QTimer.singleShot(0, self, self._next)

    def _next(self) -> None:
        name = self._waiting.pop(0)
        with suppress(Exception):  # its first real use imports it again and says what failed, where it is said
            importlib.import_module(name)
        if self._waiting:
            QTimer.singleShot(0, self, self._next)
            return
        self.done = True
        self._then()
