"""Building and running the bedside GUI.

:func:`build_main_window` makes the whole window in-process for a database and a clock —
what tests, screenshots and benchmarks use; :func:`run_gui` is what ``ketadesk`` runs.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from ketadesk.clinic import Clinic, StoreError, ValidationError, config
from ketadesk.core.clock import Clock, SystemClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.app_icon import DESKTOP_ID, application_icon
from ketadesk.ui.window.banners import say_unreachable_on
from ketadesk.ui.window.daily_backup import DailyBackups
from ketadesk.ui.window.ending import QuitHandlers, ask_before_closing
from ketadesk.ui.window.main_window import MainWindow
from ketadesk.ui.window.start_check import StartCheckLine
from ketadesk.ui.window.warm_up import WarmUp


def application() -> QApplication:
    """The running QApplication, created once with the program's names (QSettings uses them)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    created = QApplication(sys.argv[:1])
    name_application(created)
    created.setStyle("Fusion")
    return created


def name_application(app: QApplication) -> None:
    """The program's names (QSettings uses them), its icon and its menu entry's name."""
    app.setOrganizationName("KetaDesk")
    app.setApplicationName("KetaDesk")
    app.setDesktopFileName(DESKTOP_ID)  # the menu entry's name: how the task bar finds the icon and groups windows
    app.setWindowIcon(application_icon())


def build_main_window(
    db_path: Path | str,
    clock: Clock | None = None,
    *,
    protocol: Protocol | None = None,
    sign_in: tuple[str, str] | None = None,
    settings: QSettings | None = None,
    require_sign_in: bool | None = None,
) -> MainWindow:
    """Open ``db_path`` (a file, or a clinic server's ``postgresql://`` URL) and build the main window around it.

    With ``sign_in`` (a login and its password) the window opens signed in as that user,
    the password checked as at the door (tests, screenshots, benchmarks); without one it
    opens at the first-start or sign-in screen. There is no way in without a password.
    ``require_sign_in`` (default: only when no login is given) also guards the session: the
    screen locks after the protocol's idle minutes and closing the program records the
    sign-out. ``settings`` defaults to the user's KetaDesk preferences; tests pass an INI
    file of their own so nothing leaks between runs.
    """
    application()
    guarded = sign_in is None if require_sign_in is None else require_sign_in
    # A server's database has no folder beside it for a protocol file: the workstation's own is used.
    chosen_protocol = protocol or config.load_clinic_protocol(db_path if isinstance(db_path, Path) else None)
    clinic = Clinic.open(db_path, clock or SystemClock(), chosen_protocol)  # the program itself until someone signs in
    if sign_in is None:
        return MainWindow(clinic, settings or QSettings(), signed_in=False, guarded=guarded)
    try:
        signed = clinic.sign_in(*sign_in)
    except ValidationError:
        clinic.close()
        raise
    return MainWindow(signed, settings or QSettings(), guarded=guarded)


def settle_memory() -> None:
    """Collect once, then set aside everything built at start-up from the garbage collector's full passes.

    The modules, widgets and charts made at start live as long as the program, yet a full
    collection walks them all: on this program about a hundred milliseconds, at whatever
    moment it falls — a nurse's Enter included. Frozen, they are skipped; what the shift
    creates later is still collected as usual.
    """
    gc.collect()
    gc.freeze()


def after_door(window: MainWindow, *, threaded: bool = True) -> tuple[WarmUp, StartCheckLine]:
    """What runs while the door waits for a password, once it is painted, each in its turn.

    First the working page's modules load (one per turn of the event loop), so Enter finds
    them ready; then the record is checked since the last full check, on a worker thread.
    Each after the other: both want the interpreter, and the door's keys come first.
    """
    checking = StartCheckLine(window.statusBar(), window.status, threaded=threaded)

    def warmed() -> None:
        settle_memory()
        checking.start(window.door)

    warm_up = WarmUp(window, then=warmed)
    warm_up.start()
    return warm_up, checking


def run_gui(
    db_path: Path | str, user_login: str | None = None, *, exit_after_start: bool = False, notes: Sequence[str] = ()
) -> int:
    """Start the bedside workstation at its first-start or sign-in screen and run until it is closed.

    ``user_login`` (``ketadesk gui --user LOGIN``) only fills in the login: the password is always asked.
    Closing the window with a patient infusing or in observation asks first; ending the program
    any way (the window, ``kill``, Ctrl+C, the desktop logging out) records the sign-out once.
    ``notes`` (what the system lacks without stopping the start, such as sound for the chime)
    are shown in the status bar for the first half minute, for a program started from the menu.
    """
    app = application()
    try:
        window = build_main_window(db_path, require_sign_in=True)
    except StoreError as error:  # damaged, newer, cannot be read: said in a box too, as the desktop shows no stderr
        if not exit_after_start:
            QMessageBox.critical(None, "KetaDesk cannot open the database", str(error))
        raise
    window.confirm_close = ask_before_closing
    if user_login:
        window.suggest_login(user_login)
    window.show()
    window.start()
    if notes:
        window.status.note(" · ".join(notes), 30_000)
    window.daily_backups = DailyBackups(window.statusBar(), window.status)
    window.daily_backups.start(window.door)  # today's backup, if not made yet, off the window's thread
    handlers = QuitHandlers(app, window)
    # The window's clinic changes at each sign-in: asked afresh each time.
    unhook = say_unreachable_on(window.server_banner, lambda: window.clinic.reachable())  # noqa: PLW0108
    settle_memory()
    # While the door waits for a password: the working page's modules load, then the check at every start runs.
    _, start_check = after_door(window)
    try:
        if exit_after_start:  # the frozen program's smoke test: up at its door, say which, then close
            app.processEvents()
            front = window.stack.currentWidget()
            where = front.objectName() if front is not None else "no screen"
            print(f"KetaDesk started at {where}: {window.windowTitle()}", flush=True)
            window.close()
            return 0
        return int(app.exec())
    finally:
        unhook()
        handlers.remove()
        window.daily_backups.shutdown()
        start_check.shutdown()
        window.end_session("quit")
        window.clinic.close()
