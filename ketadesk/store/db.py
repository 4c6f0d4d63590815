"""Opening the one SQLite file safely, migrating it, and writing to it in transactions.

Durability settings are not optional: WAL so readers never block the bedside, ``FULL``
sync so a committed reading survives a power cut, foreign keys so nothing points nowhere,
and a busy timeout so a second window waits instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ketadesk.store import chain_key
from ketadesk.store.chain_key import ChainKey
from ketadesk.store.errors import NewerDatabaseError, StoreError
from ketadesk.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, SCHEMA_VERSION, migrations

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 32 * 1024


class Store:
    """One open KetaDesk database."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.path = path
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
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:  # still locked after the busy timeout, or read-only
            raise StoreError(
                f"the database is busy in another window or cannot be written ({error}); nothing was saved, try again"
            ) from error
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
                if isinstance(error, sqlite3.OperationalError):  # disk full, I/O error
                    raise StoreError(f"the change could not be saved ({error}); nothing was saved") from error
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


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


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
    try:
        conn = _connect(target)
    except sqlite3.Error as error:
        raise StoreError(f"{target} could not be opened ({error})") from error
    try:
        # Reading the header first: a file that is not SQLite fails here, untouched.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        applied = _applied_names(conn)
    except sqlite3.DatabaseError as error:
        conn.close()  # no handle left on a file we refused (Windows would keep it locked)
        raise StoreError(f"{target} is not a KetaDesk database ({error})") from error
    unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
    user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if unknown or user_version > SCHEMA_VERSION:
        conn.close()
        raise NewerDatabaseError(
            f"{target} was written by a newer KetaDesk (schema {max(user_version, len(applied))}, "
            f"this program knows {SCHEMA_VERSION}); it has not been changed. Install the newer KetaDesk to open it."
        )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.close()
        raise StoreError(f"{target}: could not switch to write-ahead logging (journal mode is {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # A page cache of up to 32 MiB (SQLite's default is 2 MiB): a long patient history or the worklist read
    # twice comes from memory, not from the file again. It fills only as pages are read.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db = Database(conn)
    if migrate and len(applied) < SCHEMA_VERSION:
        try:
            migrations.apply(db)
        except Exception as error:
            conn.close()
            raise StoreError(f"{target}: upgrading the database failed and was rolled back: {error}") from error
    elif len(applied) < SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{target} needs an upgrade (schema {len(applied)} of {SCHEMA_VERSION})")
    store = Store(db, target)
    store.chain = chain_key.load(conn)
    return store
