"""Restoring a backup: verified first, the current file kept aside, audited in the restored file, the witness
restarted so check passes — while a file copied back by hand is still reported as a rollback."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, StoreError, config
from ketadesk.clinic.backups import list_backups, restore_backup
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store import audit as store_audit
from tests.helpers import PASSWORDS, make_patient


def _register(nurse: Clinic, first: int, count: int) -> None:
    for n in range(count):
        nurse.patients.register(make_patient(mrn=f"KD-{30000 + first + n}"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _anchor_lines(clinic: Clinic) -> list[str]:
    return [p for p in clinic.maintenance.check() if p.startswith(("audit anchor", "audit chain"))]


def _taken_then_moved_on(clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock) -> Path:
    """Two patients, today's backup, then three more patients and an hour: the file is ahead of its backup."""
    _register(nurse, 0, 2)
    made = clinic.maintenance.daily_backup(config.backup_dir(db_path))
    assert made is not None
    _register(nurse, 10, 3)
    clock.advance(timedelta(hours=1))
    clinic.close()
    return made


def test_restore_round_trip_passes_check(
    clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """The restored file holds the backup's patients, the restore is audited in it, and the full check passes."""
    backup = _taken_then_moved_on(clinic, nurse, db_path, clock)
    done = restore_backup(db_path, backup, clock)
    assert done.set_aside is not None and done.set_aside.is_file()
    assert done.set_aside.name.startswith("clinic.before-restore-") and done.set_aside.suffix == ".sqlite"
    assert not [p for p in db_path.parent.iterdir() if p.name.startswith(".ketadesk-partial-")]
    restored = Clinic.open(db_path, clock, default_protocol)
    try:
        assert restored.patients.count() == 2
        assert restored.maintenance.check() == []
        last = store_audit.search(restored.store, action="restore", limit=1)[0]
        assert last.actor == "system"
        after = json.loads(last.after or "{}")
        assert after["backup"] == str(backup.resolve()) and after["set_aside"] == str(done.set_aside)
        assert done.backup_head is not None and after["backup_head"]["entry"] == done.backup_head.entry
        assert done.set_aside_head is not None and after["set_aside_head"]["entry"] == done.set_aside_head.entry
        # Work goes on in the restored file, and check still passes after it.
        _register(restored.sign_in("nurse", PASSWORDS["nurse"]), 20, 1)
        assert restored.maintenance.check() == []
    finally:
        restored.close()
    aside = Clinic.open(done.set_aside, clock, default_protocol)
    try:
        assert aside.patients.count() == 5  # nothing of the file that was replaced is lost
    finally:
        aside.close()


def test_a_file_copied_back_by_hand_after_a_restore_is_still_a_rollback(
    clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """Only the restore command restarts the witness: the same backup copied over the file by hand is reported."""
    backup = _taken_then_moved_on(clinic, nurse, db_path, clock)
    restore_backup(db_path, backup, clock)
    clock.advance(timedelta(minutes=5))
    restored = Clinic.open(db_path, clock, default_protocol)
    _register(restored.sign_in("nurse", PASSWORDS["nurse"]), 20, 2)
    restored.close()
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    shutil.copyfile(backup, db_path)
    by_hand = Clinic.open(db_path, clock, default_protocol)
    try:
        lines = _anchor_lines(by_hand)
        assert lines and "rolled back" in lines[0], lines
    finally:
        by_hand.close()


def test_a_backup_copied_back_by_hand_without_restore_is_a_rollback(
    clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """Without the restore command, putting a backup in place by hand is a rolled-back file, as before."""
    backup = _taken_then_moved_on(clinic, nurse, db_path, clock)
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    shutil.copyfile(backup, db_path)
    by_hand = Clinic.open(db_path, clock, default_protocol)
    try:
        lines = _anchor_lines(by_hand)
        assert lines and "rolled back" in lines[0], lines
    finally:
        by_hand.close()


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not-sqlite", "not-ketadesk"])
def test_a_backup_that_does_not_verify_is_refused_and_nothing_changes(
    clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock, tmp_path: Path, damage: str
) -> None:
    """A damaged, foreign or non-database backup is refused in one line; the database and its folder stay put."""
    backup = _taken_then_moved_on(clinic, nurse, db_path, clock)
    bad = tmp_path / "bad.sqlite"
    data = bytearray(backup.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":
        for offset in range(4096 * 3, len(data), 4096):  # a byte in the middle of every page past the header's
            data[offset + 2000] ^= 0xFF
    elif damage == "not-sqlite":
        data = bytearray(b"hello, this is not a database" * 100)
    bad.write_bytes(bytes(data))
    if damage == "not-ketadesk":
        import sqlite3

        bad.unlink()
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    before, names = _digest(db_path), sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(StoreError, match="cannot be restored") as refused:
        restore_backup(db_path, bad, clock)
    assert "\n" not in str(refused.value)
    assert _digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == names


def test_a_damaged_current_file_is_set_aside_whole(
    clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """The file being replaced can be beyond reading: it is kept aside byte for byte and the backup goes in."""
    backup = _taken_then_moved_on(clinic, nurse, db_path, clock)
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    db_path.write_bytes(b"\0" * 8192)
    done = restore_backup(db_path, backup, clock)
    assert done.set_aside is not None and done.set_aside.read_bytes() == b"\0" * 8192
    assert done.set_aside_head is None
    restored = Clinic.open(db_path, clock, default_protocol)
    try:
        assert restored.patients.count() == 2
        assert restored.maintenance.check() == []
    finally:
        restored.close()


def test_the_list_shows_each_backup_verified(
    clinic: Clinic, nurse: Clinic, db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """Daily and named backups are listed with their head and verdict; a damaged one says so; temporaries never."""
    daily = _taken_then_moved_on(clinic, nurse, db_path, clock)
    (daily.parent / ".ketadesk-partial-1-abcdef").write_bytes(daily.read_bytes())
    broken = daily.with_name("clinic-2020-01-01.sqlite")
    broken.write_bytes(daily.read_bytes()[:5000])
    listed = {b.path.name: b for b in list_backups(db_path)}
    assert set(listed) == {daily.name, broken.name}
    assert listed[daily.name].problem is None and listed[daily.name].head is not None
    assert listed[broken.name].problem is not None
