"""The PostgreSQL engine's own parts: parameters, rows, ids, the translated guards (TRUNCATE), the write lock.

The schema's versions and migrations on both engines: test_store_schema_engines.py.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from ketadesk.store import audit
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_engine import PostgresStore, connect, dialect, placeholders, shown
from ketadesk.store.pg_schema import translate
from ketadesk.store.schema import APPEND_ONLY, NEVER_DELETED, SCHEMA_VERSION
from tests.pg_server import PASSWORD_ROLE, ThrowawayServer

pytestmark = pytest.mark.parametrize("engine", ["postgresql"])  # this engine alone


def test_question_marks_become_parameters_outside_quotes_only(engine: str) -> None:
    """A ``?`` in a string or a name stays; every ``%`` is doubled, since psycopg reads them all."""
    sql = "SELECT ? FROM t WHERE a = 'is this the reading?' AND \"odd?\" = '5%' AND b = ?"
    assert placeholders(sql) == (
        "SELECT %s FROM t WHERE a = 'is this the reading?' AND \"odd?\" = '5%%' AND b = %s",
        (),
    )


def test_sqlite_dialect_in_queries_is_said_as_postgresql_says_it(engine: str) -> None:
    """A JSON list becomes an array parameter; NOCASE, LIKE and instr their PostgreSQL words; literals stay."""
    sql = "SELECT x FROM t WHERE n LIKE ? AND id IN (SELECT value FROM json_each(?)) ORDER BY t.n COLLATE NOCASE"
    assert placeholders(sql) == ("SELECT x FROM t WHERE n ILIKE %s AND id = ANY(%s) ORDER BY lower(t.n)", (1,))
    assert placeholders("SELECT instr(a, ?) FROM t WHERE b = 'LIKE'") == (
        "SELECT strpos(a, %s) FROM t WHERE b = 'LIKE'",
        (),
    )


def test_a_statement_without_parameters_keeps_its_percent_signs(engine: str, store: Store) -> None:
    """psycopg reads placeholders only when there are parameters: a literal % is sent as written, and matches."""
    user_id = store.insert(
        "INSERT INTO users (login, display_name, roles, created_at) VALUES ('100%', 'Full', 'nurse', 't')"
    )
    found = store.all("SELECT id, login FROM users WHERE login LIKE '100%' ORDER BY display_name COLLATE NOCASE")
    assert [tuple(r) for r in found] == [(user_id, "100%")]
    assert dialect("SELECT a FROM t ORDER BY t.a COLLATE NOCASE") == "SELECT a FROM t ORDER BY lower(t.a)"


def test_sums_and_averages_are_numbers_as_on_sqlite(engine: str, store: Store) -> None:
    """sum() and avg() of integers come back int and float (PostgreSQL's numeric would be Decimal)."""
    row = store.one("SELECT sum(x), avg(x), sum(-x) FROM (VALUES (1::bigint), (2::bigint)) AS t(x)")
    assert row is not None
    assert (type(row[0]), row[0], type(row[1]), row[1], row[2]) == (int, 3, float, 1.5, -3)


def test_a_delete_guard_also_refuses_truncate_and_an_unknown_statement_is_refused(engine: str) -> None:
    """The translation of SQLite's trigger keeps its words, adds TRUNCATE, and knows what it does not know."""
    statements = translate(
        "CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes BEGIN SELECT RAISE(ABORT, 'KetaDesk: never; ever'); END"
    )
    assert "RAISE EXCEPTION USING MESSAGE = 'KetaDesk: never; ever'" in statements[0]
    assert statements[2].startswith("CREATE TRIGGER notes_no_delete_truncate BEFORE TRUNCATE ON notes")
    with pytest.raises(ValueError, match="does not know"):
        translate("CREATE VIRTUAL TABLE notes_text USING fts5(text)")


def test_a_password_in_the_url_is_refused_and_never_repeated(engine: str) -> None:
    """Credentials come from PGPASSFILE or a service file; the message names the database without the password."""
    with pytest.raises(StoreError, match="PGPASSFILE") as refused:
        connect("postgresql://nurse:s3cret-pass@db.clinic.example:5433/ketadesk")
    assert "s3cret-pass" not in str(refused.value)
    assert "postgresql://nurse@db.clinic.example:5433/ketadesk" in str(refused.value)
    assert shown("postgresql://nurse@/ketadesk?host=%2Ftmp%2Fsock") == "postgresql://nurse@/ketadesk"


def test_the_password_comes_from_pgpassfile(
    engine: str,
    store: Store,
    postgresql_server: ThrowawayServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A role that must give a password connects with the one in PGPASSFILE, and without it is told so, unrepeated."""
    if store.one("SELECT 1 FROM pg_roles WHERE rolname = ?", (PASSWORD_ROLE,)) is None:
        store.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'kept-in-the-file'")
    store.execute(f"GRANT pg_read_all_data TO {PASSWORD_ROLE}")
    database = store.one("SELECT current_database()")
    assert database is not None
    url = postgresql_server.url(database[0], user=PASSWORD_ROLE)
    passfile = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    with pytest.raises(StoreError, match=r"cannot be reached.*password") as refused:
        open_store(url)
    assert "kept-in-the-file" not in str(refused.value)
    passfile.write_text(f"*:*:*:{PASSWORD_ROLE}:kept-in-the-file\n", encoding="utf-8")
    passfile.chmod(0o600)  # libpq ignores a password file others can read
    opened = open_store(url)
    try:
        assert opened.schema_version() == SCHEMA_VERSION
    finally:
        opened.close()


def test_rows_read_by_name_and_position_and_insert_gives_the_id(engine: str, store: Store) -> None:
    """Rows are sqlite3.Row as on SQLite, and Store.insert returns the new row's id from RETURNING."""
    first = store.insert(
        "INSERT INTO users (login, display_name, roles, created_at) VALUES (?, ?, ?, ?)", ("a", "A", "nurse", "t")
    )
    second = store.insert(
        "INSERT INTO users (login, display_name, roles, created_at) VALUES (?, ?, ?, ?)", ("b", "B", "nurse", "t")
    )
    row = store.one("SELECT id, login, active FROM users WHERE id = ?", (second,))
    assert isinstance(row, sqlite3.Row)
    assert (row["login"], row[0], row["active"], row.keys()) == ("b", second, 1, ["id", "login", "active"])
    assert second == first + 1


@pytest.mark.parametrize("table", [*APPEND_ONLY, *NEVER_DELETED])
def test_truncate_is_refused(engine: str, store: Store, table: str) -> None:
    """TRUNCATE, which skips row triggers, is refused on every table whose rows are never deleted."""
    with pytest.raises(StoreError, match="never"):
        store.execute(f"TRUNCATE {table} CASCADE")


def _url_of(store: Store) -> str:
    assert isinstance(store, PostgresStore)
    return store.url


def test_two_workstations_writing_at_once_keep_one_chain(engine: str, store: Store) -> None:
    """Writers on separate connections queue on the write lock: every audit row links to the one before."""
    url = _url_of(store)
    errors: list[BaseException] = []

    def workstation(number: int) -> None:
        own = open_store(url)
        try:
            for n in range(15):
                audit.write(own, at=f"t{number}-{n}", actor_id=None, action="print", entity="database", entity_id=None)
        except BaseException as error:
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=workstation, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit.count(store) == 60
    assert audit.verify_chain(store, store.chain.secret) is None
