"""`ketadesk migrate --to`: the demo clinic's SQLite file copied whole into an empty PostgreSQL clinic database.

Every row of every table arrives with its id, the audit chain and every signature verify there, the ids go on
past the copied ones; a database holding anything, or a file edited behind the program's back, is refused
with nothing changed on either side.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ketadesk.clinic import Clinic, StoreError, server
from ketadesk.clinic.demo_visit import DEMO_PASSWORDS
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store import audit, chain_key, pg_copy, pg_roles, pg_schema
from ketadesk.store.db import open_store
from ketadesk.store.pg_engine import PostgresStore, connect
from tests.conftest import START
from tests.pg_server import ThrowawayServer
from tests.server_steps import (
    APP_PASSWORD,
    build_demo_file,
    connected,
    drop,
    edit_behind_the_programs_back,
    fresh_names,
    sqlite_rows,
    sqlite_tables,
)


@pytest.fixture(scope="module")
def demo_original(tmp_path_factory: pytest.TempPathFactory, default_protocol: Protocol) -> Path:
    """Six patients' demo clinic, as `ketadesk demo` builds one, made once for the module."""
    return build_demo_file(tmp_path_factory.mktemp("demo") / "demo.sqlite", default_protocol)


@pytest.fixture
def demo(demo_original: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the demo file for one test; the witness file (every copy's: one installation) put back after."""
    copy = tmp_path / "clinic.sqlite"
    shutil.copy(demo_original, copy)
    with sqlite3.connect(copy) as conn:
        installation = conn.execute("SELECT installation FROM installation").fetchone()[0]
    witness = chain_key.key_folder() / f"{installation}.witness.json"
    kept = witness.read_bytes() if witness.exists() else None
    yield copy
    if kept is not None:
        witness.write_bytes(kept)


def connected_url(url: str) -> psycopg.Connection[Any]:
    """A plain connection to the database at ``url``, as the server's superuser (autocommit)."""
    return psycopg.connect(url, autocommit=True)


def _server_rows(url: str, table: str) -> list[tuple[Any, ...]]:
    with connected_url(url) as conn:
        return [tuple(r) for r in conn.execute(f'SELECT * FROM "{table}"')]


def _sorted(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=repr)


def test_the_demo_clinic_arrives_whole(demo: Path, postgresql_url: str, default_protocol: Protocol) -> None:
    """Every table's rows as in the file, one more audit entry (the copy's own), ids going on past the copied."""
    moved = server.copy_to_server(demo, postgresql_url, FakeClock(START))
    for table in sqlite_tables(demo):
        mine, theirs = sqlite_rows(demo, table), _server_rows(postgresql_url, table)
        if table == "audit":
            assert theirs[-1][0] == moved.entry == len(mine) + 1
            assert theirs[-1][3:5] == (pg_copy.MIGRATE, "database")
            theirs = theirs[:-1]
        assert _sorted(theirs) == _sorted(mine), table
        assert moved.rows[table] == len(mine), table
    last = sqlite_rows(demo, "audit")[-1]
    with connected_url(postgresql_url) as conn:
        after = conn.execute("SELECT after FROM audit WHERE id = %s", (moved.entry,)).fetchone()[0]
        identities = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND is_identity = 'YES'"
        ).fetchall()
        for table, column in identities:
            top = conn.execute(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"').fetchone()[0]
            following = conn.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", (table, column)).fetchone()
            assert following[0] > top, table
        assert conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'"
        ).fetchone() == (0,)
        # The planner has statistics at once (the board's query is planned for the rows there are).
        unanalysed = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN ('visits', 'vitals', 'patients')"
            " AND last_analyze IS NULL"
        ).fetchall()
        assert unanalysed == []
    assert f'"file":"{demo.resolve()}"' in after and f'"hash":"{last[9]}"' in after
    clinic = Clinic.open(postgresql_url, FakeClock(START), default_protocol)  # type: ignore[arg-type]
    try:
        assert audit.verify_chain(clinic.store, key=clinic.store.chain.secret) is None
        nurse = clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"])
        chair = [v.id for v in nurse.visits.board(nurse.today()) if v.phase.value == "pre_assessment"]
        nurse.bedside.record_vitals(chair[0], sbp=126, dbp=80, hr=74, spo2=97, rr=15)
        assert audit.verify_chain(clinic.store, key=clinic.store.chain.secret) is None
    finally:
        clinic.close()


def test_into_a_server_init_database_as_a_createrole_administrator_then_the_app_role_works(
    demo: Path, postgresql_server: ThrowawayServer, default_protocol: Protocol
) -> None:
    """The copy runs as the owner through the administrator's SET ROLE; the workstations' role reads it verified."""
    names, admin = fresh_names(), f"kd_admin_{fresh_names().owner[-10:]}"
    with connected(postgresql_server, "postgres") as conn:
        conn.execute(f'CREATE ROLE "{admin}" LOGIN CREATEROLE CREATEDB')
    try:
        made = server.init_server(
            postgresql_server.url("postgres", user=admin),
            database=names.database,
            owner=names.owner,
            app=names.app,
            password=APP_PASSWORD,
            pgpass=None,
        )
        stale_key = made.key_file
        moved = server.copy_to_server(demo, postgresql_server.url(names.database, user=admin), FakeClock(START))
        assert moved.rows["patients"] == 6
        assert stale_key is not None and not stale_key.exists()  # the empty database's own key, never used
        clinic = Clinic.open(made.app_url, FakeClock(START), default_protocol)  # type: ignore[arg-type]
        try:
            assert server.arrival_problems(FakeClock(START))(clinic.store) == []
            physician = clinic.sign_in("doctor", DEMO_PASSWORDS["doctor"])
            assert physician.user.login == "doctor"
        finally:
            clinic.close()
    finally:
        drop(postgresql_server, names, admin)


def _everything(url: str) -> list[tuple[str, int]]:
    with connected_url(url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return [(t, conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables]


def test_a_database_that_is_not_empty_is_refused_untouched(demo: Path, postgresql_url: str) -> None:
    """A second copy into the same database is refused with a message; a table not KetaDesk's likewise."""
    server.copy_to_server(demo, postgresql_url, FakeClock(START))
    before = _everything(postgresql_url)
    with connected_url(postgresql_url) as conn:
        installation = conn.execute("SELECT installation FROM installation").fetchone()
    with pytest.raises(StoreError, match=r"is not empty \(rows: .*; nothing was changed"):
        server.copy_to_server(demo, postgresql_url, FakeClock(START))
    assert _everything(postgresql_url) == before
    with connected_url(postgresql_url) as conn:
        assert conn.execute("SELECT installation FROM installation").fetchone() == installation


def test_a_database_with_tables_of_another_program_is_refused(demo: Path, postgresql_url: str) -> None:
    """Tables KetaDesk did not make: refused, not migrated around."""
    with connected_url(postgresql_url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match=r"holds tables that are not a KetaDesk clinic's \(invoices\)"):
        server.copy_to_server(demo, postgresql_url, FakeClock(START))
    assert _everything(postgresql_url) == [("invoices", 0)]


def test_a_file_edited_behind_the_programs_back_is_refused(demo: Path, postgresql_url: str) -> None:
    """An audit entry rewritten in the file: check names it, and nothing reaches the server."""
    edit_behind_the_programs_back(demo, "audit", "UPDATE audit SET after = '{\"chair\":6}' WHERE id = 40")
    with pytest.raises(StoreError, match=r"does not pass `ketadesk check`: audit chain: entry 40 its content was"):
        server.copy_to_server(demo, postgresql_url, FakeClock(START))
    assert _everything(postgresql_url) == []


def test_a_copy_that_does_not_verify_on_arrival_is_rolled_back(demo: Path, postgresql_url: str) -> None:
    """Whatever the verification finds on the server undoes the whole copy, the installation included."""
    target = PostgresStore(connect(postgresql_url))
    source = open_store(demo, migrate=False)
    try:
        pg_roles.act_as_owner(target)
        pg_schema.bring_up_to_date(target, migrate=True)
        target.chain = chain_key.load(target.connection)
        own = target.chain.installation
        with pytest.raises(StoreError, match="did not verify, so nothing was copied: signature: forged"):
            pg_copy.copy_clinic(source, target, at="2026-11-24T09:00:00+00:00", verify=lambda _: ["signature: forged"])
        assert pg_copy.emptiness(target) is None
        assert target.one("SELECT installation FROM installation")[0] == own  # type: ignore[index]
        assert target.chain.installation == own
    finally:
        target.close()
        source.close()


def test_where_signatures_begin_is_the_files(demo: Path, postgresql_url: str) -> None:
    """A clinic upgraded from before signing keys says so in keyed_signatures_from: the copy keeps the file's row."""
    edit_behind_the_programs_back(demo, "keyed_signatures_from", "UPDATE keyed_signatures_from SET first_id = 2")
    server.copy_to_server(demo, postgresql_url, FakeClock(START))
    with connected_url(postgresql_url) as conn:
        assert conn.execute("SELECT id, first_id FROM keyed_signatures_from").fetchall() == [(1, 2)]
        assert conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'keyed_signatures_from'::regclass AND tgenabled = 'O'"
        ).fetchone() == (4,)


def test_the_file_is_behind_the_clinic_after_the_copy(
    demo: Path, postgresql_url: str, default_protocol: Protocol
) -> None:
    """The copy's entry is witnessed: the file, never changed, is now an older copy, and check says so."""
    before = {t: sqlite_rows(demo, t) for t in sqlite_tables(demo)}
    server.copy_to_server(demo, postgresql_url, FakeClock(START))
    assert {t: sqlite_rows(demo, t) for t in sqlite_tables(demo)} == before
    clinic = Clinic.open(demo, FakeClock(START), default_protocol)
    try:
        found = clinic.maintenance.check()
    finally:
        clinic.close()
    assert any("was witnessed" in line and "rolled back to an older copy" in line for line in found), found
