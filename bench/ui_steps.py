"""The GUI benchmarks' child steps: Enter → reading everywhere, the 1 Hz tick, idle CPU, and their profiles.

Each runs in a fresh interpreter started by :mod:`bench.ui` (whose docstring says what each
step times and how); this module holds the work done inside that process.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.stats import summary
from bench.ui_clinic import CHAIRS, PaintCounter, SmallClinic, build_small_clinic, open_window, qt_app, small_window

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ketadesk.ui.window.main_window import MainWindow

MAX_SPINS = 100_000  # event-loop rounds to wait for a reading to show everywhere before calling it lost
SETTLE_MS = 30  # events processed before each timed Enter, so nothing left over from the typing is counted


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
    paints: PaintCounter


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

    app = qt_app()
    from ketadesk.ui.kit.writes import bus_for

    committed: list[int] = []
    bus_for(window.clinic).published.connect(lambda changes, _origin, _by: committed.append(changes.created_id))
    beds = []
    for chair in chairs:
        workspace = window.open_visit(small.visits[chair])
        workspace.tabs.setCurrentWidget(workspace.monitoring)
        section = workspace.monitoring
        paints = PaintCounter(
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
    with small_window() as (small, window):
        once = _enter_setup(small, window, tuple(range(1, CHAIRS + 1)))
        for n in range(warmup):
            once(n, None)
        result["six_chairs"] = _enter_runs([once(warmup + n, None) for n in range(reps)])
    if single_reps:
        with small_window() as (small, window):
            once = _enter_setup(small, window, (1,))
            for n in range(warmup):
                once(n, None)
            result["one_visit"] = _enter_runs([once(warmup + n, None) for n in range(single_reps)])
    return result


# ---------------------------------------------------------------------------- the 1 Hz tick


def step_tick(reps: int, warmup: int) -> dict[str, Any]:
    """``MainWindow.tick`` with the visit in front, ``ChairBoard.tick`` alone, and tick + repaint on the board."""
    app = qt_app()
    with small_window() as (small, window):
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
    app = qt_app()
    with tempfile.TemporaryDirectory(prefix="ketadesk-bench-ui-") as folder:
        small = build_small_clinic(Path(folder) / "clinic.sqlite")
        clock = RunningClock(small.clock.now())
        window = open_window(small, Path(folder) / "prefs.ini", clock)
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
    with small_window() as (small, window):
        once = _enter_setup(small, window, tuple(range(1, CHAIRS + 1)))
        for n in range(10):
            once(n, None)
        profiler = cProfile.Profile()
        for n in range(reps):
            once(10 + n, profiler)
        return _profile_text(profiler)


def step_profile_tick(reps: int) -> str:
    """cProfile of ``reps`` board ticks with the board in front, repaint included."""
    app = qt_app()
    with small_window() as (small, window):
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
