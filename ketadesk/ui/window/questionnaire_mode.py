"""The window's questionnaire page: handing the workstation to the patient, and taking it back locked.

A screen asks for the mode on its session's hub (:mod:`ketadesk.ui.outcomes.requests`);
the window the request came from puts the questionnaire page in front of everything, with
no menu (so no shortcut) and no status bar. The page ends by finishing or stopping, and
closing the window while it shows ends it the same way, and so does the idle lock's time
without input (a patient who walked away): the window then shows the lock
screen, never the board, and the nurse signs in again to see what was saved. The lock is
audited like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QStackedWidget, QWidget

from ketadesk.clinic import Clinic
from ketadesk.ui.door.lock import LockScreen
from ketadesk.ui.kit.writes import USER_ERRORS
from ketadesk.ui.outcomes.questionnaire import QuestionnairePage
from ketadesk.ui.outcomes.requests import QuestionnaireRequest, QuestionnaireRequests, requests_for
from ketadesk.ui.window.pages import Page

if TYPE_CHECKING:
    from ketadesk.ui.board import ChairBoard


class Host(Protocol):
    """What the mode needs of the main window."""

    clinic: Clinic
    page: Page
    stack: QStackedWidget
    lock_page: LockScreen
    board: ChairBoard

    def _show_page(self, page: Page) -> None: ...
    def _close_dialogs(self) -> None: ...
    def flush_workspaces(self) -> None: ...


class QuestionnaireMode:
    """Opens the questionnaire page for a request from this window, and locks the window when it ends."""

    def __init__(self, window: Host) -> None:
        self.window = window
        self.page: QuestionnairePage | None = None
        self.ending = False
        """Set when the program itself is ending (a signal, a log-out): closing then goes ahead."""
        self._hub: QuestionnaireRequests | None = None

    def watch(self, clinic: Clinic) -> None:
        """Listen for requests from the screens of ``clinic``'s session (once per database)."""
        hub = requests_for(clinic)
        if hub is self._hub:
            return
        if self._hub is not None:
            self._hub.requested.disconnect(self.open)
        hub.requested.connect(self.open)
        self._hub = hub

    def open(self, request: QuestionnaireRequest) -> QuestionnairePage | None:
        """Hand the workstation to the patient of ``request``'s visit (only for a request from this window)."""
        window = self.window
        if window.page is not Page.WORK or not request.instruments:
            return None
        if not isinstance(window, QWidget) or request.origin.window() is not window:
            return None
        clinic = window.clinic
        summary = clinic.visits.get(request.visit_id).detail.summary
        first_name = clinic.patients.get(summary.patient_id).given_name
        instruments = tuple(clinic.outcomes.definition(key) for key in request.instruments)
        window.flush_workspaces()
        window._close_dialogs()
        self.discard()
        page = QuestionnairePage(clinic, request.visit_id, instruments, first_name, window)
        page.finished.connect(self.hand_back)
        window.stack.addWidget(page)
        self.page = page
        window._show_page(Page.QUESTIONNAIRE)
        page.next_button.setFocus()
        return page

    def hand_back(self, why: str) -> None:
        """The questionnaire ended: lock the window for the nurse (the lock audited), saying how it ended."""
        window = self.window
        if window.page is not Page.QUESTIONNAIRE:
            return
        problem = ""
        try:
            window.clinic.accounts.record_lock("questionnaire")
        except USER_ERRORS as error:  # the screen locks all the same
            problem = f" (The lock could not be recorded: {error})"
        window.lock_page.prepare(window.clinic, why + problem)
        window.lock_page.show_chairs(window.board.visits, window.board.flagged())
        window._show_page(Page.LOCKED)
        self.discard()

    def left_idle(self, minutes: int) -> None:
        """Nobody touched the page for the idle lock's ``minutes``: the patient walked away; lock as the board locks."""
        if self.page is not None:
            self.hand_back(self.page.closing_words(idle_minutes=minutes))

    def refuses_close(self) -> bool:
        """Closing the window during the questionnaire ends it at the lock screen instead (True: do not close)."""
        if self.ending or self.window.page is not Page.QUESTIONNAIRE or self.page is None:
            return False
        self.hand_back(self.page.closing_words())
        return True

    def discard(self) -> None:
        """Remove the page (after it ended, or before another opens)."""
        if self.page is None:
            return
        self.window.stack.removeWidget(self.page)
        self.page.deleteLater()
        self.page = None
