"""Migration 0008: a database from before confirmed extremes opens with every earlier reading as it was."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlite_utils import Database

from ketadesk.store.db import open_store
from ketadesk.store.schema import KNOWN_MIGRATIONS, SCHEMA_VERSION, migrations
from ketadesk.store.visit_reads import vitals_by_id

AT = "2025-03-03T14:00:00.000Z"


def _database_before_0008(path: Path) -> None:
    """A file migrated up to (not including) 0008, holding one reading written then (keys not enforced here)."""
    with closing(sqlite3.connect(path)) as conn:
        migrations.apply(Database(conn), stop_before="0010_confirmed_extremes")
        conn.execute(
            "INSERT INTO users (id, login, display_name, roles, created_at) VALUES (1, 'nurse', 'Ann', 'nurse', ?)",
            (AT,),
        )
        conn.execute(
            """INSERT INTO vitals (visit_id, taken_at, sbp, dbp, hr, spo2, rr, source, entered_at, entered_by)
               VALUES (1, ?, 262, 140, 88, 97, 16, 'manual', ?, 1)""",
            (AT, AT),
        )
        conn.commit()


def test_an_older_database_gains_the_column_and_keeps_its_readings(tmp_path: Path) -> None:
    """After the upgrade a reading written before reads as confirming nothing, and the schema version is current."""
    path = tmp_path / "older.sqlite"
    _database_before_0008(path)
    store = open_store(path)
    try:
        assert store.schema_version() == SCHEMA_VERSION == len(KNOWN_MIGRATIONS)
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        reading = vitals_by_id(store, 1)
        assert (reading.vitals.sbp, reading.confirmed_extremes) == (262, ())
        assert "0010_confirmed_extremes" in KNOWN_MIGRATIONS
    finally:
        store.close()
