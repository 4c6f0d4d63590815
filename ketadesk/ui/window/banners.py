"""The strips above every page that say what the whole window works under: a file that can only be read, and a
clinic server that cannot be reached.

The read-only strip is there for as long as the file is open. The server's strip comes and goes:
the window asks the clinic once a second whether the database answers
(:meth:`~ketadesk.clinic.Clinic.reachable`, which never waits for the network) and shows it the
moment a read or a write finds the server gone. What a nurse has typed stays in its field (a
refused write never touches a form), nothing is half-saved (the server rolls back a write cut
short), and the store connects again by itself; the strip goes once it has.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, UnreachableDatabaseError
from ketadesk.ui.kit.widgets import label

_STRIP = "padding: 6px 10px; font-weight: bold;"


def read_only_banner(clinic: Clinic) -> QLabel | None:
    """The strip above every page of a database that can only be read: why, and that nothing can be saved.

    None when the database can be written. The window stays for looking: the write buttons
    are disabled by their verdicts (which say "the database is read-only"), and a write that
    is still tried is refused with the same words.
    """
    if not clinic.read_only:
        return None
    banner = label(
        "read_only_banner",
        f"READ-ONLY — {clinic.database_name} can only be read: {clinic.read_only}. "
        "You can look at every visit and report; nothing can be recorded, changed or saved.",
        accessible="The database is read-only",
    )
    banner.setStyleSheet(
        f"QLabel#read_only_banner {{ background: #fff3cd; color: #5d4200; border-bottom: 2px solid #e0a800; {_STRIP} }}"
    )
    return banner


class ServerBanner(QLabel):
    """Shown while the clinic's database server cannot be reached, with why; hidden once it answers again."""

    def __init__(self, database: str) -> None:
        super().__init__()
        self.database = database
        self.setObjectName("server_banner")
        self.setAccessibleName("The clinic database cannot be reached")
        self.setWordWrap(True)
        self.setStyleSheet(
            f"QLabel#server_banner {{ background: #b71c1c; color: white; border-bottom: 2px solid #7f0000; {_STRIP} }}"
        )
        self.hide()

    def lost(self, reason: str) -> None:
        """Say the server cannot be reached (``reason``: the server's or the network's words)."""
        text = (
            f"NOT CONNECTED — the clinic database {self.database} cannot be reached ({reason}). "
            "Nothing you have typed is lost, but nothing can be saved and other workstations' changes do not show "
            "until it is back; KetaDesk connects again by itself."
        )
        if text != self.text():  # said every second while the server is away: laid out again only when it changes
            self.setText(text)
        self.show()

    def back(self) -> bool:
        """The server answers again: hide the strip; True when it was showing (the pages should be read afresh)."""
        was = not self.isHidden()
        self.hide()
        return was

    def tick(
        self, clinic: Clinic, tick: Callable[[], object], afresh: Callable[[], object], away: Callable[[], object]
    ) -> None:
        """The window's once-a-second ``tick``, run only while the server answers; ``afresh`` first when it is back.

        Meanwhile ``away`` keeps the clocks counting from the last read (a nurse still sees when vitals
        are due). A server found gone by the tick's own reads (between two ticks) is said at once too.
        """
        lost = clinic.reachable()
        if lost:
            self.lost(lost)
            with suppress(UnreachableDatabaseError):  # a mark never read before cannot be read now
                away()
            return
        if self.back():
            afresh()
        try:
            tick()
        except UnreachableDatabaseError:
            self.lost(clinic.reachable() or "the connection was lost")


def framed(stack: QWidget, strips: list[QWidget]) -> QWidget:
    """The window's central widget: the strips above the page stack, with no margin between them."""
    frame = QWidget()
    frame.setObjectName("main_frame")
    column = QVBoxLayout(frame)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    for strip in strips:
        column.addWidget(strip)
    column.addWidget(stack, 1)
    return frame


def say_unreachable_on(banner: ServerBanner, reason: Callable[[], str]) -> Callable[[], None]:
    """Route a lost server met by any screen's own read (a click, a dialog) to the strip, not to a traceback.

    Qt hands an exception raised in a slot to ``sys.excepthook``; every other one goes on to the hook
    there before. Returns the undo (the program calls it as it ends).
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if isinstance(error, UnreachableDatabaseError):
            banner.lost(reason() or "the connection was lost")
            return
        previous(kind, error, trace)

    sys.excepthook = hook

    def undo() -> None:
        sys.excepthook = previous

    return undo
