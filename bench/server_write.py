"""One vitals set committed on a PostgreSQL clinic server: the clinic API next to a bare psycopg insert + commit.

The same comparison as :mod:`bench.write` makes on SQLite, on one durable server (``fsync`` on,
``synchronous_commit = on``, over the local Unix socket): each variant on a database of its
own, set up the same way (one visit infusing, made through the clinic API), run interleaved
so a change in the disk's mood hits all of them.

- ``bare``: one ``INSERT INTO vitals`` and ``COMMIT`` on a plain psycopg connection.
- ``bare_audit``: the same plus what the store adds to every write on a server: the write
  lock (``pg_advisory_xact_lock``), the last audit hash, SHA-256 in Python, ``INSERT INTO
  audit`` — one transaction, one commit.
- ``api``: ``Clinic.bedside.record_vitals`` from typed text (role and phase checks,
  validation, alerts, the vitals row and its keyed audit row, commit) on a FakeClock moved
  30 s between calls.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg

from bench.write import START, VITALS_INSERT, Runner, api_runner, interleaved, prepare
from ketadesk.core.clock import to_utc_iso
from ketadesk.store.pg_engine import WRITE_LOCK

VARIANTS = ("bare", "bare_audit", "api")


def _bare(url: str, *, with_audit: bool) -> Runner:
    setup = prepare(url)
    visit_id, nurse_id = setup.visit_id, setup.nurse_id
    setup.clinic.close()
    conn: psycopg.Connection[tuple[Any, ...]] = psycopg.connect(url)
    vitals_insert = VITALS_INSERT.replace("?", "%s")
    # The id given, as the store gives it (the audit row's MAC covers it), not the identity sequence's.
    audit_insert = (
        "INSERT INTO audit (id, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    moment = [START + timedelta(hours=1)]

    def once() -> float:
        moment[0] += timedelta(seconds=30)
        stamp = to_utc_iso(moment[0])
        values = (visit_id, stamp, 128, 80, 76, 98, 14, None, "manual", "", 0, stamp, nurse_id, None, 0)
        start = time.perf_counter()
        if with_audit:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        row = conn.execute(vitals_insert + " RETURNING id", values).fetchone()
        if with_audit:
            last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            audit_id, prev = (last[0] + 1, last[1]) if last else (1, "")
            after = f'{{"visit_id":{visit_id},"taken_at":"{stamp}","sbp":128}}'
            digest = hashlib.sha256(f"{prev}{stamp}{after}".encode()).hexdigest()
            assert row is not None
            conn.execute(
                audit_insert, (audit_id, stamp, nurse_id, "vitals", "vitals", row[0], None, after, prev, digest)
            )
        conn.commit()
        return time.perf_counter() - start

    return once, conn.close


def run(database: Callable[[], str], reps: int, rounds: int = 10, warmup: int = 20) -> dict[str, object]:
    """Time every variant ``reps`` times, interleaved in ``rounds`` blocks; each on a new database from ``database``."""
    runners: dict[str, Runner] = {
        "bare": _bare(database(), with_audit=False),
        "bare_audit": _bare(database(), with_audit=True),
        "api": api_runner(database()),
    }
    return interleaved(runners, reps, rounds, warmup)
