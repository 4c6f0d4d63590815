"""The one named set every migration registers in, in the order its modules are imported.

Its own module so the waves of migrations (``schema_first``, ``schema_later``) can register
without importing :mod:`ketadesk.store.schema`, which imports them in order.
"""

from __future__ import annotations

from typing import Protocol

from sqlite_utils import Migrations

from ketadesk.store.sql_seam import Executes

MIGRATION_SET = "ketadesk"
migrations = Migrations(MIGRATION_SET)


def migration_number(name: str) -> int:
    """A migration's place in the set (1-based): what ``user_version`` says once it has run.

    Read from the set rather than written out, so the number a migration sets can never
    disagree with its place among the others.
    """
    return 1 + [m.name for m in migrations._migrations].index(name)


class MigrationTarget(Protocol):
    """What a migration writes to: sqlite-utils' ``Database`` on a SQLite file, or the PostgreSQL engine's target.

    A migration is written once, in SQLite's dialect; on PostgreSQL each statement it runs is
    translated (:mod:`ketadesk.store.pg_schema`), so the two engines cannot drift apart.
    """

    def execute(self, sql: str) -> object: ...

    @property
    def conn(self) -> Executes: ...
