"""The planted edits on PostgreSQL: a superuser's connection behind the program's back, and the server's own kinds.

:data:`tests.store.planted_edits.KINDS` are written as an insider with the SQLite file runs
them; :class:`Insider` runs the same statements on a clinic database as its superuser
(``DROP TRIGGER x`` dropped from the table it is on, SQLite's blob words said as
PostgreSQL's). :data:`PG_KINDS` are what only a server allows: a trigger disabled and enabled
again, triggers switched off for one session (``session_replication_role``, which leaves no
trace in the catalog), a guard's function rewritten, a CHECK or NOT NULL dropped, a rule or
row security added.
"""

from __future__ import annotations

import re
from typing import Any

from tests.store.planted_edits import Kind

# Byte edits of a SQLite file have no counterpart on a server (its pages are amcheck's: tests of pg_integrity).
NOT_ON_A_SERVER = frozenset({"allergy hex-edited (first copy)", "allergy hex-edited (last copy)", "a page zeroed"})
# Kinds that need the foreign keys off, as a SQLite connection has them unless it asks.
WITHOUT_FOREIGN_KEYS = frozenset({"reading for a visit that does not exist"})

# SQLite gives a row without an id the next one after the largest; a server's identity counts on its own,
# and the program gives some tables their ids itself (the audit, the flags' acknowledgements): caught up first.
IDS_AS_SQLITE_GIVES_THEM = """DO $ids$ DECLARE t text; BEGIN
    FOR t IN SELECT c.table_name FROM information_schema.columns c WHERE c.table_schema = 'public'
             AND c.column_name = 'id' AND c.is_identity = 'YES' LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), coalesce(max(id), 0) + 1, false) FROM %I',
                       t, t);
    END LOOP; END $ids$"""
_SQLITE_TRIGGER = re.compile(r"CREATE TRIGGER (\w+) (BEFORE|AFTER) (\w+) ON (\w+)( WHEN 0)? BEGIN SELECT 1; END")
_WORDS = (
    (re.compile(r"hex\(randomblob\(32\)\)"), "upper(md5(random()::text) || md5(random()::text))"),
    (re.compile(r"zeroblob\((\d+)\)"), r"decode(repeat('00', \1), 'hex')"),
    (re.compile(r"^PRAGMA user_version = (\d+)$"), r"UPDATE schema_version SET version = \1"),
)


class Insider:
    """A superuser's psycopg connection that runs the SQLite planted edits' statements on a clinic database."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
        statement = self._translated(sql.strip())
        if not parameters:
            return self.raw.execute(statement)
        from ketadesk.store.pg_dialect import placeholders

        return self.raw.execute(placeholders(statement)[0], list(parameters))

    def _translated(self, sql: str) -> str:
        if dropped := re.fullmatch(r"DROP TRIGGER (\w+)", sql):
            table = self.raw.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", (dropped[1],))
            return f"DROP TRIGGER {dropped[1]} ON {table.fetchone()[0]}"
        if trigger := _SQLITE_TRIGGER.fullmatch(sql):
            name, time, event, table, never = trigger.groups()
            if never:  # the program's own guard, made to fire never
                return (
                    f"CREATE TRIGGER {name} {time} {event} ON {table} FOR EACH ROW WHEN (false)"
                    f" EXECUTE FUNCTION ketadesk_{name}()"
                )
            return (
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN RETURN NULL; END $b$;"
                f" CREATE TRIGGER {name} {time} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        for pattern, replacement in _WORDS:
            sql = pattern.sub(replacement, sql)
        return sql


def _server(*statements: str, replica: bool = False) -> Any:
    """Statements run as they are on the server (``replica``: with every trigger off for this session only)."""

    def edit(conn: Insider) -> None:
        if replica:
            conn.raw.execute("SET session_replication_role = replica")
        for statement in statements:
            conn.raw.execute(statement)
        conn.raw.execute("RESET session_replication_role")

    return edit


_LAST_READING = "(SELECT max(id) FROM vitals)"
_A_CHECK = (
    "DO $d$ BEGIN EXECUTE (SELECT format('ALTER TABLE vitals DROP CONSTRAINT %I', conname) FROM pg_constraint"
    " WHERE conrelid = 'vitals'::regclass AND contype = 'c' ORDER BY conname LIMIT 1); END $d$"
)

PG_KINDS: tuple[Kind, ...] = (
    Kind(
        "append-only trigger disabled",
        _server("ALTER TABLE vitals DISABLE TRIGGER vitals_no_update"),
        "schema: trigger vitals_no_update is disabled",
    ),
    Kind(
        "reading changed with its trigger disabled, then enabled again",
        _server(
            "ALTER TABLE vitals DISABLE TRIGGER vitals_no_update",
            f"UPDATE vitals SET sbp = sbp + 40 WHERE id = {_LAST_READING}",
            "ALTER TABLE vitals ENABLE TRIGGER vitals_no_update",
        ),
        "vitals: row",
    ),
    Kind(
        "reading changed with triggers off for the session",
        _server(f"UPDATE vitals SET hr = hr + 30 WHERE id = {_LAST_READING}", replica=True),
        "differs from its audit entry: hr",
    ),
    Kind(
        "note deleted with triggers off for the session",
        _server("DELETE FROM notes WHERE id = (SELECT min(id) FROM notes)", replica=True),
        "audit: an entry records notes",
    ),
    Kind(
        "reading written into a signed visit with triggers off",
        _server(
            "INSERT INTO vitals (visit_id, taken_at, sbp, dbp, hr, spo2, rr, temp_c, source, alerts, is_baseline,"
            " entered_at, entered_by) SELECT visit_id, taken_at, 118, 76, 70, 98, 14, temp_c, source, '', 0,"
            " entered_at, entered_by FROM vitals ORDER BY id LIMIT 1",
            replica=True,
        ),
        "has no matching audit entry",
    ),
    Kind(
        "audit entry changed with triggers off for the session",
        _server("UPDATE audit SET at = '2020-01-01T00:00:00Z' WHERE id = 30", replica=True),
        "audit chain: entry 30",
    ),
    Kind(
        "audit tail deleted with triggers off for the session",
        _server("DELETE FROM audit WHERE id > (SELECT max(id) FROM audit) - 2", replica=True),
        "audit anchor: the record ends at entry",
    ),
    Kind(
        "guard's function emptied",
        _server(
            "CREATE OR REPLACE FUNCTION ketadesk_audit_no_update() RETURNS trigger LANGUAGE plpgsql"
            " AS $b$ BEGIN RETURN NEW; END $b$"
        ),
        "schema: function ketadesk_audit_no_update differs",
    ),
    Kind(
        "TRUNCATE guard dropped",
        _server("DROP TRIGGER audit_no_delete_truncate ON audit"),
        "schema: trigger audit_no_delete_truncate is missing",
    ),
    Kind("a CHECK dropped", _server(_A_CHECK), "schema: table vitals differs from what the migrations create"),
    Kind(
        "NOT NULL dropped",
        _server("ALTER TABLE notes ALTER COLUMN text DROP NOT NULL"),
        "schema: table notes differs from what the migrations create (column text",
    ),
    Kind(
        "a rule that swallows updates",
        _server("CREATE RULE quiet AS ON UPDATE TO vitals DO INSTEAD NOTHING"),
        "(rule quiet is not created by any migration)",
    ),
    Kind(
        "row security switched on",
        _server("ALTER TABLE vitals ENABLE ROW LEVEL SECURITY"),
        "schema: row security vitals is not created",
    ),
    Kind(
        "two migrations' records swapped",
        _server(
            "DO $s$ DECLARE a text := (SELECT name FROM schema_migrations WHERE id = 1);"
            " b text := (SELECT name FROM schema_migrations WHERE id = 2); BEGIN"
            " UPDATE schema_migrations SET name = 'swapping' WHERE id = 1;"
            " UPDATE schema_migrations SET name = a WHERE id = 2;"
            " UPDATE schema_migrations SET name = b WHERE id = 1; END $s$"
        ),
        "schema: the migrations recorded",
    ),
)
