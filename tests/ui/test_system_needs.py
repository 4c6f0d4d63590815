"""Before the window opens, what the system lacks is said in one line with its fix; only some lacks stop the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketadesk.cli import EXIT_FAILED, main
from ketadesk.ui import desktop, system_needs
from ketadesk.ui.system_needs import SOUND_LIBRARY, data_folder_lack, sound_lack, start_lacks


def _never(_folder: Path) -> bool:
    return False


def test_a_folder_that_cannot_be_written_stops_a_new_clinic(tmp_path: Path) -> None:
    """No database yet and a folder nobody may write: the start stops, naming the folder and the two ways out."""
    lack = data_folder_lack(tmp_path / "clinic" / "ketadesk.sqlite", writable=_never)
    assert lack is not None and lack.stops_start
    text = str(lack)
    assert text.startswith(f"The data folder {tmp_path} cannot be written: the database cannot be made there. ")
    assert "--db PATH (or KETADESK_DB)" in text and "sudo chown " in text and text.endswith(str(tmp_path))
    assert "\n" not in text


def test_an_existing_database_in_a_read_only_folder_still_opens(tmp_path: Path) -> None:
    """The database is there: it opens read-only, and the note says backups cannot be made."""
    database = tmp_path / "ketadesk.sqlite"
    database.write_bytes(b"")
    lack = data_folder_lack(database, writable=_never)
    assert lack is not None and not lack.stops_start
    assert "no backups can be made there" in str(lack)


def test_a_writable_folder_is_no_lack(tmp_path: Path) -> None:
    """The real check, on a folder this test may write in (and one that is still to be made inside it)."""
    assert data_folder_lack(tmp_path / "ketadesk.sqlite") is None
    assert data_folder_lack(tmp_path / "not" / "yet" / "ketadesk.sqlite") is None


def test_no_sound_library_names_the_package(tmp_path: Path) -> None:
    """libpulse missing: the chime rings the bell instead, and the package to install is named."""
    lack = sound_lack({}, platform="linux", loads=lambda soname: soname != SOUND_LIBRARY)
    assert lack is not None and not lack.stops_start
    assert str(lack) == (
        "No alert chime: libpulse.so.0 is missing, so alerts ring the system bell. "
        "Install with: sudo apt install libpulse0"
    )


def test_sound_server_found_by_its_socket(tmp_path: Path) -> None:
    """The library is there: a session's PulseAudio/PipeWire socket means sound; none means the bell."""
    (tmp_path / "pulse").mkdir()
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    loads = lambda _soname: True  # noqa: E731
    without = sound_lack(env, platform="linux", loads=loads)
    assert without is not None and "no sound server" in str(without)
    (tmp_path / "pulse" / "native").write_bytes(b"")
    assert sound_lack(env, platform="linux", loads=loads) is None
    assert sound_lack({"PULSE_SERVER": "tcp:10.0.0.2:4713"}, platform="linux", loads=loads) is None
    assert sound_lack({}, platform="win32", loads=lambda _soname: False) is None


def test_lacks_that_stop_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing xcb library, a folder that cannot be written, no sound: the two that stop, then the note."""
    monkeypatch.setattr(desktop, "_loads", lambda soname: soname != "libxcb-cursor.so.0")
    monkeypatch.setattr(desktop.sys, "platform", "linux")
    monkeypatch.setattr(system_needs, "_writable", _never)
    monkeypatch.setattr(system_needs, "_loads", lambda _soname: False)
    monkeypatch.setattr(system_needs.sys, "platform", "linux")
    lacks = start_lacks(tmp_path / "ketadesk.sqlite", {"DISPLAY": ":0"})
    assert [lack.stops_start for lack in lacks] == [True, True, False]
    assert str(lacks[0]).startswith("KetaDesk cannot open its window: Qt's X11 (xcb) platform needs libxcb-cursor")
    assert "cannot be written" in str(lacks[1]) and "No alert chime" in str(lacks[2])
    assert start_lacks(tmp_path / "ketadesk.sqlite", {"QT_QPA_PLATFORM": "offscreen"})[-1].stops_start


def test_the_gui_command_says_a_note_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the chime is missing: one note on stderr, then the window starts as usual."""
    started: list[tuple[Path, list[str]]] = []
    monkeypatch.setattr(system_needs, "_loads", lambda _soname: False)
    monkeypatch.setattr(system_needs.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland")  # not xcb, so no X library is looked for
    from ketadesk.ui.window import app

    monkeypatch.setattr(app, "run_gui", lambda path, *_args, notes, **_kw: started.append((path, notes)) or 0)
    assert main(["--db", str(tmp_path / "clinic.sqlite"), "gui"]) == 0
    chime = (
        "No alert chime: libpulse.so.0 is missing, so alerts ring the system bell. "
        "Install with: sudo apt install libpulse0"
    )
    assert started == [(tmp_path / "clinic.sqlite", [chime])]  # said in the status bar too, for a start from the menu
    assert capsys.readouterr().err.splitlines() == [f"ketadesk: note: {chime}"]


def test_the_gui_command_stops_at_a_folder_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new clinic in a folder that cannot be written: one line, a failure exit, no file made."""
    monkeypatch.setattr(system_needs, "_writable", _never)
    code = main(["--db", str(tmp_path / "clinic.sqlite"), "gui"])
    assert code == EXIT_FAILED
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"ketadesk: The data folder {tmp_path} cannot be written")
    assert not (tmp_path / "clinic.sqlite").exists()
