"""Opening the database file: durability settings, and files that must be refused untouched."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import hookimpl
from sqlite_utils.plugins import pm

from ketadesk.store.db import BUSY_TIMEOUT_MS, CACHE_KIB, Store, open_store
from ketadesk.store.errors import StoreError


def _pragma(store: Store, name: str) -> object:
    return store.conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_pragmas_after_open(store: Store) -> None:
    """A freshly opened store runs with WAL, FULL sync, foreign keys on and a busy timeout."""
    assert str(_pragma(store, "journal_mode")).lower() == "wal"
    assert _pragma(store, "synchronous") == 2  # FULL
    assert _pragma(store, "foreign_keys") == 1
    assert _pragma(store, "cache_size") == -CACHE_KIB  # 32 MiB of page cache, filled as pages are read
    assert int(_pragma(store, "busy_timeout")) > 0  # type: ignore[call-overload]
    assert _pragma(store, "busy_timeout") == BUSY_TIMEOUT_MS


class _PlantedPlugin:
    """A sqlite-utils plugin as any package in the environment could install one: a function on every connection."""

    @hookimpl
    def prepare_connection(self, conn: sqlite3.Connection) -> None:
        conn.create_function("planted", 0, lambda: "ran on the clinic's connection")


def test_no_sqlite_utils_plugin_runs_on_a_clinics_connection(db_path: Path) -> None:
    """A plugin installed beside KetaDesk registers nothing on the clinic's database (nor is it looked for)."""
    plugin = _PlantedPlugin()
    pm.register(plugin)
    try:
        store = open_store(db_path)
        try:
            with pytest.raises(StoreError, match="no such function: planted"):
                store.conn.execute("SELECT planted()")
        finally:
            store.close()
    finally:
        pm.unregister(plugin)


def test_pragmas_after_reopening_an_existing_file(db_path: Path) -> None:
    """Per-connection settings are applied again when an existing file is reopened."""
    open_store(db_path).close()
    again = open_store(db_path)
    try:
        assert str(_pragma(again, "journal_mode")).lower() == "wal"
        assert _pragma(again, "synchronous") == 2
        assert _pragma(again, "foreign_keys") == 1
        assert int(_pragma(again, "busy_timeout")) > 0  # type: ignore[call-overload]
    finally:
        again.close()


def test_store_remembers_its_path(store: Store, db_path: Path) -> None:
    """The store knows which file it has open (backups use this to refuse overwriting it)."""
    assert store.path == db_path


def test_close_checkpoints_the_wal(db_path: Path) -> None:
    """Closing the only connection folds the write-ahead log back into the main file."""
    opened = open_store(db_path)
    opened.close()
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_non_sqlite_file_is_refused_untouched(tmp_path: Path, file_digest: Callable[[Path], str]) -> None:
    """A file that is not SQLite raises StoreError and keeps every byte it had."""
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"Chair 3: call Dr. Osei after 16:00\n" * 40)
    before = file_digest(path)
    with pytest.raises(StoreError, match="not a KetaDesk database"):
        open_store(path)
    assert file_digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_refused_file_is_not_left_open(tmp_path: Path) -> None:
    """After refusing a non-SQLite file the program holds no handle on it (Windows would keep it locked)."""
    path = tmp_path / "spreadsheet.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(StoreError):
        open_store(path)
    fds = Path("/proc/self/fd")
    held = []
    for entry in fds.iterdir():
        try:
            held.append(os.readlink(entry))
        except OSError:
            continue
    assert str(path) not in held


def test_folder_is_refused(tmp_path: Path) -> None:
    """A folder given as the database path is refused with a message that says so."""
    with pytest.raises(StoreError, match="folder"):
        open_store(tmp_path)


def test_missing_parent_folder_is_refused(tmp_path: Path) -> None:
    """A path whose folder does not exist is refused instead of failing obscurely."""
    target = tmp_path / "no-such-folder" / "ketadesk.sqlite"
    with pytest.raises(StoreError, match="does not exist"):
        open_store(target)
    assert not target.parent.exists()


def test_zero_byte_file_is_a_new_database(tmp_path: Path) -> None:
    """An empty file (as left by a cancelled copy or a touch) is set up as a new database."""
    path = tmp_path / "empty.sqlite"
    path.touch()
    opened = open_store(path)
    try:
        assert opened.one("SELECT count(*) FROM patients")[0] == 0  # type: ignore[index]
    finally:
        opened.close()
