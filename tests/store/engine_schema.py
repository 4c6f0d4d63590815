"""The schema as each engine describes it: tables, triggers, the migrations recorded, a newer schema planted.

For the schema tests that run on both engines (test_store_schema_engines.py): SQLite keeps
its schema in ``sqlite_master`` and its versions in ``_sqlite_migrations`` and
``user_version``; PostgreSQL in its catalogues and in ``schema_migrations`` and
``schema_version``.
"""

from __future__ import annotations

from ketadesk.store.db import Store
from ketadesk.store.schema import MIGRATION_SET, SCHEMA_VERSION


def tables(store: Store) -> set[str]:
    if store.engine == "postgresql":
        return {r[0] for r in store.all("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    return {r[0] for r in store.all("SELECT name FROM sqlite_master WHERE type = 'table'")}


def triggers(store: Store) -> set[str]:
    if store.engine == "postgresql":
        return {r[0] for r in store.all("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    return {r[0] for r in store.all("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def migration_rows(store: Store) -> list[tuple[object, ...]]:
    """Every row of the table that records the migrations applied, in the order they ran."""
    if store.engine == "postgresql":
        return [tuple(r) for r in store.all("SELECT * FROM schema_migrations ORDER BY id")]
    return [tuple(r) for r in store.all("SELECT * FROM _sqlite_migrations ORDER BY rowid")]


def migration_names(store: Store) -> list[tuple[str, str]]:
    table, order = ("schema_migrations", "id") if store.engine == "postgresql" else ("_sqlite_migrations", "rowid")
    return [(r[0], r[1]) for r in store.all(f"SELECT migration_set, name FROM {table} ORDER BY {order}")]


def schema(store: Store) -> list[tuple[object, ...]]:
    """Everything the schema is made of, as text to compare before and after."""
    if store.engine == "postgresql":
        return [
            tuple(r)
            for r in store.all(
                "SELECT 'column', table_name || '.' || column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public'"
                " UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                " UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
                " ORDER BY 1, 2, 3"
            )
        ]
    return [tuple(r) for r in store.all("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")]


def plant_newer(store: Store, how: str) -> None:
    """Make the database look written by a newer KetaDesk: a migration unknown here, or a higher version."""
    postgresql = store.engine == "postgresql"
    if how == "unknown-migration" and postgresql:
        store.execute("INSERT INTO schema_migrations (migration_set, name) VALUES (?, '9999_future')", (MIGRATION_SET,))
    elif how == "unknown-migration":
        store.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            (MIGRATION_SET, "9999_future", "2031-01-01 00:00:00.000000+00:00"),
        )
    elif postgresql:
        store.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 40,))
    else:
        store.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 40}")


def version(store: Store) -> int:
    """The version the database says it is at (``user_version``, or ``schema_version``'s row)."""
    if store.engine == "postgresql":
        return store.schema_version()
    row = store.one("PRAGMA user_version")
    return int(row[0]) if row else 0
