"""The one named set every migration registers in, in the order its modules are imported.

Its own module so the waves of migrations (``schema_first``, ``schema_later``) can register
without importing :mod:`ketadesk.store.schema`, which imports them in order.
"""

from __future__ import annotations

from sqlite_utils import Migrations

MIGRATION_SET = "ketadesk"
migrations = Migrations(MIGRATION_SET)


def migration_number(name: str) -> int:
    """A migration's place in the set (1-based): what ``user_version`` says once it has run.

    Read from the set rather than written out, so the number a migration sets can never
    disagree with its place among the others.
    """
    return 1 + [m.name for m in migrations._migrations].index(name)
