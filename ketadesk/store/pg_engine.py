"""The store on a PostgreSQL server: one clinic database that every workstation of the clinic opens.

The store modules write SQL once, in SQLite's dialect with ``?`` parameters; this engine runs
it on PostgreSQL (psycopg 3) behind the same :class:`~ketadesk.store.db.Store`: ``?`` becomes
psycopg's ``%s``, rows come back as :class:`sqlite3.Row` (built from psycopg's tuples, so
every reader indexes them by name or position as before), a new row's id comes from
``RETURNING id`` (:meth:`PostgresStore.insert`), and the database's refusals (the append-only
and signed-visit triggers, CHECK and UNIQUE) arrive as a :class:`StoreError` as on SQLite.

The dialect lives in :mod:`~ketadesk.store.pg_dialect`, the connection (and where its
credentials come from) in :mod:`~ketadesk.store.pg_connection`.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

import psycopg

from ketadesk.store import chain_key
from ketadesk.store.errors import ReadOnlyDatabaseError, StoreError, UnreachableDatabaseError, read_only_message
from ketadesk.store.pg_connection import PgConnection, PgCursor, connect, shown
from ketadesk.store.pg_dialect import dialect, outside_quotes, placeholders
from ketadesk.store.pg_listen import Listener, announcement
from ketadesk.store.sqlite_engine import ChainEntry, Store

__all__ = ["PgConnection", "PgCursor", "PostgresStore", "connect", "dialect", "outside_quotes", "placeholders", "shown"]

# Every write transaction takes this lock first (pg_advisory_xact_lock, released by its COMMIT or ROLLBACK).
WRITE_LOCK = int.from_bytes(b"KetaDesk", "big")
# A write's start, sent with its first statement (one round trip): BEGIN and the lock, then (once the schema has the
# audit table and its chain is loaded) the chain's last entry, read under the lock: each statement has its own
# snapshot at READ COMMITTED, so this one sees every commit made before the lock was had.
_BEGIN = ("BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
_TAIL = "SELECT id, at, hash, mac FROM audit ORDER BY id DESC LIMIT 1"


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
        # The chain's last entry as this write knows it (read at BEGIN, moved by each append) and how often the raw
        # connection had been handed out then: a COPY through it, or a savepoint rolled back, and it is read again.
        self._tail: ChainEntry | None = None
        self._tail_known = False
        self._tail_waiting = False  # the tail's read is sent with the write's first statement, not yet answered
        self._tail_around = 0
        self._committed: ChainEntry | None = None
        # This store's commits are announced signed with this word, so its own window's listener can tell them apart.
        self._own = secrets.token_hex(8)
        self._announcement = announcement(self._own)

    @property
    def conn(self) -> sqlite3.Connection:
        self._sqlite_only("the raw SQLite connection")

    @conn.setter
    def conn(self, value: sqlite3.Connection) -> None:
        self._sqlite_only("the raw SQLite connection")

    def _sqlite_only(self, what: str) -> NoReturn:
        raise StoreError(f"{what} exists only for a SQLite file; {self.name} is a PostgreSQL database")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def revision(self) -> tuple[int, int]:
        """A value that moves whenever anything is committed on the server, by any workstation.

        The server's write-ahead log insert position (not its write position, which lags behind
        a commit when ``synchronous_commit`` is off): it also moves for the server's own
        housekeeping, which costs a screen one needless re-read. Looked at when the server
        announces a commit (:mod:`~ketadesk.store.pg_listen`) and once a second by each window,
        it is also the catch-up after a reconnect: it compares positions, not messages.
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
        self._committed = None
        chained = self.chain is not chain_key.NOT_LOADED  # else the migrations are still making the tables
        self._tail = None
        self.connection.later(_BEGIN[0])
        self.connection.later(_BEGIN[1])
        if chained:
            self.connection.later(_TAIL, then=self._tail_read)
        opening = self.connection.waiting
        self._depth, self.audit_written = 1, False
        self.connection.in_transaction = True
        self._tail_known, self._tail_waiting, self._tail_around = chained, chained, self.connection.went_around
        try:
            yield self
        except BaseException:
            self._rollback("ROLLBACK")
            raise
        else:
            try:
                if self.connection.waiting != opening:  # something was sent, or waits to go with the COMMIT
                    # The other workstations hear of it once it is committed (pg_listen); it goes with the audit
                    # rows that waited for the COMMIT, and the COMMIT: one round trip.
                    self.connection.later(self._announcement)
                    self.connection.execute("COMMIT")
                else:  # nothing was written or read inside: the server never saw the write begin
                    self.connection.drop_later()
            except UnreachableDatabaseError as error:  # the COMMIT left; whether it arrived, nobody here can know
                raise UnreachableDatabaseError(
                    f"the connection to the clinic database {self.name} was lost as this was being saved: whether "
                    "it was kept shows in the record once KetaDesk has connected again (it does so by itself)"
                ) from error
            except BaseException:
                self._rollback("ROLLBACK")
                raise
            self._depth = 0
            self.connection.in_transaction = False
            # The lock was held until the COMMIT: nothing came after this write's last entry, as the witness writes now.
            self._committed = self._tail if self._tail_known and self.audit_written else None
            if self.audit_written and self.on_audit_commit is not None:
                self.on_audit_commit()
        finally:
            self._depth, self.audit_written = 0, False
            self.connection.in_transaction = False
            self._tail_known = False
            self.connection.drop_later()

    def _savepoint(self) -> Iterator[Store]:
        name = f"ketadesk_{self._depth}"
        self.connection.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._rollback(f"ROLLBACK TO SAVEPOINT {name}")
            self._tail_known = False  # an entry appended inside it is gone again
            raise
        else:
            self.connection.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._depth -= 1

    @property
    def _begun(self) -> bool:
        """The write's BEGIN has been sent (else the server never saw it: nothing to commit or roll back)."""
        return _BEGIN[0] not in self.connection.waiting

    def _tail_read(self, answer: PgCursor) -> None:
        last = answer.fetchone()
        self._tail = ChainEntry(int(last[0]), str(last[1]), str(last[2]), last[3]) if last else None
        self._tail_waiting = False

    def _tail_holds(self) -> bool:
        """The tail read at BEGIN, moved by each append, is still the chain's: nothing went around the store since."""
        return self._tail_known and self.connection.went_around == self._tail_around

    def chain_tail(self) -> tuple[int, str] | None:
        """The chain's last entry as read at BEGIN and moved by each append since: no round trip to the server."""
        if self._tail_holds():
            if self._tail_waiting:  # nothing has been sent since BEGIN: the tail is asked for now
                self.connection.flush()
            return (self._tail.id, self._tail.hash) if self._tail is not None else None
        self._tail_known = False
        return self._read_tail()

    def chain_moved(self, entry: ChainEntry) -> None:
        if self._tail_holds():
            self._tail = entry

    def committed_head(self) -> ChainEntry | None:
        return self._committed

    def gather_statistics(self) -> None:
        """``ANALYZE``: the planner's statistics after rows arrived in bulk (a copy, a restore), as the owner.

        Until autovacuum gets round to it, a table filled by COPY has none, and the board's
        query is planned as if every table were empty: 25 ms instead of 10 on the ten-year clinic.
        """
        self.connection.execute("ANALYZE")

    def _rollback(self, statement: str) -> None:
        # What waited is dropped, not sent: the rollback would undo it (after a savepoint, nothing before the
        # savepoint waits: the SAVEPOINT itself went with it).
        begun = self._begun
        self.connection.drop_later()
        if not begun:  # the server never saw this write begin
            return
        with suppress(psycopg.Error, StoreError):  # a lost connection has rolled back already
            self.connection.execute(statement)

    def write_unanswered(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Sent with the write's next statement (its COMMIT, for the last audit row): no round trip of its own."""
        self.connection.later(sql, params)

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

    def all_at_once(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[sqlite3.Row]]:
        """The queries sent together, in one round trip (the server plans and runs each while the rest wait)."""
        if not queries:
            return []
        answers: list[list[sqlite3.Row]] = [[] for _ in queries]

        def keep(place: int) -> Callable[[PgCursor], None]:
            return lambda answer: answers.__setitem__(place, answer.fetchall())

        for place, (sql, params) in enumerate(queries[:-1]):
            self.connection.later(sql, params, then=keep(place))
        answers[-1] = self.connection.execute(*queries[-1]).fetchall()
        return answers

    def schema_version(self) -> int:
        row = self.connection.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def reachable(self) -> str:
        """ "" while the server answers; else why not (a connection dialled again meanwhile is taken up here)."""
        return self.connection.reachable()

    def listen(self) -> Listener:
        """Word of every other store's commit on the server, on a connection of its own (see pg_listen)."""
        return Listener(self.url, own=self._own)

    def close(self) -> None:
        self.connection.close()
