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


class Raw(Protocol):
    """The one call planted edits make: a statement, its parameters, and a cursor to read from."""

    def execute(self, sql: str, parameters: tuple[Any, ...] = ..., /) -> Any: ...


@contextmanager
def behind_the_programs_back(target: Path | str) -> Iterator[Raw]:
    """An autocommitting connection to ``target`` (a file or a ``postgresql://`` URL) outside the program."""
    if isinstance(target, str) and target.startswith("postgresql://"):
        import psycopg

        from tests.store.pg_planted import IDS_AS_SQLITE_GIVES_THEM, Insider

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(IDS_AS_SQLITE_GIVES_THEM)  # a row inserted without an id takes the next, as SQLite's does
            yield Insider(conn)
        return
    with closing(sqlite3.connect(target, isolation_level=None)) as conn:
        yield conn
