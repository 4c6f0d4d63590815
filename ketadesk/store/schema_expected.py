"""The schema the migrations make: every object they create on an empty database, for ``check`` to hold a clinic to.

Built once per process in memory (SQLite), and read by both engines' schema checks
(:mod:`ketadesk.store.reconcile_state`, :mod:`ketadesk.store.pg_schema_check`).
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache

from ketadesk.store.schema import migrations
from ketadesk.store.sqlite_engine import sqlite_utils_database

_SPACES = re.compile(r"\s+")


@cache
def expected_schema() -> dict[str, tuple[str, str]]:
    """Every schema object (name → type, definition) that the migrations create on an empty database."""
    conn = sqlite3.connect(":memory:")
    try:
        migrations.apply(sqlite_utils_database(conn))
        return schema_objects(conn)
    finally:
        conn.close()


def schema_objects(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Every schema object of a SQLite database but SQLite's own: name → (type, definition, spaces folded)."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    return {name: (kind, _SPACES.sub(" ", sql or "").strip()) for kind, name, sql in rows}
