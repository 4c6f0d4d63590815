"""One workstation of two on one clinic server, run in a process of its own by tests/ui/test_ui_two_workstations.py.

    python -m tests.ui.workstation_probe SPEC.json OUT.json

The window is the program's own (offscreen, signed in as the spec's nurse, on the real
clock, its own one-second timer running). Each round it records a reading on its own chair's
visit and one on the visit both workstations chart, through its window's clinic session, then
runs its event loop (the timer ticks the board as in the program) until its board shows the
other workstation's reading of that round on both visits. It writes when it saved
each reading and when its board first showed each of the other's, as wall-clock times the test
compares across the two processes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.server_watch import signed_in_window

DEADLINE_S = 10.0


def _heart_rate(window: object, visit_id: int) -> int | None:
    """The heart rate of the latest reading the board shows for ``visit_id``."""
    for visit in window.board.visits:  # type: ignore[attr-defined]
        if visit.id == visit_id and visit.latest is not None:
            return int(visit.latest.vitals.hr)
    return None


def run(spec: dict[str, object]) -> dict[str, object]:
    """The rounds of one workstation; what it saved and what it saw, with wall-clock times."""
    app, window = signed_in_window(str(spec["url"]), str(spec["login"]), str(spec["password"]))
    own, shared, theirs = int(spec["own"]), int(spec["shared"]), int(spec["theirs"])  # type: ignore[call-overload]
    mine, other = int(spec["hr_base"]), int(spec["other_hr_base"])  # type: ignore[call-overload]
    saved: list[float] = []
    seen: list[float] = []
    start_at = float(spec["start_at"])  # type: ignore[arg-type]
    while time.time() < start_at:  # both begin together
        time.sleep(0.01)
    for round_ in range(int(spec["rounds"])):  # type: ignore[call-overload]
        hr = mine + round_
        for visit_id in (own, shared):
            window.clinic.bedside.record_vitals(visit_id, sbp=120, dbp=80, hr=hr, spo2=98, rr=14)
        saved.append(time.time())
        expected = other + round_
        deadline = time.perf_counter() + DEADLINE_S
        while True:
            app.processEvents()
            # Their chair shows this round of theirs, or a later one if they are ahead; so does the shared
            # visit, unless ours came after theirs.
            latest = _heart_rate(window, theirs)
            on_shared = _heart_rate(window, shared)
            if latest is not None and latest >= expected and on_shared is not None and on_shared >= min(expected, hr):
                seen.append(time.time())
                break
            if time.perf_counter() > deadline:
                raise SystemExit(f"round {round_}: the other workstation's reading never showed")
            time.sleep(0.01)  # between two turns of the event loop
    window.stop()
    window.close()
    window.clinic.close()
    return {"saved": saved, "seen": seen}


def main() -> None:
    """Read the spec, run, write what happened."""
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    Path(sys.argv[2]).write_text(json.dumps(run(spec)), encoding="utf-8")


if __name__ == "__main__":
    main()
