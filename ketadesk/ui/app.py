"""Building and running the bedside GUI.

:func:`build_main_window` makes the whole window in-process for a database and a clock —
what tests, screenshots and benchmarks use; :func:`run_gui` is what ``ketadesk`` runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ketadesk.clinic import Clinic, config
from ketadesk.core.clock import Clock, SystemClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import Role
from ketadesk.ui.main_window import MainWindow


def application() -> QApplication:
    """The running QApplication, created once with the program's names (QSettings uses them)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    created = QApplication(sys.argv[:1])
    created.setOrganizationName("KetaDesk")
    created.setApplicationName("KetaDesk")
    created.setStyle("Fusion")
    return created


def build_main_window(db_path: Path, clock: Clock | None = None, *, protocol: Protocol | None = None,
                      user_login: str | None = None, settings: QSettings | None = None) -> MainWindow:
    """Open ``db_path`` and build the main window around it, acting as ``user_login``.

    Without a login the window acts as the clinic's first nurse (the sign-in screen takes
    this over). ``settings`` defaults to the user's KetaDesk preferences; tests pass an
    INI file of their own so nothing leaks between runs.
    """
    application()
    chosen_protocol = protocol or config.load_clinic_protocol(db_path)
    clinic = Clinic.open(db_path, clock or SystemClock(), chosen_protocol, user_login)
    if user_login is None:
        nurses = clinic.users_with_role(Role.NURSE)
        if nurses:
            clinic = clinic.as_user(nurses[0])
    return MainWindow(clinic, settings or QSettings())


def run_gui(db_path: Path, user_login: str | None = None, *, exit_after_start: bool = False) -> int:
    """Start the bedside workstation and run until it is closed."""
    app = application()
    window = build_main_window(db_path, user_login=user_login)
    window.show()
    window.start()
    if exit_after_start:
        app.processEvents()
        window.close()
        window.clinic.close()
        return 0
    code = app.exec()
    window.clinic.close()
    return int(code)
