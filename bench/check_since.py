"""The check at every start on the ten-year clinic: a full check that leaves its checkpoint, ~50 vitals sets, then
``Clinic.maintenance.check_since_last_full_check`` in a fresh process, as a window's start would run it.

It runs on a copy of the ten-year file, with a key folder of its own (the copy is the same
installation: its writes would otherwise move the witness the original is compared with, and
the original would rightly read as rolled back). Each step is a fresh interpreter
(``python -m bench.check_since STEP``), so the check since starts with SQLite's cache cold,
as at a start; the file itself is in the OS page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.clinic_gen.vocabulary import BENCH_PASSWORD
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import load_protocol
from ketadesk.store import chain_key

GOAL_S = 2.0  # issue 17: the incremental check from the last keyed checkpoint, at every start
WRITES = 50
REPO = Path(__file__).resolve().parent.parent


def _open(db: str, clock: FakeClock) -> Clinic:
    return Clinic.open(db, clock, load_protocol(default_protocol_text()))


def step_full(db: str, now: datetime) -> dict[str, object]:
    """``Clinic.maintenance.full_check()``: what ``ketadesk check`` runs, the checkpoint's write included."""
    clinic = _open(db, FakeClock(now))
    start = time.perf_counter()
    done = clinic.maintenance.full_check()
    elapsed = time.perf_counter() - start
    audit_rows = clinic.audit.count()
    clinic.close()
    return {"seconds": elapsed, "problems": list(done.problems), "note": done.note, "audit_rows": audit_rows}


def step_write(db: str, now: datetime, count: int) -> dict[str, object]:
    """``count`` vitals sets typed by a nurse into the visits in the chairs, a minute apart, through the clinic API."""
    clock = FakeClock(now)
    clinic = _open(db, clock)
    login = clinic.store.one("SELECT login FROM users WHERE roles = 'nurse' AND active = 1 ORDER BY id")
    chairs = [int(r[0]) for r in clinic.store.all("SELECT visit_id FROM in_the_chair ORDER BY visit_id")]
    if login is None or not chairs:
        clinic.close()
        raise RuntimeError("the clinic has no nurse or no visit in a chair at the benchmark's time")
    nurse = clinic.sign_in(str(login[0]), BENCH_PASSWORD)
    written = 0
    start = time.perf_counter()
    while written < count:
        clock.advance(minutes=1)
        for visit_id in chairs[: count - written]:
            nurse.bedside.record_vitals(visit_id, sbp="124", dbp="78", hr="72", spo2="98", rr="14")
            written += 1
    elapsed = time.perf_counter() - start
    clinic.close()
    return {"written": written, "visits": len(chairs), "seconds": elapsed}


def step_since(db: str, now: datetime) -> dict[str, object]:
    """Open the clinic and run the check since the last full check, as a window's start would: both timed."""
    start = time.perf_counter()
    clinic = _open(db, FakeClock(now))
    opened = time.perf_counter() - start
    done = clinic.maintenance.check_since_last_full_check()
    elapsed = time.perf_counter() - start - opened
    clinic.close()
    return {
        "open_seconds": opened,
        "seconds": elapsed,
        "ok": done.ok,
        "problems": list(done.problems),
        "full_check_needed": done.full_check_needed,
        "entries_checked": done.entries_checked,
    }


def _step(step: str, db: Path, now: datetime, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.check_since", step, "--db", str(db), "--now", now.isoformat()]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"bench.check_since {step} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def run(tenyear_file: Path, now: datetime, report: Callable[[str], None]) -> dict[str, object]:
    """Copy the file and its keys aside, then full check, writes and the check since, each in a fresh process."""
    folder = tenyear_file.parent / "check-since"
    shutil.rmtree(folder, ignore_errors=True)
    keys = folder / "keys"
    shutil.copytree(chain_key.key_folder(), keys)
    copy = folder / tenyear_file.name
    for suffix in ("", "-wal"):
        if Path(f"{tenyear_file}{suffix}").exists():
            shutil.copy2(f"{tenyear_file}{suffix}", f"{copy}{suffix}")
    env = {**os.environ, chain_key.KEY_DIR_ENV: str(keys)}
    try:
        report("  the full check that leaves the checkpoint (a copy, keys of its own) ...")
        full = _step("full", copy, now, env)
        report(f"  {WRITES} vitals sets ...")
        written = _step("write", copy, now, env)
        report("  the check since the last full check, in a fresh process ...")
        since = _step("since", copy, now, env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"full": full, "write": written, "since": since}


def rows(c: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """The full check with its checkpoint, and the check since it against its goal of 2 s."""
    full, since, written = c["full"], c["since"], c["write"]
    clean = "[] OK" if full["problems"] == [] else f"{len(full['problems'])} problems MISS"
    verdict = "OK" if since["ok"] and since["seconds"] <= GOAL_S else "MISS"
    why = since["full_check_needed"] or f"{len(since['problems'])} problems"
    said = "" if since["ok"] else f" ({why})"
    entries = f"{written['written']} vitals sets ({since['entries_checked']:,} entries)"
    return [
        (
            f"ketadesk check, checkpoint recorded, {full['audit_rows']:,} audit rows",
            f"{full['seconds']:.1f} s",
            "",
            "",
            clean,
        ),
        (
            f"  check since the last full check, after {entries}",
            f"{since['seconds']:.2f} s",
            f"(open {since['open_seconds']:.2f})",
            f"≤ {GOAL_S:g} s",
            f"{verdict}{said}",
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    """Run one step and print its JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.check_since", description=__doc__)
    parser.add_argument("step", choices=("full", "write", "since"))
    parser.add_argument("--db", required=True, help="the clinic's file (a copy: the steps write)")
    parser.add_argument("--now", required=True, help="the moment the clinic clock shows (ISO-8601, aware)")
    parser.add_argument("--writes", type=int, default=WRITES)
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now)
    if args.step == "full":
        result = step_full(args.db, now)
    elif args.step == "write":
        result = step_write(args.db, now, args.writes)
    else:
        result = step_since(args.db, now)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
