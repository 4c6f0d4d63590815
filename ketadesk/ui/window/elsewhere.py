"""Another workstation's commit, heard the moment the clinic server announces it, so the window looks at once.

On a clinic server every commit is announced (LISTEN/NOTIFY, see the clinic's ``listen``);
the window watches the listening connection's socket with a :class:`QSocketNotifier` and, when
it stirs and another workstation's commit was announced (its own are told apart), says so on
the bus (``elsewhere``: the worklist, the course, the patient screens redraw if in view) and
runs its tick at once: the board, the open visit and the status bar compare the revision they
last drew from and read what changed, as they do once a second. A file announces nothing: the
tick asks it (``PRAGMA data_version``, which moves for another window's commits only) and says
so on the bus the same way.

The tick stays the safety net and the catch-up: while the listening connection is away (the
server restarts, the network drops) it is dialled again on a thread of its own, taken up at
a tick, and until then the tick's once-a-second look shows what other workstations saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

from ketadesk.clinic import Clinic, Heard
from ketadesk.ui.kit.writes import bus_for


class Elsewhere(QObject):
    """Watches the clinic server's word of commits made by other workstations; ``look`` is the window's tick."""

    def __init__(self, parent: QObject, look: Callable[[], object]) -> None:
        super().__init__(parent)
        self.setObjectName("commits_elsewhere")
        self.look = look
        self.heard: Heard | None = None
        self.database = ""  # the database listened to: another one opened (a demo, a file) is listened to afresh
        self.notifier: QSocketNotifier | None = None
        self.socket: int | None = None
        self.clinic: Clinic | None = None

    def tick(self, clinic: Clinic) -> None:
        """At the window's tick, before it looks: listen to ``clinic``'s server (or again once it answers again).

        While nothing is watched (a file; a server's listening connection being dialled) the
        tick asks instead, and another's commit heard then is announced on the bus as well.
        """
        self.clinic = clinic
        if clinic.database_name != self.database:
            self.close()
            self.database, self.heard = clinic.database_name, clinic.listen()
        if self.heard is None or self.notifier is not None:
            return
        socket = self.heard.socket()
        if socket is not None:
            self.socket, self.notifier = socket, QSocketNotifier(socket, QSocketNotifier.Type.Read, self)
            self.notifier.activated.connect(self._stirred)
        if self.heard.heard():  # a file's other windows, or what a server's was not heard saying: this tick looks
            bus_for(clinic).elsewhere.emit()

    @property
    def listening(self) -> bool:
        """True while the window hears of other workstations' commits as they are made."""
        return self.notifier is not None

    def _stirred(self) -> None:
        if self.heard is None:
            return
        look = self.heard.heard()
        if self.heard.socket() != self.socket:  # the connection was lost: no longer watched, dialled again
            self._unwatch()
        if look and self.clinic is not None:
            bus_for(self.clinic).elsewhere.emit()  # the screens the tick does not re-read (the worklist …)
            self.look()  # the board, the visit in front, the status bar

    def _unwatch(self) -> None:
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
        self.notifier, self.socket = None, None

    def close(self) -> None:
        """Stop listening (the window stops, or another database is opened)."""
        self._unwatch()
        if self.heard is not None:
            self.heard.close()
        self.heard, self.database = None, ""
