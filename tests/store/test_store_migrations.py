"""A SQLite file's own side of the migrations: a newer file refused with its bytes untouched, its journal mode kept.

The schema's tests that hold on both engines are in test_store_schema_engines.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ketadesk.store import users
from ketadesk.store.db import open_store
from ketadesk.store.errors import NewerDatabaseError, StoreError
from ketadesk.store.schema import MIGRATION_SET, SCHEMA_VERSION

Connect = Callable[[Path], sqlite3.Connection]


def _make_database(path: Path) -> None:
    opened = open_store(path)
    users.system_user(opened, "2025-03-03T14:00:00.000Z")
    opened.close()


def _checkpoint_and_close(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


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
