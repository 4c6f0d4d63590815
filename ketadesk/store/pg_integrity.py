"""``check``'s integrity part on PostgreSQL: the server's own checks of its pages, and every foreign key.

On SQLite this is ``PRAGMA integrity_check`` and ``foreign_key_check``
(:func:`ketadesk.store.backup.check`). PostgreSQL has no such statement; what it has:

- the ``amcheck`` extension, when the database's owner installed it and granted the program's
  role its functions: every B-tree index checked against itself (``bt_index_check``) and,
  in the full check, against its table (``heapallindexed``), and every table's pages and
  rows (``verify_heapam``). Without it this part says what it could not check
  (:func:`scope`), and the rest of ``check`` runs as before;
- the server's count of data-checksum failures in this database (``pg_stat_database``), which
  it keeps whenever the cluster has data checksums (the default since PostgreSQL 18);
- the foreign keys, read anew: PostgreSQL enforces them on every write, but a superuser who
  switched triggers off (``session_replication_role = replica``) can leave a row pointing at
  nothing, as an insider with the SQLite file can. Said in SQLite's words.
"""

from __future__ import annotations

import psycopg

from ketadesk.store.db import Store
from ketadesk.store.pg_dialect import quoted
from ketadesk.store.pg_engine import PostgresStore

MAX_LINES = 20
MAX_ORPHANS = 10

_FOREIGN_KEYS = """
SELECT c.relname, p.relname,
    array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(n, i)
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),
    array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(n, i)
          JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i),
    EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attname = 'id' AND NOT a.attisdropped)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace ORDER BY c.relname, k.conname
"""


def amcheck_schema(store: Store) -> str | None:
    """The schema ``amcheck`` is installed in, when the program's role may run its checks (None: it may not)."""
    row = store.one(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'amcheck'"
    )
    if row is None:
        return None
    schema = quoted(str(row[0]))
    allowed = store.one(  # both functions there (amcheck 1.3, PostgreSQL 14, brought verify_heapam) and allowed
        "SELECT coalesce(has_function_privilege(to_regprocedure(?), 'EXECUTE')"
        " AND has_function_privilege(to_regprocedure(?), 'EXECUTE'), false)",
        (
            f"{schema}.bt_index_check(regclass, boolean)",
            f"{schema}.verify_heapam(regclass, boolean, boolean, text, bigint, bigint)",
        ),
    )
    return schema if allowed is not None and allowed[0] else None


def scope(store: Store) -> str:
    """What the integrity part checks on this database, in a few words (the command line's ``ok`` line)."""
    checksums = store.one("SHOW data_checksums")
    sums = "data checksums" if checksums is not None and checksums[0] == "on" else "no data checksums"
    if amcheck_schema(store) is None:
        return f"foreign keys, {sums}; amcheck not installed, so pages and indexes are not read"
    return f"amcheck of tables and indexes, foreign keys, {sums}"


def _amcheck(store: PostgresStore, schema: str, *, quick: bool) -> list[str]:
    problems: list[str] = []
    indexes = store.all(
        "SELECT i.oid, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " JOIN pg_am m ON m.oid = i.relam WHERE i.relnamespace = 'public'::regnamespace AND m.amname = 'btree'"
        " AND x.indisvalid ORDER BY i.relname"
    )
    for oid, name in indexes:
        try:
            store.connection.raw.execute(f"SELECT {schema}.bt_index_check(%s::regclass, %s)", (oid, not quick))
        except psycopg.Error as error:
            problems.append(f"amcheck: index {name}: {_said(error)}")
        if len(problems) >= MAX_LINES:
            return problems
    if quick:
        return problems
    damaged = store.all(
        f"SELECT c.relname, v.blkno, v.offnum, v.msg FROM pg_class c CROSS JOIN LATERAL {schema}.verify_heapam(c.oid) v"
        f" WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY c.relname LIMIT {MAX_LINES}"
    )
    problems.extend(f"amcheck: table {r[0]} block {r[1]} item {r[2]}: {r[3]}" for r in damaged)
    return problems[:MAX_LINES]


def _said(error: psycopg.Error) -> str:
    return " ".join((error.diag.message_primary or str(error)).split())


def _checksum_failures(store: Store) -> list[str]:
    row = store.one(
        "SELECT checksum_failures, checksum_last_failure FROM pg_stat_database WHERE datname = current_database()"
    )
    if row is None or not row[0]:
        return []
    return [f"data checksums: the server has found {row[0]} damaged page(s) in this database, the last at {row[1]}"]


def foreign_key_problems(store: Store) -> list[str]:
    """Rows that point at a row that is not there, as SQLite's ``foreign_key_check`` says them."""
    problems: list[str] = []
    for child, parent, columns, referenced, has_id in store.all(_FOREIGN_KEYS):
        row_id = "c.id" if has_id else "c.ctid::text"
        present = " AND ".join(f"c.{quoted(c)} IS NOT NULL" for c in columns)
        joined = " AND ".join(f"p.{quoted(r)} = c.{quoted(c)}" for c, r in zip(columns, referenced, strict=True))
        orphans = store.all(
            f"SELECT {row_id} FROM {quoted(child)} c WHERE {present}"
            f" AND NOT EXISTS (SELECT 1 FROM {quoted(parent)} p WHERE {joined}) ORDER BY 1 LIMIT {MAX_ORPHANS}"
        )
        problems.extend(f"foreign_key_check: {child} row {r[0]} points at a missing {parent}" for r in orphans)
        if len(problems) >= MAX_ORPHANS:
            return problems[:MAX_ORPHANS]
    return problems


def problems(store: PostgresStore, *, quick: bool = False) -> list[str]:
    """What the server's own checks and the foreign keys find (empty when all is well).

    ``quick``: the indexes against themselves only, as SQLite's quick_check skips reading
    every index against its table.
    """
    found = _checksum_failures(store)
    schema = amcheck_schema(store)
    if schema is not None:
        found.extend(_amcheck(store, schema, quick=quick))
    found.extend(foreign_key_problems(store))
    return found


def damaged_line(store: Store) -> str:
    """``check``'s last line when the server's checks found damage: what to do about it."""
    name = store.name if isinstance(store, PostgresStore) else str(store.path)
    return (
        f"the database {name} is damaged (see the lines above); recover it on the server to a point in time "
        "before the damage, or restore it from a backup (docs/POSTGRESQL.md)"
    )
