"""Backups under faults: named per database, a file and its audit entry both or neither (a full disk, a read-only
folder, the write lock held elsewhere), temporaries nobody takes for a backup, removed at the next run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from ketadesk.core.users import User
from ketadesk.store import backup, backup_files, backup_verify, patients
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import StoreError
from tests.helpers import make_patient

AT = "2025-03-03T23:00:00.000Z"
Count = Callable[[Store, str], int]


def _backup_rows(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM audit WHERE action = 'backup'").fetchone()[0])


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_each_database_in_a_folder_has_its_own_daily_backup(
    store: Store, system: User, db_path: Path, tmp_path: Path
) -> None:
    """Two databases beside each other each get today's backup, named for the file; neither skips the other's."""
    other = open_store(tmp_path / "demo.sqlite")
    try:
        folder = tmp_path / "backups"
        day = date(2025, 3, 3)
        mine = backup.daily_backup(store, folder, day, keep=3, at=AT, actor_id=system.id)
        theirs = backup.daily_backup(other, folder, day, keep=3, at=AT, actor_id=None)
        assert mine is not None and theirs is not None
        assert _names(folder) == ["demo-2025-03-03.sqlite", "ketadesk-2025-03-03.sqlite"]
        assert backup_files.backups_in(folder, db_path) == [mine]
    finally:
        other.close()


def test_pruning_keeps_other_databases_backups(store: Store, system: User, tmp_path: Path) -> None:
    """Keeping one day of this database's backups removes none of another database's, nor hand-made ones."""
    folder = tmp_path / "backups"
    folder.mkdir()
    kept = ["demo-2025-03-01.sqlite", "ketadesk-manual-2025-03-01-101500.sqlite", "ketadesk-x-2025-03-01.sqlite"]
    for name in kept:
        (folder / name).write_text("not mine to prune")
    for day in (1, 2, 3):
        backup.daily_backup(store, folder, date(2025, 3, day), keep=1, at=AT, actor_id=system.id)
    assert _names(folder) == sorted([*kept, "ketadesk-2025-03-03.sqlite"])


def test_a_full_disk_leaves_neither_file_nor_entry(
    store: Store, system: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own 'disk is full' during the copy: a one-line StoreError, no file, no temporary, no audit entry."""
    monkeypatch.setattr(backup, "TARGET_MAX_PAGES", 2)
    folder = tmp_path / "backups"
    before = _backup_rows(store)
    with pytest.raises(StoreError, match="full") as failed:
        backup.daily_backup(store, folder, date(2025, 3, 3), keep=3, at=AT, actor_id=system.id)
    assert "\n" not in str(failed.value)
    assert _names(folder) == []
    assert _backup_rows(store) == before


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores a folder's permissions")
def test_a_read_only_folder_leaves_neither_file_nor_entry(store: Store, system: User, tmp_path: Path) -> None:
    """A backups folder that cannot be written: a one-line StoreError and no audit entry."""
    folder = tmp_path / "backups"
    folder.mkdir()
    folder.chmod(0o500)
    before = _backup_rows(store)
    try:
        with pytest.raises(StoreError) as failed:
            backup.daily_backup(store, folder, date(2025, 3, 3), keep=3, at=AT, actor_id=system.id)
    finally:
        folder.chmod(0o700)
    assert "\n" not in str(failed.value)
    assert _names(folder) == []
    assert _backup_rows(store) == before


def test_the_write_lock_held_elsewhere_leaves_neither(
    store: Store, system: User, db_path: Path, tmp_path: Path
) -> None:
    """When the audit entry cannot be written (another writer holds the lock), the verified copy is not published."""
    store.conn.execute("PRAGMA busy_timeout = 50")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="nothing was saved"):
            backup.backup_to(store, tmp_path / "copy.sqlite", at=AT, actor_id=system.id)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [n for n in _names(tmp_path) if n.startswith(("copy", ".ketadesk-partial"))] == []
    assert _backup_rows(store) == 0


def test_the_temporary_is_named_so_nobody_takes_it_for_a_backup(tmp_path: Path) -> None:
    """The temporary is hidden, has no .sqlite ending and matches no database's backup names."""
    partial = backup_files.partial_path(tmp_path)
    assert partial.name.startswith(".ketadesk-partial-") and ".sqlite" not in partial.name
    assert backup_files.is_partial(partial.name)
    assert not backup_files.is_backup_of(None, partial.name)
    assert not backup_files.is_backup_of(tmp_path / "clinic.sqlite", partial.name)


def test_leftovers_of_a_killed_backup_are_removed_at_the_next_run(
    store: Store, system: User, tmp_path: Path, file_digest: Callable[[Path], str]
) -> None:
    """A dead process's temporary and its journal, and an older version's .partial, go; a running one's stays."""
    folder = tmp_path / "backups"
    folder.mkdir()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead = int(gone.stdout)
    left = [f".ketadesk-partial-{dead}-0a1b2c", f".ketadesk-partial-{dead}-0a1b2c-journal", "x.sqlite.partial"]
    for name in left:
        (folder / name).write_bytes(b"half a backup")
    running = folder / f".ketadesk-partial-{os.getppid()}-3d4e5f"
    running.write_bytes(b"being written by another window")
    made = backup.daily_backup(store, folder, date(2025, 3, 3), keep=3, at=AT, actor_id=system.id)
    assert made is not None
    assert _names(folder) == sorted([made.name, running.name])


def test_a_backup_verifies_its_own_chain(store: Store, system: User, tmp_path: Path) -> None:
    """verify_file reads a fresh backup as sound and names its head; an edited audit row makes it fail."""
    patients.register(store, make_patient(mrn="KD-40001"), at=AT, actor_id=system.id)
    made = backup.backup_to(store, tmp_path / "copy.sqlite", at=AT, actor_id=system.id)
    found = backup_verify.verify_file(made, installation=store.chain.installation)
    assert found.problem is None and found.head is not None and found.size == made.stat().st_size
    conn = sqlite3.connect(made)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("UPDATE audit SET after = '{}' WHERE id = 2")
    conn.commit()
    conn.close()
    assert "audit chain does not hold" in (backup_verify.verify_file(made).problem or "")
    assert "another installation" in (backup_verify.verify_file(made, installation="someone-else").problem or "")
