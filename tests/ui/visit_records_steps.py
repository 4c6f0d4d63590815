"""Builders for the visit-record tests: a window for a fixture user, a visit signed by the physician a day ago."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.ui.window.main_window import MainWindow
from tests.ui.review_steps import discharge
from tests.ui.sign_in_steps import PASSWORDS

DAY_MINUTES = 24 * 60


def window_for(qtbot: QtBot, clinic: Clinic, tmp_path: Path) -> MainWindow:
    """The working window of the user ``clinic`` acts for (no sign-in typed: the fixture user is already in)."""
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    window = MainWindow(clinic, settings)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def signed_yesterday(
    nurse: Clinic, physician: Clinic, clock: FakeClock, visit_id: int, *, acknowledge: bool = True
) -> int:
    """The nurse charts the visit to discharge, the physician signs it with the password; then a day passes."""
    discharge(nurse, visit_id, clock, acknowledge=acknowledge)
    physician.signing.sign_visit(visit_id, PASSWORDS["doctor"])
    clock.advance(minutes=DAY_MINUTES)
    return visit_id
