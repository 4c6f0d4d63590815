"""One vitals set recorded and committed durably: the clinic API next to a bare sqlite3 insert + commit.

Every variant writes to its own fresh file in the same folder (so on the same disk), set up
the same way: a KetaDesk database with one visit in the infusing phase. The variants run
interleaved, a block of each per round, so a change in the disk's mood hits all of them.

- ``bare``: ``BEGIN IMMEDIATE``; one ``INSERT INTO vitals``; ``COMMIT`` — plain sqlite3 with
  the store's pragmas (WAL, ``synchronous=FULL``, ``foreign_keys=ON``, busy timeout).
- ``bare_audit``: the same plus what the store adds to every write: read the last audit
  hash, SHA-256 in Python, ``INSERT INTO audit`` — still one transaction, one commit.
- ``api``: ``Clinic.bedside.record_vitals`` from typed text (role check, phase check, validation,
  alert classification, the vitals row and its audit row, commit), with a FakeClock
  moved 30 s between calls.
- ``bare_nosync`` and ``api_nosync``: the same with ``synchronous=OFF`` — not durable, a
  reference only, to show what is CPU and what is waiting for the disk.
"""

from __future__ import annotations

import cProfile
import hashlib
import io
import pstats
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.staff import staff_nurse
from bench.stats import summary
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock, to_utc_iso
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.protocol import load_protocol

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
VITALS_INSERT = (
    "INSERT INTO vitals (visit_id, taken_at, sbp, dbp, hr, spo2, rr, temp_c, source, alerts, is_baseline,"
    " entered_at, entered_by, corrects_id, entered_in_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
AUDIT_INSERT = (
    "INSERT INTO audit (at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class Setup:
    clinic: Clinic
    nurse: Clinic
    visit_id: int
    nurse_id: int
    clock: FakeClock


def prepare(path: Path | str) -> Setup:
    """A fresh database (a file, or an empty database on a server) with one visit infusing, made through the API."""
    if isinstance(path, Path):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    clock = FakeClock(START)
    protocol = load_protocol(default_protocol_text())
    clinic = Clinic.open(path, clock, protocol)
    nurse = staff_nurse(clinic, "rn.bench")
    patient = Patient("KD-BENCH", "Bench", "Patient", date(1980, 1, 2), Sex.FEMALE, 70.0, (Diagnosis.PTSD,))
    patient_id = nurse.patients.register(patient).created_id
    assert patient_id is not None
    course_id = nurse.scheduling.plan_course(patient_id, clinic.today()).created_id
    visit_id = nurse.scheduling.schedule_visit(patient_id, clinic.today(), 1, course_id=course_id).created_id
    assert visit_id is not None
    nurse.infusion.start_pre_assessment(visit_id)
    for item in protocol.pre_infusion_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
    nurse.infusion.record_weight(visit_id, "70")
    nurse.bedside.record_vitals(visit_id, sbp="122", dbp="78", hr="72", spo2="98", rr="14")
    nurse.infusion.prepare_dose(visit_id, "0.5", "LOT-1")
    nurse.infusion.start_infusion(visit_id)
    return Setup(clinic, nurse, visit_id, nurse.user.id, clock)


def _bare_connection(path: Path, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _bare(path: Path, *, synchronous: str, with_audit: bool) -> Runner:
    setup = prepare(path)
    visit_id, nurse_id = setup.visit_id, setup.nurse_id
    setup.clinic.close()
    conn = _bare_connection(path, synchronous)
    moment = [START + timedelta(hours=1)]

    def once() -> float:
        moment[0] += timedelta(seconds=30)
        stamp = to_utc_iso(moment[0])
        values = (visit_id, stamp, 128, 80, 76, 98, 14, None, "manual", "", 0, stamp, nurse_id, None, 0)
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        row_id = conn.execute(VITALS_INSERT, values).lastrowid
        if with_audit:
            prev = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
            after = f'{{"visit_id":{visit_id},"taken_at":"{stamp}","sbp":128}}'
            digest = hashlib.sha256(f"{prev}{stamp}{after}".encode()).hexdigest()
            conn.execute(AUDIT_INSERT, (stamp, nurse_id, "vitals", "vitals", row_id, None, after, prev, digest))
        conn.execute("COMMIT")
        return time.perf_counter() - start

    return once, conn.close


Runner = tuple[Callable[[], float], Callable[[], None]]  # one timed write, and what closes its database


def api_runner(path: Path | str, *, synchronous: str = "FULL") -> Runner:
    """``Clinic.bedside.record_vitals`` from typed text on a fresh database (a file, or a server's), 30 s apart."""
    setup = prepare(path)
    if synchronous != "FULL":
        setup.clinic.store.conn.execute(f"PRAGMA synchronous = {synchronous}")
    nurse, visit_id, clock = setup.nurse, setup.visit_id, setup.clock

    def once() -> float:
        clock.advance(seconds=30)
        start = time.perf_counter()
        nurse.bedside.record_vitals(visit_id, sbp="128", dbp="80", hr="76", spo2="98", rr="14")
        return time.perf_counter() - start

    return once, setup.clinic.close


def interleaved(runners: dict[str, Runner], reps: int, rounds: int, warmup: int) -> dict[str, object]:
    """Time every runner ``reps`` times, in ``rounds`` blocks taking turns; close them; summaries and API / bare."""
    timings: dict[str, list[float]] = {name: [] for name in runners}
    try:
        for once, _ in runners.values():
            for _ in range(warmup):
                once()
        per_round = max(1, reps // rounds)
        for _ in range(rounds):
            for name, (once, _) in runners.items():
                timings[name].extend(once() for _ in range(per_round))
    finally:
        for _, close in runners.values():
            close()
    result: dict[str, object] = {name: summary(values) for name, values in timings.items()}
    bare, api = summary(timings["bare"]), summary(timings["api"])
    result["ratio_median"] = api["median_ms"] / bare["median_ms"]
    result["ratio_p95"] = api["p95_ms"] / bare["p95_ms"]
    return result


def profile_api(folder: Path, calls: int = 300) -> str:
    """cProfile of ``calls`` durable API writes: the top functions by own time and by cumulative time."""
    once, close = api_runner(folder / "write-profile.sqlite")
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        for _ in range(calls):
            once()
        profiler.disable()
    finally:
        close()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(12)
    stats.sort_stats("cumulative").print_stats(25)
    return text.getvalue()


VARIANTS = ("bare", "bare_audit", "api", "bare_nosync", "api_nosync")


def run(folder: Path, reps: int, rounds: int = 10, warmup: int = 20) -> dict[str, object]:
    """Time every variant ``reps`` times, interleaved in ``rounds`` blocks; return their summaries."""
    folder.mkdir(parents=True, exist_ok=True)
    runners: dict[str, Runner] = {
        "bare": _bare(folder / "write-bare.sqlite", synchronous="FULL", with_audit=False),
        "bare_audit": _bare(folder / "write-bare-audit.sqlite", synchronous="FULL", with_audit=True),
        "api": api_runner(folder / "write-api.sqlite"),
        "bare_nosync": _bare(folder / "write-bare-nosync.sqlite", synchronous="OFF", with_audit=False),
        "api_nosync": api_runner(folder / "write-api-nosync.sqlite", synchronous="OFF"),
    }
    assert tuple(runners) == VARIANTS
    return interleaved(runners, reps, rounds, warmup)
