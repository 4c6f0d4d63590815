"""A start imports what its first screen needs; the working page's modules load while the door waits.

Measured in ``make bench`` (start to the sign-in screen, and Enter at it to the board); these
tests hold the design that makes those figures: a fresh process that opens a clinic at its door
has not loaded sqlite-utils, the reports, the visit workspace or the board, and the warm-up
loads them afterwards, one a turn of the event loop, then runs what follows it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.ui.window.warm_up import WORK_MODULES, WarmUp

ROOT = Path(__file__).resolve().parents[2]

# What the door must not need: each is loaded on first use, or by the warm-up once the door is painted.
NOT_AT_THE_DOOR = (
    "sqlite_utils",
    "numpy",
    "psycopg",  # only a clinic on a server needs it (a file's anchors once loaded it, 90 ms of every start)
    "pyqtgraph",
    "reportlab",
    "ketadesk.clinic.reporting",
    "ketadesk.clinic.demo",
    "ketadesk.reports.fhir",
    "ketadesk.ui.board",
    "ketadesk.ui.visit.workspace",
    "ketadesk.ui.review.screen",
    "ketadesk.ui.course.screen",
)

_AT_THE_DOOR = """
import json, sys
from pathlib import Path
from ketadesk.ui.window.app import application, build_main_window
application()
window = build_main_window(Path(sys.argv[1]), require_sign_in=False)
print(json.dumps({"door": type(window.door_page).__name__, "loaded": sorted(sys.modules)}))
window.clinic.close()
"""


def test_the_door_opens_without_the_working_pages_modules(clinic: Clinic, db_path: Path, tmp_path: Path) -> None:
    """A fresh process at the sign-in screen of a clinic with staff has loaded none of what comes after it."""
    clinic.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _AT_THE_DOOR, str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["door"] == "SignInScreen"
    loaded = set(answer["loaded"])
    assert [name for name in NOT_AT_THE_DOOR if name in loaded] == []
    assert "ketadesk.clinic.accounts" in loaded  # what the door does need: the password's check


def test_the_warm_up_loads_each_module_then_runs_what_follows(qtbot: QtBot) -> None:
    """Every module is imported, one a turn; a module that cannot be imported is left for its first use."""
    owner = QWidget()
    qtbot.addWidget(owner)
    followed: list[str] = []
    modules = ("json", "ketadesk.no_such_module", WORK_MODULES[-1])
    warm = WarmUp(owner, then=lambda: followed.append("then"), modules=modules)
    assert not warm.done
    warm.start()
    assert not warm.done and followed == []  # nothing until the event loop turns: the door paints first
    qtbot.waitUntil(lambda: warm.done, timeout=30_000)
    assert followed == ["then"]
    assert WORK_MODULES[-1] in sys.modules


def test_an_empty_warm_up_is_done_at_once(qtbot: QtBot) -> None:
    """Nothing to load: done from the start, and ``then`` is not run for nothing."""
    owner = QWidget()
    qtbot.addWidget(owner)
    followed: list[str] = []
    warm = WarmUp(owner, then=lambda: followed.append("then"), modules=())
    warm.start()
    assert warm.done and followed == []
