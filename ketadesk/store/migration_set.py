"""The one named set every migration registers in, in the order its modules are imported.

Its own module so the waves of migrations (``schema_first``, ``schema_later``) can register
without importing :mod:`ketadesk.store.schema`, which imports them in order.
"""

from __future__ import annotations

from sqlite_utils import Migrations

MIGRATION_SET = "ketadesk"
migrations = Migrations(MIGRATION_SET)
