"""The status bar: who is signed in where, the alerts to acknowledge and the visits awaiting a signature.

The signature count is always there on the working page (a physician sees it from any tab);
the alert line and the chime come from the board's tick.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QStatusBar

from ketadesk.clinic import Clinic
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitSummary
from ketadesk.ui.kit.widgets import label


class NoteLabel(QLabel):
    """The notes' line: cut with "…" to the room the status bar gives it, never widening the window; all in its tooltip.

    ``said`` is the whole line as the notes make it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("status_notice")
        self.setAccessibleName("Notes")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.said = ""

    def say(self, text: str) -> None:
        """Show ``text``, cut to the width there is."""
        self.said = text
        self._cut()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Cut again to the new width."""
        super().resizeEvent(event)
        self._cut()

    def _cut(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.said, Qt.TextElideMode.ElideRight, self.width()))


class StatusLine:
    """The status bar's three parts, and what rings the chime: a new alert reading, a chair newly overdue or overrun."""

    def __init__(self, bar: QStatusBar) -> None:
        self.user: QLabel = label("status_user", wrap=False, accessible="")
        self.alerts: QLabel = label("status_alerts", wrap=False, accessible="")
        bar.addWidget(self.user)  # as wide as who and where; the notes have the rest
        self.notice = NoteLabel()
        self.notice.hide()
        bar.addWidget(self.notice, 1)
        self._bar = bar
        # The notes up now, by what each is about (what it says, and that with its details for the tooltip), and
        # each one's timer: a later note about the same thing replaces it and restarts its time, one about
        # something else stands beside it.
        self._notes: dict[str, tuple[str, str]] = {}
        self._note_timers: dict[str, QTimer] = {}
        bar.addPermanentWidget(self.alerts)
        self.signatures = QPushButton()
        self.signatures.setObjectName("status_signatures")
        self.signatures.setAccessibleName("Visits awaiting a physician's signature")
        self.signatures.setFlat(True)
        bar.addPermanentWidget(self.signatures)
        self._alerts_seen: set[tuple[int, int, str]] = set()
        self._overdue_seen: set[int] = set()
        self._overrun_seen: set[int] = set()

    def note(self, text: str, msec: int, about: str = "", more: str = "") -> None:
        """Say ``text`` beside who is signed in for ``msec`` (a bar's own message would be drawn over that line).

        Notes about different things (``about``) stand side by side, each for its own time; so
        each says little, and ``more`` (where a file went, what was counted) is in the tooltip.
        """
        self._notes.pop(about, None)  # the newest note is said first
        self._notes[about] = (text, f"{text}: {more}" if more else text)
        timer = self._note_timers.get(about)
        if timer is None:
            timer = self._note_timers[about] = QTimer(self.notice)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda: self._drop(about))
        timer.start(msec)
        self._show_notes()

    def _drop(self, about: str) -> None:
        self._notes.pop(about, None)
        self._show_notes()

    def _show_notes(self) -> None:
        newest_first = list(reversed(self._notes.values()))
        self.notice.say(" · ".join(text for text, _ in newest_first))
        self.notice.setToolTip("\n".join(whole for _, whole in newest_first))
        self.notice.setAccessibleDescription(self.notice.toolTip())
        if not self._notes:
            self.notice.hide()
        elif self._bar.currentMessage():  # the bar's own message is up: the notes come back with its widgets after it
            self.notice.hide()
            self.notice.setAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide, False)
        else:
            self.notice.show()

    def stop(self) -> None:
        """The window closes: the notes' timers stop with it (the notes go with the window)."""
        for timer in self._note_timers.values():
            timer.stop()

    def forget_seen(self) -> None:
        """A new working page: every alert there is new to its user."""
        self._alerts_seen, self._overdue_seen, self._overrun_seen = set(), set(), set()

    def refresh_signature_count(self, clinic: Clinic) -> int:
        """Show how many discharged visits wait for a physician's signature."""
        waiting = clinic.signing.awaiting_count()
        self.signatures.setText(f"Awaiting signature: {waiting}")
        return waiting

    def announce(self, visits: list[VisitSummary]) -> bool:
        """Count the alerts and overdue chairs on the line; True when one is new (the chime should ring)."""
        alerts = {(v.id, reading, a.value) for v in visits for reading, a in v.unacknowledged_readings}
        overdue = {v.id for v in visits if v.timers is not None and v.timers.vitals_overdue}
        overrun = {
            v.id
            for v in visits
            if v.phase is Phase.INFUSING and v.timers is not None and v.timers.planned_end_passed is not None
        }
        new = bool((alerts - self._alerts_seen) or (overdue - self._overdue_seen) or (overrun - self._overrun_seen))
        self._alerts_seen, self._overdue_seen, self._overrun_seen = alerts, overdue, overrun
        # Counted as the alert panel lists them: one per reading to acknowledge, however many limits it crossed.
        waiting = len({(visit, reading) for visit, reading, _kind in alerts})
        late = len(overdue)
        parts = []
        if waiting:
            parts.append(f"⚠ {waiting} alert{'s' if waiting != 1 else ''} to acknowledge")
        if late:
            parts.append(f"VITALS OVERDUE in {late} chair{'s' if late != 1 else ''}")
        if overrun:
            parts.append(f"PLANNED END PASSED in {len(overrun)} chair{'s' if len(overrun) != 1 else ''}")
        self.alerts.setText("   ".join(parts) or "No alerts")
        return new
