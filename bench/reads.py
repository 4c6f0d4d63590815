"""One read step of the ten-year benchmark, in a fresh process so its peak RSS is its own.

``python -m bench.reads STEP --db FILE --now ISO`` prints one JSON object. Steps:
``open`` (``Clinic.open``), ``board`` (``Clinic.visits.board(today)``), ``history``
(``Clinic.patients.history``), ``largest`` (the largest history, the first call in the
process) and ``check`` (``Clinic.maintenance.check()``, what ``ketadesk check`` runs: the
full integrity_check, or SQLite's quick_check with ``--quick``, then keys, schema, the
keyed audit chain and its anchors, every signature, users and every record against the
audit trail). The database file is in the OS page cache (it was just written), so "first
call" means a cold SQLite cache in a new process, not a cold disk.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
from collections import Counter
from contextlib import closing
from datetime import date, datetime
from typing import Any

from bench.stats import peak_rss_mib, summary
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import load_protocol
from ketadesk.store.db import open_store

PROTOCOL = load_protocol(default_protocol_text())


def _open(db: str, now: datetime) -> Clinic:
    return Clinic.open(db, FakeClock(now), PROTOCOL)


def _ask(db: str, sql: str) -> list[Any]:
    """What the benchmark needs to choose its subjects, on a connection of its own (not the clinic's cache)."""
    with closing(open_store(db, migrate=False)) as store:
        return [tuple(row) for row in store.all(sql)]


def step_open(db: str, now: datetime, reps: int) -> dict[str, object]:
    """Open the database the way the program does, first in this process and then again and again."""
    rss_before = peak_rss_mib()
    start = time.perf_counter()
    clinic = _open(db, now)
    first = time.perf_counter() - start
    clinic.close()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        clinic = _open(db, now)
        times.append(time.perf_counter() - start)
        clinic.close()
    return {
        "first_ms": first * 1000,
        "repeat": summary(times),
        "rss_before_mib": rss_before,
        "rss_peak_mib": peak_rss_mib(),
    }


def step_board(db: str, now: datetime, reps: int) -> dict[str, object]:
    """Today's board with timers: the first call after opening, then ``reps`` more; and the busiest day's."""
    busiest = _ask(db, "SELECT scheduled_date, count(*) FROM visits GROUP BY scheduled_date ORDER BY 2 DESC, 1 DESC")[0]
    clinic = _open(db, now)
    rss_open = peak_rss_mib()
    day = clinic.today()
    start = time.perf_counter()
    board = clinic.visits.board(day)
    first = time.perf_counter() - start
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        clinic.visits.board(day)
        times.append(time.perf_counter() - start)
    busy_day = date.fromisoformat(busiest[0])
    busy_times = []
    for _ in range(max(3, reps // 5)):
        start = time.perf_counter()
        busy = clinic.visits.board(busy_day)
        busy_times.append(time.perf_counter() - start)
    clinic.close()
    phases = Counter(str(v.phase) for v in board)
    return {
        "day": day.isoformat(),
        "visits": len(board),
        "phases": dict(phases),
        "unacknowledged_alerts": sum(1 for v in board if v.unacknowledged_alerts),
        "first_ms": first * 1000,
        "repeat": summary(times),
        "busiest_day": {"day": busy_day.isoformat(), "visits": len(busy), "timing": summary(busy_times)},
        "rss_after_open_mib": rss_open,
        "rss_peak_mib": peak_rss_mib(),
    }


def step_history(db: str, now: datetime, reps: int, seed: int, sample: int) -> dict[str, object]:
    """Whole histories of ``sample`` random patients (first call and ``reps`` repeats each), and the largest one."""
    visit_counts = dict(_ask(db, "SELECT patient_id, count(*) FROM visits GROUP BY patient_id"))
    largest = max(visit_counts, key=lambda p: (visit_counts[p], -p))
    patients = random.Random(seed).sample(sorted(visit_counts), min(sample, len(visit_counts)))
    clinic = _open(db, now)
    rss_open = peak_rss_mib()
    first, repeat, best, visits, vitals = [], [], [], [], []
    for patient_id in patients:
        start = time.perf_counter()
        history = clinic.patients.history(patient_id)
        first.append(time.perf_counter() - start)
        visits.append(len(history.visits))
        vitals.append(sum(len(v.vitals) for v in history.visits))
        again = []
        for _ in range(reps):
            start = time.perf_counter()
            clinic.patients.history(patient_id)
            again.append(time.perf_counter() - start)
        repeat.extend(again)
        best.append(min([first[-1], *again]))
    big_times = []
    for _ in range(max(3, reps)):
        start = time.perf_counter()
        big = clinic.patients.history(largest)
        big_times.append(time.perf_counter() - start)
    clinic.close()
    return {
        "patients_sampled": len(patients),
        "visits_per_history": {"median": statistics.median(visits), "max": max(visits)},
        "vitals_per_history": {"median": statistics.median(vitals), "max": max(vitals)},
        "first": summary(first),
        "repeat": summary(repeat),
        "best_per_patient": summary(best),
        "largest": {
            "patient_id": largest,
            "visits": len(big.visits),
            "vitals": sum(len(v.vitals) for v in big.visits),
            "timing": summary(big_times),
        },
        "rss_after_open_mib": rss_open,
        "rss_peak_mib": peak_rss_mib(),
    }


def step_largest(db: str, now: datetime) -> dict[str, object]:
    """The largest patient's whole history, the first call in this fresh process (as a screen's first open).

    Opening the clinic and loading its patients' area are the program's start, not timed;
    the call itself runs on a cold SQLite cache and cold Python caches.
    """
    visit_counts = dict(_ask(db, "SELECT patient_id, count(*) FROM visits GROUP BY patient_id"))
    largest = max(visit_counts, key=lambda p: (visit_counts[p], -p))
    clinic = _open(db, now)
    patients = clinic.patients  # the area's modules: loaded at start by the program
    start = time.perf_counter()
    history = patients.history(largest)
    first = time.perf_counter() - start
    clinic.close()
    return {
        "patient_id": largest,
        "visits": len(history.visits),
        "vitals": sum(len(v.vitals) for v in history.visits),
        "first_ms": first * 1000,
    }


def step_check(db: str, now: datetime, quick: bool = False) -> dict[str, object]:
    """``Clinic.maintenance.check(quick=quick)`` once, as ``ketadesk check [--quick]`` runs it: every part of it."""
    clinic = _open(db, now)
    start = time.perf_counter()
    problems = clinic.maintenance.check(quick=quick)
    elapsed = time.perf_counter() - start
    audit_rows = clinic.audit.count()
    clinic.close()
    return {
        "quick": quick,
        "seconds": elapsed,
        "problems": problems,
        "audit_rows": audit_rows,
        "rss_peak_mib": peak_rss_mib(),
        # The check's worker processes (the largest of them, KiB on Linux), their mapped file's pages included.
        "rss_peak_workers_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    """Run one step and print its JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.reads", description=__doc__)
    parser.add_argument("step", choices=("open", "board", "history", "largest", "check"))
    parser.add_argument("--db", required=True, help="the clinic's file, or a postgresql:// URL")
    parser.add_argument("--now", required=True, help="the moment the clinic clock shows (ISO-8601, aware)")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--sample", type=int, default=100, help="patients whose history is loaded")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="check: quick_check instead of the full integrity_check")
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now)
    if args.step == "open":
        result = step_open(args.db, now, args.reps)
    elif args.step == "board":
        result = step_board(args.db, now, args.reps)
    elif args.step == "history":
        result = step_history(args.db, now, args.reps, args.seed, args.sample)
    elif args.step == "largest":
        result = step_largest(args.db, now)
    else:
        result = step_check(args.db, now, args.quick)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
