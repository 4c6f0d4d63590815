"""Migrations of the third wave (0015 on), appended in order, never edited once released."""

from __future__ import annotations

from ketadesk.store.guards import RECORD_SIGNATURE_ROWS, append_only_triggers, visit_lock_triggers
from ketadesk.store.migration_set import MigrationTarget, migration_number, migrations


@migrations(name="0015_record_signatures")
def record_signatures(db: MigrationTarget) -> None:
    """Digital signatures over a physician's approvals, answers to requests and reviews of verbal orders.

    Each row signs one record (``record`` and ``record_id``: an acknowledgement that is an
    approval, an approval answer, a verbal order review) with its author's key, written in
    the same transaction as the record. ``record_signatures_from`` holds, per kind, the
    first id that must have one: records written before this migration have none and are
    not reported for it. Both are append-only; a signature is locked with its visit.
    """
    for statement in (
        """CREATE TABLE record_signatures (
            id INTEGER PRIMARY KEY,
            record TEXT NOT NULL CHECK (record IN ('acknowledgement', 'approval_answer', 'order_review')),
            record_id INTEGER NOT NULL,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            signer_id INTEGER NOT NULL REFERENCES users(id),
            signed_at TEXT NOT NULL,
            key_id INTEGER NOT NULL REFERENCES signing_keys(id),
            signature BLOB NOT NULL CHECK (length(signature) = 64),
            UNIQUE (record, record_id)
        ) STRICT""",
        "CREATE INDEX record_signatures_visit ON record_signatures(visit_id)",
        """CREATE TABLE record_signatures_from (
            id INTEGER PRIMARY KEY,
            record TEXT NOT NULL UNIQUE,
            first_id INTEGER NOT NULL
        ) STRICT""",
        """INSERT INTO record_signatures_from (record, first_id)
            SELECT 'acknowledgement', coalesce(max(id), 0) + 1 FROM acknowledgements
            UNION ALL SELECT 'approval_answer', coalesce(max(id), 0) + 1 FROM approval_answers
            UNION ALL SELECT 'order_review', coalesce(max(id), 0) + 1 FROM verbal_order_reviews""",
    ):
        db.execute(statement)
    append_only_triggers(db, RECORD_SIGNATURE_ROWS)
    visit_lock_triggers(db, ("record_signatures",))
    db.execute(
        """CREATE TRIGGER record_signatures_from_fixed BEFORE INSERT ON record_signatures_from
        BEGIN SELECT RAISE(ABORT, 'KetaDesk: record_signatures_from is written by its migration alone'); END"""
    )
    db.execute(f"PRAGMA user_version = {migration_number('0015_record_signatures')}")
