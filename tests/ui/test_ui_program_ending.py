"""Ending the real program by ``kill`` (SIGTERM) or by the application quitting records the sign-out once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.window.ending import QuitHandlers
from ketadesk.ui.window.main_window import Page
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, give_passwords, guarded_window, quick_argon2, sign_in

ROOT = Path(__file__).resolve().parents[2]

# The program as ``ketadesk gui`` runs it (run_gui), offscreen; once its window is built the
# nurse signs in at the door, as a person would, and the process says so on stdout.
PROGRAM = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from PySide6.QtCore import QTimer

    import ketadesk.ui.window.app as app

    database, login, password = sys.argv[1:4]
    built = app.build_main_window

    def build(*args, **kwargs):
        window = built(*args, **kwargs)

        def sign_in():
            door = window.door_page
            door.login.setText(login)
            door.password.setText(password)
            door.sign_in()
            chairs = [tile.visit_id for tile in window.board.tiles]
            print("signed in", window.page.name, chairs, flush=True)

        QTimer.singleShot(0, sign_in)
        return window

    app.build_main_window = build
    sys.exit(app.run_gui(Path(database)))
    """
)


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing (the hash carries its cost, so the program checks it cheaply too)."""
    quick_argon2(monkeypatch)


def audit_actions(db_path: Path) -> list[str]:
    """The session entries of the audit trail, oldest first, with what ended a session the program ended."""
    with sqlite3.connect(db_path) as raw:
        rows = raw.execute(
            "SELECT action, json_extract(after, '$.ended_by') FROM audit"
            " WHERE action IN ('sign_in', 'sign_out') ORDER BY id"
        ).fetchall()
    return [f"{action}: {how}" if how else action for action, how in rows]


def test_sigterm_ends_the_session_in_the_audit_trail(
    clinic: Clinic, nurse: Clinic, visit_id: int, db_path: Path, tmp_path: Path
) -> None:
    """``kill`` of the running program, a patient infusing: no question blocks it, and the sign-out is recorded."""
    give_passwords(clinic)
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    earlier = len(audit_actions(db_path))  # the fixtures' own sign-ins
    script = tmp_path / "program.py"
    script.write_text(PROGRAM, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    program = subprocess.Popen(
        [sys.executable, str(script), str(db_path), "nurse", PASSWORDS["nurse"]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert program.stdout is not None
        line = program.stdout.readline()
        assert line.startswith("signed in WORK"), line + (program.stderr.read() if program.poll() is not None else "")
        assert f"[{visit_id}," in line, "last week's infusion is still on chair 1"
        assert audit_actions(db_path)[earlier:] == ["sign_in"]
        program.send_signal(signal.SIGTERM)
        _, err = program.communicate(timeout=30)
    finally:
        if program.poll() is None:
            program.kill()
            program.wait()
    assert program.returncode == 0, err
    assert "Traceback" not in err
    assert audit_actions(db_path)[earlier:] == ["sign_in", "sign_out: signal SIGTERM"]


def test_quitting_the_application_ends_the_session_once(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """The application's aboutToQuit and the desktop's log-out request end the session; the close after adds nothing."""
    give_passwords(clinic)
    earlier = len(audit_actions(db_path))  # the fixtures' own sign-ins
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    window = guarded_window(qtbot, db_path, clock, default_protocol, settings)
    sign_in(qtbot, window, "nurse", PASSWORDS["nurse"])
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window.start()
    handlers = QuitHandlers(app, window)
    try:
        handlers.on_log_out()
        # The desktop may yet cancel its log-out: the window waits at the sign-in screen, still ticking.
        assert window.page is Page.DOOR and window.stack.currentWidget() is window.door_page
        assert window.door_page is not None and window.door_page.objectName() == "sign_in_screen"
        assert window.timer.isActive()
        app.aboutToQuit.emit()
        window.close()
    finally:
        handlers.remove()
        window.clinic.close()
    assert audit_actions(db_path)[earlier:] == ["sign_in", "sign_out: desktop log-out"]
