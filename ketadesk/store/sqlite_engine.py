"""The store itself, SQLite's engine: one open file, its transactions, and its failures said in the store's words.

:class:`Store` is what every store module is given; the PostgreSQL engine
(:class:`ketadesk.store.pg_engine.PostgresStore`) is a :class:`Store` too, answering the
same calls. Opening a file (its checks, its settings, its migrations) is :mod:`ketadesk.store.db`.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ketadesk.store import chain_key
from ketadesk.store.chain_key import ChainKey
from ketadesk.store.errors import (
    DamagedDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    damaged_message,
    from_sqlite,
    read_only_message,
)
from ketadesk.store.sql_seam import Cursor

if TYPE_CHECKING:
    from sqlite_utils import Database

# Names for the savepoints of nested writes, unique in the process.
_SAVEPOINTS = itertools.count(1)


def sqlite_utils_database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils over an open connection, without its plugins.

    sqlite-utils would otherwise load every ``sqlite_utils`` plugin installed in the
    environment (reading every distribution's entry points, about 11 ms at each start) and let
    each register its own SQL functions on the clinic's connection: nothing but KetaDesk's own
    code runs on a clinic's database. Imported here, when a file is created, upgraded or
    compared with the schema, not at every start (about 80 ms, numpy included).
    """
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)


class Heard(Protocol):
    """Word of another workstation's commits: a socket to watch and, when it stirs, whether to look."""

    def socket(self) -> int | None: ...

    def heard(self) -> bool: ...

    def close(self) -> None: ...


class _OtherConnections:
    """Another window's commits to the same file: ``PRAGMA data_version`` moves for them, never for this one's."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._seen = self._version()

    def _version(self) -> int:
        return self._store.revision()[0]  # its data_version half (the other counts this connection's own writes)

    def socket(self) -> int | None:
        return None  # nothing to watch: the window asks at its tick

    def heard(self) -> bool:
        version = self._version()
        moved, self._seen = version != self._seen, version
        return moved

    def close(self) -> None:
        return None


class ChainEntry(NamedTuple):
    """One audit row's place in the chain: what the next row is sealed to, and what a witness of the head records."""

    id: int
    at: str
    hash: str
    mac: str | None


class Store:
    """One open KetaDesk database: this class is the SQLite engine, ``pg_engine.PostgresStore`` the other."""

    engine = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: Path | None, read_only: str = "") -> None:
        self.conn = conn
        self.path = path
        self.name = str(path) if path is not None else "(in memory)"
        """The database as messages name it (a server's store names its URL, never with a password)."""
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
        # The entry the write under way appended last (None: none yet, or a savepoint undid one), and after its
        # commit the chain's head as this write left it: the witness needs no read of its own. The write lock
        # is held from BEGIN IMMEDIATE to COMMIT, so no other connection can append in between.
        self._appended: ChainEntry | None = None
        self._committed: ChainEntry | None = None

    def chain_tail(self) -> tuple[int, str] | None:
        """The audit chain's last entry (id, hash) as the write under way sees it; None before the first."""
        if self._appended is not None:
            return self._appended.id, self._appended.hash
        return self._read_tail()

    def _read_tail(self) -> tuple[int, str] | None:
        """The chain's last entry as the table has it now."""
        row = self.one("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
        return (int(row[0]), str(row[1])) if row else None

    def chain_moved(self, entry: ChainEntry) -> None:
        """An audit row was just appended in the write under way: it is the tail from now on."""
        if self.conn.in_transaction:
            self._appended = entry

    def committed_head(self) -> ChainEntry | None:
        """The chain's last entry right after this store's own commit, when this write appended it (else None)."""
        return self._committed

    def revision(self) -> tuple[int, int]:
        """A value that changes whenever anything is committed, by this connection or another one.

        ``PRAGMA data_version`` moves when another connection commits; ``total_changes``
        when this one writes. A screen that ticks once a second compares it with the value
        it last drew from and only re-reads the database when it moved.
        """
        row = self.conn.execute("PRAGMA data_version").fetchone()
        return int(row[0]), int(self.conn.total_changes)

    def reachable(self) -> str:
        """ "" when the database answers, else why not: a file on this workstation always does (see the server's)."""
        return ""

    def listen(self) -> Heard:
        """Word of another connection's commits: a file announces none, so ``PRAGMA data_version`` is asked at ticks."""
        return _OtherConnections(self)

    @property
    def in_transaction(self) -> bool:
        """True inside :meth:`transaction` (audit rows are written only there)."""
        return self.conn.in_transaction

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
            with self._nested():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:  # still locked after the busy timeout, read-only, damaged
            raise from_sqlite(error, self.path) from error
        self.audit_written, self._appended, self._committed = False, None, None
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
            self._committed = self._appended if self.audit_written else None
            if self.audit_written and self.on_audit_commit is not None:
                self.on_audit_commit()
        finally:
            self.audit_written, self._appended = False, None

    @contextmanager
    def _nested(self) -> Iterator[None]:
        """A write inside the one under way: undone alone when it fails, committed with the outer one."""
        name = f"nested_{next(_SAVEPOINTS)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            # A trigger's RAISE(ROLLBACK) ends the whole transaction, savepoints with it: then there is nothing to undo.
            self._appended = None  # what it appended is gone: the tail is read again
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        """Run one statement, turning constraint failures into a :class:`StoreError`."""
        try:
            return self.conn.execute(sql, params)
        except sqlite3.IntegrityError as error:
            raise StoreError(f"the database refused the change: {error}") from error

    def write_unanswered(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A write inside a transaction whose answer nobody reads (an audit row): a file runs it now.

        A server sends it with the transaction's next statement, in the same round trip; its
        failure, if any, is raised there and spoils the transaction as any failure does.
        """
        self.execute(sql, params)

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one INSERT of a row into a table with an ``id`` and return the new row's id.

        The portable form of ``lastrowid`` (which PostgreSQL has not): its engine appends ``RETURNING id``.
        """
        row_id = self.execute(sql, params).lastrowid
        if not row_id:
            raise StoreError(f"the database gave no id for the new row ({sql.split('(', maxsplit=1)[0].strip()})")
        return int(row_id)

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Every row of a query."""
        return list(self.conn.execute(sql, params).fetchall())

    def all_at_once(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[sqlite3.Row]]:
        """Every row of each of several queries that need not wait for each other's answers, in their order.

        On a file they simply run one after another; a server is sent them all in one round trip.
        """
        return [self.all(sql, params) for sql, params in queries]

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
