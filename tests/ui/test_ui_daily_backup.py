"""The window's daily backup: at start and at sign-out, once a day, off the window's thread; a failure warns in
the status bar (nothing modal) and the work goes on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic, config
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store import backup as store_backup
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.daily_backup import DailyBackups
from ketadesk.ui.window.main_window import MainWindow
from ketadesk.ui.window.pages import Page
from tests.helpers import PASSWORDS, make_patient


@pytest.fixture
def window(
    qtbot: QtBot, nurse: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """A signed-in window on a clinic with one patient, its daily backups run in place (no thread)."""
    nurse.patients.register(make_patient(mrn="KD-50001"))
    built = build_main_window(
        db_path,
        clock,
        protocol=default_protocol,
        sign_in=("nurse", PASSWORDS["nurse"]),
        settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(built)
    built.daily_backups = DailyBackups(built.statusBar(), built.status, threaded=False)
    yield built
    built.stop()
    built.close()
    built.clinic.close()


def _dailies(db_path: Path) -> list[Path]:
    return sorted(config.backup_dir(db_path).glob("clinic-????-??-??.sqlite"))


def test_sign_out_makes_todays_backup_once(window: MainWindow, db_path: Path) -> None:
    """Signing out writes today's backup (as the program itself), says so, and a second sign-out makes no other."""
    window.sign_out()
    assert window.page is Page.DOOR
    assert len(_dailies(db_path)) == 1
    assert "backup written and verified" in window.status.notice.said
    assert str(_dailies(db_path)[0]) in window.status.notice.toolTip()
    assert window.daily_backups is not None and window.daily_backups.warning.isHidden()
    again = window.door.sign_in("nurse", PASSWORDS["nurse"])
    window._signed_in(again)
    window.sign_out()
    assert len(_dailies(db_path)) == 1
    last = window.door.sign_in("admin", PASSWORDS["admin"]).audit.search(action="backup", limit=1)[0]
    assert last.actor == "system"


def test_a_failed_backup_warns_without_blocking(
    window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the status bar warns, nothing modal opens, the sign-in screen is there to use."""
    monkeypatch.setattr(store_backup, "TARGET_MAX_PAGES", 2)
    window.sign_out()
    assert window.page is Page.DOOR
    assert QApplication.activeModalWidget() is None
    backups = window.daily_backups
    assert backups is not None and not backups.warning.isHidden()
    assert "automatic backup failed" in backups.warning.text() and "full" in backups.warning.toolTip()
    assert _dailies(db_path) == [] and not list(config.backup_dir(db_path).iterdir())
    monkeypatch.setattr(store_backup, "TARGET_MAX_PAGES", None)  # the disk has room again: the warning goes
    backups.start(window.door)
    assert backups.warning.isHidden() and len(_dailies(db_path)) == 1


def test_the_copy_runs_off_the_window_thread(window: MainWindow, db_path: Path, qtbot: QtBot) -> None:
    """Threaded, the backup is published back on the window's thread once the worker has copied it."""
    window.daily_backups = DailyBackups(window.statusBar(), window.status)
    assert window.daily_backups.start(window.door)
    qtbot.waitUntil(lambda: window.daily_backups is not None and not window.daily_backups.running(), timeout=10_000)
    assert len(_dailies(db_path)) == 1
    assert window.daily_backups.seconds is not None
