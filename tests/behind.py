"""A connection to a clinic's database that is not the program's: what someone holding the file or the server does.

Tests of ``check`` and of the signatures plant edits this way. On SQLite it is the file's own
connection (no foreign keys, autocommit); on PostgreSQL the server's superuser, through
:class:`tests.store.pg_planted.Insider`, so the same statements (``DROP TRIGGER x``, ``?``
placeholders) run unchanged on both and every planted edit is tried on each engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg

from ketadesk.store.db import Store
from ketadesk.store.pg_engine import PostgresStore


class Raw(Protocol):
    """The one call planted edits make: a statement, its parameters, and a cursor to read from."""

    def execute(self, sql: str, parameters: tuple[Any, ...] = ..., /) -> Any: ...


@contextmanager
def behind_the_programs_back(target: Path | str) -> Iterator[Raw]:
    """An autocommitting connection to ``target`` (a file or a ``postgresql://`` URL) outside the program."""
    if isinstance(target, str) and target.startswith("postgresql://"):
        from tests.store.pg_planted import IDS_AS_SQLITE_GIVES_THEM, Insider

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(IDS_AS_SQLITE_GIVES_THEM)  # a row inserted without an id takes the next, as SQLite's does
            yield Insider(conn)
        return
    with closing(sqlite3.connect(target, isolation_level=None)) as conn:
        yield conn


def past_the_store(store: Store) -> Raw:
    """The open store's own connection, past the store's methods (psycopg's, on PostgreSQL), as the insider uses it.

    A statement the database refuses raises the driver's own error: :data:`REFUSED` on either engine.
    """
    if isinstance(store, PostgresStore):
        from tests.store.pg_planted import Insider

        return Insider(store.connection.raw)
    conn: Raw = store.conn
    return conn


def guard_triggers(raw: Raw, engine: str) -> list[str]:
    """The names of the program's guard triggers (``…_no_update``, ``…_no_delete``, …) on the database."""
    if engine == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%\\_no\\_%'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_no\\_%' ESCAPE '\\'"
    return [str(name) for (name,) in raw.execute(query).fetchall()]


REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityError)
