"""Two workstation processes on one clinic server: each charts its own chair and the same visit, each board shows
the other's readings within 2 s, and nothing is lost (``check`` passes, every reading is there).

Each workstation is tests/ui/workstation_probe.py in a process of its own, the program's
window offscreen on the real clock, its board ticked as the window's timer ticks it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ketadesk.clinic import Clinic
from ketadesk.core.clock import SystemClock
from ketadesk.core.protocol import Protocol
from tests.helpers import PASSWORDS, set_up_staff, visit_today

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 4
GOAL_S = 2.0


def _visit(nurse: Clinic, mrn: str, chair: int) -> int:
    visit = visit_today(nurse, mrn, chair)
    nurse.infusion.start_pre_assessment(visit)
    return visit


def test_each_board_shows_the_others_readings_within_two_seconds_and_nothing_is_lost(
    postgresql_url: str, default_protocol: Protocol, tmp_path: Path
) -> None:
    """Four rounds, each workstation a reading on its chair and one on the shared visit; seen, counted, checked."""
    clinic = Clinic.open(postgresql_url, SystemClock(), default_protocol)
    try:
        set_up_staff(clinic)
        nurse = clinic.sign_in("nurse", PASSWORDS["nurse"])
        first, second, shared = _visit(nurse, "KD-30001", 1), _visit(nurse, "KD-30002", 2), _visit(nurse, "KD-30003", 3)
    finally:
        clinic.close()
    start_at = time.time() + 8.0  # both processes up (Qt, the window, the sign-in) before the first round
    runs = []
    for n, (own, theirs, base, other) in enumerate(((first, second, 60, 90), (second, first, 90, 60))):
        spec = {
            "url": postgresql_url,
            "login": "nurse",
            "password": PASSWORDS["nurse"],
            "own": own,
            "theirs": theirs,
            "shared": shared,
            "hr_base": base,
            "other_hr_base": other,
            "rounds": ROUNDS,
            "start_at": start_at,
        }
        (tmp_path / f"spec{n}.json").write_text(json.dumps(spec), encoding="utf-8")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
        env["XDG_DATA_HOME"], env["XDG_CONFIG_HOME"] = str(tmp_path / f"data{n}"), str(tmp_path / f"config{n}")
        command = [sys.executable, "-m", "tests.ui.workstation_probe", str(tmp_path / f"spec{n}.json")]
        runs.append(
            subprocess.Popen([*command, str(tmp_path / f"out{n}.json")], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        )
    for process in runs:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()[-2000:]
    a, b = (json.loads((tmp_path / f"out{n}.json").read_text(encoding="utf-8")) for n in (0, 1))
    # How long after one workstation saved a round its reading was on the other's board.
    lags = [seen - saved for seen, saved in zip(b["seen"], a["saved"], strict=True)]
    lags += [seen - saved for seen, saved in zip(a["seen"], b["saved"], strict=True)]
    assert len(lags) == 2 * ROUNDS
    assert max(lags) < GOAL_S, lags
    print(f"seen on the other board after {sorted(round(lag, 3) for lag in lags)} s")
    opened = Clinic.open(postgresql_url, SystemClock(), default_protocol)
    try:
        nurse = opened.sign_in("nurse", PASSWORDS["nurse"])
        rates = {v: sorted(r.vitals.hr for r in nurse.visits.get(v).detail.vitals) for v in (first, second, shared)}
        assert rates == {
            first: [60, 61, 62, 63],
            second: [90, 91, 92, 93],
            shared: [60, 61, 62, 63, 90, 91, 92, 93],
        }
        assert opened.maintenance.check(quick=True) == []
    finally:
        opened.close()
