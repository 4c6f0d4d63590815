"""Before the window opens, a missing X library or display is named with the command that fixes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketadesk.cli import EXIT_FAILED, main
from ketadesk.ui import desktop
from ketadesk.ui.desktop import XCB_LIBRARIES, desktop_problem


def _without(*missing: str):  # type: ignore[no-untyped-def]
    return lambda soname: soname not in missing


def test_missing_libraries_are_named_with_their_install_command() -> None:
    """Two absent xcb libraries: both sonames, and one apt command with both packages."""
    problem = desktop_problem(
        {"DISPLAY": ":0"}, platform="linux", loads=_without("libxcb-cursor.so.0", "libxcb-icccm.so.4")
    )
    assert problem is not None
    text = str(problem)
    assert text.startswith("KetaDesk cannot open its window: ")
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in text
    assert text.endswith("Install with: sudo apt install libxcb-cursor0 libxcb-icccm4")


def test_nothing_to_check_off_x11_or_when_everything_is_there() -> None:
    """Offscreen, Wayland, another OS, or a complete desktop: no problem is reported."""
    everything = _without()
    assert desktop_problem({"QT_QPA_PLATFORM": "offscreen"}, platform="linux", loads=_without("libxcb.so.1")) is None
    assert desktop_problem({"QT_QPA_PLATFORM": "wayland"}, platform="linux", loads=_without("libxcb.so.1")) is None
    assert desktop_problem({}, platform="win32", loads=_without("libxcb.so.1")) is None
    assert desktop_problem({"DISPLAY": ":0"}, platform="linux", loads=everything) is None
    assert desktop_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":1"}, platform="linux", loads=everything) is None


def test_no_display_is_said_plainly() -> None:
    """With every library present but no DISPLAY, the reason is the display, not a library."""
    problem = desktop_problem({}, platform="linux", loads=_without())
    assert problem is not None and "there is no display" in str(problem)


def test_every_library_has_its_package() -> None:
    """The table names a Debian package for each library it checks."""
    assert all(soname.startswith("lib") and ".so." in soname and package for soname, package in XCB_LIBRARIES.items())


def test_gui_command_stops_with_the_message_instead_of_a_qt_abort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ketadesk gui`` on a desktop without libxcb-cursor exits with one line naming it."""
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(desktop, "_loads", _without("libxcb-cursor.so.0"))
    monkeypatch.setattr(desktop.sys, "platform", "linux")
    code = main(["--db", str(tmp_path / "clinic.sqlite"), "gui"])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED
    assert err.strip().splitlines() == [
        "ketadesk: KetaDesk cannot open its window: Qt's X11 (xcb) platform needs libxcb-cursor.so.0, which this "
        "system lacks. Install with: sudo apt install libxcb-cursor0"
    ]
    assert not (tmp_path / "clinic.sqlite").exists()


def test_the_readme_lists_the_same_packages(pytestconfig: pytest.Config) -> None:
    """The README's install line under the two commands names exactly the packages the check knows."""
    import re

    readme = (pytestconfig.rootpath / "README.md").read_text(encoding="utf-8")
    found = re.search(r"sudo apt install (libxcb1 .*?)\n\n", readme, re.S)
    assert found is not None
    assert sorted(found.group(1).replace("\\", " ").split()) == sorted(set(XCB_LIBRARIES.values()))
