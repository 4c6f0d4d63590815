"""Another workstation's commit, heard the moment the clinic server announces it, so the window looks at once.

On a clinic server every commit is announced (LISTEN/NOTIFY, see the clinic's ``listen``);
the window watches the listening connection's socket with a :class:`QSocketNotifier` and, when
it stirs and a commit was announced, runs its tick at once: the board, the open visit and the
status bar compare the revision they last drew from and read what changed, as they do once a
second. A file has no announcements: its revision is looked at by the one-second tick alone.

The tick stays the safety net and the catch-up: while the listening connection is away (the
server restarts, the network drops) it is dialled again on a thread of its own, taken up at
a tick, and until then the tick's once-a-second look shows what other workstations saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

from ketadesk.clinic import Clinic, Heard


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

    def tick(self, clinic: Clinic) -> None:
        """At the window's tick, before it looks: listen to ``clinic``'s server, or again once it answers again."""
        if clinic.database_name != self.database:
            self.close()
            self.database, self.heard = clinic.database_name, clinic.listen()
        if self.heard is None or self.notifier is not None:
            return
        socket = self.heard.socket()
        if socket is None:  # still being dialled, or the server is away: the tick looks meanwhile
            return
        self.socket, self.notifier = socket, QSocketNotifier(socket, QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._stirred)
        self.heard.heard()  # what came before it listened: this very tick is about to look

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
        if look:
            self.look()

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
