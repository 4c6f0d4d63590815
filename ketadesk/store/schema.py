"""The schema and its ordered migrations.

Each migration is named, runs in one transaction together with the record that it ran
(sqlite-utils ``Migrations``), and is never edited once released: a change is a new
migration appended at the end. ``PRAGMA user_version`` mirrors the count so a quick check
needs no table.
"""

from __future__ import annotations

# The waves register in import order: first, later, third, outcome measures, the course watch, then the check's
# checkpoints (each wave imports the ones before it where the alphabet would put it first, so the order cannot follow
# the list).
from ketadesk.store import schema_checks, schema_first, schema_later, schema_outcomes, schema_third, schema_watch
from ketadesk.store.guards import APPEND_ONLY, NEVER_DELETED, VISIT_ROWS
from ketadesk.store.migration_set import MIGRATION_SET, migrations

# The guards' table lists are re-exported: the migration tests read them from here.
__all__ = [
    "APPEND_ONLY",
    "KNOWN_MIGRATIONS",
    "MIGRATION_SET",
    "NEVER_DELETED",
    "SCHEMA_VERSION",
    "VISIT_ROWS",
    "migrations",
    "schema_checks",
    "schema_first",
    "schema_later",
    "schema_outcomes",
    "schema_third",
    "schema_watch",
]

KNOWN_MIGRATIONS = tuple(m.name for m in migrations._migrations)
SCHEMA_VERSION = len(KNOWN_MIGRATIONS)
