"""The status bar's approvals: what waits for the signed-in physician, with the chair and patient, at once.

A nurse's request or verbal order is written on another workstation, so no write of this
session announces it. On the window's tick the watch compares the store's revision (one
cheap pragma) and only when something was committed re-reads what waits for this
physician; when that changed it is published on the session's bus as an approvals change,
as a write from elsewhere is, so the worklist redraws the way it does for a local write.
Off the working page (locked, at the door) it shows nothing: no patient details.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QStatusBar

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.ui.kit.writes import bus_for


class ApprovalsWatch:
    """The ``status_approvals`` button: how many approvals wait for me, and the first one's chair and patient."""

    def __init__(self, bar: QStatusBar, open_worklist: Callable[[], object]) -> None:
        self.button = QPushButton()
        self.button.setObjectName("status_approvals")
        self.button.setAccessibleName("Approvals waiting for you")
        self.button.setFlat(True)
        self.button.setVisible(False)
        self.button.clicked.connect(open_worklist)
        bar.addPermanentWidget(self.button)
        self._seen: tuple[int, tuple[int, int] | None, frozenset[tuple[str, int]]] = (0, None, frozenset())

    def tick(self, clinic: Clinic, working: bool, ring: Callable[[], object]) -> None:
        """Redraw when something was committed; ``ring`` when an approval newly waits; nothing off the working page."""
        if not working or not clinic.orders.approve_request.allowed():
            self.button.setVisible(False)
            self._seen = (0, None, frozenset())
            return
        user, revision, keys = self._seen
        now = clinic.orders.revision()
        if user == clinic.user.id and revision == now:
            return
        waiting = clinic.orders.waiting_for_me()
        found = frozenset((w.kind, w.id) for w in waiting)
        self._seen = (clinic.user.id, now, found)
        if waiting:
            from ketadesk.ui.review.requests import kind_words  # the worklist's words, loaded when something waits

            first = waiting[0]
            more = f" (+{len(waiting) - 1} more)" if len(waiting) > 1 else ""
            self.button.setText(
                f"⚑ Approvals waiting: {len(waiting)} — {first.where}: {kind_words(first)}, {first.label}{more}"
            )
        self.button.setVisible(bool(waiting))
        if found != keys:
            bus_for(clinic).publish(Changes(kinds=frozenset({Change.APPROVALS})), None, "")
            if found - keys:
                ring()
