"""Opening the one SQLite file safely and migrating it (its writes: :mod:`ketadesk.store.sqlite_engine`).

A ``postgresql://`` URL opens the clinic's shared server instead (:mod:`ketadesk.store.pg_engine`),
behind the same :class:`Store`.

Durability settings are not optional: WAL so readers never block the bedside, ``FULL``
sync so a committed reading survives a power cut, foreign keys so nothing points nowhere,
and a busy timeout so a second window waits instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ketadesk.store import chain_key, upgrade_copy
from ketadesk.store.errors import (
    DamagedDatabaseError,
    DiskFullError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    damaged_message,
    read_only_message,
)
from ketadesk.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, SCHEMA_VERSION, migrations
from ketadesk.store.sqlite_engine import Store, _Connection, sqlite_utils_database

if TYPE_CHECKING:  # psycopg is loaded only for a clinic on a server
    from ketadesk.store.pg_engine import PostgresStore

__all__ = ["BUSY_TIMEOUT_MS", "CACHE_KIB", "Store", "open_store", "page_of_damage", "read_only_reason"]

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 32 * 1024


def _connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    target: str = str(path)
    if read_only:
        # Through a URI so SQLite never tries to write. With no write-ahead log beside the file, as
        # "immutable": SQLite would otherwise make an empty -wal and -shm and leave them behind.
        wal = Path(f"{path}-wal")
        pending = wal.exists() and wal.stat().st_size > 0
        target = f"{Path(path).resolve().as_uri()}?{'mode=ro' if pending else 'immutable=1'}"
    conn = sqlite3.connect(
        target,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
        factory=_Connection,
        uri=read_only,
    )
    conn.row_factory = sqlite3.Row
    _LIVE.add(conn)
    return conn


_LIVE: weakref.WeakSet[_Connection] = weakref.WeakSet()
"""This process's connections to clinic files (:func:`_open_elsewhere`)."""


def _not_writable(path: Path) -> bool:
    """True when nobody may write ``path`` (its permission bits), or this process may not.

    The bits count even for an administrator whom the operating system would let write:
    a file or folder someone marked read-only is opened read-only.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_IMODE(mode) & 0o222) or not os.access(path, os.W_OK)


def read_only_reason(path: Path) -> str:
    """Why the database at ``path`` can only be read ("" when it can be written)."""
    if path.exists() and _not_writable(path):
        return "the file's permissions do not allow writing (open it as its owner, or give it write permission)"
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir() and _not_writable(folder):
        return (
            f"its folder {folder} cannot be written (SQLite keeps its write-ahead log beside the file; "
            "give the folder write permission)"
        )
    return ""


def page_of_damage(conn: sqlite3.Connection) -> str:
    """Where SQLite's quick check first finds damage ("page 7: …"), or "" when it cannot say."""
    import re

    try:
        rows = sqlite3.Connection.execute(conn, "PRAGMA quick_check(3)").fetchall()
    except (sqlite3.Error, UnicodeDecodeError):
        return ""
    for row in rows:
        found = re.search(r"page (\d+)", str(row[0]), re.IGNORECASE)
        if found:
            return f"page {found.group(1)}"
    return ""


def _applied_names(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'").fetchone()
    if not exists:
        return []
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,)
    ).fetchall()
    return [row[0] for row in rows]


def open_store(path: Path | str, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    A file written by a newer KetaDesk is refused before anything is written to it. A
    ``postgresql://`` URL opens that server's database, with the same guarantees.
    """
    if isinstance(path, str) and path.startswith(("postgresql://", "postgres://")):
        return _open_postgresql(path, migrate=migrate)
    target = Path(path)
    if target.exists() and target.is_dir():
        raise StoreError(f"{target} is a folder, not a KetaDesk database file")
    if not target.parent.exists():
        raise StoreError(f"the folder {target.parent} does not exist")
    if target.exists():
        _refuse_unreadable(target)
    read_only = read_only_reason(target)
    if read_only and not target.exists():
        raise ReadOnlyDatabaseError(read_only_message(target, read_only))
    try:
        conn = _connect(target, read_only=bool(read_only))
    except sqlite3.Error as error:
        raise StoreError(f"{target} could not be opened ({error})") from error
    if isinstance(conn, _Connection):
        conn.path, conn.read_only = target, read_only
    try:
        return _opened(conn, target, read_only, migrate=migrate)
    except (DamagedDatabaseError, sqlite3.Error, UnicodeDecodeError, ValueError) as error:
        # Damage can surface anywhere in the first reads: said as damage (where), or as no SQLite file at all.
        refused = _refusal(target, conn, error, read_only)
        conn.close()  # no handle left on a file we refused (Windows would keep it locked)
        raise refused from error
    except BaseException:
        conn.close()
        raise


MAPPED_BYTES = 1 << 40
"""How much of a file a reader for the full check's shares maps into memory (SQLite caps it at its own limit)."""


@contextmanager
def share_reader(path: Path | str) -> Iterator[Store]:
    """A read connection of its own for one share of the full check, its file mapped into memory.

    Mapped, SQLite reads each page where the OS keeps it instead of copying it first, about a
    tenth less for reading a whole ten-year file. An I/O error on a mapped file ends the process
    instead of raising: only the check's worker processes read this way, and a worker that ends
    makes the check run its part itself. It is closed without :meth:`Store.close`'s checkpoint
    of the write-ahead log, which would wait for the other workers' reads.
    """
    store = open_store(path, migrate=False)
    try:
        store.conn.execute(f"PRAGMA mmap_size = {MAPPED_BYTES}")
        yield store
    finally:
        store.conn.close()


@contextmanager
def second_reader(store: Store) -> Iterator[Store]:
    """A read connection of its own to ``store``'s database, for work on another thread (a connection stays on its own).

    The schema is the one ``store`` brought up to date; nothing is migrated again. A file's is
    closed, as :func:`share_reader`'s, without :meth:`Store.close`'s checkpoint of the
    write-ahead log, which would wait for the window's own reads.
    """
    if store.engine == "postgresql":
        server = _open_postgresql(cast("PostgresStore", store).url, migrate=False)
        try:
            yield server
        finally:
            server.close()
        return
    if store.path is None:
        raise StoreError("a database in memory cannot be opened a second time")
    reader = open_store(store.path, migrate=False)
    try:
        yield reader
    finally:
        reader.conn.close()


def _opened(conn: sqlite3.Connection, target: Path, read_only: str, *, migrate: bool) -> Store:
    """The first reads and settings on a fresh connection (any damage found raises; the caller closes it)."""
    # Reading the header first: a file that is not SQLite fails here, untouched.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    applied = _applied_names(conn)
    unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
    user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if unknown or user_version > SCHEMA_VERSION:
        raise NewerDatabaseError(
            f"{target} was written by a newer KetaDesk (schema {max(user_version, len(applied))}, "
            f"this program knows {SCHEMA_VERSION}); it has not been changed. Install the newer KetaDesk to open it."
        )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if read_only:
        return _read_only_store(conn, target, applied, read_only)
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StoreError(f"{target}: could not switch to write-ahead logging (journal mode is {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # A page cache of up to 32 MiB (SQLite's default is 2 MiB): a long patient history or the worklist read
    # twice comes from memory, not from the file again. It fills only as pages are read.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if migrate and len(applied) < SCHEMA_VERSION:
        if applied:  # a clinic's file from an older program, not a new one: kept as it was, first
            upgrade_copy.copy_before_upgrade(conn, target, len(applied), SCHEMA_VERSION)
        try:
            migrations.apply(sqlite_utils_database(conn))
        except (ReadOnlyDatabaseError, DiskFullError, DamagedDatabaseError):  # its own words: full, damaged
            raise
        except Exception as error:
            raise StoreError(f"{target}: upgrading the database failed and was rolled back: {error}") from error
    elif len(applied) < SCHEMA_VERSION:
        raise StoreError(f"{target} needs an upgrade (schema {len(applied)} of {SCHEMA_VERSION})")
    store = Store(conn, target)
    store.chain = chain_key.load(conn)
    return store


_MAGIC = b"SQLite format 3\x00"


def _refuse_unreadable(target: Path) -> None:
    """A file this process may not read, or too short to be SQLite, is said to be that (never "not KetaDesk").

    Asked of the file's permissions and size, never by opening it: closing any descriptor of a
    file drops every POSIX lock this process holds on it, SQLite's too (sqlite.org, "How To
    Corrupt An SQLite Database File", 2.2). A second connection opened here (the check at every
    start has one) once left the window's connection without its lock: another program that
    closed the file then thought itself the last, checkpointed and deleted the write-ahead log
    under the window, and every reading the window saved after that was lost when it closed.
    """
    try:
        size = target.stat().st_size
    except OSError as error:
        raise StoreError(
            f"the database {target} cannot be read ({error.strerror or error}); nothing was changed"
        ) from error
    if not os.access(target, os.R_OK):
        raise StoreError(f"the database {target} cannot be read (Permission denied); nothing was changed")
    if 0 < size < 100:
        raise DamagedDatabaseError(
            damaged_message(target, f"the file is cut short: {size} bytes, not even SQLite's header")
        )


def _open_elsewhere(target: Path, conn: sqlite3.Connection) -> bool:
    """Whether another connection of this process has ``target`` open (reading its bytes would drop that one's
    locks, :func:`_refuse_unreadable`)."""
    for other in list(_LIVE):
        if other is conn or other.path is None or not _same_file(other.path, target):
            continue
        try:
            other.total_changes  # noqa: B018 (a closed connection refuses this)
        except sqlite3.ProgrammingError:
            continue
        return True
    return False


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _refusal(target: Path, conn: sqlite3.Connection, error: Exception, read_only: str) -> StoreError:
    """Why a file that exists failed its first read: read-only, damaged (where), or not a database at all."""
    if isinstance(error, ReadOnlyDatabaseError):
        return error
    if isinstance(error, StoreError) and isinstance(error.__cause__, Exception):
        error = error.__cause__  # SQLite's own words, not the translation's sentence
    # Another connection of this process reading it means it is SQLite, and its locks must hold: not read then.
    head = b""
    if not _open_elsewhere(target, conn):
        with suppress(OSError), target.open("rb") as handle:
            head = handle.read(16)
    differing = sum(a != b for a, b in zip(head, _MAGIC, strict=False)) + abs(len(_MAGIC) - len(head))
    if head and differing > 2:  # two bytes off SQLite's magic is a damaged header, not another kind of file
        return StoreError(f"{target} is not a KetaDesk database (it is not an SQLite file); nothing was changed")
    if read_only and "unable to open" in str(error).lower():
        return ReadOnlyDatabaseError(read_only_message(target, read_only))
    detail = "text in it is not UTF-8" if isinstance(error, UnicodeDecodeError) else str(error)
    return DamagedDatabaseError(damaged_message(target, detail, page_of_damage(conn)))


def _read_only_store(conn: sqlite3.Connection, target: Path, applied: list[str], reason: str) -> Store:
    """The store over a file that cannot be written: up to date, or refused (it cannot be upgraded)."""
    if len(applied) < SCHEMA_VERSION:
        raise ReadOnlyDatabaseError(
            read_only_message(target, f"{reason}; it needs an upgrade (schema {len(applied)} of {SCHEMA_VERSION})")
        )
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    store = Store(conn, target, reason)
    store.chain = chain_key.load(conn)
    return store


def _open_postgresql(url: str, *, migrate: bool) -> Store:
    """The clinic database on a PostgreSQL server, its schema brought up to date (a newer one refused untouched)."""
    from ketadesk.store import pg_engine, pg_schema  # psycopg is loaded only for a clinic on a server

    store = pg_engine.PostgresStore(pg_engine.connect(url))
    try:
        pg_schema.bring_up_to_date(store, migrate=migrate)
        store.chain = chain_key.load(store.connection)
    except BaseException:
        store.close()
        raise
    return store
