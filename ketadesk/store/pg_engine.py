"""The store on a PostgreSQL server: one clinic database that every workstation of the clinic opens.

The store modules write SQL once, in SQLite's dialect with ``?`` parameters; this engine runs
it on PostgreSQL (psycopg 3) behind the same :class:`~ketadesk.store.db.Store`: ``?`` becomes
psycopg's ``%s``, rows come back as :class:`sqlite3.Row` (built from psycopg's tuples, so
every reader indexes them by name or position as before), a new row's id comes from
``RETURNING id`` (:meth:`PostgresStore.insert`), and the database's refusals (the append-only
and signed-visit triggers, CHECK and UNIQUE) arrive as a :class:`StoreError` as on SQLite.

Credentials come from where libpq looks for them (``PGPASSFILE``, a service file, the
user's ``.pgpass``), never from the URL: a URL that carries a password is refused, and the
database is always named without one, so no password reaches a message or the audit trail.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any, NoReturn

import psycopg
import psycopg.errors
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict
from sqlite_utils import Database

from ketadesk.store import chain_key
from ketadesk.store.errors import (
    NOTHING_SAVED,
    BusyDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    read_only_message,
)
from ketadesk.store.sqlite_engine import Store

# Every write transaction takes this lock first (pg_advisory_xact_lock, released by its COMMIT or ROLLBACK).
WRITE_LOCK = int.from_bytes(b"KetaDesk", "big")
LOCK_TIMEOUT = "5s"  # as SQLite's busy timeout: a second writer waits this long for the first
CONNECT_TIMEOUT_S = 5


def shown(url: str) -> str:
    """The database as messages name it: ``postgresql://user@host:port/dbname``, never with a password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(a URL that could not be read)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = str(parts.get("host") or "")
    place = host if not host.startswith("/") else ""  # a Unix socket's folder is not part of the name
    port = f":{parts['port']}" if parts.get("port") and place else ""
    service = f"?service={parts['service']}" if parts.get("service") else ""
    return f"postgresql://{user}{place}{port}/{parts.get('dbname') or ''}{service}"


_LIST = "\x00"  # marks the parameter of a list rewritten from json_each
# SQLite's dialect where the store uses it in queries, as PostgreSQL says it (outside quotes only).
_DIALECT = (
    # A list of ids or names passed as one JSON array: PostgreSQL's = ANY of an array (the parameter becomes a list).
    (re.compile(r"\bIN \(SELECT value FROM json_each\(\?\)\)"), f"= ANY({_LIST})"),
    # NOCASE and LIKE: SQLite folds ASCII letters only, lower() and ILIKE every letter; patients are found either way.
    (re.compile(r"([\w.]+) COLLATE NOCASE"), r"lower(\1)"),
    (re.compile(r"\bLIKE\b"), "ILIKE"),
    (re.compile(r"\binstr\("), "strpos("),
)


def outside_quotes(sql: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the parts of ``sql`` that are not in single quotes (string literals stay as written)."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(part if index % 2 else change(part) for index, part in enumerate(parts))


def _dialect(part: str) -> str:
    for pattern, replacement in _DIALECT:
        part = pattern.sub(replacement, part)
    return part


@lru_cache(maxsize=2048)
def dialect(sql: str) -> str:
    """A statement without parameters in PostgreSQL's words (the dialect above; nothing else changes)."""
    return outside_quotes(sql, _dialect)


@lru_cache(maxsize=2048)
def placeholders(sql: str) -> tuple[str, tuple[int, ...]]:
    """The statement as psycopg runs it, and which parameters are JSON lists to pass as arrays.

    SQLite's ``?`` become ``%s`` and every literal ``%`` is doubled (psycopg reads them all);
    a ``?`` inside a quoted string or name stays what it is; the dialect above is translated.
    """
    out: list[str] = []
    lists: list[int] = []
    quote = ""
    number = 0
    for char in outside_quotes(sql, _dialect):
        if char == "%":
            out.append("%%")
        elif quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char in ("?", _LIST):
            if char == _LIST:
                lists.append(number)
            number += 1
            out.append("%s")
        else:
            out.append(char)
    return "".join(out), tuple(lists)


class _Shapes:
    """Empty SQLite cursors with a query's column names, so PostgreSQL's rows become :class:`sqlite3.Row`."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._by_names: dict[tuple[str, ...], sqlite3.Cursor] = {}
        self._lock = threading.Lock()

    def rows(self, names: tuple[str, ...], values: list[tuple[Any, ...]]) -> list[sqlite3.Row]:
        shape = self._by_names.get(names)
        if shape is None:
            columns = ", ".join('NULL AS "{}"'.format(name.replace('"', '""')) for name in names)
            with self._lock:
                shape = self._db.execute(f"SELECT {columns} LIMIT 0")
                self._by_names[names] = shape
        return [sqlite3.Row(shape, row) for row in values]


_SHAPES = _Shapes()


class PgCursor:
    """One statement's answer, read like sqlite3's cursor (rows by name or position; no ``lastrowid``)."""

    def __init__(self, rows: list[sqlite3.Row], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self._rowcount = rowcount

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        raise StoreError("PostgreSQL gives no lastrowid: the store writes a new row with Store.insert (RETURNING id)")

    def fetchone(self) -> sqlite3.Row | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[sqlite3.Row]:
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[sqlite3.Row]:
        return iter(self.fetchall())


class _SqliteNumbers(Loader):
    """PostgreSQL's ``numeric`` (``sum`` and ``avg`` of integers) as SQLite gives it: int or float, not Decimal."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data).decode("ascii")
        return int(text) if text.lstrip("-").isdigit() else float(text)


def _value(value: Any) -> Any:
    # SQLite stores True as 1; the schema's flags are integers on both engines.
    return int(value) if isinstance(value, bool) else value


class PgConnection:
    """The psycopg connection, run the store's way: ``?`` parameters, sqlite3 rows, the store's errors."""

    def __init__(self, raw: psycopg.Connection[tuple[Any, ...]], url: str, name: str) -> None:
        self.raw = raw
        self.url = url  # as given, which never holds a password (connect refuses one)
        self.name = name

    def execute(self, sql: str, parameters: Any = ()) -> PgCursor:
        """Run one statement (outside a transaction it commits by itself, as SQLite's autocommit does)."""
        if isinstance(parameters, dict):
            raise TypeError("the PostgreSQL engine takes ? parameters, not named ones")
        try:
            if parameters:
                statement, lists = placeholders(sql)
                values = [_value(v) for v in parameters]
                for index in lists:
                    values[index] = json.loads(values[index])
                cursor = self.raw.execute(statement, values)
            else:  # without parameters psycopg reads no placeholder: a % stays as written
                cursor = self.raw.execute(dialect(sql))
            if cursor.description is None:
                return PgCursor([], cursor.rowcount)
            names = tuple(column.name for column in cursor.description)
            return PgCursor(_SHAPES.rows(names, cursor.fetchall()), cursor.rowcount)
        except (psycopg.errors.IntegrityError, psycopg.errors.DataError) as error:  # SQLite's STRICT is the former
            raise StoreError(f"the database refused the change: {_said(error)}") from error
        except psycopg.errors.LockNotAvailable as error:  # another workstation held the write lock past lock_timeout
            raise BusyDatabaseError(
                f"the database {self.name} is busy in another window or workstation ({_said(error)}); "
                f"{NOTHING_SAVED}, try again"
            ) from error
        except psycopg.OperationalError as error:
            raise StoreError(f"the clinic database {self.name} cannot be reached: {_said(error)}") from error


def _said(error: psycopg.Error) -> str:
    return (error.diag.message_primary or str(error)).strip()


class PostgresStore(Store):
    """The store on a PostgreSQL database (one per clinic, shared by its workstations).

    Writes are serialised, as SQLite's ``BEGIN IMMEDIATE`` serialises them: every write
    transaction begins with ``pg_advisory_xact_lock`` on one key, held until its COMMIT or
    ROLLBACK, at PostgreSQL's default isolation (READ COMMITTED), so each statement after the
    lock sees everything committed before it. The audit chain's "row before" is read after
    the lock and so is the committed head; read-then-write checks of the clinic (a chair free,
    the next revision number) hold as they do on SQLite. The lock rather than SERIALIZABLE:
    a serialisation failure must be retried by replaying the whole use case (a physician's
    password check included), whereas the lock makes a second writer wait, up to
    ``LOCK_TIMEOUT`` as SQLite's busy timeout does; readers never wait for it. Every write
    transaction writes audit rows, so locking later (at the first audit row) would shorten
    no wait worth having.

    On PostgreSQL a failed statement spoils its whole transaction (SQLite keeps the ones
    before it): the error leaves :meth:`transaction`, which rolls everything back.
    """

    engine = "postgresql"

    def __init__(self, connection: PgConnection) -> None:  # no super().__init__: there is no SQLite connection
        self.connection = connection
        self.path = None
        self.name = connection.name
        self.url = connection.url  # another workstation's connection (or the tests') opens the same database
        self.read_only = ""
        self.chain = chain_key.NOT_LOADED
        self.audit_written = False
        self.on_audit_commit = None
        self._depth = 0

    @property
    def conn(self) -> sqlite3.Connection:
        self._sqlite_only("the raw SQLite connection")

    @conn.setter
    def conn(self, value: sqlite3.Connection) -> None:
        self._sqlite_only("the raw SQLite connection")

    @property
    def db(self) -> Database:
        self._sqlite_only("sqlite-utils")

    @db.setter
    def db(self, value: Database) -> None:
        self._sqlite_only("sqlite-utils")

    def _sqlite_only(self, what: str) -> NoReturn:
        raise StoreError(f"{what} exists only for a SQLite file; {self.name} is a PostgreSQL database")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def revision(self) -> tuple[int, int]:
        """A value that moves whenever anything is committed on the server, by any workstation.

        The server's write-ahead log insert position (not its write position, which lags behind
        a commit when ``synchronous_commit`` is off): it also moves for the server's own
        housekeeping, which costs a screen one needless re-read. (LISTEN/NOTIFY replaces it.)
        """
        row = self.connection.execute("SELECT pg_current_wal_insert_lsn() - '0/0'").fetchone()
        return int(row[0]) if row else 0, 0

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write: BEGIN, the write lock, everything inside, COMMIT; nested use is a savepoint."""
        if self.read_only:
            raise ReadOnlyDatabaseError(read_only_message(None, self.read_only))
        if self._depth:
            yield from self._savepoint()
            return
        self.connection.execute("BEGIN")
        self._depth, self.audit_written = 1, False
        try:
            self.connection.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            yield self
        except BaseException:
            self._rollback("ROLLBACK")
            raise
        else:
            try:
                self.connection.execute("COMMIT")
            except BaseException:
                self._rollback("ROLLBACK")
                raise
            self._depth = 0
            if self.audit_written and self.on_audit_commit is not None:
                self.on_audit_commit()
        finally:
            self._depth, self.audit_written = 0, False

    def _savepoint(self) -> Iterator[Store]:
        name = f"ketadesk_{self._depth}"
        self.connection.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._rollback(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        else:
            self.connection.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._depth -= 1

    def _rollback(self, statement: str) -> None:
        with suppress(psycopg.Error, StoreError):  # a lost connection has rolled back already
            self.connection.execute(statement)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        return self.connection.execute(sql, params)

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        row = self.connection.execute(f"{sql} RETURNING id", params).fetchone()
        if row is None:
            raise StoreError(f"the database gave no id for the new row ({sql.split('(', maxsplit=1)[0].strip()})")
        return int(row[0])

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return self.connection.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.connection.execute(sql, params).fetchall()

    def schema_version(self) -> int:
        row = self.connection.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.connection.raw.close()


def connect(url: str) -> PgConnection:
    """A connection to the clinic database at ``url`` (whose password, if any, libpq finds itself)."""
    name = shown(url)
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise StoreError(f"{name}: the database URL could not be read") from error
    if parts.get("password"):
        raise StoreError(
            f"the database URL for {name} carries a password: keep it in PGPASSFILE or a service file "
            "(pg_service.conf), never in a URL or on the command line"
        )
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="KetaDesk")
    except psycopg.OperationalError as error:
        raise StoreError(f"the clinic database {name} cannot be reached: {_said(error)}") from error
    raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    raw.adapters.register_loader("numeric", _SqliteNumbers)
    return PgConnection(raw, url, name)
