"""What the store asks of a database connection, whichever engine answers: SQLite's or PostgreSQL's.

The store modules run their SQL through :class:`~ketadesk.store.db.Store`; these two shapes
are all they may rely on of what comes back, so the same module works on a clinic's SQLite
file and on its PostgreSQL server. Rows are :class:`sqlite3.Row` on both engines (the
PostgreSQL engine builds them from its own tuples), read by name or by position.

Imports nothing of the store: :mod:`ketadesk.store.chain_key` (which the migrations use)
types its connection with :class:`Executes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol


class Cursor(Protocol):
    """The answer of one statement: its rows, and how many rows it changed.

    ``lastrowid`` is SQLite's alone; a new row's id comes from ``Store.insert``, which
    PostgreSQL answers with ``RETURNING id``.
    """

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Executes(Protocol):
    """Anything that runs one statement with ``?`` parameters: a SQLite connection, or the PostgreSQL engine's."""

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor: ...
