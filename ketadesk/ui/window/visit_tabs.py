"""The working page's tabs: the chair board first (never closed), then visits, the worklist, reviews and courses.

Each visit, review or the worklist has at most one tab; opening one already open brings it
to the front. Closing a tab loses nothing: every entry is already saved. A visit chosen
from a list (the patient's record, a visit search) opens in its review when it is over and
in its workspace while it is not; one chosen on the board opens in its workspace.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.records import VisitSummary
from ketadesk.ui.board import ChairBoard
from ketadesk.ui.course.screen import CourseScreen
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.review.worklist import WorklistPanel
from ketadesk.ui.visit.workspace import VisitWorkspace


class VisitTabs(QTabWidget):
    """The chair board and one tab per open visit, review or worklist, for one signed-in user."""

    def __init__(
        self, clinic: Clinic, owner: QWidget, parent: QWidget, on_tick: Callable[[list[VisitSummary]], None]
    ) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.owner = owner  # the window: the screens' parent, so its dialogs close with it
        self.setObjectName("main_tabs")
        self.setTabsClosable(True)
        self.tabCloseRequested.connect(self.close_tab)
        self.board = ChairBoard(clinic, self, on_tick=on_tick)
        self.board.visit_opened.connect(self.open_visit)
        self.addTab(self.board, "Chair &board")
        self.tabBar().setTabButton(0, self.tabBar().ButtonPosition.RightSide, None)

    def _find(self, wanted: Callable[[QWidget | None], bool]) -> int:
        """The index of the first tab after the board whose screen is ``wanted``, or -1."""
        return next((i for i in range(1, self.count()) if wanted(self.widget(i))), -1)

    def workspaces(self) -> list[VisitWorkspace]:
        """The open visits' workspaces."""
        return [w for i in range(1, self.count()) if isinstance(w := self.widget(i), VisitWorkspace)]

    def open_visit(self, visit_id: int) -> VisitWorkspace:
        """Show a visit's workspace in its own tab (reusing the tab when it is already open)."""
        index = self._find(lambda w: isinstance(w, VisitWorkspace) and w.visit_id == visit_id)
        if index > 0:
            found = self.widget(index)
            assert isinstance(found, VisitWorkspace)
            self.setCurrentIndex(index)
            return found
        workspace = VisitWorkspace(self.clinic, visit_id, self.owner)
        summary = workspace.view.detail.summary if workspace.view else None
        title = f"Chair {summary.chair} · {summary.patient_name}" if summary and summary.chair else f"Visit {visit_id}"
        self.setCurrentIndex(self.addTab(workspace, title))
        return workspace

    def open_record(self, visit_id: int) -> VisitWorkspace | ReviewScreen:
        """Open a visit chosen from a list: in its review (with its exports) when it is over, else in its workspace.

        Over is the core's ``Phase.is_closed`` (discharged, signed, cancelled, no-show).
        """
        if self.clinic.visits.get(visit_id).detail.summary.phase.is_closed:
            return self.open_review(visit_id)
        return self.open_visit(visit_id)

    def close_tab(self, index: int) -> None:
        """Close a visit tab (the board stays). Nothing is lost: every entry is already saved."""
        if index <= 0:
            return
        widget = self.widget(index)
        self.removeTab(index)
        if widget is not None:
            widget.deleteLater()

    def open_worklist(self) -> WorklistPanel:
        """The physician's worklist: discharged visits awaiting a signature, oldest first."""
        index = self._find(lambda w: isinstance(w, WorklistPanel))
        if index > 0:
            found = self.widget(index)
            assert isinstance(found, WorklistPanel)
            found.refresh()
            self.setCurrentIndex(index)
            return found
        panel = WorklistPanel(self.clinic, self.owner)
        panel.visit_opened.connect(self.open_review)
        self.setCurrentIndex(self.addTab(panel, "Awaiting signature"))
        return panel

    def open_review(self, visit_id: int) -> ReviewScreen:
        """The whole visit on one page for review, signing and addenda."""
        index = self._find(lambda w: isinstance(w, ReviewScreen) and w.visit_id == visit_id)
        if index > 0:
            found = self.widget(index)
            assert isinstance(found, ReviewScreen)
            found.refresh()
            self.setCurrentIndex(index)
            return found
        screen = ReviewScreen(self.clinic, visit_id, self.owner)
        name = self.clinic.visits.get(visit_id).detail.summary.patient_name
        self.setCurrentIndex(self.addTab(screen, f"Review · {name}"))
        return screen

    def open_course(self, course_id: int) -> CourseScreen:
        """One patient's course on one page: outcomes, every visit, the plan ahead (one tab per course)."""
        index = self._find(lambda w: isinstance(w, CourseScreen) and w.course_id == course_id)
        if index > 0:
            found = self.widget(index)
            assert isinstance(found, CourseScreen)
            self.setCurrentIndex(index)
            return found
        screen = CourseScreen(self.clinic, course_id, self.owner)
        name = screen.view.patient.display_name if screen.view is not None else f"{course_id}"
        self.setCurrentIndex(self.addTab(screen, f"Course · {name}"))
        return screen
