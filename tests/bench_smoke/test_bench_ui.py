"""The GUI benchmarks still drive the real window: a change to the screens cannot silently break them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic
from tests.helpers import PASSWORDS


@pytest.mark.parametrize(
    ("step", "extra"),
    [("enter", ["--reps", "2", "--warmup", "0", "--single-reps", "1"]), ("tick", ["--reps", "2", "--warmup", "0"])],
)
def test_a_gui_benchmark_step_runs(step: str, extra: list[str], pytestconfig: pytest.Config) -> None:
    """``python -m bench.ui STEP`` with a few repetitions finishes and reports its figures as JSON."""
    root: Path = pytestconfig.rootpath
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.ui", step, *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["reps"] == 2


def test_the_start_benchmark_signs_in_at_the_door(clinic: Clinic, db_path: Path, pytestconfig: pytest.Config) -> None:
    """``bench/ui_start.py door``: the sign-in screen painted, the warm-up and the check at start done, then Enter
    to a painted board."""
    done_check = clinic.maintenance.full_check()
    assert done_check.checkpoint is not None, done_check.note
    clinic.close()
    root: Path = pytestconfig.rootpath
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(root),
        "KETADESK_BENCH_PASSWORD": PASSWORDS["nurse"],
    }
    command = [sys.executable, str(root / "bench" / "ui_start.py"), "door", "--db", str(db_path)]
    command += ["--ini", str(db_path.with_suffix(".ini")), "--login", "nurse"]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    steps = figures["steps_s"]
    assert steps["door_painted"] <= steps["warmed"] <= steps["checked"] <= steps["board_painted"]
    assert figures["start_check"].startswith("ok, ") and 0 < figures["start_check_s"] < 20
    assert 0 < figures["enter_to_board_s"] < steps["board_painted"]
    assert figures["tiles_filled"]
