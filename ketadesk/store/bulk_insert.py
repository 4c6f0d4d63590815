"""The store's bulk-insert seam: many rows in few transactions, for synthetic clinics only.

The ten-year benchmark clinic (``bench.clinic_gen``) writes millions of rows; one store
call and one ``COMMIT`` per row would take hours. This module is what such a loader needs
from the store, and nothing else: ids assigned up front (so parents and children can be
buffered together), ``executemany`` per table in one transaction per chunk, each audit
row sealed to the one before it exactly as :func:`audit.append` seals it, and the one
place where durability is relaxed (:func:`relaxed_durability`). The audit payloads come
from :mod:`ketadesk.store.payloads`, shared with the normal writes.

The storage rules still hold for what it writes: every chunk commits as one transaction,
the triggers (append-only, the signed-visit lock, the signature worklist, who is in a chair) run on every
row, and the audit chain verifies. Product code never calls it: a clinician's write goes
through the normal store functions, one transaction each, with ``synchronous = FULL``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from ketadesk.store import audit, chain_key
from ketadesk.store.chain_key import sealer
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError

# Column lists exactly as in schema.py (a test holds them to it), parents before children:
# the order rows are inserted in, so every foreign key points at a row already there.
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": (
        "id",
        "login",
        "display_name",
        "credentials",
        "roles",
        "password_hash",
        "active",
        "created_at",
        "failed_attempts",
        "locked_until",
    ),
    "signing_keys": ("id", "user_id", "public_key", "reason", "created_at", "by"),
    "signing_key_seals": ("id", "key_id", "kdf", "salt", "nonce", "sealed", "at"),
    "patients": ("id", "mrn", "created_at", "created_by"),
    "patient_revisions": (
        "id",
        "patient_id",
        "revision",
        "family_name",
        "given_name",
        "date_of_birth",
        "sex",
        "weight_kg",
        "diagnoses",
        "allergies",
        "medications",
        "substance_use",
        "substance_use_note",
        "contraindications",
        "recorded_at",
        "recorded_by",
    ),
    "courses": (
        "id",
        "patient_id",
        "template_key",
        "visits_per_week",
        "induction_count",
        "maintenance_interval_days",
        "start_date",
        "created_at",
        "created_by",
    ),
    "course_instruments": ("id", "course_id", "instruments", "at", "by"),
    "visits": ("id", "patient_id", "course_id", "sequence", "scheduled_date", "chair", "created_at", "created_by"),
    "visit_events": ("id", "visit_id", "phase", "at", "by", "reason"),
    "checklist_entries": ("id", "visit_id", "checklist", "item_key", "checked", "note", "at", "by"),
    "weights": ("id", "visit_id", "weight_kg", "at", "by"),
    "doses": (
        "id",
        "visit_id",
        "drug",
        "route",
        "mg_per_kg",
        "weight_kg",
        "dose_mg",
        "concentration_mg_per_ml",
        "volume_ml",
        "duration_min",
        "rate_ml_per_h",
        "lot_number",
        "at",
        "by",
    ),
    "vitals": (
        "id",
        "visit_id",
        "taken_at",
        "sbp",
        "dbp",
        "hr",
        "spo2",
        "rr",
        "temp_c",
        "source",
        "alerts",
        "is_baseline",
        "entered_at",
        "entered_by",
        "corrects_id",
        "entered_in_error",
        "confirmed_extremes",
    ),
    "acknowledgements": ("id", "visit_id", "subject", "subject_id", "note", "at", "by", "entered_by"),
    "adverse_events": ("id", "visit_id", "kind", "description", "onset_at", "at", "by"),
    "interventions": ("id", "visit_id", "adverse_event_id", "drug", "dose", "route", "given_at", "note", "at", "by"),
    "scores": ("id", "visit_id", "scale", "total", "items", "taken_at", "by"),
    "outcome_measures": (
        "id",
        "patient_id",
        "course_id",
        "visit_id",
        "instrument",
        "answers",
        "scores",
        "status",
        "total",
        "scoring_version",
        "rule_version",
        "mode",
        "entered_at",
        "entered_by",
        "corrects_id",
        "entered_in_error",
        "correction_reason",
    ),
    "risk_assessments": ("id", "measure_id", "patient_id", "visit_id", "level", "action", "at", "by"),
    "signatures": (
        "id",
        "visit_id",
        "addendum_id",
        "signer_id",
        "printed_name",
        "credentials",
        "meaning",
        "signed_at",
        "content_hash",
        "key_id",
        "signature",
    ),
    "record_signatures": ("id", "record", "record_id", "visit_id", "signer_id", "signed_at", "key_id", "signature"),
    "audit": ("id", "at", "actor_id", "action", "entity", "entity_id", "before", "after", "prev_hash", "hash", "mac"),
}
_INSERT = {
    table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for table, cols in COLUMNS.items()
}

# The page cache while loading (the store's own is 32 MiB): a chunk's index pages stay in memory.
BULK_CACHE_KIB = 256 * 1024


class BulkWriter:
    """Buffers rows per table with ids assigned here, and seals each audit row to the one before.

    Ids continue from each table's largest, so a loader may start on a store that already
    has rows (users, say); :meth:`flush` writes everything buffered in one transaction.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: dict[str, list[tuple[object, ...]]] = {t: [] for t in COLUMNS}
        self.next_id = {t: self._max_id(t) + 1 for t in COLUMNS}
        self.counts = dict.fromkeys(COLUMNS, 0)
        last = store.one("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        self.prev_hash: str = last[0] if last else audit.GENESIS
        secret = store.chain.secret  # each row's MAC under the installation's key, as audit.append seals it
        self.seal = sealer(secret) if secret is not None else None
        self.buffered = 0
        # Rows inserted after every other row of their chunk (see add_last), by table.
        self.last_rows: dict[str, list[tuple[object, ...]]] = {}

    def _max_id(self, table: str) -> int:
        row = self.store.one(f"SELECT max(id) FROM {table}")
        return int(row[0]) if row and row[0] is not None else 0

    def add(self, table: str, values: tuple[object, ...]) -> int:
        """Buffer one row (every column of :data:`COLUMNS` but the id) and return the id it will have."""
        row_id = self.next_id[table]
        self.next_id[table] = row_id + 1
        self.rows[table].append((row_id, *values))
        self.buffered += 1
        return row_id

    def add_last(self, table: str, values: tuple[object, ...]) -> int:
        """Like :meth:`add`, but the row goes in after every other row of its chunk.

        For a visit's "signed" step: the signed-visit lock refuses any row for a visit after
        that step, and one chunk can hold a visit's readings and, days later, its signature.
        The id is still taken now, in the order of what happened.
        """
        row_id = self.next_id[table]
        self.next_id[table] = row_id + 1
        self.last_rows.setdefault(table, []).append((row_id, *values))
        self.buffered += 1
        return row_id

    def audit(
        self,
        at: str,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None,
        before: str | None,
        after: str | None,
    ) -> int:
        """Buffer an audit row (payloads as canonical text) chained to the one before; return its id."""
        prev = self.prev_hash
        digest = audit.row_hash(prev, at, actor_id, action, entity, entity_id, before, after)
        row_id = self.next_id["audit"]
        self.next_id["audit"] = row_id + 1
        mac = self.seal(row_id, digest) if self.seal is not None else None
        self.rows["audit"].append((row_id, at, actor_id, action, entity, entity_id, before, after, prev, digest, mac))
        self.prev_hash = digest
        self.buffered += 1
        return row_id

    def flush(self) -> None:
        """Insert everything buffered in one transaction, parents first; a refusal becomes a StoreError."""
        if not self.buffered:
            return
        try:
            with self.store.transaction():
                for table, rows in self.rows.items():
                    if rows:
                        self.store.conn.executemany(_INSERT[table], rows)
                for table, rows in self.last_rows.items():
                    if rows:
                        self.store.conn.executemany(_INSERT[table], rows)
        except sqlite3.IntegrityError as error:
            raise StoreError(f"the bulk load was refused by the database: {error}") from error
        for table, rows in self.rows.items():
            self.counts[table] += len(rows)
            rows.clear()
        for table, rows in self.last_rows.items():
            self.counts[table] += len(rows)
            rows.clear()
        self.buffered = 0


def fixed_installation(store: Store, installation: str, secret: bytes) -> None:
    """Give a database whose audit chain has not begun this installation id and key (a synthetic clinic's own).

    The same spec then gives the same file, MACs included; the key is written to the key
    folder as any installation's is. A store whose chain has begun keeps its own.
    """
    if store.one("SELECT 1 FROM audit LIMIT 1") is not None:
        return
    with store.transaction():
        store.chain = chain_key.adopt(store.conn, installation, secret, store.chain.folder)


@contextmanager
def relaxed_durability(store: Store, cache_kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """``synchronous = OFF`` and a larger page cache for a synthetic load; the storage rules again afterwards.

    The only place KetaDesk relaxes durability, and only because the data is synthetic: a
    power cut during a load can lose part of a generated clinic, never a record someone
    typed. ``synchronous = FULL`` and the cache size come back when the block ends, fails or
    (in a generator) is closed early; after a block that ends normally the WAL is
    checkpointed into the main file, so the loaded file stands alone.
    """
    conn = store.conn
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
    try:
        yield
    finally:
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA cache_size = {int(old_cache)}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
