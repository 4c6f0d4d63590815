"""The status bar: who is signed in where, the alerts to acknowledge and the visits awaiting a signature.

The signature count is always there on the working page (a physician sees it from any tab);
the alert line and the chime come from the board's tick.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar

from ketadesk.clinic import Clinic
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitSummary
from ketadesk.ui.kit.widgets import label


class StatusLine:
    """The status bar's three parts, and what rings the chime: a new alert reading, a chair newly overdue or overrun."""

    def __init__(self, bar: QStatusBar) -> None:
        self.user: QLabel = label("status_user", wrap=False, accessible="")
        self.alerts: QLabel = label("status_alerts", wrap=False, accessible="")
        bar.addWidget(self.user, 1)
        self.notice: QLabel = label("status_notice", wrap=False, accessible="")
        self.notice.hide()
        bar.addWidget(self.notice, 1)
        self._notice_timer = QTimer(self.notice)  # one timer: a later note restarts it, an older one cannot hide it
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        bar.addPermanentWidget(self.alerts)
        self.signatures = QPushButton()
        self.signatures.setObjectName("status_signatures")
        self.signatures.setAccessibleName("Visits awaiting a physician's signature")
        self.signatures.setFlat(True)
        bar.addPermanentWidget(self.signatures)
        self._alerts_seen: set[tuple[int, int, str]] = set()
        self._overdue_seen: set[int] = set()
        self._overrun_seen: set[int] = set()

    def note(self, text: str, msec: int) -> None:
        """Say ``text`` beside who is signed in for ``msec`` (a bar's own message would be drawn over that line)."""
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(msec)

    def stop(self) -> None:
        """The window closes: a note's timer stops with it (the note goes with the window)."""
        self._notice_timer.stop()

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
