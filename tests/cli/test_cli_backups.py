"""backup --list, restore BACKUP and the daily backup through the real CLI: a failing daily backup warns in one
line and the visits are listed anyway; a restore passes check, a file copied back by hand does not."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from ketadesk.store import backup as store_backup
from tests.cli.cli_calls import Run


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _warning(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ketadesk: warning: today's automatic backup failed"), lines
    return lines[0]


def test_visits_makes_the_daily_backup_named_for_the_database(run: Run, demo_copy: Callable[[str], Path]) -> None:
    """The daily backup beside clinic.sqlite is clinic-<date>.sqlite, whatever else the folder holds."""
    db = demo_copy("clinic.sqlite")
    folder = db.parent / "backups"
    folder.mkdir()
    (folder / f"demo-{date.today().isoformat()}.sqlite").write_text("the demo's")
    code, _, err = run("--db", db, "visits")
    assert (code, err) == (0, "")
    assert len(list(folder.glob("clinic-????-??-??.sqlite"))) == 1


def test_visits_lists_when_the_daily_backup_finds_a_full_disk(
    run: Run, demo_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk fails the daily backup: one warning line on stderr, the list on stdout, exit 0."""
    db = demo_copy("clinic.sqlite")
    monkeypatch.setattr(store_backup, "TARGET_MAX_PAGES", 2)
    code, out, err = run("--db", db, "visits")
    assert code == 0 and out.strip()
    assert "full" in _warning(err)
    assert list((db.parent / "backups").iterdir()) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores a folder's permissions")
def test_visits_lists_when_the_backups_folder_is_read_only(run: Run, demo_copy: Callable[[str], Path]) -> None:
    """A read-only backups folder fails the daily backup: one warning line, the list all the same."""
    db = demo_copy("clinic.sqlite")
    folder = db.parent / "backups"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, out, err = run("--db", db, "visits")
    finally:
        folder.chmod(0o700)
    assert code == 0 and out.strip()
    _warning(err)


def test_visits_lists_when_the_backups_folder_cannot_be_made(run: Run, demo_copy: Callable[[str], Path]) -> None:
    """A file where the backups folder should be (unwritable even for root): one warning line, the list all the same."""
    db = demo_copy("clinic.sqlite")
    (db.parent / "backups").write_text("not a folder")
    code, out, err = run("--db", db, "visits")
    assert code == 0 and out.strip()
    _warning(err)


def test_backup_list_shows_each_backup(run: Run, demo_copy: Callable[[str], Path], tmp_path: Path) -> None:
    """--list names each backup with its size, audit head and verdict; a temporary is never listed."""
    db = demo_copy("clinic.sqlite")
    elsewhere = tmp_path / "usb" / "copy.sqlite"
    elsewhere.parent.mkdir()
    assert run("--db", db, "backup", elsewhere)[0] == 0  # the daily one too, on the way
    (db.parent / "backups" / ".ketadesk-partial-1-abc").write_bytes(elsewhere.read_bytes())
    code, out, err = run("--db", db, "backup", "--list")
    assert (code, err) == (0, "")
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(lines) == 2, out
    assert all("verified" in line and "entry " in line and re.search(r"\d (KiB|MiB)", line) for line in lines)
    assert any(str(elsewhere) in line for line in lines)
    assert "partial" not in out


def test_backup_list_says_which_does_not_verify(run: Run, demo_copy: Callable[[str], Path]) -> None:
    """A damaged daily backup is listed as not verifying, and the listing exits 1."""
    db = demo_copy("clinic.sqlite")
    assert run("--db", db, "visits")[0] == 0
    daily = next((db.parent / "backups").glob("clinic-*.sqlite"))
    daily.write_bytes(daily.read_bytes()[:3000])
    code, out, _ = run("--db", db, "backup", "--list")
    assert code == 1
    assert "DOES NOT VERIFY" in out


def test_restore_round_trip_then_check_passes(run: Run, demo_copy: Callable[[str], Path], tmp_path: Path) -> None:
    """A backup restored over a file that moved on passes check; the replaced file is kept aside."""
    db = demo_copy("clinic.sqlite")
    saved = tmp_path / "saved.sqlite"
    assert run("--db", db, "backup", saved)[0] == 0
    assert run("--db", db, "backup")[0] == 0  # the file moves on past the saved backup (more audit entries)
    code, out, err = run("--db", db, "restore", saved)
    assert (code, err) == (0, ""), err
    assert "kept as" in out and ".before-restore-" in out
    assert len(list(tmp_path.glob("clinic.before-restore-*.sqlite"))) == 1
    code, out, err = run("--db", db, "check")
    assert (code, err) == (0, ""), err


def test_a_backup_copied_back_by_hand_is_still_reported(
    run: Run, demo_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    """After a restore, the same backup copied over the file by hand (the file having moved on) fails check."""
    db = demo_copy("clinic.sqlite")
    saved = tmp_path / "saved.sqlite"
    assert run("--db", db, "backup", saved)[0] == 0
    assert run("--db", db, "backup")[0] == 0
    assert run("--db", db, "restore", saved)[0] == 0
    assert run("--db", db, "backup")[0] == 0  # work goes on in the restored file
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    shutil.copyfile(saved, db)
    code, _, err = run("--db", db, "check")
    assert code == 1 and "rolled back" in err


def test_restore_refuses_a_backup_that_does_not_verify(
    run: Run, demo_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    """A damaged backup: one line, exit 1, the database byte for byte as it was, nothing set aside."""
    db = demo_copy("clinic.sqlite")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(db.read_bytes()[:4096])
    before = _digest(db)
    code, out, err = run("--db", db, "restore", bad)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "cannot be restored" in lines[0] and "nothing was changed" in lines[0]
    assert _digest(db) == before
    assert not list(tmp_path.glob("*before-restore*"))
