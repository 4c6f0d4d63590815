"""What every section of the visit workspace is: one visit, the one write path, a redraw from a view.

Every section reports a refused entry the same way — a red line naming the field, the value
and what is allowed — and never clears what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from ketadesk.clinic import Changes, Clinic, VisitView
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import bus_for, run_write
from ketadesk.ui.visit.approval import PhysicianAcknowledgement

T = TypeVar("T")


class SectionBase(QWidget):
    """A part of the visit workspace: it runs its writes through the one write path and redraws from a view.

    Inside a workspace the workspace reads the visit once after a change and hands the view
    to the section in front (``managed``); a section standing alone (a test, a dialog of its
    own) listens to the changes itself and reads its visit once when one touches it.
    """

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.managed = False
        self.acknowledgement_dialog: PhysicianAcknowledgement | None = None
        bus_for(clinic).published.connect(self._published)

    def refresh(self, view: VisitView) -> None:
        """Redraw from ``view``; never touch what the user is typing. Every section overrides this."""
        raise NotImplementedError

    def write(
        self,
        line: MessageLine,
        action: Callable[[], T],
        *,
        refused: Callable[[BaseException], None] | None = None,
        then: Callable[[T], None] | None = None,
    ) -> T | None:
        """Run one write through the one write path (refusal in place, changes published)."""
        return run_write(self.clinic, line, action, self, refused=refused, then=then)

    def _published(self, changes: Changes, _origin: object, _by: str) -> None:
        if not self.managed and changes.touches_visit(self.visit_id):
            self.refresh(self.clinic.visits.get(self.visit_id))

    def open_acknowledgement(self, subject: str, what: str, values: str = "") -> PhysicianAcknowledgement:
        """Open the physician's dialog without blocking; its acceptance is a write like any other.

        The dialog is kept as ``acknowledgement_dialog`` (tests drive it there); the previous,
        long-closed one is released when the next opens. ``values`` fills in what a request
        or a verbal order is about (the physician reads them elsewhere).
        """
        dialog = PhysicianAcknowledgement(self.clinic, self.visit_id, subject, what, self, values=values)
        if self.acknowledgement_dialog is not None:
            self.acknowledgement_dialog.deleteLater()
        self.acknowledgement_dialog = dialog
        dialog.open()
        return dialog
