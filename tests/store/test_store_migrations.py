"""The schema and its migrations: set up from empty, idempotent, and a newer file refused untouched."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ketadesk.store import users
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import NewerDatabaseError, StoreError
from ketadesk.store.schema import APPEND_ONLY, KNOWN_MIGRATIONS, MIGRATION_SET, NEVER_DELETED, SCHEMA_VERSION

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
    "_sqlite_migrations",
}

Connect = Callable[[Path], sqlite3.Connection]


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def _make_database(path: Path) -> None:
    opened = open_store(path)
    users.system_user(opened, "2025-03-03T14:00:00.000Z")
    opened.close()


def _checkpoint_and_close(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_empty_file_gets_every_table(store: Store) -> None:
    """Migrating from nothing creates every table and records the schema version."""
    names = {r[0] for r in store.all("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names >= TABLES
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.schema_version() == SCHEMA_VERSION


def test_every_migration_is_recorded_once_in_order(store: Store) -> None:
    """The migrations table lists each known migration exactly once, in order, under the KetaDesk set."""
    rows = store.all("SELECT migration_set, name FROM _sqlite_migrations ORDER BY rowid")
    assert [(r[0], r[1]) for r in rows] == [(MIGRATION_SET, name) for name in KNOWN_MIGRATIONS]
    assert SCHEMA_VERSION == len(KNOWN_MIGRATIONS) >= 1


def test_tables_are_strict(store: Store) -> None:
    """Tables are STRICT: text in a whole-number column is refused, not silently stored."""
    with pytest.raises(StoreError, match="refused"):
        store.execute("INSERT INTO patients (mrn, created_at, created_by) VALUES ('KD-9', 'now', 'one')")


def test_guard_triggers_exist_for_every_protected_table(store: Store) -> None:
    """Each append-only table has update and delete guards; never-deleted tables have a delete guard."""
    triggers = {r[0] for r in store.all("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in APPEND_ONLY:
        assert {f"{table}_no_update", f"{table}_no_delete"} <= triggers
    for table in NEVER_DELETED:
        assert f"{table}_no_delete" in triggers


def test_reopening_changes_nothing(db_path: Path, raw_connect: Connect) -> None:
    """Opening an up-to-date file again runs no migration and writes no row."""
    _make_database(db_path)
    conn = raw_connect(db_path)
    schema = _schema(conn)
    migrations_rows = [tuple(r) for r in conn.execute("SELECT * FROM _sqlite_migrations ORDER BY rowid")]
    audit_rows = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    conn.close()

    for _ in range(2):
        open_store(db_path).close()

    conn = raw_connect(db_path)
    assert _schema(conn) == schema
    assert [tuple(r) for r in conn.execute("SELECT * FROM _sqlite_migrations ORDER BY rowid")] == migrations_rows
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_rows
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def _add_future_migration(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        (MIGRATION_SET, "9999_future", "2031-01-01 00:00:00.000000+00:00"),
    )


def _raise_user_version(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 40}")


@pytest.mark.parametrize(
    "make_newer", [_add_future_migration, _raise_user_version], ids=["unknown-migration", "higher-user-version"]
)
@pytest.mark.parametrize("migrate", [True, False], ids=["migrate", "no-migrate"])
def test_newer_database_is_refused_untouched(
    db_path: Path,
    raw_connect: Connect,
    file_digest: Callable[[Path], str],
    make_newer: Callable[[sqlite3.Connection], None],
    migrate: bool,
) -> None:
    """A file from a newer KetaDesk raises NewerDatabaseError saying so, and its bytes stay exactly the same."""
    _make_database(db_path)
    conn = raw_connect(db_path)
    make_newer(conn)
    _checkpoint_and_close(conn)
    before = file_digest(db_path)

    with pytest.raises(NewerDatabaseError, match="newer") as refused:
        open_store(db_path, migrate=migrate)

    assert "not been changed" in str(refused.value)
    assert isinstance(refused.value, StoreError)
    assert file_digest(db_path) == before
    leftovers = {p.name for p in db_path.parent.iterdir()} - {db_path.name}
    assert not leftovers, f"opening a refused file left {leftovers}"


def test_newer_database_keeps_its_journal_mode(db_path: Path, raw_connect: Connect) -> None:
    """Refusing a newer file does not even switch its journal mode (no PRAGMA writes before the check)."""
    conn = raw_connect(db_path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(NewerDatabaseError):
        open_store(db_path)
    conn = raw_connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_migration_set_of_another_program_is_ignored(db_path: Path, raw_connect: Connect) -> None:
    """Migration rows from another set (another tool sharing sqlite-utils) do not count as newer KetaDesk."""
    _make_database(db_path)
    conn = raw_connect(db_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('other', 'x', 'y')")
    conn.close()
    opened = open_store(db_path)
    opened.close()


def test_outdated_file_without_migrate_is_refused(tmp_path: Path) -> None:
    """Asked not to migrate, an empty file is refused with a message about the upgrade it needs."""
    with pytest.raises(StoreError, match="needs an upgrade"):
        open_store(tmp_path / "new.sqlite", migrate=False)


def test_failed_migration_is_rolled_back(db_path: Path, raw_connect: Connect) -> None:
    """A migration that fails halfway leaves none of its tables and no record that it ran."""
    conn = raw_connect(db_path)
    conn.execute("CREATE TABLE doses (unrelated TEXT)")  # a clash the initial migration will hit late
    conn.close()

    with pytest.raises(StoreError, match="rolled back"):
        open_store(db_path)

    conn = raw_connect(db_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "users" not in tables
    assert "patients" not in tables
    assert "doses" in tables
    applied = (
        conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] if "_sqlite_migrations" in tables else 0
    )
    assert applied == 0
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
