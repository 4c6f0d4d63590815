"""The store's one error type, with a message a nurse or an administrator can act on.

SQLite's own exceptions never leave the store bare: :func:`from_sqlite` turns them into
one of the kinds below, each naming the file and what to do. The kinds also derive from
:class:`sqlite3.OperationalError` (or :class:`sqlite3.DatabaseError`), so code that already
handles SQLite's errors near the database keeps working.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(RuntimeError):
    """The database could not do what was asked."""


class NewerDatabaseError(StoreError):
    """The file was written by a newer KetaDesk; it is left untouched."""


class NotFound(StoreError):
    """A record that was asked for does not exist."""


class ReadOnlyDatabaseError(StoreError, sqlite3.OperationalError):
    """The file (or its folder) cannot be written: it opens for looking only, and every write is refused."""


class DiskFullError(StoreError, sqlite3.OperationalError):
    """The disk (or the database's size limit) is full: the write was refused, earlier ones are kept."""


class DamagedDatabaseError(StoreError, sqlite3.DatabaseError):
    """The file is damaged (or cannot be read): restore it from a backup."""


class BusyDatabaseError(StoreError, sqlite3.OperationalError):
    """Another window or workstation holds the write lock for longer than the busy timeout."""


class UnreachableDatabaseError(StoreError):
    """The clinic database's server cannot be reached: nothing is saved until it is back; the store connects again."""


SqliteError = sqlite3.Error
"""SQLite's base error, for the layers above the store, which never import sqlite3 themselves."""


def passes_through(error: BaseException) -> bool:
    """True for errors that keep their own type across the API: the store's, and constraint or trigger refusals."""
    return isinstance(error, StoreError | sqlite3.IntegrityError)


NOTHING_SAVED = "nothing was saved"

_READ_ONLY = ("readonly", "read-only", "read only")
_FULL = ("database or disk is full", "disk i/o error: no space", "no space left")
_BUSY = ("database is locked", "database is busy", "database table is locked")
_DAMAGED = ("malformed", "file is not a database", "disk i/o error", "database disk image", "corrupt")


def read_only_message(path: Path | None, reason: str) -> str:
    """ "the database X is read-only: why; nothing was saved" — the one line every refused write gives."""
    return f"the database {path or '(in memory)'} is read-only: {reason}; {NOTHING_SAVED}"


def damaged_message(path: Path | None, detail: str, where: str = "", newest_backup: Path | None = None) -> str:
    """What a damaged file says: damage, where (a page, when SQLite can tell), and the backup to restore."""
    restore = f"restore from a backup: {newest_backup}" if newest_backup else "restore it from a backup"
    at = f" at {where}" if where else ""
    detail = " ".join(detail.split())  # SQLite quotes a damaged schema over many lines: one line here
    if len(detail) > 200:
        detail = detail[:199] + "…"
    return f"the database {path or '(in memory)'} is damaged{at} ({detail}); {restore}"


def from_sqlite(error: sqlite3.Error, path: Path | None, *, read_only: str = "") -> StoreError:
    """The project's error for one of SQLite's (a :class:`StoreError` passes through unchanged).

    ``read_only`` is why the store was opened read-only, when it was: a write refused by
    SQLite then says so instead of SQLite's bare words.
    """
    if isinstance(error, StoreError):
        return error
    text = str(error)
    low = text.lower()
    name = path or "(in memory)"
    if any(word in low for word in _READ_ONLY):
        return ReadOnlyDatabaseError(read_only_message(path, read_only or f"SQLite refused to write ({text})"))
    if any(word in low for word in _FULL):
        return DiskFullError(
            f"the disk holding {name} is full ({text}); {NOTHING_SAVED}, everything saved before is kept. "
            "Free some space and try again"
        )
    if any(word in low for word in _BUSY):
        return BusyDatabaseError(
            f"the database {name} is busy in another window or workstation ({text}); {NOTHING_SAVED}, try again"
        )
    if isinstance(error, sqlite3.IntegrityError):
        return StoreError(f"the database refused the change: {text}")
    if any(word in low for word in _DAMAGED) or type(error) is sqlite3.DatabaseError:
        return DamagedDatabaseError(damaged_message(path, text))
    return StoreError(f"the database {name} could not do this ({text}); {NOTHING_SAVED}")


class FileProblem(StoreError):
    """A file the clinic reads or writes (a backup, a report, an export) could not be used: the OS said why."""

    def __init__(self, error: OSError) -> None:
        where = f" {error.filename}" if error.filename else ""
        why = error.strerror or str(error) or type(error).__name__
        super().__init__(f"The file{where} could not be used: {why}. Choose another place or check the disk.")
        self.error = error
