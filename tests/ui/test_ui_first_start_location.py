"""The first start shows where the database and backups will live, and another folder can be chosen there.

The folder is checked before it is taken; once taken, the window opens the (new) database
there at the first start again, and every later start finds it without ``--db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ketadesk.clinic import config
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui import system_needs
from ketadesk.ui.door.first_start import FirstStartScreen
from ketadesk.ui.window.main_window import MainWindow
from tests.ui.sign_in_steps import guarded_window
from tests.ui.windows_shown import windows_shown


@pytest.fixture
def window(
    qtbot: QtBot,
    tmp_path: Path,
    clock: FakeClock,
    default_protocol: Protocol,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[MainWindow]:
    """The window at the first start on a new database, the user's data folder inside the test's folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(config.DB_ENV, raising=False)
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    (tmp_path / "first").mkdir()
    built = guarded_window(qtbot, tmp_path / "first" / "ketadesk.sqlite", clock, default_protocol, settings)
    yield built
    built.clinic.close()


def screen_of(window: MainWindow) -> FirstStartScreen:
    screen = window.door_page
    assert isinstance(screen, FirstStartScreen)
    return screen


def test_the_folders_are_shown(window: MainWindow, tmp_path: Path) -> None:
    """Before anything is chosen: today's database and its backups folder."""
    where = screen_of(window).findChild(QLabel, "location_where")
    assert where is not None and where.isVisible()
    first = tmp_path / "first"
    assert where.text() == f"Database: {first / 'ketadesk.sqlite'}\nBackups: {first / 'backups'}"


def test_a_folder_that_cannot_be_written_is_refused(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a folder, or one this account cannot write in: said, and nothing changes or is remembered."""
    screen = screen_of(window)
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert screen.location.choose(a_file) is None
    assert "cannot hold the database" in screen.location.message.text()
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(system_needs, "_writable", lambda folder: folder != locked)
    assert screen.location.choose(locked) is None
    assert window.clinic.database_path == tmp_path / "first" / "ketadesk.sqlite"
    assert config.chosen_folder() is None
    assert not (locked / "ketadesk.sqlite").exists()


def test_another_folder_is_taken_and_remembered(window: MainWindow, tmp_path: Path) -> None:
    """A writable folder: the window opens the database there, and later starts find it without --db."""
    other = tmp_path / "records"
    other.mkdir()
    assert screen_of(window).location.choose(other) == other / "ketadesk.sqlite"
    assert window.door.database_path == other / "ketadesk.sqlite"
    assert (other / "ketadesk.sqlite").exists()
    moved = screen_of(window)  # the first start again, now on the new database
    assert moved.location.where.text().startswith(f"Database: {other / 'ketadesk.sqlite'}\n")
    assert config.chosen_folder() == other.resolve()
    assert config.database_path() == other.resolve() / "ketadesk.sqlite"
    assert config.database_path("/elsewhere/x.sqlite") == Path("/elsewhere/x.sqlite")  # --db still wins


def test_the_first_start_opens_as_one_window(
    qtbot: QtBot, tmp_path: Path, clock: FakeClock, default_protocol: Protocol, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing on the first start's page (the folders' box) opens for an instant as a window of its own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(config.DB_ENV, raising=False)
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    with windows_shown() as shown:
        built = guarded_window(qtbot, tmp_path / "ketadesk.sqlite", clock, default_protocol, settings)
        qtbot.waitUntil(built.isVisible)
    try:
        assert screen_of(built).location.isVisibleTo(built)
        assert shown == [built.objectName()]
    finally:
        built.clinic.close()
