"""The working page's tabs: the chair board first (never closed), then visits, the worklist, reviews and courses.

Each visit, review or the worklist has at most one tab; opening one already open brings it
to the front. Closing a tab loses nothing: every entry is already saved. A visit chosen
from a list (the patient's record, a visit search) opens in its review when it is over and
in its workspace while it is not; one chosen on the board opens in its workspace.

Only the board is built at start. Each other kind of screen is imported the first time
one is opened (a visit's workspace alone is about 70 ms of imports): the tabs keep their
screens by kind and id, so finding one never needs its class loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QTabWidget, QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.records import VisitSummary
from ketadesk.ui.board import ChairBoard

if TYPE_CHECKING:
    from ketadesk.ui.course.screen import CourseScreen
    from ketadesk.ui.review.screen import ReviewScreen
    from ketadesk.ui.review.worklist import WorklistPanel
    from ketadesk.ui.visit.workspace import VisitWorkspace

S = TypeVar("S", bound=QWidget)


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
        # The open screens of each kind by visit or course id (the worklist under 0), in the order opened.
        self._visits: dict[int, VisitWorkspace] = {}
        self._reviews: dict[int, ReviewScreen] = {}
        self._courses: dict[int, CourseScreen] = {}
        self._worklist: dict[int, WorklistPanel] = {}

    def _front(self, opened: dict[int, S], key: int) -> S | None:
        """The open screen under ``key``, brought to the front; None when there is none."""
        found = opened.get(key)
        if found is not None:
            self.setCurrentWidget(found)
        return found

    def _add(self, opened: dict[int, S], key: int, screen: S, title: str) -> S:
        opened[key] = screen
        self.setCurrentIndex(self.addTab(screen, title))
        return screen

    def workspaces(self) -> list[VisitWorkspace]:
        """The open visits' workspaces."""
        return list(self._visits.values())

    def current_visit(self) -> VisitWorkspace | None:
        """The visit workspace in front, if a workspace is in front."""
        current = self.currentWidget()
        return next((w for w in self._visits.values() if w is current), None)

    def current_record(self) -> VisitWorkspace | ReviewScreen | None:
        """The visit in front, in its workspace or its review; None when the board or another screen is."""
        current = self.currentWidget()
        return self.current_visit() or next((r for r in self._reviews.values() if r is current), None)

    def open_visit(self, visit_id: int) -> VisitWorkspace:
        """Show a visit's workspace in its own tab (reusing the tab when it is already open)."""
        found = self._front(self._visits, visit_id)
        if found is not None:
            return found
        from ketadesk.ui.visit.workspace import VisitWorkspace

        workspace = VisitWorkspace(self.clinic, visit_id, self.owner)
        summary = workspace.view.detail.summary if workspace.view else None
        title = f"Chair {summary.chair} · {summary.patient_name}" if summary and summary.chair else f"Visit {visit_id}"
        return self._add(self._visits, visit_id, workspace, title)

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
        if widget is None:
            return
        for opened in (self._visits, self._reviews, self._courses, self._worklist):
            for key in [k for k, screen in opened.items() if screen is widget]:
                del opened[key]
        widget.deleteLater()

    def open_worklist(self) -> WorklistPanel:
        """The physician's worklist: discharged visits awaiting a signature, oldest first."""
        found = self._front(self._worklist, 0)
        if found is not None:
            found.refresh()
            return found
        from ketadesk.ui.review.worklist import WorklistPanel

        panel = WorklistPanel(self.clinic, self.owner)
        panel.visit_opened.connect(self.open_review)
        return self._add(self._worklist, 0, panel, "Awaiting signature")

    def open_review(self, visit_id: int) -> ReviewScreen:
        """The whole visit on one page for review, signing and addenda."""
        found = self._front(self._reviews, visit_id)
        if found is not None:
            found.refresh()
            return found
        from ketadesk.ui.review.screen import ReviewScreen

        screen = ReviewScreen(self.clinic, visit_id, self.owner)
        name = self.clinic.visits.get(visit_id).detail.summary.patient_name
        return self._add(self._reviews, visit_id, screen, f"Review · {name}")

    def open_course(self, course_id: int) -> CourseScreen:
        """One patient's course on one page: outcomes, every visit, the plan ahead (one tab per course)."""
        found = self._front(self._courses, course_id)
        if found is not None:
            return found
        from ketadesk.ui.course.screen import CourseScreen

        screen = CourseScreen(self.clinic, course_id, self.owner)
        name = screen.view.patient.display_name if screen.view is not None else f"{course_id}"
        return self._add(self._courses, course_id, screen, f"Course · {name}")
