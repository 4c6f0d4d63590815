"""Help ▸ About names the program's version, the clinic, the database with its schema version, and the backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import package_version
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store.schema import SCHEMA_VERSION
from tests.ui.sign_in_steps import give_passwords, guarded_window


def test_about_at_the_door(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """Before anyone signs in, Help ▸ About already says which program, clinic, file and schema this is."""
    give_passwords(clinic)
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    window = guarded_window(qtbot, db_path, clock, default_protocol, settings)
    try:
        assert window.windowTitle() == f"KetaDesk — {default_protocol.clinic_name}"
        action = window.findChild(QAction, "about_action")
        assert action is not None
        action.trigger()
        box = window.findChild(QMessageBox, "about_box")
        assert box is not None and box.isVisible()
        assert box.text().splitlines() == [
            f"KetaDesk {package_version()}",
            "Bedside workstation for ketamine infusion clinics.",
            "",
            f"Clinic: {default_protocol.clinic_name}",
            f"Database: {db_path}",
            f"Database schema: version {SCHEMA_VERSION}",
            f"Backups: {db_path.parent / 'backups'}",
        ]
        box.close()
    finally:
        window.clinic.close()
