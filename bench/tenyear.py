"""A ten-year clinic: generate it with :mod:`bench.clinic_gen`, then time the reads a clinic does all day.

Generation runs in this process (its peak RSS is this process's). Each read step runs in
a fresh process (:mod:`bench.reads`), so "open" really is a first open and each step's
peak RSS is its own.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import cast

from bench import check_since, clinic_gen
from bench.stats import peak_rss_mib, summary
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.protocol import load_protocol
from ketadesk.store.db import open_store

REPO = Path(__file__).resolve().parent.parent
LARGEST_STARTS = 5  # fresh processes, each timing the largest history's first call (the "first call")


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def generate(path: Path, spec: clinic_gen.BulkSpec, report: Callable[[str], None]) -> dict[str, object]:
    """Write the clinic to a fresh ``path``; time it and count what was written."""
    _remove(path)
    protocol = load_protocol(default_protocol_text())
    start = time.perf_counter()
    store = open_store(path)
    last = None
    shown = -1
    for progress in clinic_gen.generate(store, protocol, spec):
        last = progress
        percent = progress.done * 100 // max(1, progress.total)
        if percent // 10 != shown // 10:
            shown = percent
            report(
                f"  generating: {progress.done:,}/{progress.total:,} visits, {progress.rows:,} rows, "
                f"{time.perf_counter() - start:.0f} s"
            )
    store.close()
    elapsed = time.perf_counter() - start
    assert last is not None
    return {
        "seconds": elapsed,
        "rows": last.rows,
        "counts": last.counts,
        "rows_per_second": last.rows / elapsed if elapsed else 0.0,
        "peak_rss_mib": peak_rss_mib(),
    }


def sizes(path: Path) -> dict[str, object]:
    """Bytes on disk (file, WAL, shared memory) and each table's share, indexes included (dbstat)."""
    files = {
        suffix or "db": Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    }
    per_table: dict[str, int] = {}
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
            for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
                table = owner.get(name, name)
                per_table[table] = per_table.get(table, 0) + int(size)
    except sqlite3.Error:
        per_table = {}
    ordered = dict(sorted(per_table.items(), key=lambda item: -item[1]))
    return {"files": files, "total_bytes": sum(files.values()), "per_table_bytes": ordered}


def read_step(step: str, path: Path | str, now: datetime, *extra: str) -> dict[str, object]:
    """Run one :mod:`bench.reads` step in a fresh interpreter and return its JSON."""
    command = [sys.executable, "-m", "bench.reads", step, "--db", str(path), "--now", now.isoformat(), *extra]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench.reads {step} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def reusable(path: Path, spec: clinic_gen.BulkSpec) -> bool:
    """True when ``path`` holds a finished load of ``spec``'s size."""
    if not path.exists():
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            patients = conn.execute("SELECT count(*) FROM patients").fetchone()[0]
            visits = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
    except sqlite3.Error:
        return False
    return bool(patients == spec.patients and visits == spec.visits)


def run(
    path: Path,
    spec: clinic_gen.BulkSpec,
    report: Callable[[str], None],
    *,
    reps: int,
    sample: int,
    check: bool = True,
    reuse: bool = False,
) -> dict[str, object]:
    """Generate, then open, board, history (and ``check`` full, quick, since its checkpoint); what the write-up uses."""
    assert spec.now is not None
    result: dict[str, object] = {
        "spec": {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(spec).items()},
        "file": str(path),
    }
    report(f"ten-year clinic: {spec.patients:,} patients, {spec.visits:,} visits, ~{spec.vitals:,} vitals sets")
    if reuse and reusable(path, spec):
        report(f"  reusing {path}")
        result["generate"] = {"reused": True}
    else:
        result["generate"] = generate(path, spec, report)
        report(f"  generated in {result['generate']['seconds']:.1f} s")  # type: ignore[index]
    result["size"] = sizes(path)
    report("  open ...")
    result["open"] = read_step("open", path, spec.now, "--reps", str(reps))
    report("  board ...")
    result["board"] = read_step("board", path, spec.now, "--reps", str(max(reps, 100)))
    report("  patient history ...")
    result["history"] = read_step("history", path, spec.now, "--reps", "3", "--sample", str(sample))
    report(f"  the largest patient history, first call in {LARGEST_STARTS} fresh processes ...")
    firsts = [read_step("largest", path, spec.now) for _ in range(LARGEST_STARTS)]
    result["largest_first"] = {**firsts[-1], "first": summary([cast(float, f["first_ms"]) / 1000 for f in firsts])}
    if check:
        report("  Clinic.maintenance.check(), the full integrity_check ...")
        result["check"] = read_step("check", path, spec.now)
        report("  Clinic.maintenance.check(quick=True) ...")
        result["check_quick"] = read_step("check", path, spec.now, "--quick")
        report("  Clinic.maintenance.check_since_last_full_check(), from a clean full check's checkpoint ...")
        result["check_since"] = check_since.run(path, spec.now, report)
    return result
