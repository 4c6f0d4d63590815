"""Ending the program: ask before closing on a patient with the drug in, and record the sign-out however it ends.

Closing the window while a patient is infusing or recovering silences the only chime that
says their vitals are due, so the window asks first and names who (chair and patient; by
chair only while the screen is locked, where no patient details show). The timers need no
saving — they are derived from stored moments — so the answer is only "are you sure".

The program may also end without the window closing: ``kill`` (SIGTERM), Ctrl+C in a
terminal, the terminal closing (SIGHUP), or the desktop session logging out. Each ends the
signed-in session the same way, once, so the audit trail shows when the user left.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QSessionManager
from PySide6.QtWidgets import QMessageBox, QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.phases import AFTER_START
from ketadesk.core.records import VisitSummary
from ketadesk.ui.kit.writes import USER_ERRORS

ConfirmClose = Callable[[QWidget, Sequence[VisitSummary], bool], bool]
"""Asks whether to close with these visits under way (``True`` closes); the flag says the screen is locked."""

# How often Qt's loop hands control back to Python, so a signal's Python handler runs promptly.
SIGNAL_WAKE_MS = 250
# The signals that end the program as a close would: kill, Ctrl+C, the terminal going away.
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


def under_way(visits: Sequence[VisitSummary]) -> list[VisitSummary]:
    """The visits whose patient has had the drug and is still in the chair (infusing or recovering), by chair."""
    return sorted((v for v in visits if v.phase in AFTER_START), key=lambda v: (v.chair or 0, v.id))


def under_way_now(clinic: Clinic) -> list[VisitSummary]:
    """The visits under way as the database holds them now (none when it cannot be read: closing goes ahead)."""
    try:
        return under_way(clinic.visits.board())
    except USER_ERRORS:
        return []


def who(visits: Sequence[VisitSummary], *, locked: bool) -> list[str]:
    """``Chair 2 — NÚÑEZ, Zoë (infusing)`` for each; by chair and phase only while the screen is locked."""
    lines = []
    for visit in visits:
        chair = f"Chair {visit.chair}" if visit.chair is not None else "No chair"
        phase = visit.phase.label.lower()
        lines.append(f"{chair} ({phase})" if locked else f"{chair} — {visit.patient_name} ({phase})")
    return lines


def close_question(visits: Sequence[VisitSummary], *, locked: bool) -> str:
    """The confirmation's text: who is in the chair, and what closing means for them."""
    count = len(visits)
    patients = "1 patient is" if count == 1 else f"{count} patients are"
    named = "\n".join(f"  • {line}" for line in who(visits, locked=locked))
    return (
        f"{patients} still infusing or in observation:\n{named}\n\n"
        "Closing KetaDesk stops the board, the timers and the chime at this workstation "
        "(everything entered is saved). Close anyway?"
    )


def close_question_box(parent: QWidget, visits: Sequence[VisitSummary], locked: bool) -> QMessageBox:
    """The confirmation, not yet shown: "Close KetaDesk" or "Keep open" (the default, and Escape)."""
    box = QMessageBox(parent)
    box.setObjectName("close_while_infusing")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Patients in the chair")
    box.setText(close_question(visits, locked=locked))
    close = box.addButton("Close KetaDesk", QMessageBox.ButtonRole.DestructiveRole)
    close.setObjectName("close_anyway")
    keep = box.addButton("Keep open", QMessageBox.ButtonRole.RejectRole)
    keep.setObjectName("keep_open")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box


def ask_before_closing(parent: QWidget, visits: Sequence[VisitSummary], locked: bool) -> bool:
    """The real program's confirmation: a modal question; only "Close KetaDesk" closes."""
    box = close_question_box(parent, visits, locked)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and clicked.objectName() == "close_anyway"


class Ending(Protocol):
    """What the quit handlers need of the window: end the session once, then close without asking."""

    def end_session(self, why: str) -> None:
        """Record the sign-out (once) and leave the window at its door."""
        ...

    def close_without_asking(self) -> None:
        """Close the window: the program is ending whatever the answer would be."""
        ...


class QuitHandlers:
    """Every way of ending the program records the sign-out once, while installed (:meth:`remove` at exit).

    A Python signal handler only runs when Python runs: while Qt's event loop waits in C++,
    a SIGTERM would wait too, so a timer hands control to Python a few times a second.
    """

    def __init__(self, app: QGuiApplication, window: Ending) -> None:
        self.app = app
        self.window = window
        for number in ENDING_SIGNALS:
            signal.signal(number, self.on_signal)
        self.wake = QTimer(app)
        self.wake.setObjectName("signal_wake")
        self.wake.setTimerType(Qt.TimerType.CoarseTimer)
        self.wake.timeout.connect(lambda: None)
        self.wake.start(SIGNAL_WAKE_MS)
        app.commitDataRequest.connect(self.on_log_out)
        app.aboutToQuit.connect(self.on_quit)

    def on_signal(self, number: int, _frame: object) -> None:
        """``kill``, Ctrl+C or the terminal closing: end the session, close without asking, quit.

        The handler may run between any two lines of Python (inside a write, say), so the
        ending itself waits for the event loop's next turn, where nothing is half done.
        """
        why = f"signal {signal.Signals(number).name}"
        QTimer.singleShot(0, lambda: self.end(why))

    def end(self, why: str) -> None:
        """End the session, close the window without asking and leave the event loop."""
        self.window.end_session(why)
        self.window.close_without_asking()
        self.app.quit()

    def on_log_out(self, _manager: QSessionManager | None = None) -> None:
        """The desktop is logging out: no question can stop it, so the session ends now."""
        self.window.end_session("desktop log-out")

    def on_quit(self) -> None:
        """The event loop is about to end, whoever asked."""
        self.window.end_session("quit")

    def remove(self) -> None:
        """The default signal handling again, no wake-up timer, no connections (the loop has ended)."""
        self.wake.stop()
        self.app.commitDataRequest.disconnect(self.on_log_out)
        self.app.aboutToQuit.disconnect(self.on_quit)
        for number in ENDING_SIGNALS:
            signal.signal(number, signal.default_int_handler if number == signal.SIGINT else signal.SIG_DFL)
