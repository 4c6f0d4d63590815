"""`ketadesk gui --exit-after-start` opens the window at its door, says which screen in one line, and closes.

The frozen program's smoke test (tests/packaging) relies on this line to know the window
really came up; here the same command runs from the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ketadesk.clinic import Clinic

ROOT = Path(__file__).resolve().parents[2]


def start_once(database: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run the program's GUI command offscreen on ``database`` until it has started."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "ketadesk", "--db", str(database), "gui", "--exit-after-start"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=90,
        check=False,
    )


def test_a_clinic_with_staff_starts_at_sign_in(clinic: Clinic, db_path: Path, tmp_path: Path) -> None:
    """Staff exist: the sign-in screen, the window titled with the clinic's name."""
    name = clinic.protocol.clinic_name
    clinic.close()
    done = start_once(db_path, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"KetaDesk started at sign_in_screen: KetaDesk — {name}"]


def test_a_new_database_starts_at_the_first_start(tmp_path: Path) -> None:
    """Nobody can sign in yet: the first-start screen."""
    done = start_once(tmp_path / "new.sqlite", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("KetaDesk started at first_start_screen: KetaDesk — ")
