"""Backups: a checked, self-contained copy; never over the source; one a day, the newest N kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from ketadesk.core.users import User
from ketadesk.core.vitals import Source, VitalSigns
from ketadesk.store import backup, visits
from ketadesk.store.audit import verify_chain
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import StoreError

Connect = Callable[[Path], sqlite3.Connection]
AT = "2025-03-03T23:00:00.000Z"


@pytest.fixture
def charted(store: Store, nurse: User, visit_id: int, reading: Callable[..., VitalSigns]) -> Store:
    """A store holding a visit with a few readings and a note."""
    for minute in (0, 10, 20):
        visits.add_vitals(
            store,
            visit_id,
            reading(minute),
            source=Source.MONITOR,
            alerts=[],
            is_baseline=minute == 0,
            at=f"2025-03-03T14:{minute:02d}:30.000Z",
            actor_id=nurse.id,
        )
    visits.add_note(store, visit_id, "observation", "Comfortable", at="2025-03-03T14:25:00.000Z", actor_id=nurse.id)
    return store


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _tables(conn)}


def test_backup_is_a_checked_copy(charted: Store, tmp_path: Path, raw_connect: Connect) -> None:
    """The backup opens, passes integrity_check and holds the same rows in every table."""
    target = backup.backup_to(charted, tmp_path / "copy.sqlite")
    assert target == tmp_path / "copy.sqlite"
    copy = raw_connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _row_counts(copy) == _row_counts(charted.conn)
    assert _row_counts(copy)["vitals"] == 3


def test_backup_is_one_self_contained_file(charted: Store, tmp_path: Path, raw_connect: Connect) -> None:
    """The backup is not in WAL mode and has no side files, so copying that one file is enough."""
    target = backup.backup_to(charted, tmp_path / "copy.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.sqlite"]
    assert raw_connect(target).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_opens_as_a_store_with_a_valid_chain(charted: Store, tmp_path: Path) -> None:
    """A backup can be opened by KetaDesk itself and its audit chain verifies."""
    target = backup.backup_to(charted, tmp_path / "copy.sqlite")
    restored = open_store(target)
    try:
        assert verify_chain(restored) is None
        assert restored.schema_version() == charted.schema_version()
    finally:
        restored.close()


def test_backup_reports_progress(charted: Store, tmp_path: Path) -> None:
    """The progress callback ends with every page copied."""
    seen: list[tuple[int, int]] = []
    backup.backup_to(charted, tmp_path / "copy.sqlite", progress=lambda done, total: seen.append((done, total)))
    assert seen
    done, total = seen[-1]
    assert done == total > 0


@pytest.mark.parametrize("spelling", ["same", "dotted", "relative"])
def test_backup_refuses_to_overwrite_its_source(
    charted: Store,
    db_path: Path,
    spelling: str,
    file_digest: Callable[[Path], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Backing up onto the open database itself, however the path is spelled, is refused and changes nothing."""
    charted.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = file_digest(db_path)
    (db_path.parent / "sub").mkdir()
    monkeypatch.chdir(db_path.parent / "sub")
    destination = {
        "same": db_path,
        "dotted": db_path.parent / "sub" / ".." / db_path.name,
        "relative": Path("..") / db_path.name,
    }[spelling]
    with pytest.raises(StoreError, match="cannot overwrite"):
        backup.backup_to(charted, destination)
    assert file_digest(db_path) == before
    assert verify_chain(charted) is None


def test_backup_refuses_a_folder_or_a_missing_folder(charted: Store, tmp_path: Path) -> None:
    """A folder as destination, or a destination in a folder that does not exist, is refused plainly."""
    with pytest.raises(StoreError, match="is a folder"):
        backup.backup_to(charted, tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        backup.backup_to(charted, tmp_path / "missing" / "copy.sqlite")


def test_backup_replaces_an_older_copy(
    charted: Store, nurse: User, visit_id: int, tmp_path: Path, raw_connect: Connect
) -> None:
    """Backing up to an existing backup file replaces it with the current data."""
    target = tmp_path / "copy.sqlite"
    backup.backup_to(charted, target)
    visits.add_note(charted, visit_id, "observation", "Later note", at="2025-03-03T15:00:00.000Z", actor_id=nurse.id)
    backup.backup_to(charted, target)
    assert raw_connect(target).execute("SELECT count(*) FROM notes").fetchone()[0] == 2


class CancelledError(Exception):
    """The person cancelled the backup halfway."""


def test_failed_backup_leaves_no_file(charted: Store, tmp_path: Path) -> None:
    """A backup that fails partway leaves neither the destination nor a partial file behind."""

    def cancel(done: int, total: int) -> None:
        raise CancelledError

    with pytest.raises(CancelledError):
        backup.backup_to(charted, tmp_path / "copy.sqlite", progress=cancel, at=AT, actor_id=None)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("copy")]


def test_failed_backup_keeps_the_previous_copy(
    charted: Store, tmp_path: Path, file_digest: Callable[[Path], str], count: Callable[[Store, str], int]
) -> None:
    """A failed backup onto an existing backup leaves the old backup intact and writes no audit row."""
    target = backup.backup_to(charted, tmp_path / "copy.sqlite")
    before, audited = file_digest(target), count(charted, "audit")

    def cancel(done: int, total: int) -> None:
        raise CancelledError

    with pytest.raises(CancelledError):
        backup.backup_to(charted, target, progress=cancel, at=AT, actor_id=None)
    assert file_digest(target) == before
    assert count(charted, "audit") == audited


def test_unaudited_backup_writes_nothing(charted: Store, tmp_path: Path, count: Callable[[Store, str], int]) -> None:
    """A backup made without a time (e.g. a test copy) adds no audit row to the source."""
    before = count(charted, "audit")
    backup.backup_to(charted, tmp_path / "copy.sqlite")
    assert count(charted, "audit") == before


# ----------------------------------------------------------------------------- daily backups


def test_daily_backup_once_a_day(charted: Store, system: User, tmp_path: Path) -> None:
    """The first call of a day makes that day's file; a second call the same day makes nothing."""
    folder = tmp_path / "backups"
    made = backup.daily_backup(charted, folder, date(2025, 3, 3), keep=5, at=AT, actor_id=system.id)
    assert made == folder / "ketadesk-2025-03-03.sqlite"
    assert made.exists()
    assert backup.daily_backup(charted, folder, date(2025, 3, 3), keep=5, at=AT, actor_id=system.id) is None
    assert [p.name for p in folder.iterdir()] == ["ketadesk-2025-03-03.sqlite"]


def test_daily_backup_keeps_the_newest(charted: Store, system: User, tmp_path: Path) -> None:
    """After ten days with keep=3 only the three newest daily files remain."""
    folder = tmp_path / "backups"
    first = date(2025, 2, 25)
    for offset in range(10):
        backup.daily_backup(charted, folder, first + timedelta(days=offset), keep=3, at=AT, actor_id=system.id)
    assert sorted(p.name for p in folder.iterdir()) == [
        "ketadesk-2025-03-04.sqlite",
        "ketadesk-2025-03-05.sqlite",
        "ketadesk-2025-03-06.sqlite",
    ]


def test_daily_backup_leaves_other_files_alone(charted: Store, system: User, tmp_path: Path) -> None:
    """Pruning touches only KetaDesk's own daily files, not anything else kept in the folder."""
    folder = tmp_path / "backups"
    folder.mkdir()
    keepsakes = ["before-upgrade.sqlite", "ketadesk-2025-03-01.sqlite.bak", "README.txt"]
    for name in keepsakes:
        (folder / name).write_text("keep me")
    for day in (1, 2, 3):
        backup.daily_backup(charted, folder, date(2025, 3, day), keep=1, at=AT, actor_id=system.id)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*keepsakes, "ketadesk-2025-03-03.sqlite"])


def test_daily_backup_is_audited_as_the_system(charted: Store, system: User, tmp_path: Path) -> None:
    """The automatic backup leaves an audit row by the system user naming the file."""
    made = backup.daily_backup(charted, tmp_path, date(2025, 3, 3), keep=2, at=AT, actor_id=system.id)
    row = charted.one("SELECT actor_id, action, after FROM audit ORDER BY id DESC LIMIT 1")
    assert row is not None
    assert (row["actor_id"], row["action"]) == (system.id, "backup")
    assert str(made) in row["after"]


# ----------------------------------------------------------------------------- check


def test_check_passes_a_healthy_database(charted: Store) -> None:
    """check() finds nothing wrong with an ordinary database."""
    assert backup.check(charted) == []


def test_check_reports_a_dangling_reference(charted: Store, db_path: Path, raw_connect: Connect) -> None:
    """A row pointing at a missing record (written behind the store's back) is reported by table."""
    sneaky = raw_connect(db_path)  # foreign keys are off by default on a bare connection
    sneaky.execute("INSERT INTO notes (visit_id, kind, text, at, by) VALUES (9999, 'observation', 'orphan', 'x', 1)")
    problems = backup.check(charted)
    assert problems
    assert all(p.startswith("foreign_key_check: notes") for p in problems)
    assert "visits" in problems[0]
