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
import cProfile
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.stats import summary

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ketadesk.core.clock import FakeClock
    from ketadesk.ui.window.main_window import MainWindow

REPO = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
CHAIRS = 6
MAX_SPINS = 100_000  # event-loop rounds to wait for a reading to show everywhere before calling it lost
SETTLE_MS = 30  # events processed before each timed Enter, so nothing left over from the typing is counted
GOALS = {"enter_ms": 50.0, "tick_ms": 5.0, "idle_cpu_pct": 2.0, "start_s": 1.5, "rss_mib": 300.0}


# ---------------------------------------------------------------------------- the small clinic


@dataclass
class SmallClinic:
    """Six chairs in use, built through the clinic API on a fake clock."""

    path: Path
    clock: FakeClock
    visits: dict[int, int]  # chair → visit id


def _protocol() -> Any:
    from ketadesk.clinic.config import default_protocol_text
    from ketadesk.core.protocol import load_protocol

    return load_protocol(default_protocol_text(), override_text=f"[clinic]\nchairs = {CHAIRS}\n")


def build_small_clinic(path: Path) -> SmallClinic:
    """Six patients in six chairs: three in observation, three infusing; readings every 10 minutes.

    Chairs 4–6 start at 9:00, have readings at 10, 20, 30 and 40 minutes and stop at 41
    minutes (observation); chairs 1–3 start at 9:20 with readings every 10 minutes. The
    clock ends at 9:45: chairs 1–3 are 25 minutes into their infusion, 4–6 four minutes into
    observation. Every visit has its baseline and at least three readings during the infusion.
    """
    from bench.staff import staff_nurse
    from ketadesk.clinic import Clinic
    from ketadesk.core.clock import FakeClock
    from ketadesk.core.patient import Diagnosis, Patient, Sex

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    protocol = _protocol()
    clock = FakeClock(START - timedelta(minutes=30))
    clinic = Clinic.open(path, clock, protocol)
    nurse = staff_nurse(clinic, "nurse")
    names = [
        ("Okafor", "Amara"),
        ("Lindqvist", "Anders"),
        ("García", "Lucía"),
        ("Nguyen", "Minh"),
        ("Kowalski", "Zofia"),
        ("Haddad", "Karim"),
    ]
    visits: dict[int, int] = {}
    for chair, (family, given) in enumerate(names, start=1):
        patient = Patient(
            f"KD-B{chair:04d}",
            family,
            given,
            date(1970 + chair * 3, chair, 10 + chair),
            Sex.FEMALE if chair % 2 else Sex.MALE,
            60.0 + chair * 4,
            (Diagnosis.PTSD,),
        )
        patient_id = nurse.patients.register(patient).created_id
        assert patient_id is not None
        course_id = nurse.scheduling.plan_course(patient_id, clinic.today()).created_id
        visit_id = nurse.scheduling.schedule_visit(patient_id, clinic.today(), chair, course_id=course_id).created_id
        assert visit_id is not None
        nurse.infusion.start_pre_assessment(visit_id)
        for item in protocol.pre_infusion_checklist:
            if not item.automatic:
                nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
        nurse.infusion.record_weight(visit_id, str(60 + chair * 4))
        nurse.bedside.record_vitals(visit_id, sbp=120 + chair, dbp=76, hr=70 + chair, spo2=98, rr=14)
        nurse.infusion.prepare_dose(visit_id, "0.5", f"LOT-{chair}")
        visits[chair] = visit_id
    early, late = [visits[c] for c in (4, 5, 6)], [visits[c] for c in (1, 2, 3)]
    clock.set(START)
    for visit_id in early:
        nurse.infusion.start_infusion(visit_id)
    for minute in range(1, 46):
        clock.set(START + timedelta(minutes=minute))
        if minute == 20:
            for visit_id in late:
                nurse.infusion.start_infusion(visit_id)
        for visit_id in early:
            if minute in (10, 20, 30, 40):
                nurse.bedside.record_vitals(visit_id, sbp=128 + minute // 10, dbp=80, hr=76, spo2=97, rr=14)
            if minute == 41:
                nurse.infusion.stop_infusion(visit_id)
        for visit_id in late:
            if minute in (30, 40):
                nurse.bedside.record_vitals(visit_id, sbp=130 + minute // 10, dbp=82, hr=78, spo2=98, rr=15)
    clinic.close()
    return SmallClinic(path, clock, visits)


def _window(small: SmallClinic, ini: Path, clock: Any = None) -> MainWindow:
    from PySide6.QtCore import QSettings

    from bench.clinic_gen.vocabulary import BENCH_PASSWORD
    from ketadesk.ui.window.app import build_main_window, settle_memory

    window = build_main_window(
        small.path,
        clock or small.clock,
        protocol=_protocol(),
        sign_in=("nurse", BENCH_PASSWORD),
        settings=QSettings(str(ini), QSettings.Format.IniFormat),
    )
    # The window of the earlier runs, whatever the offscreen screen's size: the chart in view, so it paints.
    window.resize(1280, 860)
    window.show()
    _app().processEvents()
    settle_memory()  # as run_gui does once the window is up
    return window


def _app() -> QApplication:
    from ketadesk.ui.window.app import application

    return application()


@contextmanager
def _small_window(clock: Any = None) -> Iterator[tuple[SmallClinic, MainWindow]]:
    with tempfile.TemporaryDirectory(prefix="ketadesk-bench-ui-") as folder:
        small = build_small_clinic(Path(folder) / "clinic.sqlite")
        window = _window(small, Path(folder) / "prefs.ini", clock)
        try:
            yield small, window
        finally:
            window.stop()
            window.close()
            window.clinic.close()


class _PaintCounter:
    """Counts paint events on some widgets (a QObject event filter, made lazily so Qt is imported late)."""

    def __init__(self, widgets: dict[str, Any]) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.counts = dict.fromkeys(widgets, 0)
        counts = self.counts
        paint = QEvent.Type.Paint

        class _Filter(QObject):
            def __init__(self, name: str) -> None:
                super().__init__()
                self.name = name

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
                if event.type() == paint:
                    counts[self.name] += 1
                return False

        self.filters = []
        for name, widget in widgets.items():
            watcher = _Filter(name)
            widget.installEventFilter(watcher)
            self.filters.append(watcher)

    def snapshot(self) -> dict[str, int]:
        """The counts so far."""
        return dict(self.counts)


# ---------------------------------------------------------------------------- Enter → everywhere


def _values(n: int) -> dict[str, str]:
    """A normal set (no alerts), different from the one before, so every check sees new numbers."""
    return {
        "sbp": str(110 + n % 40),
        "dbp": str(70 + n % 15),
        "hr": str(62 + n % 30),
        "spo2": str(95 + n % 5),
        "rr": str(12 + n % 6),
    }


@dataclass
class _Bed:
    """One chair's visit as the Enter benchmark drives it: its workspace and the places a reading must reach."""

    chair: int
    workspace: Any
    paints: _PaintCounter


def _enter_setup(
    small: SmallClinic, window: MainWindow, chairs: tuple[int, ...]
) -> Callable[[int, cProfile.Profile | None], dict[str, Any]]:
    """One Enter press, checked everywhere; returns the function that does repetition ``n``.

    Each of ``chairs`` gets its visit's workspace (a tab each, on Monitoring); repetition
    ``n`` charts in chair ``chairs[n % len(chairs)]``, switching tabs before the typing.
    With a profiler, only the Return press and what follows it is profiled, not the typing.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app = _app()
    from ketadesk.ui.kit.writes import bus_for

    committed: list[int] = []
    bus_for(window.clinic).published.connect(lambda changes, _origin, _by: committed.append(changes.created_id))
    beds = []
    for chair in chairs:
        workspace = window.open_visit(small.visits[chair])
        workspace.tabs.setCurrentWidget(workspace.monitoring)
        section = workspace.monitoring
        paints = _PaintCounter(
            {
                "table": section.readings_table.viewport(),
                "chart": section.chart.viewport(),
                "row": section.vitals_row.fields["sbp"],
            }
        )
        beds.append(_Bed(chair, workspace, paints))
    window.activateWindow()
    app.processEvents()

    def once(n: int, profiler: cProfile.Profile | None = None) -> dict[str, Any]:
        bed = beds[n % len(beds)]
        workspace, section, tile = bed.workspace, bed.workspace.monitoring, window.board.tile(bed.chair)
        row, table, curve = section.vitals_row, section.readings_table, section.curves["sbp"]
        if window.tabs.currentWidget() is not workspace:
            window.tabs.setCurrentWidget(workspace)
            QTest.qWait(SETTLE_MS)  # the tab is shown, laid out and painted before anything is timed
        # Each chair's sets a minute or more apart: a second set in the same minute asks whether it is a duplicate.
        small.clock.advance(seconds=max(10, -(-60 // len(beds))))
        values = _values(n)
        row.fields["sbp"].setFocus()
        for key in ("sbp", "dbp", "hr", "spo2", "rr"):
            focused = workspace.focusWidget()
            assert focused is row.fields[key], f"focus is on {focused}, not {key}"
            QTest.keyClicks(focused, values[key])
            QTest.keyClick(focused, Qt.Key.Key_Tab)
        focused = workspace.focusWidget()
        assert focused is row.fields["temp_c"], "Tab did not walk SBP → DBP → HR → SpO2 → RR → Temp"
        QTest.qWait(SETTLE_MS)  # the typing is drawn before the clock starts
        ys = curve.getData()[1]
        rows_before, points_before, commits_before = table.rowCount(), 0 if ys is None else len(ys), len(committed)
        before = bed.paints.snapshot()
        expected_tile = f"BP {values['sbp']}/{values['dbp']} · HR {values['hr']}"
        if profiler is not None:
            profiler.enable()
        cpu_start = time.process_time()
        start = time.perf_counter()
        QTest.keyClick(focused, Qt.Key.Key_Return)
        synchronous = time.perf_counter() - start  # commit, every redraw in code; painting comes after
        spins = 0
        while True:
            ys = curve.getData()[1]
            painted = bed.paints.snapshot()
            done = (
                len(committed) == commits_before + 1
                and table.rowCount() == rows_before + 1
                and table.item(0, 1).text() == values["sbp"]
                and ys is not None
                and len(ys) == points_before + 1
                and int(ys[-1]) == int(values["sbp"])
                # The board behind the visit tab only goes stale (it redraws when shown: the redraw contract).
                and (tile.latest.text().startswith(expected_tile) or window.board.stale)
                and painted["table"] > before["table"]
                and painted["chart"] > before["chart"]
            )
            if done or spins > MAX_SPINS:
                break
            app.processEvents()
            spins += 1
        app.processEvents()  # and whatever those paints posted
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        if profiler is not None:
            profiler.disable()
        if not done:
            asked = [d.objectName() for d in (row.duplicate_question, row.confirm_dialog) if d and d.isVisible()]
            raise RuntimeError(
                f"repetition {n}: the reading did not reach every place (the row says {row.message.text()!r}; "
                f"open questions: {asked or 'none'}; rows {rows_before}→{table.rowCount()}, first "
                f"{table.item(0, 1).text() if table.rowCount() else '-'}, points {points_before}→"
                f"{0 if ys is None else len(ys)}, commits {commits_before}→{len(committed)}, tile "
                f"{tile.latest.text()!r}, stale {window.board.stale}, painted {before}→{bed.paints.snapshot()})"
            )
        after = bed.paints.snapshot()
        return {
            "seconds": elapsed,
            "cpu_seconds": cpu,
            "synchronous_seconds": synchronous,
            "spins": spins,
            "readings": table.rowCount(),
            "painted": {k: after[k] - before[k] for k in after},
        }

    return once


def _enter_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    times = [r["seconds"] for r in runs]
    third = max(1, len(runs) // 3)
    return {
        **summary(times),
        "cpu": summary([r["cpu_seconds"] for r in runs]),
        "until_key_returns": summary([r["synchronous_seconds"] for r in runs]),
        "events_and_paint": summary([r["seconds"] - r["synchronous_seconds"] for r in runs]),
        "readings_in_visit": {"min": min(r["readings"] for r in runs), "max": max(r["readings"] for r in runs)},
        "first_third": summary(times[:third]),
        "last_third": summary(times[-third:]),
        "table_painted_every_time": all(r["painted"]["table"] > 0 for r in runs),
        "chart_painted_every_time": all(r["painted"]["chart"] > 0 for r in runs),
        "row_painted_every_time": all(r["painted"]["row"] > 0 for r in runs),
        "needed_extra_event_rounds": sum(1 for r in runs if r["spins"]),
    }


def step_enter(reps: int, warmup: int, single_reps: int) -> dict[str, Any]:
    """Enter → committed, in the table, on the chart and on the tile, painted.

    ``six_chairs``: ``reps`` presses after ``warmup``, going round the six chairs, so each
    visit ends near 30 readings (the ten-year clinic's visits have 26 at the median, 31 at
    most). ``one_visit``: ``single_reps`` presses into chair 1 alone, so its visit grows far
    beyond any real one — how the cost grows with the number of readings.
    """
    result: dict[str, Any] = {"reps": reps, "warmup": warmup}
    with _small_window() as (small, window):
        once = _enter_setup(small, window, tuple(range(1, CHAIRS + 1)))
        for n in range(warmup):
            once(n, None)
        result["six_chairs"] = _enter_runs([once(warmup + n, None) for n in range(reps)])
    if single_reps:
        with _small_window() as (small, window):
            once = _enter_setup(small, window, (1,))
            for n in range(warmup):
                once(n, None)
            result["one_visit"] = _enter_runs([once(warmup + n, None) for n in range(single_reps)])
    return result


# ---------------------------------------------------------------------------- the 1 Hz tick


def step_tick(reps: int, warmup: int) -> dict[str, Any]:
    """``MainWindow.tick`` with the visit in front, ``ChairBoard.tick`` alone, and tick + repaint on the board."""
    app = _app()
    with _small_window() as (small, window):
        states = [t.phase.text() for t in window.board.tiles]
        active = sum(1 for t in window.board.tiles if t.visit_id is not None)
        workspace = window.open_visit(small.visits[1])
        workspace.tabs.setCurrentWidget(workspace.monitoring)
        app.processEvents()

        def timed(call: Callable[[], None], paint: bool = False) -> dict[str, Any]:
            wall, cpu = [], []
            for i in range(warmup + reps):
                small.clock.advance(seconds=1)
                cpu_start = time.process_time()
                start = time.perf_counter()
                call()
                if paint:
                    app.processEvents()
                if i >= warmup:
                    wall.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - cpu_start)
                elif paint:
                    app.processEvents()
            return {**summary(wall), "cpu": summary(cpu)}

        with_visit = timed(window.tick)
        with_visit_painted = timed(window.tick, paint=True)
        window.show_board()
        app.processEvents()
        board_only = timed(window.board.tick)
        window_on_board = timed(window.tick)
        painted = timed(window.tick, paint=True)
        return {
            "active_chairs": active,
            "tile_phases": states,
            "reps": reps,
            "warmup": warmup,
            "window_tick_visit_in_front": with_visit,
            "window_tick_visit_in_front_painted": with_visit_painted,
            "board_tick": board_only,
            "window_tick_board_in_front": window_on_board,
            "window_tick_board_in_front_painted": painted,
        }


# ---------------------------------------------------------------------------- idle CPU


class RunningClock:
    """Real time, counted from a chosen moment: the timers move every second as on the ward."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        """The chosen moment plus the real time since this clock was made, in whole milliseconds."""
        moment = self._start + timedelta(seconds=time.monotonic() - self._origin)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def _idle_once(app: QApplication, window: MainWindow, seconds: float) -> dict[str, Any]:
    from PySide6.QtCore import QTimer

    ticks = [0]
    window.timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    app.processEvents()
    window.start()
    user0, sys0 = _cpu()
    process0 = time.process_time()
    wall0 = time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    wall = time.perf_counter() - wall0
    process = time.process_time() - process0
    user1, sys1 = _cpu()
    window.stop()
    return {
        "wall_s": wall,
        "cpu_s": process,
        "user_s": user1 - user0,
        "system_s": sys1 - sys0,
        "cpu_pct_of_one_core": 100 * process / wall,
        "ticks": ticks[0],
    }


def step_idle(seconds: float) -> dict[str, Any]:
    """The real 1 Hz timer for ``seconds`` on the board, then as long with the visit in front."""
    app = _app()
    with tempfile.TemporaryDirectory(prefix="ketadesk-bench-ui-") as folder:
        small = build_small_clinic(Path(folder) / "clinic.sqlite")
        clock = RunningClock(small.clock.now())
        window = _window(small, Path(folder) / "prefs.ini", clock)
        try:
            window.show_board()
            app.processEvents()
            on_board = _idle_once(app, window, seconds)
            on_board["active_chairs"] = sum(1 for t in window.board.tiles if t.visit_id is not None)
            workspace = window.open_visit(small.visits[1])
            workspace.tabs.setCurrentWidget(workspace.monitoring)
            visit = _idle_once(app, window, seconds)
        finally:
            window.stop()
            window.close()
            window.clinic.close()
    return {"board_in_front": on_board, "visit_in_front": visit}


# ---------------------------------------------------------------------------- profiles


def _profile_text(profiler: cProfile.Profile, top: int = 25) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def step_profile_enter(reps: int) -> str:
    """cProfile of ``reps`` Enter presses (after a warm-up), typing excluded."""
    with _small_window() as (small, window):
        once = _enter_setup(small, window, tuple(range(1, CHAIRS + 1)))
        for n in range(10):
            once(n, None)
        profiler = cProfile.Profile()
        for n in range(reps):
            once(10 + n, profiler)
        return _profile_text(profiler)


def step_profile_tick(reps: int) -> str:
    """cProfile of ``reps`` board ticks with the board in front, repaint included."""
    app = _app()
    with _small_window() as (small, window):
        window.show_board()
        app.processEvents()
        profiler = cProfile.Profile()
        for _ in range(reps):
            small.clock.advance(seconds=1)
            profiler.enable()
            window.tick()
            app.processEvents()
            profiler.disable()
        return _profile_text(profiler)


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
    spawned = time.time()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, env=_env())
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


def step_start(db: Path, runs: int) -> dict[str, Any]:
    """``runs`` starts of the program on ``db`` and of a bare PySide6 window, interleaved, after one warm-up each."""
    gui: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    cli: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ketadesk-bench-ui-") as folder:
        ini, home = Path(folder) / "prefs.ini", Path(folder) / "config"
        _start_once("bare", db, ini)
        _start_once("gui", db, ini)
        for _ in range(runs):
            bare.append(_start_once("bare", db, ini))
            gui.append(_start_once("gui", db, ini))
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
    if "tick" in result and result["tick"]["window_tick_board_in_front"]["p95_ms"] >= GOALS["tick_ms"]:
        names.append("tick")
    if "idle" in result and result["idle"]["board_in_front"]["cpu_pct_of_one_core"] >= GOALS["idle_cpu_pct"]:
        names.append("idle")
    if "start" in result:
        if result["start"]["gui"]["median_ms"] >= GOALS["start_s"] * 1000:
            names.append("start")
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
    result["enter"] = _child("enter", "--reps", str(enter_reps))
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
