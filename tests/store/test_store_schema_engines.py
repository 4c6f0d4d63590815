"""The schema and its migrations on either engine: set up from empty, idempotent, a newer schema refused untouched.

The same tests for a SQLite file and a PostgreSQL database (ids ``[sqlite]`` and
``[postgresql]``); what only a SQLite file has (its bytes, its journal mode, its
write-ahead log) is tested in test_store_migrations.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from ketadesk.store import users
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import NewerDatabaseError, StoreError
from ketadesk.store.schema import APPEND_ONLY, KNOWN_MIGRATIONS, MIGRATION_SET, NEVER_DELETED, SCHEMA_VERSION
from tests.engines import BOTH_ENGINES
from tests.store import engine_schema

pytestmark = BOTH_ENGINES

TABLES = {
    "users",
    "patients",
    "patient_revisions",
    "courses",
    "visits",
    "visit_events",
    "checklist_entries",
    "weights",
    "doses",
    "vitals",
    "notes",
    "acknowledgements",
    "scores",
    "audit",
}
VERSIONS = {"sqlite": {"_sqlite_migrations"}, "postgresql": {"schema_migrations", "schema_version"}}


def _made(target: Path | str) -> Store:
    """A new database with one row written through the store (the program's own user)."""
    opened = open_store(target)
    users.system_user(opened, "2025-03-03T14:00:00.000Z")
    return opened


def _raw_sql(target: Path | str, sql: str) -> None:
    """One statement on a database the store has not opened yet (a file, or a server's database)."""
    if isinstance(target, Path):
        with sqlite3.connect(target) as conn:
            conn.execute(sql)
        return
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(sql)


def test_an_empty_database_gets_every_table_and_version(engine: str, store: Store) -> None:
    """Migrating from nothing creates every table and records the schema version."""
    assert engine_schema.tables(store) >= TABLES | VERSIONS[engine]
    assert engine_schema.version(store) == store.schema_version() == SCHEMA_VERSION


def test_every_migration_is_recorded_once_in_order(engine: str, store: Store) -> None:
    """The migrations table lists each known migration exactly once, in order, under the KetaDesk set."""
    assert engine_schema.migration_names(store) == [(MIGRATION_SET, name) for name in KNOWN_MIGRATIONS]


def test_columns_are_strict(engine: str, store: Store) -> None:
    """Text in a whole-number column is refused, not silently stored (STRICT on SQLite, typed on PostgreSQL)."""
    with pytest.raises(StoreError, match="refused"):
        store.execute("INSERT INTO patients (mrn, created_at, created_by) VALUES ('KD-9', 'now', 'one')")


def test_guard_triggers_exist_for_every_protected_table(engine: str, store: Store) -> None:
    """Each append-only table has update and delete guards, never-deleted tables a delete guard (and TRUNCATE's)."""
    triggers = engine_schema.triggers(store)
    truncate = ("_truncate",) if engine == "postgresql" else ()
    for table in APPEND_ONLY:
        assert {f"{table}_no_update", f"{table}_no_delete", *(f"{table}_no_delete{t}" for t in truncate)} <= triggers
    for table in NEVER_DELETED:
        assert {f"{table}_no_delete", *(f"{table}_no_delete{t}" for t in truncate)} <= triggers


def test_reopening_changes_nothing(engine: str, store_target: Path | str) -> None:
    """Opening an up-to-date database again runs no migration and writes no row."""
    first = _made(store_target)
    schema, applied = engine_schema.schema(first), engine_schema.migration_rows(first)
    audit_rows = first.all("SELECT * FROM audit ORDER BY id")
    first.close()
    for _ in range(2):
        open_store(store_target).close()
    again = open_store(store_target)
    try:
        assert engine_schema.schema(again) == schema
        assert engine_schema.migration_rows(again) == applied
        assert again.all("SELECT * FROM audit ORDER BY id") == audit_rows
        assert engine_schema.version(again) == SCHEMA_VERSION
    finally:
        again.close()


@pytest.mark.parametrize("how", ["unknown-migration", "higher-version"])
@pytest.mark.parametrize("migrate", [True, False], ids=["migrate", "no-migrate"])
def test_a_newer_database_is_refused_untouched(engine: str, store_target: Path | str, how: str, migrate: bool) -> None:
    """A database from a newer KetaDesk is refused saying so (NewerDatabaseError), its versions as they were."""
    planted = _made(store_target)
    engine_schema.plant_newer(planted, how)
    before = (engine_schema.schema(planted), engine_schema.migration_rows(planted), engine_schema.version(planted))
    planted.close()

    with pytest.raises(NewerDatabaseError, match="newer") as refused:
        open_store(store_target, migrate=migrate)
    assert "not been changed" in str(refused.value)

    # Looked at past the store, which refuses to open it.
    if isinstance(store_target, Path):
        conn = sqlite3.connect(store_target)
        rows = conn.execute("SELECT * FROM _sqlite_migrations ORDER BY rowid").fetchall()
        assert [tuple(r) for r in rows] == before[1]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before[2]
        conn.close()
    else:
        with psycopg.connect(store_target) as conn:
            rows = conn.execute("SELECT * FROM schema_migrations ORDER BY id").fetchall()
            assert [tuple(r) for r in rows] == before[1]
            assert conn.execute("SELECT version FROM schema_version").fetchone() == (before[2],)


def test_an_outdated_database_without_migrate_is_refused(engine: str, store_target: Path | str) -> None:
    """Asked not to migrate, an empty database is refused with a message about the upgrade it needs."""
    with pytest.raises(StoreError, match="needs an upgrade"):
        open_store(store_target, migrate=False)


def test_a_failed_migration_is_rolled_back(engine: str, store_target: Path | str) -> None:
    """A migration that fails halfway leaves none of its tables and no record that it ran."""
    _raw_sql(store_target, "CREATE TABLE doses (unrelated TEXT)")  # a clash the initial migration will hit late
    with pytest.raises(StoreError, match="rolled back"):
        open_store(store_target)
    if isinstance(store_target, Path):
        conn = sqlite3.connect(store_target)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.close()
    else:
        with psycopg.connect(store_target) as pg:
            tables = {r[0] for r in pg.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        version = 0
    assert tables & {"users", "patients", "schema_migrations", "schema_version"} == set()
    assert "doses" in tables
    assert "_sqlite_migrations" not in tables or _sqlite_count(store_target) == 0
    assert version == 0


def _sqlite_count(path: Path | str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0])
    finally:
        conn.close()
