"""One psycopg connection run the store's way: ``?`` parameters, :class:`sqlite3.Row` rows, the store's errors.

Credentials come from where libpq looks for them (``PGPASSFILE``, a service file, the
user's ``.pgpass``), never from the URL: a URL that carries a password is refused, and the
database is always named without one, so no password reaches a message or the audit trail.

A workstation keeps its connection for the whole shift, and a server restarts or a network
drops meanwhile. A lost connection is an :class:`UnreachableDatabaseError` (a write in
progress is rolled back by the server, so nothing is half-saved); the connection is dialled
again on a thread of its own (a screen's once-a-second tick never waits for the network) and
taken up by the first statement outside a transaction once it is there.

A round trip to the server costs more than most statements do on it, so what a write need
not wait for waits to go with the next statement (:meth:`PgConnection.later`, psycopg's
pipeline mode): a write's BEGIN, its lock and its read of the chain's tail go with its first
statement, and its audit rows with its COMMIT.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import psycopg
import psycopg.errors
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict

from ketadesk.store.errors import (
    NOTHING_SAVED,
    BusyDatabaseError,
    DiskFullError,
    StoreError,
    UnreachableDatabaseError,
)
from ketadesk.store.pg_dialect import dialect, placeholders

LOCK_TIMEOUT = "5s"  # as SQLite's busy timeout: a second writer waits this long for the first
CONNECT_TIMEOUT_S = 5
REDIAL_TIMEOUT_S = 3
"""How long one attempt to connect again may take (on its own thread)."""
REDIAL_EVERY_S = 2.0
"""How soon after a failed attempt the next one starts."""


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
        self._raw = raw
        self.went_around = 0
        """How often :attr:`raw` was handed out: what psycopg did directly (COPY, say) this class never saw."""
        self.url = url  # as given, which never holds a password (connect refuses one)
        self.name = name
        self.in_transaction = False
        """Set by the store between its BEGIN and COMMIT: a connection lost there is not taken up again mid-way."""
        self.lost = ""
        """Why the server cannot be reached now ("" while connected)."""
        self._redial: Redial | None = None
        self._next_redial = 0.0
        self.redial_every = REDIAL_EVERY_S
        self._later: list[tuple[str, Any, Callable[[PgCursor], None] | None]] = []

    @property
    def raw(self) -> psycopg.Connection[tuple[Any, ...]]:
        """The psycopg connection itself, for what only psycopg does (COPY, a role's password, a server function).

        Counted: what is written through it, the store cannot know it wrote (:attr:`went_around`).
        What waits to be sent (:meth:`later`) is sent first, so it stays in the order it was written.
        """
        if self._later:
            self.flush()
        self.went_around += 1
        return self._raw

    def later(self, sql: str, parameters: Any = (), then: Callable[[PgCursor], None] | None = None) -> None:
        """Send ``sql`` with the next statement, in the same round trip; ``then`` is given its answer.

        For what a transaction need not wait for: its failure is raised by the statement it
        went with (the whole transaction fails, as any failure spoils it on PostgreSQL).
        """
        self._later.append((sql, parameters, then))

    @property
    def waiting(self) -> tuple[str, ...]:
        """The statements that wait to go with the next one, in the order they will be sent."""
        return tuple(each[0] for each in self._later)

    def flush(self) -> None:
        """Send what waits now, in one round trip (when its answer is needed before any next statement)."""
        if self._later:
            sql, parameters, then = self._later.pop()
            answer = self.execute(sql, parameters)
            if then is not None:
                then(answer)

    def drop_later(self) -> None:
        """Forget what waits (its transaction is rolled back, or never reached the server)."""
        self._later.clear()

    def reachable(self) -> str:
        """ "" when the server answers; else why not (taking up a connection dialled again meanwhile, if there is one).

        Never waits for the network: a screen asks this once a second while the server is away.
        """
        if self.lost or self._raw.broken:
            try:
                self._take_up()
            except UnreachableDatabaseError:
                return self.lost
        return ""

    def _unreachable(self) -> UnreachableDatabaseError:
        return UnreachableDatabaseError(
            f"the clinic database {self.name} cannot be reached ({self.lost}); {NOTHING_SAVED}. "
            "KetaDesk connects again by itself"
        )

    def _take_up(self) -> None:
        """Use the connection dialled again if it is there; else start dialling (or keep waiting) and refuse."""
        redial = self._redial
        if redial is not None and redial.done.is_set():
            self._redial = None
            if redial.raw is not None:
                with suppress(psycopg.Error):
                    self._raw.close()
                self._raw, self.lost = redial.raw, ""
                return
            self.lost = redial.error or self.lost
            self._next_redial = time.monotonic() + self.redial_every
        if self._redial is None and time.monotonic() >= self._next_redial:
            self._redial = Redial(self.url)
        raise self._unreachable()

    def wait_for_redial(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the attempt to connect again under way, if any (tests, the CLI)."""
        if self._redial is not None:
            self._redial.done.wait(timeout)

    def execute(self, sql: str, parameters: Any = ()) -> PgCursor:
        """Run one statement (outside a transaction it commits by itself, as SQLite's autocommit does).

        What waits (:meth:`later`) goes first, in the same round trip.
        """
        if isinstance(parameters, dict):
            raise TypeError("the PostgreSQL engine takes ? parameters, not named ones")
        if self.lost or self._raw.broken:
            self._later.clear()  # never sent: the transaction they were part of is gone with the connection
            if self.in_transaction:  # the server has rolled back what the transaction wrote
                self.lost = self.lost or "the connection was lost"
                raise self._unreachable()
            self._take_up()
        try:
            if not self._later:
                return _answer(self._send(sql, parameters))
            waiting, self._later = self._later, []
            with self._raw.pipeline():  # one round trip: what waited, then this statement
                sent = [(self._send(*each[:2]), each[2]) for each in waiting]
                cursor = self._send(sql, parameters)
            for earlier, then in sent:
                if then is not None:
                    then(_answer(earlier))
            return _answer(cursor)
        except (psycopg.errors.IntegrityError, psycopg.errors.DataError) as error:  # SQLite's STRICT is the former
            raise StoreError(f"the database refused the change: {_said(error)}") from error
        except psycopg.errors.LockNotAvailable as error:  # another workstation held the write lock past lock_timeout
            raise BusyDatabaseError(
                f"the database {self.name} is busy in another window or workstation ({_said(error)}); "
                f"{NOTHING_SAVED}, try again"
            ) from error
        except psycopg.errors.DiskFull as error:  # SQLSTATE 53100: the server could not extend a file of its own
            raise DiskFullError(
                f"the disk of the clinic database {self.name}'s server is full ({_said(error)}); {NOTHING_SAVED}, "
                "everything saved before is kept. The server's administrator frees space there; then save again"
            ) from error
        except psycopg.errors.InsufficientPrivilege as error:  # the application role owns nothing (pg_roles)
            raise StoreError(
                f"the database {self.name} refused this role: {_said(error)}; {NOTHING_SAVED}. If this KetaDesk is "
                "newer than the database's grants, its administrator runs `ketadesk server migrate`"
            ) from error
        except psycopg.OperationalError as error:
            if not self._raw.broken:  # the server answered (a statement cancelled, say): not a lost connection
                raise StoreError(f"the clinic database {self.name} refused the statement: {_said(error)}") from error
            self.lost = _said(error)
            if self._redial is None:  # dialling starts at once, so the first answer after the loss can be the last
                self._redial = Redial(self.url)
            raise self._unreachable() from error

    def _send(self, sql: str, parameters: Any) -> psycopg.Cursor[tuple[Any, ...]]:
        if parameters:
            statement, lists = placeholders(sql)
            values = [_value(v) for v in parameters]
            for index in lists:
                values[index] = json.loads(values[index])
            return self._raw.execute(statement, values)
        return self._raw.execute(dialect(sql))  # without parameters psycopg reads no placeholder: a % stays

    def close(self) -> None:
        """Close for good (no attempt to connect again is taken up after this)."""
        self._later.clear()
        self._raw.close()
        redial, self._redial = self._redial, None
        if redial is not None:
            redial.done.wait(REDIAL_TIMEOUT_S + 1)
            if redial.raw is not None:
                redial.raw.close()


class Redial:
    """One attempt to connect again, on a thread of its own; ``done`` is set when it has succeeded or failed."""

    def __init__(self, url: str, then: Callable[[psycopg.Connection[tuple[Any, ...]]], object] | None = None) -> None:
        self.url = url
        self.then = then  # what the new connection does first, on the same thread (a listener's LISTEN)
        self.raw: psycopg.Connection[tuple[Any, ...]] | None = None
        self.error = ""
        self.done = threading.Event()
        threading.Thread(target=self._dial, name="ketadesk-reconnect", daemon=True).start()

    def _dial(self) -> None:
        raw = None
        try:
            raw = _raw(self.url, REDIAL_TIMEOUT_S)
            if self.then is not None:
                self.then(raw)
            self.raw = raw
        except psycopg.Error as error:
            self.error = _said(error)
            if raw is not None:
                with suppress(psycopg.Error):
                    raw.close()
        finally:
            self.done.set()


def _answer(cursor: psycopg.Cursor[tuple[Any, ...]]) -> PgCursor:
    # The column names from the result itself: psycopg's description builds a Column object for each, every time.
    result = cursor.pgresult
    if result is None or result.status != psycopg.pq.ExecStatus.TUPLES_OK:
        return PgCursor([], cursor.rowcount)
    names = tuple((result.fname(i) or b"").decode() for i in range(result.nfields))
    return PgCursor(_SHAPES.rows(names, cursor.fetchall()), cursor.rowcount)


def _said(error: psycopg.Error) -> str:
    return (error.diag.message_primary or str(error)).strip()


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
        raw = _raw(url, CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as error:
        raise UnreachableDatabaseError(f"the clinic database {name} cannot be reached: {_said(error)}") from error
    return PgConnection(raw, url, name)


def _raw(url: str, timeout: int) -> psycopg.Connection[tuple[Any, ...]]:
    """A new psycopg connection set up the store's way (the write lock's timeout, SQLite's numbers)."""
    raw = psycopg.connect(url, autocommit=True, connect_timeout=timeout, application_name="KetaDesk")
    raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    raw.adapters.register_loader("numeric", _SqliteNumbers)
    return raw
