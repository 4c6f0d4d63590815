"""The main window: the chair board, one tab per open visit, menus, and the one 1 Hz timer.

No screen reaches into another: the window hands the clinic API to each, listens for what
changed, and redraws. QSettings keeps preferences only (layout, text size, mute) — never
clinical data, which lives in the database alone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.records import VisitSummary
from ketadesk.ui.board import ChairBoard
from ketadesk.ui.chime import Chime
from ketadesk.ui.common import USER_ERRORS
from ketadesk.ui.patients import FindPatientDialog, PatientForm
from ketadesk.ui.workspace import VisitWorkspace

MIN_FONT, MAX_FONT = 8, 28


class MainWindow(QMainWindow):
    """The bedside workstation."""

    def __init__(self, clinic: Clinic, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.settings = settings
        self.setObjectName("main_window")
        self.setWindowTitle(f"KetaDesk — {clinic.protocol.clinic_name}")
        self.chime = Chime(self, muted=self._bool("chime_muted"))
        self._alerts_seen: set[tuple[int, str]] = set()
        self._overdue_seen: set[int] = set()

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("main_tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.board = ChairBoard(clinic, self)
        self.board.visit_opened.connect(self.open_visit)
        self.tabs.addTab(self.board, "Chair &board")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.setCentralWidget(self.tabs)

        self.status_user = QLabel()
        self.status_user.setObjectName("status_user")
        self.status_alerts = QLabel()
        self.status_alerts.setObjectName("status_alerts")
        self.statusBar().addWidget(self.status_user, 1)
        self.statusBar().addPermanentWidget(self.status_alerts)
        self.status_user.setText(f"{clinic.user.signature_name} · {clinic.database_path}")

        self._build_menus()
        self.timer = QTimer(self)
        self.timer.setObjectName("one_second_timer")
        self.timer.setInterval(1000)
        self.timer.setTimerType(Qt.TimerType.CoarseTimer)
        self.timer.timeout.connect(self.tick)
        self._restore()
        self.tick()

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

    # ------------------------------------------------------------------ menus

    def _action(self, name: str, text: str, shortcut: QKeySequence | str | None, slot: object) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("backup_action", "&Back up now…", None, self.backup))
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit_action", "&Quit", QKeySequence.StandardKey.Quit, self.close))
        patients = bar.addMenu("&Patients")
        patients.addAction(self._action("find_patient_action", "&Find / schedule…", "Ctrl+F", self.find_patient))
        patients.addAction(self._action("register_patient_action", "&Register…", "Ctrl+N", self.register_patient))
        visit = bar.addMenu("&Visit")
        visit.addAction(self._action("board_action", "Chair &board", "Ctrl+0", self.show_board))
        for chair in range(1, min(self.clinic.protocol.chairs, 9) + 1):
            visit.addAction(self._action(f"open_chair_{chair}_action", f"Open chair {chair}", f"Ctrl+{chair}",
                                         lambda _=False, c=chair: self.open_chair(c)))
        visit.addAction(self._action("close_tab_action", "&Close visit tab", "Ctrl+W",
                                     lambda: self.close_tab(self.tabs.currentIndex())))
        view = bar.addMenu("V&iew")
        view.addAction(self._action("larger_text_action", "&Larger text", "Ctrl++", lambda: self._font_step(1)))
        view.addAction(self._action("smaller_text_action", "&Smaller text", "Ctrl+-", lambda: self._font_step(-1)))
        self.mute_action = self._action("mute_action", "&Mute alert chime", "Ctrl+M",
                                        lambda: self.set_muted(not self.chime.muted))
        self.mute_action.setCheckable(True)
        self.mute_action.setChecked(self.chime.muted)
        view.addAction(self.mute_action)
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
        """Once a second: redraw the board and the visit in front, and chime for what is new."""
        self.board.tick()
        current = self.tabs.currentWidget()
        if isinstance(current, VisitWorkspace):
            current.tick()
        self._announce(self.board.visits)

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
        workspace.changed.connect(self.on_changed)
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

    def on_changed(self, changes: Changes) -> None:
        """A write happened somewhere: the board redraws now rather than at the next tick."""
        self.board.tick()
        self._announce(self.board.visits)

    # ------------------------------------------------------------------ dialogs

    def find_patient(self) -> None:
        """Find a patient; booking a visit from there refreshes the board."""
        dialog = FindPatientDialog(self.clinic, self)
        dialog.exec()
        if dialog.scheduled:
            self.board.tick()

    def register_patient(self) -> None:
        """Register a new patient."""
        PatientForm(self.clinic, None, self).exec()

    def backup(self) -> None:
        """Write a verified copy of the database where the user chooses."""
        target, _ = QFileDialog.getSaveFileName(self, "Back up the database", "ketadesk-backup.sqlite",
                                                "SQLite database (*.sqlite)")
        if not target:
            return
        try:
            made = self.clinic.backup(Path(target))
        except USER_ERRORS as error:
            QMessageBox.warning(self, "Backup failed", str(error))
            return
        self.statusBar().showMessage(f"Backup written and verified: {made}", 8000)

    def about(self) -> None:
        """Name, version and database."""
        from ketadesk.clinic.config import package_version

        QMessageBox.about(self, "About KetaDesk",
                          f"KetaDesk {package_version()}\nBedside workstation for ketamine infusion clinics.\n"
                          f"Database: {self.clinic.database_path}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Remember the layout; stop the timer. Every entry is already committed."""
        self.stop()
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, VisitWorkspace):
                widget.flush()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()
        super().closeEvent(event)


