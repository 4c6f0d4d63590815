"""Opening the one SQLite file safely, migrating it, and writing to it in transactions.

Durability settings are not optional: WAL so readers never block the bedside, ``FULL``
sync so a committed reading survives a power cut, foreign keys so nothing points nowhere,
and a busy timeout so a second window waits instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ketadesk.store import chain_key, upgrade_copy
from ketadesk.store.chain_key import ChainKey
from ketadesk.store.errors import (
    DamagedDatabaseError,
    DiskFullError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    damaged_message,
    from_sqlite,
    read_only_message,
)
from ketadesk.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, SCHEMA_VERSION, migrations

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 32 * 1024


class Store:
    """One open KetaDesk database."""

    def __init__(self, db: Database, path: Path | None, read_only: str = "") -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.path = path
        # Why the file was opened for reading only ("" when it can be written): every write is
        # refused before it starts, with this reason.
        self.read_only = read_only
        if isinstance(self.conn, _Connection):
            self.conn.path, self.conn.read_only = path, read_only
        # The installation and its chain key (read when the store opens; see chain_key).
        self.chain: ChainKey = chain_key.NOT_LOADED
        # Set when a transaction writes an audit row; after its commit, ``on_audit_commit``
        # (the clinic's witness of the chain's head) runs once.
        self.audit_written = False
        self.on_audit_commit: Callable[[], None] | None = None

    def revision(self) -> tuple[int, int]:
        """A value that changes whenever anything is committed, by this connection or another one.

        ``PRAGMA data_version`` moves when another connection commits; ``total_changes``
        when this one writes. A screen that ticks once a second compares it with the value
        it last drew from and only re-reads the database when it moved.
        """
        row = self.conn.execute("PRAGMA data_version").fetchone()
        return int(row[0]), int(self.conn.total_changes)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write: everything inside commits together or not at all.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so the audit chain's "row
        before" cannot change under us when a second window writes at the same time.
        Nested use becomes a savepoint.
        """
        if self.read_only:
            raise ReadOnlyDatabaseError(read_only_message(self.path, self.read_only))
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:  # still locked after the busy timeout, read-only, damaged
            raise from_sqlite(error, self.path) from error
        self.audit_written = False
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):  # disk full, I/O error
                    raise from_sqlite(error, self.path) from error
                raise
            if self.audit_written and self.on_audit_commit is not None:
                self.on_audit_commit()
        finally:
            self.audit_written = False

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement, turning constraint failures into a :class:`StoreError`."""
        try:
            return self.conn.execute(sql, params)
        except sqlite3.IntegrityError as error:
            raise StoreError(f"the database refused the change: {error}") from error

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Every row of a query."""
        return list(self.conn.execute(sql, params).fetchall())

    def schema_version(self) -> int:
        """How many of this program's migrations the file has."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        # Another connection may hold the WAL; it is checkpointed later then.
        with suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


class _Connection(sqlite3.Connection):
    """A connection whose failures are the store's errors (read-only, disk full, damaged), never SQLite's bare ones.

    Every statement goes through ``execute``/``executemany``/``executescript``, here and in
    sqlite-utils, so translating there covers the whole store; the errors still derive from
    :class:`sqlite3.OperationalError`/:class:`sqlite3.DatabaseError`, and constraint
    failures (:class:`sqlite3.IntegrityError`, the triggers' refusals) pass unchanged.
    """

    path: Path | None = None
    read_only: str = ""

    def _translated(self, error: sqlite3.Error) -> BaseException:
        if isinstance(error, sqlite3.IntegrityError | sqlite3.ProgrammingError | StoreError):
            return error
        return from_sqlite(error, self.path, read_only=self.read_only)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except UnicodeDecodeError as error:  # SQLite's message about a damaged schema is itself garbled
            raise DamagedDatabaseError(damaged_message(self.path, "its schema cannot be read")) from error
        except sqlite3.Error as error:
            translated = self._translated(error)
            if translated is error:
                raise
            raise translated from error

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as error:
            translated = self._translated(error)
            if translated is error:
                raise
            raise translated from error

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(sql_script)
        except sqlite3.Error as error:
            translated = self._translated(error)
            if translated is error:
                raise
            raise translated from error


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
    return conn


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

    A file written by a newer KetaDesk is refused before anything is written to it.
    """
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
    db = Database(conn)
    if migrate and len(applied) < SCHEMA_VERSION:
        if applied:  # a clinic's file from an older program, not a new one: kept as it was, first
            upgrade_copy.copy_before_upgrade(conn, target, len(applied), SCHEMA_VERSION)
        try:
            migrations.apply(db)
        except (ReadOnlyDatabaseError, DiskFullError, DamagedDatabaseError):  # its own words: full, damaged
            raise
        except Exception as error:
            raise StoreError(f"{target}: upgrading the database failed and was rolled back: {error}") from error
    elif len(applied) < SCHEMA_VERSION:
        raise StoreError(f"{target} needs an upgrade (schema {len(applied)} of {SCHEMA_VERSION})")
    store = Store(db, target)
    store.chain = chain_key.load(conn)
    return store


_MAGIC = b"SQLite format 3\x00"


def _refuse_unreadable(target: Path) -> None:
    """A file this process may not read, or too short to be SQLite, is said to be that (never "not KetaDesk")."""
    try:
        with target.open("rb") as handle:
            head = handle.read(100)
    except OSError as error:
        raise StoreError(
            f"the database {target} cannot be read ({error.strerror or error}); nothing was changed"
        ) from error
    if 0 < len(head) < 100:
        raise DamagedDatabaseError(
            damaged_message(target, f"the file is cut short: {len(head)} bytes, not even SQLite's header")
        )


def _refusal(target: Path, conn: sqlite3.Connection, error: Exception, read_only: str) -> StoreError:
    """Why a file that exists failed its first read: read-only, damaged (where), or not a database at all."""
    if isinstance(error, ReadOnlyDatabaseError):
        return error
    if isinstance(error, StoreError) and isinstance(error.__cause__, Exception):
        error = error.__cause__  # SQLite's own words, not the translation's sentence
    with suppress(OSError):
        with target.open("rb") as handle:
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
    store = Store(Database(conn), target, reason)
    store.chain = chain_key.load(conn)
    return store
