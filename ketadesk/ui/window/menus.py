"""The window's menus for the page in front: clinical actions (and their shortcuts) exist only on the working page.

The menus are built again whenever the page changes, so a locked screen or the door has
no shortcut that reaches a visit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QTabWidget

from ketadesk.ui.window.actions import MenuActions
from ketadesk.ui.window.pages import Page


class PageActions(Protocol):
    """What the menus ask of the main window's pages and visit tabs (the window itself provides these)."""

    @property
    def tabs(self) -> QTabWidget: ...
    def lock(self, reason: str = "manual") -> None: ...
    def sign_out(self) -> None: ...
    def show_board(self) -> None: ...
    def open_chair(self, chair: int) -> None: ...
    def close_tab(self, index: int) -> None: ...
    def open_worklist(self) -> object: ...
    def review_current(self) -> object: ...
    def export_current_pdf(self) -> object: ...
    def course_of_current(self) -> object: ...


def _action(
    window: MenuActions,
    name: str,
    text: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
    slot: Callable[..., Any],
) -> QAction:
    action = QAction(text, window.menuBar())
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(window: MenuActions, pages: PageActions) -> None:
    """Replace the window's menu bar with the menus for its page."""
    for old in window.actions():
        window.removeAction(old)
        old.setEnabled(False)
    window.setMenuBar(QMenuBar(window))  # the old bar and its actions are deleted with it
    bar = window.menuBar()
    if window.page is Page.QUESTIONNAIRE:  # the patient's page: no menu at all, so no shortcut either
        bar.hide()
        return
    working = window.page is Page.WORK
    file_menu = bar.addMenu("&File")
    if working:
        file_menu.addAction(_action(window, "backup_action", "&Back up now…", None, window.backup))
        file_menu.addSeparator()
        file_menu.addAction(
            _action(window, "lock_action", "&Lock / switch user", "Ctrl+L", lambda: pages.lock("manual"))
        )
        file_menu.addAction(_action(window, "sign_out_action", "Sign &out", None, pages.sign_out))
        file_menu.addSeparator()
    file_menu.addAction(_action(window, "quit_action", "&Quit", QKeySequence.StandardKey.Quit, window.close))
    if working:
        _clinical_menus(window, pages, bar)
    view = bar.addMenu("V&iew")
    view.addAction(_action(window, "larger_text_action", "&Larger text", "Ctrl++", lambda: window.font_step(1)))
    view.addAction(_action(window, "smaller_text_action", "&Smaller text", "Ctrl+-", lambda: window.font_step(-1)))
    window.mute_action = _action(
        window, "mute_action", "&Mute alert chime", "Ctrl+M", lambda: window.set_muted(not window.chime.muted)
    )
    window.mute_action.setCheckable(True)
    window.mute_action.setChecked(window.chime.muted)
    view.addAction(window.mute_action)
    if working:
        admin = bar.addMenu("&Admin")
        for action, allowed in (
            (_action(window, "users_action", "&Users…", None, window.open_users), window.may_manage_users()),
            (
                _action(window, "audit_log_action", "&Audit log…", None, window.open_audit_log),
                window.may_read_audit_log(),
            ),
            (
                _action(window, "clinic_settings_action", "&Clinic settings…", None, window.open_clinic_settings),
                window.may_manage_users(),
            ),
        ):
            action.setEnabled(allowed)
            action.setToolTip("" if allowed else "For administrators only")
            admin.addAction(action)
        admin.setToolTipsVisible(True)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(_action(window, "about_action", "&About KetaDesk", None, window.about))


def _clinical_menus(window: MenuActions, pages: PageActions, bar: QMenuBar) -> None:
    """Patients and Visit: only on the working page."""
    patients = bar.addMenu("&Patients")
    patients.addAction(_action(window, "find_patient_action", "&Find patient / record…", "Ctrl+F", window.find_patient))
    patients.addAction(_action(window, "register_patient_action", "&Register…", "Ctrl+N", window.register_patient))
    patients.addAction(_action(window, "find_visit_action", "Find a &visit…", "Ctrl+Shift+F", window.find_visit))
    visit = bar.addMenu("&Visit")
    visit.addAction(_action(window, "board_action", "Chair &board", "Ctrl+0", pages.show_board))
    for chair in range(1, min(window.clinic.protocol.chairs, 9) + 1):
        visit.addAction(
            _action(
                window,
                f"open_chair_{chair}_action",
                f"Open chair {chair}",
                f"Ctrl+{chair}",
                lambda _=False, c=chair: pages.open_chair(c),
            )
        )
    visit.addAction(
        _action(
            window,
            "close_tab_action",
            "&Close visit tab",
            "Ctrl+W",
            lambda: pages.close_tab(pages.tabs.currentIndex()),
        )
    )
    visit.addSeparator()
    visit.addAction(_action(window, "worklist_action", "Awaiting &signature…", "Ctrl+Shift+S", pages.open_worklist))
    visit.addAction(_action(window, "review_action", "&Review / sign this visit", "Ctrl+R", pages.review_current))
    visit.addAction(_action(window, "export_pdf_action", "&Export PDF…", "Ctrl+E", pages.export_current_pdf))
    visit.addAction(
        _action(window, "course_action", "C&ourse of this patient…", "Ctrl+Shift+C", pages.course_of_current)
    )
