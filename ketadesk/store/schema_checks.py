"""The check's own migration: the checkpoints a clean full check leaves (0019).

Its own module, imported last by :mod:`ketadesk.store.schema`, so its number comes from its
place in the set (:func:`~ketadesk.store.migration_set.migration_number`) whatever was
released before it.
"""

from __future__ import annotations

# Every earlier wave registers first, in its order (the alphabet puts this module before them all): this
# migration follows 0018 whatever order the waves are imported in.
from ketadesk.store import schema_first, schema_later, schema_watch  # noqa: F401
from ketadesk.store.guards import CHECKPOINT_ROWS, append_only_triggers
from ketadesk.store.migration_set import MigrationTarget, migration_number, migrations


@migrations(name="0019_checkpoints")
def checkpoints(db: MigrationTarget) -> None:
    """Where each clean full ``check`` left off, so the check at every start need only verify what came after.

    A row names the last audit entry the check verified and that entry's hash, and for each
    table of the record its highest id and its number of rows then (``high_water``, JSON),
    when it ran, who ran it and what (``ran``: the program and its version), and what the
    integrity part covered (``scope``). ``mac`` is an HMAC-SHA256 of all of it under the
    installation's chain key (:mod:`ketadesk.store.checkpoints`), which is not in the file:
    a checkpoint forged, or moved to another entry, no longer matches it. Append-only and
    audited like every other write, so a checkpoint removed behind the program's back leaves
    its audit entry without a row.
    """
    db.execute(
        """CREATE TABLE checkpoints (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id),
            ran TEXT NOT NULL,
            scope TEXT NOT NULL,
            audit_id INTEGER NOT NULL CHECK (audit_id >= 1),
            audit_hash TEXT NOT NULL CHECK (length(audit_hash) = 64),
            high_water TEXT NOT NULL CHECK (json_valid(high_water)),
            mac TEXT NOT NULL CHECK (length(mac) = 64)
        ) STRICT"""
    )
    append_only_triggers(db, CHECKPOINT_ROWS)
    db.execute(f"PRAGMA user_version = {migration_number('0019_checkpoints')}")
