"""``check``'s schema part on PostgreSQL: the database's own catalog against what the migrations create.

On SQLite the schema is compared, object by object, with a fresh in-memory database built by
the same migrations (:func:`ketadesk.store.reconcile_state.schema_problems`). Here the fresh
schema is built by the same server, inside a transaction that is rolled back: the final
objects of the migrations (the SQLite schema they make, each statement translated as the
migrations' own are, :mod:`ketadesk.store.pg_schema`) are created as temporary tables,
functions and triggers, and PostgreSQL describes both in its own words (``pg_get_*def``,
column types, a function's source, whether a trigger is enabled). Compared that way the
verdict does not depend on how one server version prints a definition, and nothing is
written to the clinic's schema; the program's role needs only the ``TEMPORARY`` privilege,
which every role has by default.

So a trigger dropped, disabled (``ALTER TABLE … DISABLE TRIGGER``) or added, a guard's
function rewritten, a CHECK or NOT NULL dropped, a column's type or default changed, an
index dropped, and a table, view, rule or row-security policy no migration creates are named.
An extension's own objects (``amcheck``'s functions, for the integrity part) are not the
clinic's schema and are left out.
"""

from __future__ import annotations

import re
from functools import cache

from ketadesk.store import pg_schema
from ketadesk.store.pg_engine import PostgresStore
from ketadesk.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET
from ketadesk.store.schema_expected import expected_schema

_SCHEMAS = r"(public|pg_temp(_\d+)?)\."
# Every object of one schema (public: the clinic's; pg_temp: the one built here) as (kind, name, definition).
_DESCRIBE = """
WITH rel AS (
    SELECT c.oid, c.relname, c.relkind FROM pg_class c
    WHERE c.relnamespace = {ns} AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
    AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
)
SELECT CASE relkind WHEN 'r' THEN 'table' ELSE 'view' END, relname, '' FROM rel
UNION ALL SELECT 'column', r.relname || '.' || a.attname,
    format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
    || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') || ' ' || a.attidentity::text
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
UNION ALL SELECT 'constraint', r.relname || '.' || k.conname, k.contype::text || ' ' || pg_get_constraintdef(k.oid)
    FROM rel r JOIN pg_constraint k ON k.conrelid = r.oid
UNION ALL SELECT 'index', i.relname, pg_get_indexdef(i.oid)
    FROM rel r JOIN pg_index x ON x.indrelid = r.oid JOIN pg_class i ON i.oid = x.indexrelid
UNION ALL SELECT 'trigger', r.relname || '.' || t.tgname, pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
    FROM rel r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
UNION ALL SELECT 'rule', r.relname || '.' || w.rulename, pg_get_ruledef(w.oid)
    FROM rel r JOIN pg_rewrite w ON w.ev_class = r.oid AND w.rulename <> '_RETURN'
UNION ALL SELECT 'policy', r.relname || '.' || p.polname,
    p.polcmd::text || coalesce(pg_get_expr(p.polqual, p.polrelid), '')
    FROM rel r JOIN pg_policy p ON p.polrelid = r.oid
UNION ALL SELECT 'row security', relname, 'on' FROM pg_class WHERE relnamespace = {ns} AND relrowsecurity
UNION ALL SELECT 'function', p.proname,
    p.prosrc || ' ' || p.prosecdef::text || coalesce(array_to_string(p.proconfig, ','), '')
    FROM pg_proc p WHERE p.pronamespace = {ns}
    AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
"""
_PUBLIC = "'public'::regnamespace"
_TEMPORARY = "pg_my_temp_schema()"


@cache
def reference_statements() -> tuple[str, ...]:
    """The statements that make the migrations' final schema, as temporary objects of one session.

    The SQLite schema the migrations make (tables with every column added since), each
    statement translated as the migrations' own are, and the versions' tables. Tables come
    first, each after the tables it references (a column added later may reference a table
    made after its own), then the indexes and triggers.
    """
    tables: dict[str, str] = {}
    others: list[str] = []
    for name, (kind, sql) in expected_schema().items():
        if "_sqlite_migrations" in name or kind not in ("table", "index", "trigger") or not sql:
            continue  # sqlite-utils' record of migrations is SQLite's (schema_migrations here)
        if kind == "table":
            tables[name] = pg_schema.translate(sql)[0]
        else:
            others.extend(pg_schema.translate(sql))
    ordered = [s for s in pg_schema.VERSION_TABLES if s.startswith("CREATE")]
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed or name not in tables:
            return
        placed.add(name)
        for referenced in re.findall(r"\bREFERENCES (\w+)", tables[name]):
            place(referenced)
        ordered.append(tables[name])

    for name in tables:
        place(name)
    return tuple(_temporary(s) for s in (*ordered, *others))


def _temporary(statement: str) -> str:
    statement = re.sub(r"^CREATE TABLE ", "CREATE TEMPORARY TABLE ", statement)
    # A function is never looked up in pg_temp unless named there.
    return re.sub(r"\b(CREATE FUNCTION|EXECUTE FUNCTION) (ketadesk_\w+)", r"\1 pg_temp.\2", statement)


def _described(store: PostgresStore, namespace: str) -> dict[tuple[str, str], str]:
    rows = store.connection.execute(_DESCRIBE.format(ns=namespace)).fetchall()
    return {(str(kind), str(name)): re.sub(_SCHEMAS, "", str(definition)) for kind, name, definition in rows}


def catalog_against_reference(store: PostgresStore) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """The clinic's schema and the migrations' as this server describes them (expected, actual).

    Built in a transaction that is rolled back: nothing is left, in the clinic's schema or in
    this session's temporary one.
    """
    connection = store.connection
    connection.execute("DROP TABLE IF EXISTS pg_temp.audit_by_action")  # check's own list, never compared
    connection.execute("BEGIN")
    try:
        connection.execute("SET LOCAL search_path = pg_temp")
        for statement in reference_statements():
            connection.execute(statement)
        return _described(store, _TEMPORARY), _described(store, _PUBLIC)
    finally:
        connection.execute("ROLLBACK")


def _line(kind: str, name: str, what: str) -> str:
    """One finding in the words SQLite's schema check uses: a part of a table is said as the table differing."""
    table, _, own = name.partition(".")
    if kind in ("column", "constraint", "rule", "policy"):
        return f"schema: table {table} differs from what the migrations create ({kind} {own} {what})"
    if kind == "trigger":  # the program names its triggers once across all tables, as SQLite must
        return f"schema: trigger {own} {what}"
    return f"schema: {kind} {name} {what}"


def schema_problems(store: PostgresStore) -> list[str]:
    """Objects missing, altered or disabled, or that no migration creates; the migrations recorded out of order."""
    expected, actual = catalog_against_reference(store)
    problems: list[str] = []
    for key, definition in sorted(expected.items()):
        found = actual.get(key)
        if found is None:
            problems.append(_line(*key, "is missing (the migrations create it)"))
        elif key[0] == "trigger" and found.endswith(" D") and found[:-2] == definition[:-2]:
            problems.append(_line(*key, "is disabled (ALTER TABLE … DISABLE TRIGGER): its guard is off"))
        elif found != definition:
            problems.append(_line(*key, "differs from what the migrations create"))
    for key in sorted(set(actual) - set(expected)):
        problems.append(_line(*key, "is not created by any migration"))
    applied = [
        str(r[0])
        for r in store.all(
            "SELECT name FROM schema_migrations WHERE migration_set = ? ORDER BY id",
            (MIGRATION_SET,),
        )
    ]
    if applied != list(KNOWN_MIGRATIONS):
        problems.append(f"schema: the migrations recorded ({len(applied)}) are not this program's in order")
    return problems
