"""The main window: the doors (first start, sign-in), the working page, the lock, and the one 1 Hz timer.

A stack of pages is the central widget: the door (set up or sign in), the working page
(the chair board and one tab per open visit), the lock and the patient's questionnaire.
Nothing clinical exists until someone signs in, and nothing clinical shows while locked. No screen reaches into
another: the window hands the clinic API to each, listens for what changed, and redraws.
QSettings keeps preferences only (layout, text size, mute) — never clinical data, which
lives in the database alone. The menus (:mod:`.menus`, :mod:`.actions`), the status bar
(:mod:`.status`), the activity watch (:mod:`.activity`) and the tabs (:mod:`.visit_tabs`)
each have a module of their own.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, config
from ketadesk.clinic.demo_files import is_demo
from ketadesk.core.records import VisitSummary
from ketadesk.ui.door.first_start import FirstStartScreen
from ketadesk.ui.door.lock import LockScreen
from ketadesk.ui.door.panel import DOOR_ERRORS, role_words, with_protocol
from ketadesk.ui.door.sign_in import SignInScreen
from ketadesk.ui.kit.writes import USER_ERRORS
from ketadesk.ui.window.actions import MenuActions
from ketadesk.ui.window.activity import ActivityWatch, IdleClock
from ketadesk.ui.window.approvals_watch import ApprovalsWatch
from ketadesk.ui.window.banners import ServerBanner, framed, read_only_banner
from ketadesk.ui.window.chime import Chime
from ketadesk.ui.window.daily_backup import DailyBackups
from ketadesk.ui.window.elsewhere import Elsewhere
from ketadesk.ui.window.ending import ConfirmClose, under_way_now
from ketadesk.ui.window.menus import build_menus
from ketadesk.ui.window.pages import Page, door_of
from ketadesk.ui.window.questionnaire_mode import QuestionnaireMode
from ketadesk.ui.window.session_watch import SessionWatch
from ketadesk.ui.window.status import StatusLine

# The signature count is a query of its own; it is refreshed after writes and every so often.
SIGNATURE_COUNT_EVERY = 15


class MainWindow(MenuActions):
    """The bedside workstation.

    ``signed_in``: ``clinic`` already acts for a person (tests, demos, benchmarks); otherwise
    the window opens at the door. ``guarded``: the screen locks after the protocol's idle
    minutes, and closing the program ends the session in the audit trail (the real program).
    ``confirm_close`` asks before closing while a patient has the drug in (the real program
    passes :func:`~.ending.ask_before_closing`; without one the window closes unasked).
    """

    def __init__(
        self,
        clinic: Clinic,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        signed_in: bool = True,
        guarded: bool = False,
        login_hint: str = "",
        confirm_close: ConfirmClose | None = None,
    ) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.confirm_close = confirm_close
        self.door = door_of(clinic)
        self.settings = settings
        self.guarded = guarded
        self.page = Page.DOOR
        self.demo = is_demo(clinic.database_path)
        self.setObjectName("main_window")
        self.chime = Chime(self, muted=self._bool("chime_muted"))
        self.idle = IdleClock(clinic.clock.now())

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("main_stack")
        self.read_only_banner = read_only_banner(clinic)  # a file that can only be read: said above every page
        self.server_banner = ServerBanner(clinic.database_name)  # a server that cannot be reached, while it cannot
        self.setCentralWidget(framed(self.stack, [w for w in (self.read_only_banner, self.server_banner) if w]))
        self.door_page: SignInScreen | FirstStartScreen | None = None
        self.work_page: QWidget | None = None
        self.lock_page = LockScreen(self)
        self.lock_page.unlocked.connect(self._unlocked)
        self.stack.addWidget(self.lock_page)
        self.questionnaire = QuestionnaireMode(self)  # the patient's page, opened from a visit's pre-assessment

        self.status = StatusLine(self.statusBar())
        self.session_watch = SessionWatch(lambda: self.page is Page.WORK, self.refresh_signature_count, self._ended)
        self.status_user = self.status.user
        self.status_alerts = self.status.alerts
        self.status_signatures = self.status.signatures
        self.status_signatures.clicked.connect(self.open_worklist)
        self.approvals = ApprovalsWatch(self.statusBar(), self.open_worklist)
        # The real program sets this (run_gui): today's backup at start and at each sign-out.
        self.daily_backups: DailyBackups | None = None
        self._ticks = 0

        self.activity = ActivityWatch(self.note_activity, self)
        if guarded:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self.activity)

        self.timer = QTimer(self)
        self.timer.setObjectName("one_second_timer")
        self.timer.setInterval(1000)
        self.timer.setTimerType(Qt.TimerType.CoarseTimer)
        self.timer.timeout.connect(self.tick)
        self.elsewhere = Elsewhere(self, self.tick)  # a clinic server's word of another's commit: a tick at once
        self._restore()
        if signed_in:
            self._enter_work(clinic)
        else:
            self._show_door(login_hint)

    # ------------------------------------------------------------------ pages
    def _show_page(self, page: Page) -> None:
        """Bring ``page`` to the front, with the menus and status line that belong to it."""
        self.page = page
        pages = {Page.DOOR: self.door_page, Page.WORK: self.work_page, Page.LOCKED: self.lock_page}
        widget = self.questionnaire.page if page is Page.QUESTIONNAIRE else pages[page]
        assert widget is not None
        self.stack.setCurrentWidget(widget)
        name = self.clinic.protocol.clinic_name
        marks = (" (demo)" if self.demo else "") + (" (read-only)" if self.clinic.read_only else "")
        self.setWindowTitle(f"KetaDesk — {name}{marks}")
        build_menus(self, self)
        self.statusBar().clearMessage()
        self.statusBar().setVisible(page is not Page.QUESTIONNAIRE)  # nothing of the clinic behind the patient
        where = self.clinic.database_name
        user = self.clinic.user
        if page is Page.WORK:
            roles = role_words(user)
            self.status_user.setText(f"Signed in: {user.signature_name}{f' ({roles})' if roles else ''} · {where}")
        elif page is Page.LOCKED:
            self.status_user.setText(f"Locked · {user.signature_name} · {where}")
            self.status_alerts.setText("")
        else:
            self.status_user.setText(f"Not signed in · {where}")
            self.status_alerts.setText("")
        self.approvals.tick(self.clinic, page is Page.WORK, lambda: None)  # none shown off the working page
        if page is not Page.WORK:
            widget.setFocus()

    def _show_door(self, login: str = "") -> None:
        """The first-start screen while nobody can sign in, else the sign-in screen."""
        self._discard_door()
        self.clinic = self.door
        screen: SignInScreen | FirstStartScreen
        if self.door.accounts.needs_setup():
            screen = FirstStartScreen(self.door, self)
            screen.demo_ready.connect(self._open_demo)
            screen.database_chosen.connect(lambda path: self._open_demo(path, demo=False))
        else:
            screen = SignInScreen(self.door, self, demo=self.demo, login=login)
        screen.signed_in.connect(self._signed_in)
        self.door_page = screen
        self.stack.addWidget(screen)
        self._show_page(Page.DOOR)

    def _discard_door(self) -> None:
        if self.door_page is None:
            return
        if isinstance(self.door_page, FirstStartScreen):
            self.door_page.cancel_demo()
        self.stack.removeWidget(self.door_page)
        self.door_page.deleteLater()
        self.door_page = None

    def suggest_login(self, login: str) -> None:
        """Fill the sign-in screen's login (``ketadesk gui --user LOGIN``); the password is still asked."""
        if isinstance(self.door_page, SignInScreen) and login:
            self.door_page.login.setText(login)
            self.door_page.setFocusProxy(self.door_page.password)
            self.door_page.password.setFocus()

    def _signed_in(self, clinic: Clinic) -> None:
        """Someone came through the door: their working page, built for them."""
        if clinic.protocol != self.door.protocol:  # set up just now: the clinic's name and chairs
            self.door = with_protocol(self.door, clinic.protocol)
        self._discard_door()
        self._enter_work(clinic)

    def _open_demo(self, path: Path, *, demo: bool = True) -> None:
        """Switch the window to the demo clinic's database (or the one in a folder chosen at first start)."""
        try:
            protocol = self.door.protocol if demo else config.load_clinic_protocol(path)
            opened = Clinic.open(path, self.door.clock, protocol)
        except DOOR_ERRORS as error:
            if isinstance(self.door_page, FirstStartScreen):
                shown = self.door_page.demo_message if demo else self.door_page.location.message
                shown.error(f"{path} cannot be opened: {error}")
            return
        previous = self.door
        self.door = opened
        self.demo = demo
        previous.close()
        self._show_door()

    def _enter_work(self, clinic: Clinic) -> None:
        """Build the working page for ``clinic``'s user: the chair board, no visit tabs yet."""
        from ketadesk.ui.window.visit_tabs import VisitTabs  # loaded at sign-in, or by the warm-up before it

        self._discard_work()
        self.clinic = clinic
        page = QWidget(self)
        page.setObjectName("work_page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = VisitTabs(clinic, self, page, self._announce)
        self.board = self.tabs.board
        layout.addWidget(self.tabs)
        self.stack.addWidget(page)
        self.work_page = page
        self.status.forget_seen()
        self.session_watch.watch(clinic)
        self.questionnaire.watch(clinic)
        self.note_activity()
        self._show_page(Page.WORK)
        self.tick()

    def _discard_work(self) -> None:
        """Close the working page and its visit tabs (what was typed in notes is kept as drafts first)."""
        self.questionnaire.discard()  # a session ended during the patient's questionnaire
        if self.work_page is None:
            return
        self.flush_workspaces()
        self.stack.removeWidget(self.work_page)
        self.work_page.deleteLater()
        self.work_page = None

    def flush_workspaces(self) -> None:
        """Save anything half-typed in the open visits as drafts."""
        if self.work_page is None:
            return
        for workspace in self.tabs.workspaces():
            workspace.flush()

    # ------------------------------------------------------------------ lock and sign-out
    def note_activity(self) -> None:
        """Someone used the keyboard or mouse: the idle lock starts counting again."""
        self.idle.note(self.clinic.clock.now())

    def idle_for(self) -> timedelta:
        """How long since the last key press, click or wheel turn, by the clinic's clock."""
        return self.idle.idle_for(self.clinic.clock.now())

    def lock(self, reason: str = "manual") -> None:
        """Hide everything clinical behind the lock screen; drafts are saved and the lock audited."""
        if self.page is not Page.WORK:
            return
        self.flush_workspaces()
        self._close_dialogs()
        problem = ""
        try:
            self.clinic.accounts.record_lock(reason)
        except USER_ERRORS as error:  # the screen locks all the same
            problem = f" (The lock could not be recorded: {error})"
        minutes = self.clinic.protocol.idle_lock_minutes
        why = f"Locked after {minutes} min without input." if reason == "idle" else "Locked by hand."
        self.lock_page.prepare(self.clinic, why + problem)
        self.lock_page.show_chairs(self.board.visits, self.board.flagged())
        self._show_page(Page.LOCKED)

    def _unlocked(self, clinic: Clinic) -> None:
        """The same user carries on where they were; another user gets a working page of their own."""
        if clinic.user.id == self.clinic.user.id:
            self.note_activity()
            self._show_page(Page.WORK)
            self.tick()
            return
        with suppress(*USER_ERRORS):  # the next user's sign-in is recorded either way
            self.clinic.accounts.sign_out()
        self._enter_work(clinic)

    def sign_out(self) -> None:
        """End this user's session (audited) and go back to the sign-in screen."""
        if self.page is Page.DOOR:
            return
        self.flush_workspaces()
        self._close_dialogs()
        try:
            self.clinic.accounts.sign_out()
        except USER_ERRORS as error:
            QMessageBox.warning(self, "Sign-out not recorded", str(error))
        self._discard_work()
        self._show_door()
        if self.daily_backups is not None:  # as the program itself, once a day; a failure only warns
            self.daily_backups.start(self.door)

    def _ended(self, why: str) -> None:
        """The user was disabled or locked out while signed in: back to the door, saying why."""
        self.sign_out()
        if isinstance(self.door_page, SignInScreen):
            self.door_page.message.error(why)

    # ------------------------------------------------------------------ time
    def start(self) -> None:
        """Begin the 1 Hz refresh of the board and the open visit."""
        self.timer.start()

    def stop(self) -> None:
        """Stop the refresh and the status bar's note (closing, tests)."""
        self.timer.stop()
        self.status.stop()
        self.elsewhere.close()

    def tick(self) -> None:
        """Once a second: lock when idle, else redraw the board and the visit in front; locked, the chair numbers.

        A server that cannot be reached is said above every page, and nothing is read until it answers again;
        then the board and the open visit read afresh what the other workstations saved meanwhile.
        """
        self.elsewhere.tick(self.clinic)
        self.server_banner.tick(self.clinic, self._tick, self.read_afresh, self.countdowns)

    def _tick(self) -> None:
        self.approvals.tick(self.clinic, self.page is Page.WORK, self.chime.ring)
        minutes = self.clinic.protocol.idle_lock_minutes
        idle = self.guarded and self.idle.past(self.clinic.clock.now(), minutes)
        if self.page in (Page.LOCKED, Page.QUESTIONNAIRE):  # the chime still hears; locked, chair numbers show
            if self.page is Page.QUESTIONNAIRE and idle:
                self.questionnaire.left_idle(minutes)  # the patient walked away
            self.board.tick()
            if self.page is Page.LOCKED:
                self.lock_page.show_chairs(self.board.visits, self.board.flagged())
            return
        if self.page is not Page.WORK:
            return
        if idle:
            self.lock("idle")
            return
        self.board.tick()
        current = self.tabs.current_record()  # a visit's workspace or its review
        if current is not None:
            current.tick()
        self._ticks += 1
        if self._ticks % SIGNATURE_COUNT_EVERY == 1:
            self.refresh_signature_count()

    def refresh_signature_count(self) -> int:
        """Show how many discharged visits wait for a physician's signature (always in the status bar)."""
        return self.status.refresh_signature_count(self.clinic)

    def _announce(self, visits: list[VisitSummary]) -> None:
        """Chime once for each new alert reading and each visit whose vitals just went overdue."""
        if self.status.announce(visits):
            self.chime.ring()

    # ------------------------------------------------------------------ visits
    def end_session(self, why: str = "window closed", *, closing: bool = False) -> None:
        """End a guarded session once, however the program ends (``why``: window, signal, log-out), audited with why.

        Not closing (a log-out the desktop may yet cancel), the window is left at its sign-in screen.
        """
        self.flush_workspaces()
        if self.guarded and self.page is not Page.DOOR:
            self._close_dialogs()
            with suppress(*USER_ERRORS):  # ending goes ahead; the session simply has no recorded end
                self.clinic.accounts.sign_out(why)
            self._discard_work()
            if not closing:
                self._show_door()
            self.clinic, self.page = self.door, Page.DOOR

    def close_without_asking(self) -> None:
        """Close even with patients in the chair: the program is being ended (a signal, a log-out)."""
        self.confirm_close = None
        self.questionnaire.ending = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Ask first while a patient has the drug in (a questionnaire ends at the lock instead); end the session."""
        if self.questionnaire.refuses_close():
            event.ignore()
            return
        if self.confirm_close is not None and self.page is not Page.DOOR:
            chair = under_way_now(self.clinic)
            if chair and not self.confirm_close(self, chair, self.page is Page.LOCKED):
                event.ignore()
                return
        self.stop()
        self.end_session(closing=True)
        if isinstance(self.door_page, FirstStartScreen):
            self.door_page.cancel_demo()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.activity)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()
        super().closeEvent(event)
