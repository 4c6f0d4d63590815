"""The main window: the doors (first start, sign-in), the working page, the lock, and the one 1 Hz timer.

A stack of three pages is the central widget: the door (set up or sign in), the working
page (the chair board and one tab per open visit) and the lock. Nothing clinical exists
until someone signs in, and nothing clinical shows while locked. No screen reaches into
another: the window hands the clinic API to each, listens for what changed, and redraws.
QSettings keeps preferences only (layout, text size, mute) — never clinical data, which
lives in the database alone.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenuBar,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.core.records import VisitSummary
from ketadesk.core.users import Role
from ketadesk.ui.admin import AuditLogDialog, UsersDialog
from ketadesk.ui.board import ChairBoard
from ketadesk.ui.chime import Chime
from ketadesk.ui.kit.writes import USER_ERRORS, ChangeBus, bus_for
from ketadesk.ui.patients import FindPatientDialog, PatientForm
from ketadesk.ui.review.pdf_preview import PdfPreviewDialog
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.review.worklist import WorklistPanel
from ketadesk.ui.sign_in import (
    DEMO_FILE,
    DOOR_ERRORS,
    FirstStartScreen,
    LockScreen,
    SignInScreen,
    role_words,
    with_protocol,
)
from ketadesk.ui.workspace import VisitWorkspace

# The signature count is a query of its own; it is refreshed after writes and every so often.
SIGNATURE_COUNT_EVERY = 15

MIN_FONT, MAX_FONT = 8, 28


class Page(StrEnum):
    """What the window shows."""

    DOOR = "door"  # first start or sign-in: nothing clinical
    WORK = "work"  # the chair board and the visits
    LOCKED = "locked"  # the lock screen: nothing clinical


class ActivityWatch(QObject):
    """Hears every key press, click and wheel turn anywhere in the program, for the idle lock."""

    INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})

    def __init__(self, on_input: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activity_watch")
        self._on_input = on_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Note the input and let the event go on."""
        if event.type() in self.INPUT:
            self._on_input()
        return False


def _door_of(clinic: Clinic) -> Clinic:
    """The clinic acting as the program itself: what the doors use before anyone signs in."""
    system = clinic.accounts.with_role(Role.SYSTEM)
    return clinic.as_user(system[0]) if system else clinic


class MainWindow(QMainWindow):
    """The bedside workstation.

    ``signed_in``: ``clinic`` already acts for a person (tests, demos, benchmarks); otherwise
    the window opens at the door. ``guarded``: the screen locks after the protocol's idle
    minutes, and closing the program ends the session in the audit trail (the real program).
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
    ) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.door = _door_of(clinic)
        self.settings = settings
        self.guarded = guarded
        self.page = Page.DOOR
        self.demo = clinic.database_path is not None and clinic.database_path.name == DEMO_FILE
        self.setObjectName("main_window")
        self.chime = Chime(self, muted=self._bool("chime_muted"))
        self._alerts_seen: set[tuple[int, str]] = set()
        self._overdue_seen: set[int] = set()
        self._last_input: datetime = clinic.clock.now()

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("main_stack")
        self.setCentralWidget(self.stack)
        self.door_page: SignInScreen | FirstStartScreen | None = None
        self.work_page: QWidget | None = None
        self.lock_page = LockScreen(self)
        self.lock_page.unlocked.connect(self._unlocked)
        self.stack.addWidget(self.lock_page)

        self.status_user = QLabel()
        self.status_user.setObjectName("status_user")
        self.status_alerts = QLabel()
        self.status_alerts.setObjectName("status_alerts")
        self.statusBar().addWidget(self.status_user, 1)
        self.statusBar().addPermanentWidget(self.status_alerts)
        self.status_signatures = QPushButton()
        self.status_signatures.setObjectName("status_signatures")
        self.status_signatures.setAccessibleName("Visits awaiting a physician's signature")
        self.status_signatures.setFlat(True)
        self.status_signatures.clicked.connect(self.open_worklist)
        self.statusBar().addPermanentWidget(self.status_signatures)
        self._ticks = 0
        self._watched: ChangeBus | None = None

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
        self._restore()
        if signed_in:
            self._enter_work(clinic)
        else:
            self._show_door(login_hint)

    # ------------------------------------------------------------------ preferences

    def _bool(self, key: str) -> bool:
        value = self.settings.value(key, False)
        return value in (True, "true", "1", 1)

    def _restore(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        else:
            self.resize(1280, 860)
        size = self.settings.value("font_size")
        if size is not None:
            self.set_font_size(int(str(size)))

    def set_font_size(self, points: int) -> None:
        """Make every text bigger or smaller (remembered)."""
        points = max(MIN_FONT, min(MAX_FONT, points))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            font = app.font()
            font.setPointSize(points)
            app.setFont(font)
        self.settings.setValue("font_size", points)

    def _font_step(self, step: int) -> None:
        app = QApplication.instance()
        current = app.font().pointSize() if isinstance(app, QApplication) else 10
        self.set_font_size(current + step)

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute the alert chime (remembered)."""
        self.chime.muted = muted
        self.settings.setValue("chime_muted", muted)
        self.mute_action.setChecked(muted)

    # ------------------------------------------------------------------ pages

    def _show_page(self, page: Page) -> None:
        """Bring ``page`` to the front, with the menus and status line that belong to it."""
        self.page = page
        widget = {Page.DOOR: self.door_page, Page.WORK: self.work_page, Page.LOCKED: self.lock_page}[page]
        assert widget is not None
        self.stack.setCurrentWidget(widget)
        name = self.clinic.protocol.clinic_name
        self.setWindowTitle(f"KetaDesk — {name}{' (demo)' if self.demo else ''}")
        self._build_menus()
        self.statusBar().clearMessage()
        where = self.clinic.database_path
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

    def _open_demo(self, path: Path) -> None:
        """Switch the window to the demo clinic's database and its sign-in screen."""
        try:
            demo = Clinic.open(path, self.door.clock, self.door.protocol)
        except DOOR_ERRORS as error:
            if isinstance(self.door_page, FirstStartScreen):
                self.door_page.demo_message.error(f"{path} cannot be opened: {error}")
            return
        previous = self.door
        self.door = demo
        self.demo = True
        previous.close()
        self._show_door()

    def _enter_work(self, clinic: Clinic) -> None:
        """Build the working page for ``clinic``'s user: the chair board, no visit tabs yet."""
        self._discard_work()
        self.clinic = clinic
        page = QWidget(self)
        page.setObjectName("work_page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(page)
        self.tabs.setObjectName("main_tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.board = ChairBoard(clinic, self.tabs, on_tick=self._announce)
        self.board.visit_opened.connect(self.open_visit)
        self.tabs.addTab(self.board, "Chair &board")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        layout.addWidget(self.tabs)
        self.stack.addWidget(page)
        self.work_page = page
        self._alerts_seen, self._overdue_seen = set(), set()
        self._watch(clinic)
        self.note_activity()
        self._show_page(Page.WORK)
        self.tick()

    def _watch(self, clinic: Clinic) -> None:
        """Listen to the writes of ``clinic``'s session (once per database) for the status bar's count."""
        bus = bus_for(clinic)
        if self._watched is not bus:
            bus.published.connect(self._published)
            self._watched = bus

    def _published(self, changes: Changes, _origin: object, _by: str) -> None:
        """A write anywhere: the signature count moves when a visit is discharged or signed."""
        if self.page is Page.WORK and changes.touches(Change.SIGNATURE, Change.PHASE):
            self.refresh_signature_count()

    def _discard_work(self) -> None:
        """Close the working page and its visit tabs (what was typed in notes is kept as drafts first)."""
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
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, VisitWorkspace):
                widget.flush()

    def _close_dialogs(self) -> None:
        """Close every dialog of this window (a patient form, the audit log…) before the screen is hidden."""
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    # ------------------------------------------------------------------ lock and sign-out

    def note_activity(self) -> None:
        """Someone used the keyboard or mouse: the idle lock starts counting again."""
        self._last_input = self.clinic.clock.now()

    def idle_for(self) -> timedelta:
        """How long since the last key press, click or wheel turn, by the clinic's clock."""
        return self.clinic.clock.now() - self._last_input

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

    # ------------------------------------------------------------------ menus

    def _action(self, name: str, text: str, shortcut: QKeySequence | str | None, slot: object) -> QAction:
        action = QAction(text, self.menuBar())
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        """The menus for the page in front; clinical actions (and their shortcuts) exist only on the working page."""
        for old in self.actions():
            self.removeAction(old)
            old.setEnabled(False)
        self.setMenuBar(QMenuBar(self))  # the old bar and its actions are deleted with it
        bar = self.menuBar()
        working = self.page is Page.WORK
        file_menu = bar.addMenu("&File")
        if working:
            file_menu.addAction(self._action("backup_action", "&Back up now…", None, self.backup))
            file_menu.addSeparator()
            file_menu.addAction(
                self._action("lock_action", "&Lock / switch user", "Ctrl+L", lambda: self.lock("manual"))
            )
            file_menu.addAction(self._action("sign_out_action", "Sign &out", None, self.sign_out))
            file_menu.addSeparator()
        file_menu.addAction(self._action("quit_action", "&Quit", QKeySequence.StandardKey.Quit, self.close))
        if working:
            patients = bar.addMenu("&Patients")
            patients.addAction(self._action("find_patient_action", "&Find / schedule…", "Ctrl+F", self.find_patient))
            patients.addAction(self._action("register_patient_action", "&Register…", "Ctrl+N", self.register_patient))
            visit = bar.addMenu("&Visit")
            visit.addAction(self._action("board_action", "Chair &board", "Ctrl+0", self.show_board))
            for chair in range(1, min(self.clinic.protocol.chairs, 9) + 1):
                visit.addAction(
                    self._action(
                        f"open_chair_{chair}_action",
                        f"Open chair {chair}",
                        f"Ctrl+{chair}",
                        lambda _=False, c=chair: self.open_chair(c),
                    )
                )
            visit.addAction(
                self._action(
                    "close_tab_action", "&Close visit tab", "Ctrl+W", lambda: self.close_tab(self.tabs.currentIndex())
                )
            )
            visit.addSeparator()
            visit.addAction(self._action("worklist_action", "Awaiting &signature…", "Ctrl+Shift+S", self.open_worklist))
            visit.addAction(self._action("review_action", "&Review / sign this visit", "Ctrl+R", self.review_current))
            visit.addAction(self._action("export_pdf_action", "&Export PDF…", "Ctrl+E", self.export_current_pdf))
        view = bar.addMenu("V&iew")
        view.addAction(self._action("larger_text_action", "&Larger text", "Ctrl++", lambda: self._font_step(1)))
        view.addAction(self._action("smaller_text_action", "&Smaller text", "Ctrl+-", lambda: self._font_step(-1)))
        self.mute_action = self._action(
            "mute_action", "&Mute alert chime", "Ctrl+M", lambda: self.set_muted(not self.chime.muted)
        )
        self.mute_action.setCheckable(True)
        self.mute_action.setChecked(self.chime.muted)
        view.addAction(self.mute_action)
        if working:
            admin = bar.addMenu("&Admin")
            allowed = self.is_administrator()
            for action in (
                self._action("users_action", "&Users…", None, self.open_users),
                self._action("audit_log_action", "&Audit log…", None, self.open_audit_log),
            ):
                action.setEnabled(allowed)
                action.setToolTip("" if allowed else "For administrators only")
                admin.addAction(action)
            admin.setToolTipsVisible(True)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("about_action", "&About KetaDesk", None, self.about))

    # ------------------------------------------------------------------ time

    def start(self) -> None:
        """Begin the 1 Hz refresh of the board and the open visit."""
        self.timer.start()

    def stop(self) -> None:
        """Stop the refresh (closing, tests)."""
        self.timer.stop()

    def tick(self) -> None:
        """Once a second: lock when idle too long, else redraw the board and the visit in front and chime.

        At the door and while locked there is nothing to redraw, and nothing clinical is read.
        """
        if self.page is not Page.WORK:
            return
        if self.guarded and self.idle_for() >= timedelta(minutes=self.clinic.protocol.idle_lock_minutes):
            self.lock("idle")
            return
        self.board.tick()
        current = self.tabs.currentWidget()
        if isinstance(current, VisitWorkspace):
            current.tick()
        self._ticks += 1
        if self._ticks % SIGNATURE_COUNT_EVERY == 1:
            self.refresh_signature_count()

    def refresh_signature_count(self) -> int:
        """Show how many discharged visits wait for a physician's signature (always in the status bar)."""
        waiting = self.clinic.signing.awaiting_count()
        self.status_signatures.setText(f"Awaiting signature: {waiting}")
        return waiting

    def _announce(self, visits: list[VisitSummary]) -> None:
        """Chime once for each new alert reading and each visit whose vitals just went overdue."""
        alerts = {(v.id, a.value) for v in visits for a in v.unacknowledged_alerts}
        overdue = {v.id for v in visits if v.timers is not None and v.timers.vitals_overdue}
        new = (alerts - self._alerts_seen) or (overdue - self._overdue_seen)
        self._alerts_seen, self._overdue_seen = alerts, overdue
        if new:
            self.chime.ring()
        waiting = len(alerts)
        late = len(overdue)
        parts = []
        if waiting:
            parts.append(f"⚠ {waiting} alert{'s' if waiting != 1 else ''} to acknowledge")
        if late:
            parts.append(f"VITALS OVERDUE in {late} chair{'s' if late != 1 else ''}")
        self.status_alerts.setText("   ".join(parts) or "No alerts")

    # ------------------------------------------------------------------ visits

    def show_board(self) -> None:
        """Bring the chair board to the front."""
        self.tabs.setCurrentIndex(0)

    def open_chair(self, chair: int) -> None:
        """Open the visit in ``chair``, if there is one."""
        tile = self.board.tile(chair)
        if tile.visit_id is not None:
            self.open_visit(tile.visit_id)
        else:
            self.statusBar().showMessage(f"Chair {chair} is free", 4000)

    def open_visit(self, visit_id: int) -> VisitWorkspace:
        """Show a visit's workspace in its own tab (reusing the tab when it is already open)."""
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, VisitWorkspace) and widget.visit_id == visit_id:
                self.tabs.setCurrentIndex(index)
                return widget
        workspace = VisitWorkspace(self.clinic, visit_id, self)
        summary = workspace.view.detail.summary if workspace.view else None
        title = f"Chair {summary.chair} · {summary.patient_name}" if summary and summary.chair else f"Visit {visit_id}"
        index = self.tabs.addTab(workspace, title)
        self.tabs.setCurrentIndex(index)
        return workspace

    def close_tab(self, index: int) -> None:
        """Close a visit tab (the board stays). Nothing is lost: every entry is already saved."""
        if index <= 0:
            return
        widget = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if widget is not None:
            widget.deleteLater()

    def open_worklist(self) -> WorklistPanel:
        """The physician's worklist: discharged visits awaiting a signature, oldest first."""
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, WorklistPanel):
                widget.refresh()
                self.tabs.setCurrentIndex(index)
                return widget
        panel = WorklistPanel(self.clinic, self)
        panel.visit_opened.connect(self.open_review)
        self.tabs.setCurrentIndex(self.tabs.addTab(panel, "Awaiting signature"))
        return panel

    def open_review(self, visit_id: int) -> ReviewScreen:
        """The whole visit on one page for review, signing and addenda."""
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, ReviewScreen) and widget.visit_id == visit_id:
                widget.refresh()
                self.tabs.setCurrentIndex(index)
                return widget
        screen = ReviewScreen(self.clinic, visit_id, self)
        name = self.clinic.visits.get(visit_id).detail.summary.patient_name
        self.tabs.setCurrentIndex(self.tabs.addTab(screen, f"Review · {name}"))
        return screen

    def export_current_pdf(self) -> PdfPreviewDialog | None:
        """Preview the PDF of the visit in front (workspace or review), then save it."""
        current = self.tabs.currentWidget()
        if not isinstance(current, VisitWorkspace | ReviewScreen):
            self.statusBar().showMessage("Open a visit or its review first", 5000)
            return None
        dialog = PdfPreviewDialog(self.clinic, current.visit_id, self)
        self.preview_dialog = dialog
        dialog.open()
        return dialog

    def review_current(self) -> ReviewScreen | None:
        """Open the review of the visit whose workspace is in front."""
        current = self.tabs.currentWidget()
        if isinstance(current, VisitWorkspace):
            return self.open_review(current.visit_id)
        self.statusBar().showMessage("Open a visit first, or use Awaiting signature (Ctrl+Shift+S)", 5000)
        return None

    # ------------------------------------------------------------------ dialogs

    def find_patient(self) -> None:
        """Find a patient (a visit booked from there reaches the board as a published change)."""
        FindPatientDialog(self.clinic, self).exec()

    def register_patient(self) -> None:
        """Register a new patient."""
        PatientForm(self.clinic, None, self).exec()

    def is_administrator(self) -> bool:
        """Whether the signed-in user may manage users and read the audit log."""
        return self.page is not Page.DOOR and Role.ADMINISTRATOR in self.clinic.user.roles

    def open_users(self) -> UsersDialog | None:
        """The administrator's list of users (refused for anyone else, as the clinic API refuses them)."""
        if not self.is_administrator():
            self.statusBar().showMessage("Managing users is for administrators only.", 6000)
            return None
        dialog = UsersDialog(self.clinic, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_audit_log(self) -> AuditLogDialog | None:
        """The administrator's audit log, filtered and exportable."""
        if not self.is_administrator():
            self.statusBar().showMessage("The audit log is for administrators only.", 6000)
            return None
        dialog = AuditLogDialog(self.clinic, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def backup(self) -> None:
        """Write a verified copy of the database where the user chooses."""
        target, _ = QFileDialog.getSaveFileName(
            self, "Back up the database", "ketadesk-backup.sqlite", "SQLite database (*.sqlite)"
        )
        if not target:
            return
        try:
            made = self.clinic.maintenance.backup(Path(target))
        except USER_ERRORS as error:
            QMessageBox.warning(self, "Backup failed", str(error))
            return
        self.statusBar().showMessage(f"Backup written and verified: {made}", 8000)

    def about(self) -> None:
        """Name, version and database."""
        from ketadesk.clinic.config import package_version

        QMessageBox.about(
            self,
            "About KetaDesk",
            f"KetaDesk {package_version()}\nBedside workstation for ketamine infusion clinics.\n"
            f"Database: {self.clinic.database_path}",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Remember the layout; stop the timer; end a guarded session. Every entry is already committed."""
        self.stop()
        self.flush_workspaces()
        if isinstance(self.door_page, FirstStartScreen):
            self.door_page.cancel_demo()
        if self.guarded and self.page is not Page.DOOR:
            self._close_dialogs()
            with suppress(*USER_ERRORS):  # closing goes ahead; the session simply has no recorded end
                self.clinic.accounts.sign_out()
            self._discard_work()
            self.clinic = self.door
            self.page = Page.DOOR
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.activity)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()
        super().closeEvent(event)
