"""The check at every start, as the window runs it: after the door is painted and the working page's modules have
loaded, off the window's thread; nothing wrong is a passing note, a change behind the program's back a warning
that stays, no checkpoint a line saying a full check is needed, a failed check a warning — never a crash."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QStatusBar
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic, StoreError
from ketadesk.clinic.check_since import SinceCheck, StartCheck
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.window.app import after_door, build_main_window
from ketadesk.ui.window.main_window import MainWindow
from ketadesk.ui.window.start_check import StartCheckLine
from ketadesk.ui.window.status import StatusLine
from tests.behind import behind_the_programs_back
from tests.helpers import make_patient, read_only_clinic


@pytest.fixture
def door(
    qtbot: QtBot, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """The window as ``ketadesk gui`` opens it: at the sign-in screen, as the program itself."""
    built = build_main_window(
        db_path,
        clock,
        protocol=default_protocol,
        settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
        require_sign_in=False,
    )
    qtbot.addWidget(built)
    built.show()
    built.start()
    yield built
    built.stop()
    built.close()
    built.clinic.close()


def _full_check_then_register(clinic: Clinic, nurse: Clinic, patients: int) -> None:
    done = clinic.maintenance.full_check()
    assert done.problems == () and done.checkpoint is not None, done.note
    for n in range(patients):
        nurse.patients.register(make_patient(mrn=f"KD-6{n:04d}"))


def _checked_at_door(qtbot: QtBot, window: MainWindow, *, threaded: bool = True) -> StartCheckLine:
    warm_up, checking = after_door(window, threaded=threaded)
    qtbot.waitUntil(checking.done, timeout=20_000)
    assert warm_up.done
    return checking


def test_nothing_wrong_is_a_passing_note_naming_the_last_full_check(
    qtbot: QtBot, clinic: Clinic, nurse: Clinic, door: MainWindow
) -> None:
    """A clean full check, then a nurse's work: at the next start the check passes and says so for a while."""
    _full_check_then_register(clinic, nurse, 3)
    checking = _checked_at_door(qtbot, door)
    assert checking.result is not None and checking.result.ok, checking.result
    assert checking.result.entries_checked >= 3
    assert checking.line.isHidden()
    notice = door.status.notice
    assert notice.isVisible() and "Record checked at start: nothing wrong since the full check of" in notice.said
    assert f"{checking.result.entries_checked:,} audit entries written since it, checked" in notice.toolTip()
    assert checking.seconds is not None and checking.seconds < 20


def test_a_change_behind_the_programs_back_stays_as_a_warning(
    qtbot: QtBot, clinic: Clinic, nurse: Clinic, db_path: Path, door: MainWindow
) -> None:
    """A role raised by raw SQL after the full check: a warning that stays, every problem in its tooltip."""
    _full_check_then_register(clinic, nurse, 1)
    with behind_the_programs_back(db_path) as raw:
        raw.execute("UPDATE users SET roles = 'administrator,nurse' WHERE login = 'nurse'")
    checking = _checked_at_door(qtbot, door)
    assert checking.result is not None and checking.result.problems
    assert checking.line.isVisible() and checking.said.startswith("⚠ Record check at start: 1 problem — user nurse")
    assert "user nurse: roles are" in checking.line.toolTip()
    assert "tell the administrator" in checking.line.toolTip()
    assert checking.line.accessibleDescription() == checking.line.toolTip()
    assert checking.line.fontMetrics().horizontalAdvance(checking.line.text()) <= 530


def test_without_a_full_check_it_says_one_is_needed(qtbot: QtBot, door: MainWindow) -> None:
    """A clinic never fully checked: a line that stays, saying a full check is needed and who runs it."""
    checking = _checked_at_door(qtbot, door, threaded=False)
    assert checking.result is not None and checking.result.full_check_needed
    assert checking.line.isVisible()
    assert checking.said == "Record not checked at start: a full check is needed"
    assert "ketadesk check" in checking.line.toolTip() and "no checkpoint" in checking.line.toolTip()


def test_a_check_that_fails_is_a_warning_and_the_window_goes_on(
    qtbot: QtBot, door: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check itself failing on its own connection (a file gone bad): said in the status bar, nothing raised."""

    def damaged(_: StartCheck) -> None:
        raise StoreError("the database file is damaged (page 12)")

    monkeypatch.setattr(StartCheck, "run", damaged)
    checking = _checked_at_door(qtbot, door)
    assert checking.result is None and checking.error == "the database file is damaged (page 12)"
    assert checking.said == "⚠ The record could not be checked at start: the database file is damaged (page 12)"
    assert door.stack.currentWidget() is door.door_page  # the door still waits for a password


def test_the_check_waits_for_the_warm_up_and_runs_on_its_own_connection(
    qtbot: QtBot, door: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started after the last module of the warm-up, never on the window's thread or its connection."""
    seen: list[tuple[bool, bool]] = []
    original = StartCheck.run

    def watched(job: StartCheck) -> SinceCheck:
        seen.append((threading.current_thread() is threading.main_thread(), warm_up.done))
        return original(job)

    monkeypatch.setattr(StartCheck, "run", watched)
    warm_up, checking = after_door(door)
    assert not checking.done() and not checking.running()  # nothing runs before the event loop turns
    qtbot.waitUntil(checking.done, timeout=20_000)
    assert seen == [(False, True)]
    assert checking.result is not None


def test_a_read_only_file_is_checked_too(
    qtbot: QtBot, clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """A file that can only be read (a copy on a read-only share) is checked as well: the check writes nothing."""
    _full_check_then_register(clinic, nurse, 2)
    clinic.close()
    nurse.close()
    with read_only_clinic(db_path, clock, default_protocol) as looking:
        bar = QStatusBar()
        qtbot.addWidget(bar)
        status = StatusLine(bar)
        checking = StartCheckLine(bar, status, threaded=False)
        checking.start(looking)
        assert checking.result is not None and checking.result.ok, checking.result
        status.stop()
