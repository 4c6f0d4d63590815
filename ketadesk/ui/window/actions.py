"""What the window's menus do that is not about pages or visits: text size, the chime, dialogs, backup, about.

Whether the Admin menu's entries may be used is the clinic's answer
(``clinic.accounts.add_user.allowed()``, ``clinic.audit.search.allowed()``), not a role the
window checks itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMainWindow, QMessageBox, QWidget

from ketadesk.clinic import Clinic
from ketadesk.ui.kit.screen_fit import fit_to_screen, keep_on_screen
from ketadesk.ui.kit.widgets import follow_text_size
from ketadesk.ui.kit.writes import USER_ERRORS
from ketadesk.ui.window.chime import Chime
from ketadesk.ui.window.pages import Page

# Each dialog and screen is imported when it is first opened: the start builds the board alone.
if TYPE_CHECKING:
    from ketadesk.ui.admin.audit_log import AuditLogDialog
    from ketadesk.ui.admin.settings import ClinicSettingsDialog
    from ketadesk.ui.admin.users import UsersDialog
    from ketadesk.ui.board import ChairBoard
    from ketadesk.ui.course.screen import CourseScreen
    from ketadesk.ui.patients.find import FindPatientDialog
    from ketadesk.ui.patients.find_visit import FindVisitDialog
    from ketadesk.ui.review.pdf_preview import PdfPreviewDialog
    from ketadesk.ui.review.screen import ReviewScreen
    from ketadesk.ui.review.worklist import WorklistPanel
    from ketadesk.ui.visit.workspace import VisitWorkspace
    from ketadesk.ui.window.visit_tabs import VisitTabs

MIN_FONT, MAX_FONT = 8, 28


class MenuActions(QMainWindow):
    """The main window's menu actions: opening a dialog, a visit or a review, or changing a preference (remembered)."""

    clinic: Clinic
    tabs: VisitTabs
    settings: QSettings
    page: Page
    chime: Chime
    mute_action: QAction
    board: ChairBoard
    work_page: QWidget | None

    # ------------------------------------------------------------------ preferences

    def _bool(self, key: str) -> bool:
        value = self.settings.value(key, False)
        return value in (True, "true", "1", 1)

    def _restore(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            keep_on_screen(self)  # saved on a larger screen, or a screen since removed
        else:
            fit_to_screen(self, 1280, 860)
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
            follow_text_size(app)
        self.settings.setValue("font_size", points)

    def font_step(self, step: int) -> None:
        """One point larger or smaller than now."""
        app = QApplication.instance()
        current = app.font().pointSize() if isinstance(app, QApplication) else 10
        self.set_font_size(current + step)

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute the alert chime (remembered)."""
        self.chime.muted = muted
        self.settings.setValue("chime_muted", muted)
        self.mute_action.setChecked(muted)

    # ------------------------------------------------------------------ dialogs

    def find_patient(self) -> FindPatientDialog:
        """Find a patient and their record (not blocking); a visit chosen there opens in a tab of its own.

        A visit booked from there reaches the board as a published change.
        """
        from ketadesk.ui.patients.find import FindPatientDialog

        dialog = FindPatientDialog(self.clinic, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.visit_chosen.connect(self.open_record)
        dialog.course_chosen.connect(self.open_course)
        dialog.open()
        return dialog

    def find_visit(self) -> FindVisitDialog:
        """Find a visit by date and patient (not blocking); the one chosen opens in a tab of its own."""
        from ketadesk.ui.patients.find_visit import FindVisitDialog

        dialog = FindVisitDialog(self.clinic, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.visit_chosen.connect(self.open_record)
        dialog.open()
        dialog.search()
        return dialog

    def open_record(self, visit_id: int) -> QWidget:
        """A visit chosen from a list: its review when it is over, its workspace while it is not."""
        return self.tabs.open_record(visit_id)

    def register_patient(self) -> None:
        """Register a new patient."""
        from ketadesk.ui.patients.form import PatientForm

        PatientForm(self.clinic, None, self).exec()

    def may_manage_users(self) -> bool:
        """Whether the signed-in user may manage users (the clinic's own rule for adding one)."""
        return self.page is not Page.DOOR and bool(self.clinic.accounts.add_user.allowed())

    def may_read_audit_log(self) -> bool:
        """Whether the signed-in user may read the audit log."""
        return self.page is not Page.DOOR and bool(self.clinic.audit.search.allowed())

    def open_users(self) -> UsersDialog | None:
        """The administrator's list of users (refused for anyone else, as the clinic API refuses them)."""
        if not self.may_manage_users():
            self.statusBar().showMessage("Managing users is for administrators only.", 6000)
            return None
        from ketadesk.ui.admin.users import UsersDialog

        dialog = UsersDialog(self.clinic, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_audit_log(self) -> AuditLogDialog | None:
        """The administrator's audit log, filtered and exportable."""
        if not self.may_read_audit_log():
            self.statusBar().showMessage("The audit log is for administrators only.", 6000)
            return None
        from ketadesk.ui.admin.audit_log import AuditLogDialog

        dialog = AuditLogDialog(self.clinic, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_clinic_settings(self) -> ClinicSettingsDialog | None:
        """The administrator's clinic settings (name, chairs, time zone), written for the next start."""
        if not self.may_manage_users():
            self.statusBar().showMessage("The clinic's settings are for administrators only.", 6000)
            return None
        from ketadesk.ui.admin.settings import ClinicSettingsDialog

        dialog = ClinicSettingsDialog(self.clinic, self)
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

    def about(self) -> QMessageBox:
        """The program's version, the clinic, the database and its schema version."""
        from ketadesk.ui.window.about import show_about

        return show_about(self, self.clinic)

    def export_current_pdf(self) -> PdfPreviewDialog | None:
        """Preview the PDF of the visit in front (workspace or review), then save it."""
        current = self.tabs.current_record()
        if current is None:
            self.statusBar().showMessage("Open a visit or its review first", 5000)
            return None
        from ketadesk.ui.review.pdf_preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(self.clinic, current.visit_id, self)
        self.preview_dialog = dialog
        dialog.open()
        return dialog

    def _close_dialogs(self) -> None:
        """Close every dialog of this window (a patient form, the audit log…) before the screen is hidden."""
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    # ------------------------------------------------------------------ going to a visit

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
        return self.tabs.open_visit(visit_id)

    def close_tab(self, index: int) -> None:
        """Close a visit tab (the board stays)."""
        self.tabs.close_tab(index)

    def open_worklist(self) -> WorklistPanel:
        """The physician's worklist: discharged visits awaiting a signature, oldest first."""
        return self.tabs.open_worklist()

    def open_review(self, visit_id: int) -> ReviewScreen:
        """The whole visit on one page for review, signing and addenda."""
        return self.tabs.open_review(visit_id)

    def review_current(self) -> ReviewScreen | None:
        """Open the review of the visit whose workspace is in front."""
        current = self.tabs.current_visit()
        if current is not None:
            return self.open_review(current.visit_id)
        self.statusBar().showMessage("Open a visit first, or use Awaiting signature (Ctrl+Shift+S)", 5000)
        return None

    def read_afresh(self) -> None:
        """The database answers again after a while away: the board reads what the other workstations saved."""
        if self.work_page is not None:
            self.board.refresh()

    def countdowns(self) -> None:
        """The server is away: the board's and the open visit's clocks keep counting from what was last read."""
        if self.work_page is not None:
            self.board.countdowns()
            current = self.tabs.current_visit()
            if current is not None:
                current.countdowns()

    def open_course(self, course_id: int) -> CourseScreen:
        """One patient's treatment course on one page (reusing its tab when it is already open)."""
        return self.tabs.open_course(course_id)

    def course_of_current(self) -> CourseScreen | None:
        """Open the course of the visit in front (its workspace or its review)."""
        current = self.tabs.current_record()
        if current is None:
            self.statusBar().showMessage("Open a visit first, or find the patient (Ctrl+F) and choose Course…", 5000)
            return None
        from ketadesk.ui.course.opening import course_of_visit

        course_id = course_of_visit(self.clinic, current.visit_id)
        if course_id is None:
            self.statusBar().showMessage("This visit is not part of a treatment course.", 5000)
            return None
        return self.open_course(course_id)
