"""The bedside GUI: Enter → reading everywhere, the board's 1 Hz tick, idle CPU, program start and memory.

Every step runs in a fresh interpreter (``python -m bench.ui STEP``, one JSON object on
stdout), so no step inherits another's heap, caches or readings, and Qt draws offscreen
(``QT_QPA_PLATFORM=offscreen``, set here when unset: the machine has no display).

- ``enter`` — a small clinic (a temporary file, six chairs, six patients mid-infusion or in
  observation, every visit with readings), the main window built around it with a
  :class:`FakeClock`, one visit's workspace open on Monitoring. Each repetition types a set
  into the vitals row through the keyboard (Tab between the boxes), then the clock starts,
  ``QTest.keyClick(focused box, Key_Return)``, and the clock stops only when the reading is
  committed **and** the readings table has its row **and** the SBP curve has its point
  **and** the board tile shows it as the latest reading **and** ``processEvents()`` has run
  so the repaints are done (paint events on the table and the chart are counted to prove it).
- ``tick`` — the same clinic: ``MainWindow.tick()`` with the visit in front (board + that
  workspace, what happens each second while a nurse charts), ``ChairBoard.tick()`` alone,
  and ``MainWindow.tick()`` with the board in front followed by ``processEvents()`` (the
  whole second's work on the board, repaint included). The clock moves 1 s between ticks.
- ``idle`` — the real 1 Hz QTimer and the Qt event loop for some seconds of real time, the
  window shown on the board (and then again with the visit in front), with a clock that
  runs in real time from the clinic's moment so the timers' text changes every second like
  on the ward. Process CPU time (user + system, all threads) over wall time, as % of one core.
- ``profile-enter`` / ``profile-tick`` — cProfile of those hot paths (printed when a goal is missed).

Program start and memory are measured by :mod:`bench.ui_start`, one fresh process per start,
from the wall clock the parent notes just before starting it.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.clinic_gen.vocabulary import BENCH_PASSWORD, NURSES
from bench.stats import summary
from bench.ui_steps import step_enter, step_idle, step_profile_enter, step_profile_tick, step_tick

REPO = Path(__file__).resolve().parent.parent
# Issue 17: Enter ≤ 30 ms p95 at any count up to 500 readings in the visit; the start ≤ 3× a bare window's.
GOALS = {
    "enter_ms": 30.0,
    "tick_ms": 5.0,
    "idle_cpu_pct": 2.0,
    "start_ratio": 3.0,
    "enter_at_door_s": 0.5,
    "start_check_s": 2.0,
    "rss_mib": 300.0,
}
ONE_VISIT_READINGS = 500
"""Presses into one visit, so the last third is measured at 330–500 readings (the issue's "up to 500")."""


# ---------------------------------------------------------------------------- the parent side


def _env() -> dict[str, str]:
    """The children's environment: offscreen Qt unless told otherwise, and this checkout's code first.

    ``bench/ui_start.py`` runs as a script, so without ``PYTHONPATH`` it would import
    KetaDesk from wherever the package is installed rather than from this tree.
    """
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def _child(*args: str) -> Any:
    """Run ``python -m bench.ui ARGS`` in a fresh interpreter and return its JSON."""
    command = [sys.executable, "-m", "bench.ui", *args]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, env=_env())
    if done.returncode != 0:
        raise RuntimeError(f"bench.ui {args[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def _start_once(kind: str, db: Path, ini: Path) -> dict[str, Any]:
    """One start in a fresh process, timed from just before the process is created."""
    command = [sys.executable, str(REPO / "bench" / "ui_start.py"), kind, "--db", str(db), "--ini", str(ini)]
    env = _env()
    if kind in ("gui", "door"):
        command += ["--login", NURSES[0][0]]
        env["KETADESK_BENCH_PASSWORD"] = BENCH_PASSWORD
    spawned = time.time()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"bench/ui_start.py {kind} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    result["start_s"] = result["ready_epoch"] - spawned
    result["interpreter_s"] = result["top_epoch"] - spawned
    return result


def _cli_once(db: Path, home: Path) -> float:
    """``ketadesk gui --exit-after-start`` as a whole process (start, first paint, quit), by the parent's clock."""
    env = _env()
    env["XDG_CONFIG_HOME"] = str(home)  # its preferences file, not the user's
    command = [sys.executable, "-m", "ketadesk", "--db", str(db), "gui", "--exit-after-start"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"ketadesk gui --exit-after-start failed:\n{done.stderr}")
    return elapsed


def compile_package() -> None:
    """KetaDesk's bytecode, written beside its source as an installed program has it.

    pip compiles an installed package, the Debian package compiles at installation and the
    bundle carries bytecode; a checkout run with ``PYTHONDONTWRITEBYTECODE`` (as this project's
    machines set it) would otherwise compile every module from source at every start, about
    0.1 s that no clinic's workstation pays.
    """
    if not compileall.compile_dir(REPO / "ketadesk", quiet=1):
        raise RuntimeError("ketadesk could not be compiled to bytecode")


def step_start(db: Path, runs: int) -> dict[str, Any]:
    """``runs`` starts on ``db`` signed in, at the door, and of a bare PySide6 window, interleaved, after a warm-up."""
    gui: list[dict[str, Any]] = []
    door: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    cli: list[float] = []
    compile_package()
    with tempfile.TemporaryDirectory(prefix="ketadesk-bench-ui-") as folder:
        ini, home = Path(folder) / "prefs.ini", Path(folder) / "config"
        for kind in ("bare", "gui", "door"):
            _start_once(kind, db, ini)
        for _ in range(runs):
            bare.append(_start_once("bare", db, ini))
            gui.append(_start_once("gui", db, ini))
            door.append(_start_once("door", db, ini))
            cli.append(_cli_once(db, home))

    def steps(results: list[dict[str, Any]]) -> dict[str, float]:
        keys = results[0]["steps_s"].keys()
        return {k: statistics.median(r["steps_s"][k] for r in results) for k in keys}

    gui_s = [r["start_s"] for r in gui]
    bare_s = [r["start_s"] for r in bare]
    return {
        "db": str(db),
        "runs": runs,
        "gui": {
            **summary(gui_s),
            "interpreter": summary([r["interpreter_s"] for r in gui]),
            "steps_median_s": steps(gui),
            "board_visits": gui[-1]["board_visits"],
            "tiles": gui[-1]["tiles"],
            "tiles_with_visit": gui[-1]["tiles_with_visit"],
            "tiles_filled": all(r["tiles_filled"] for r in gui),
            "tile_1": gui[-1]["tile_1"],
        },
        "bare": {
            **summary(bare_s),
            "interpreter": summary([r["interpreter_s"] for r in bare]),
            "steps_median_s": steps(bare),
        },
        "door": {
            **summary([r["steps_s"]["door_painted"] + r["interpreter_s"] for r in door]),
            "steps_median_s": steps(door),
            "enter_to_board": summary([r["enter_to_board_s"] for r in door]),
            "warm_up": summary([r["warm_up_s"] for r in door]),
            "start_check": summary([r["start_check_s"] for r in door]),
            "start_check_said": door[-1]["start_check"],
            "tiles_filled": all(r["tiles_filled"] for r in door),
        },
        "ratio_to_bare": statistics.median(gui_s) / statistics.median(bare_s),
        "door_ratio_to_bare": statistics.median(r["steps_s"]["door_painted"] + r["interpreter_s"] for r in door)
        / statistics.median(bare_s),
        "difference_ms": (statistics.median(gui_s) - statistics.median(bare_s)) * 1000,
        "difference_per_run": summary([g - b for g, b in zip(gui_s, bare_s, strict=True)]),
        "cli_exit_after_start": summary(cli),
        "memory": {
            "gui_rss_mib": statistics.median(r["memory_kib"]["VmRSS"] / 1024 for r in gui),
            "gui_hwm_mib": max(r["memory_kib"]["VmHWM"] / 1024 for r in gui),
            "bare_rss_mib": statistics.median(r["memory_kib"]["VmRSS"] / 1024 for r in bare),
            "bare_hwm_mib": max(r["memory_kib"]["VmHWM"] / 1024 for r in bare),
        },
    }


def missed(result: dict[str, Any]) -> list[str]:
    """The goals this run missed, by name."""
    names = []
    if "enter" in result and result["enter"]["six_chairs"]["p95_ms"] >= GOALS["enter_ms"]:
        names.append("enter")
    if (
        "one_visit" in result.get("enter", {})
        and result["enter"]["one_visit"]["last_third"]["p95_ms"] >= GOALS["enter_ms"]
    ):
        names.append("enter at 500 readings")
    if "tick" in result and result["tick"]["window_tick_board_in_front"]["p95_ms"] >= GOALS["tick_ms"]:
        names.append("tick")
    if "idle" in result and result["idle"]["board_in_front"]["cpu_pct_of_one_core"] >= GOALS["idle_cpu_pct"]:
        names.append("idle")
    if "start" in result:
        if result["start"]["ratio_to_bare"] > GOALS["start_ratio"]:
            names.append("start")
        if result["start"]["door_ratio_to_bare"] > GOALS["start_ratio"]:
            names.append("start at the door")
        if result["start"]["door"]["enter_to_board"]["p95_ms"] >= GOALS["enter_at_door_s"] * 1000:
            names.append("enter at the door")
        if result["start"]["door"]["start_check"]["p95_ms"] > GOALS["start_check_s"] * 1000:
            names.append("check at start")
        if result["start"]["memory"]["gui_hwm_mib"] >= GOALS["rss_mib"]:
            names.append("memory")
    return names


def run(db: Path, report: Callable[[str], None], *, quick: bool = False) -> dict[str, Any]:
    """Every GUI benchmark, each in a fresh process; profiles of the hot paths whose goal was missed."""
    enter_reps, tick_reps, idle_s, starts = (100, 200, 10.0, 5) if quick else (150, 300, 20.0, 7)
    result: dict[str, Any] = {"platform": _env()["QT_QPA_PLATFORM"]}
    load: dict[str, tuple[float, ...]] = {}
    report(f"bedside GUI: Enter → reading everywhere ({enter_reps} presses) ...")
    load["enter"] = os.getloadavg()
    result["enter"] = _child("enter", "--reps", str(enter_reps), "--single-reps", str(ONE_VISIT_READINGS))
    report(f"  board tick ({tick_reps} ticks each) ...")
    load["tick"] = os.getloadavg()
    result["tick"] = _child("tick", "--reps", str(tick_reps))
    report(f"  idle CPU ({idle_s:.0f} s on the board, {idle_s:.0f} s with a visit in front) ...")
    load["idle"] = os.getloadavg()
    result["idle"] = _child("idle", "--seconds", str(idle_s))
    report(f"  program start on {db.name} and a bare PySide6 window ({starts} each, interleaved) ...")
    load["start"] = os.getloadavg()
    result["start"] = step_start(db, starts)
    load["end"] = os.getloadavg()
    result["load_average_before_each_step"] = load
    profiles = {}
    for name in missed(result):
        if name in ("enter", "tick", "idle"):
            step = "profile-enter" if name == "enter" else "profile-tick"
            if step not in profiles:
                report(f"  {name} goal missed; profiling ...")
                profiles[step] = _child(step)
    if profiles:
        result["profiles"] = profiles
    result["missed"] = missed(result)
    return result


def main(argv: list[str] | None = None) -> None:
    """Run one step in this process and print its JSON."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(
        prog="python -m bench.ui", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=("enter", "tick", "idle", "profile-enter", "profile-tick", "start"))
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--single-reps", type=int, help="enter: presses into one growing visit (0: none)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db", type=Path, help="the database to start on (start)")
    args = parser.parse_args(argv)
    result: Any
    if args.step == "enter":
        result = step_enter(args.reps or 150, args.warmup, 150 if args.single_reps is None else args.single_reps)
    elif args.step == "tick":
        result = step_tick(args.reps or 300, args.warmup)
    elif args.step == "idle":
        result = step_idle(args.seconds)
    elif args.step == "profile-enter":
        result = step_profile_enter(args.reps or 100)
    elif args.step == "profile-tick":
        result = step_profile_tick(args.reps or 300)
    else:
        if args.db is None:
            parser.error("start needs --db")
        result = step_start(args.db, args.reps or 7)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
