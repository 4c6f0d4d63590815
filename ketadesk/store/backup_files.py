"""Which files are backups of which database, and the temporaries a backup or a restore writes first.

Every database in a folder has backups of its own name (``clinic.sqlite`` →
``backups/clinic-2026-12-02.sqlite``), so one clinic's daily backup is never skipped
because the demo beside it has one. A backup is written under a temporary name nobody
takes for a backup — ``.ketadesk-partial-<pid>-<random>``, hidden, without ``.sqlite``,
matching no backup pattern — and renamed into place only once it verifies and its audit
entry is written. A temporary left by a killed process (its pid no longer runs) is removed
at the next backup or restore in that folder.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from contextlib import suppress
from datetime import date
from pathlib import Path

PARTIAL_PREFIX = ".ketadesk-partial-"
_PARTIAL = re.compile(rf"{re.escape(PARTIAL_PREFIX)}(?P<pid>\d+)-[0-9a-f]+(-journal|-wal|-shm)?")
# What older versions left: ``<backup>.sqlite.partial`` (and its journal), which passed quick_check.
_LEGACY_PARTIAL = re.compile(r".+\.sqlite\.partial(-journal)?")
# Where a pid cannot be asked about (Windows), a temporary this old is surely abandoned.
ABANDONED_AFTER_S = 6 * 3600
DEFAULT_STEM = "ketadesk"


def stem_of(database: Path | None) -> str:
    """The name a database's backups start with (its file name without ``.sqlite``)."""
    return database.stem if database is not None else DEFAULT_STEM


def daily_name(database: Path | None, day: date) -> str:
    """The name of one day's automatic backup of ``database``."""
    return f"{stem_of(database)}-{day.isoformat()}.sqlite"


def manual_name(database: Path | None, stamp: str) -> str:
    """The name of a backup made by hand (``ketadesk backup`` with no DEST), ``stamp`` as YYYY-MM-DD-HHMMSS."""
    return f"{stem_of(database)}-manual-{stamp}.sqlite"


def _daily_pattern(database: Path | None) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(stem_of(database))}-(\d{{4}}-\d{{2}}-\d{{2}})\.sqlite")


def _manual_pattern(database: Path | None) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(stem_of(database))}-manual-(\d{{4}}-\d{{2}}-\d{{2}}-\d{{6}})\.sqlite")


def is_daily_of(database: Path | None, name: str) -> bool:
    """True when ``name`` is one of ``database``'s automatic daily backups."""
    return _daily_pattern(database).fullmatch(name) is not None


def is_backup_of(database: Path | None, name: str) -> bool:
    """True when ``name`` is one of ``database``'s backups (daily or made by hand) in its backups folder."""
    return is_daily_of(database, name) or _manual_pattern(database).fullmatch(name) is not None


def backups_in(folder: Path, database: Path | None) -> list[Path]:
    """``database``'s backups in ``folder``, oldest first by name (never a temporary)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if is_backup_of(database, p.name) and p.is_file()), key=lambda p: p.name)


def dailies_in(folder: Path, database: Path | None) -> list[Path]:
    """``database``'s daily backups in ``folder``, oldest first (the date is in the name)."""
    return [p for p in backups_in(folder, database) if is_daily_of(database, p.name)]


def partial_path(folder: Path) -> Path:
    """A new temporary name in ``folder`` for a backup or a restore being written."""
    return folder / f"{PARTIAL_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"


def side_files(path: Path) -> list[Path]:
    """The SQLite side files a file may have (journal, WAL, shared memory)."""
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def discard(path: Path) -> None:
    """Remove a temporary and its side files (whatever of them exists)."""
    for one in (path, *side_files(path)):
        with suppress(FileNotFoundError):
            one.unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process runs one backup at a time: its own old temporaries are leftovers
    if os.name == "nt":
        return True  # decided by age instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def is_partial(name: str) -> bool:
    """True for the name of a temporary a backup or restore writes (or an older version's ``.partial``)."""
    return _PARTIAL.fullmatch(name) is not None or _LEGACY_PARTIAL.fullmatch(name) is not None


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporaries of backups and restores that were killed (their process is gone); return them.

    One still being written by a running process (a second window's backup) is left alone.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        found = _PARTIAL.fullmatch(path.name)
        if found is None and _LEGACY_PARTIAL.fullmatch(path.name) is None:
            continue
        if found is not None and _running(int(found["pid"])):
            with suppress(OSError):
                if time.time() - path.stat().st_mtime < ABANDONED_AFTER_S:
                    continue
        with suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no folder handles to sync)."""
    if os.name == "nt":
        return
    with suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
