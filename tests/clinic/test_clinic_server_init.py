"""`ketadesk server init` on the throwaway server: an owner that never logs in, an application role that owns
nothing and cannot touch the guards, and the program working as that role (the demo clinic written through it).

The refusals are tried as the application role itself, in raw SQL, as a program holding its credentials could.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher

from ketadesk.clinic import Clinic, StoreError, ValidationError, accounts, keys, server
from ketadesk.clinic.demo import build_demo
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.signing_keys import KdfCost
from ketadesk.store import audit, pg_schema
from ketadesk.store.db import open_store
from ketadesk.store.schema import SCHEMA_VERSION
from tests.conftest import START
from tests.pg_server import ThrowawayServer
from tests.server_steps import APP_PASSWORD, Names, connected, drop, fresh_names


@dataclass(frozen=True)
class ServerClinic:
    """A clinic database `server init` made, with the demo clinic written into it as the application role."""

    names: Names
    made: server.ServerMade
    signed_visit: int


@pytest.fixture(scope="module")
def server_clinic(postgresql_server: ThrowawayServer, default_protocol: Protocol) -> Iterator[ServerClinic]:
    """Made once for the module: `server init` as the superuser, then four patients' demo as the application role."""
    names = fresh_names()
    try:
        made = server.init_server(
            postgresql_server.url("postgres"),
            database=names.database,
            owner=names.owner,
            app=names.app,
            password=APP_PASSWORD,
            pgpass=None,
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
            patch.setattr(keys, "KDF_COST", KdfCost(time_cost=1, memory_cost=8, parallelism=1))
            clinic = Clinic.open(made.app_url, FakeClock(START), default_protocol)  # type: ignore[arg-type]
            try:
                for _ in build_demo(clinic, patients=4, seed=7):
                    pass
            finally:
                clinic.close()
        with connected(postgresql_server, names.database) as conn:
            row = conn.execute(
                "SELECT visit_id FROM visit_events WHERE phase = 'signed' ORDER BY id LIMIT 1"
            ).fetchone()
        assert row is not None, "the demo has signed visits"
        yield ServerClinic(names, made, int(row[0]))
    finally:
        drop(postgresql_server, names)


def test_the_owner_cannot_log_in_and_the_application_role_owns_nothing(
    postgresql_server: ThrowawayServer, server_clinic: ServerClinic
) -> None:
    """Every table, function and sequence is the owner's; the app role logs in, owns nothing, holds no power."""
    names = server_clinic.names
    with connected(postgresql_server, names.database) as conn:
        roles = dict(
            conn.execute(
                "SELECT rolname, ARRAY[rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls]"
                " FROM pg_roles WHERE rolname IN (%s, %s)",
                (names.owner, names.app),
            ).fetchall()
        )
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " UNION SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
            " UNION SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchall()
    assert roles[names.owner] == [False, False, False, False, False, False]
    assert roles[names.app] == [True, False, False, False, False, False]
    assert owners == [(names.owner,)]
    assert server_clinic.made.schema == SCHEMA_VERSION
    assert server_clinic.made.app_url.startswith(f"postgresql://{names.app}@/{names.database}?host=")


REFUSED = {
    "drop a guard": "DROP TRIGGER vitals_no_update ON vitals",
    "disable a guard": "ALTER TABLE vitals DISABLE TRIGGER vitals_no_update",
    "disable every trigger": "ALTER TABLE audit DISABLE TRIGGER ALL",
    "alter a table": "ALTER TABLE vitals ADD COLUMN quietly TEXT",
    "replace a guard's function": "CREATE OR REPLACE FUNCTION ketadesk_vitals_no_update() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "truncate": "TRUNCATE vitals",
    "truncate the audit trail": "TRUNCATE audit CASCADE",
    "delete the record": "DELETE FROM vitals",
    "delete from the audit trail": "DELETE FROM audit WHERE id = 1",
    "update the record": "UPDATE vitals SET sbp = 90",
    "update the audit trail": "UPDATE audit SET after = NULL WHERE id = 1",
    "switch triggers off for the session": "SET session_replication_role = replica",
    "become the owner": "SET ROLE {owner}",
    "create a table": "CREATE TABLE public.shadow (x int)",
    "add a trigger of its own": "CREATE TRIGGER mine BEFORE INSERT ON vitals FOR EACH ROW"
    " EXECUTE FUNCTION ketadesk_vitals_no_update()",
    "hide a visit from the physician's worklist": "DELETE FROM awaiting_signature",
    "put a visit in a chair by hand": "INSERT INTO in_the_chair (visit_id, since) SELECT id, 'x' FROM visits LIMIT 1",
    "change the installation": "UPDATE installation SET key_check = 'x'",
    "record a migration": "INSERT INTO schema_migrations (migration_set, name) VALUES ('ketadesk', 'x')",
    "move the ids": "SELECT setval(pg_get_serial_sequence('audit', 'id'), 1)",
    "drop the table": "DROP TABLE audit CASCADE",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_application_role_cannot_touch_the_guards_or_the_record(
    postgresql_server: ThrowawayServer, server_clinic: ServerClinic, statement: str
) -> None:
    """As the role the program connects as, each way around the guards is refused, and nothing changes."""
    names = server_clinic.names
    count = "SELECT (SELECT count(*) FROM vitals), (SELECT count(*) FROM audit), (SELECT count(*) FROM pg_trigger)"
    with connected(postgresql_server, names.database) as admin:
        before = admin.execute(count).fetchone()
    with connected(postgresql_server, names.database, names.app) as conn, pytest.raises(psycopg.Error):
        conn.execute(statement.format(owner=names.owner))
    with connected(postgresql_server, names.database) as admin:
        assert admin.execute(count).fetchone() == before
        enabled = admin.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'")
        assert enabled.fetchone() == (0,)


def test_a_signed_visit_stays_locked_for_the_application_role(
    postgresql_server: ThrowawayServer, server_clinic: ServerClinic
) -> None:
    """The app role may move a booking (the store does), but the trigger refuses it on a signed visit."""
    names = server_clinic.names
    with connected(postgresql_server, names.database, names.app) as conn:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="signed and locked"):
            conn.execute("UPDATE visits SET chair = 6 WHERE id = %s", (server_clinic.signed_visit,))
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="signed and locked"):
            conn.execute(
                "INSERT INTO notes (visit_id, at, text, by) SELECT %s, 'x', 'late', by FROM notes LIMIT 1",
                (server_clinic.signed_visit,),
            )


def test_the_program_works_as_the_application_role(
    server_clinic: ServerClinic, default_protocol: Protocol, clock: FakeClock
) -> None:
    """The demo was written through the app role; its chain and every signature verify, and a nurse charts on."""
    clinic = Clinic.open(server_clinic.made.app_url, clock, default_protocol)  # type: ignore[arg-type]
    try:
        assert server.arrival_problems(clock)(clinic.store) == []
        assert audit.verify_chain(clinic.store, key=clinic.store.chain.secret) is None
        from ketadesk.clinic.demo_visit import DEMO_PASSWORDS

        nurse = clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"])
        chair = [v.id for v in nurse.visits.board(nurse.today()) if v.phase.value == "pre_assessment"]
        assert chair, "the demo has a patient in pre-assessment today"
        nurse.bedside.record_vitals(chair[0], sbp=124, dbp=78, hr=70, spo2=98, rr=14)
        nurse.bedside.save_draft(chair[0], "nursing", "settled in")
        nurse.bedside.save_draft(chair[0], "nursing", "settled in, calm")
        nurse.bedside.save_draft(chair[0], "nursing", "")
        assert nurse.visits.revision()[0] > 0  # the server's change marker is the app role's to read
        with pytest.raises(StoreError, match=r"refused this role: permission denied for table vitals; nothing was"):
            clinic.store.execute("DELETE FROM vitals")
    finally:
        clinic.close()


def test_an_older_schema_asks_for_the_administrator_and_server_migrate_brings_it_up(
    postgresql_server: ThrowawayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made by a KetaDesk one migration behind, the app role is refused untouched; `server migrate` upgrades it."""
    names = fresh_names()
    newest = pg_schema.migrations._migrations[-1]
    try:
        with monkeypatch.context() as older:
            older.setattr(pg_schema.migrations, "_migrations", pg_schema.migrations._migrations[:-1])
            older.setattr(pg_schema, "SCHEMA_VERSION", SCHEMA_VERSION - 1)
            made = server.init_server(
                postgresql_server.url("postgres"),
                database=names.database,
                owner=names.owner,
                app=names.app,
                password=APP_PASSWORD,
                pgpass=None,
            )
        with pytest.raises(
            StoreError, match=rf"schema {SCHEMA_VERSION - 1} .* needs {SCHEMA_VERSION}.*`ketadesk server migrate`"
        ):
            open_store(made.app_url)
        with connected(postgresql_server, names.database) as conn:
            assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (SCHEMA_VERSION - 1,)
        done = server.migrate_server(postgresql_server.url(names.database))
        assert (done.before, done.after, done.owner, done.apps) == (
            SCHEMA_VERSION - 1,
            SCHEMA_VERSION,
            names.owner,
            [names.app],
        )
        with connected(postgresql_server, names.database) as conn:
            newest_table = conn.execute(
                "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'checkpoints'"
            ).fetchall()
        assert newest_table == [("checkpoints", names.owner)]
        assert newest.name == "0019_checkpoints"
        open_store(made.app_url).close()
    finally:
        drop(postgresql_server, names)


def test_a_newer_schema_is_refused_untouched_for_the_application_role(
    postgresql_server: ThrowawayServer, server_clinic: ServerClinic
) -> None:
    """A migration this program does not know: refused before anything is written, as on SQLite."""
    names = server_clinic.names
    with connected(postgresql_server, names.database) as conn:
        conn.execute("INSERT INTO schema_migrations (migration_set, name) VALUES ('ketadesk', '9999_future')")
    try:
        with pytest.raises(StoreError, match="newer KetaDesk"):
            open_store(server_clinic.made.app_url)
    finally:
        with connected(postgresql_server, names.database) as conn:
            conn.execute("DELETE FROM schema_migrations WHERE name = '9999_future'")


def test_a_role_with_createrole_and_createdb_sets_the_server_up(postgresql_server: ThrowawayServer) -> None:
    """No superuser needed: such a role makes both roles and the database, may act as the owner, migrates again."""
    names, admin = fresh_names(), f"kd_admin_{fresh_names().owner[-10:]}"
    with connected(postgresql_server, "postgres") as conn:
        conn.execute(f'CREATE ROLE "{admin}" LOGIN CREATEROLE CREATEDB')
    try:
        server.init_server(
            postgresql_server.url("postgres", user=admin),
            database=names.database,
            owner=names.owner,
            app=names.app,
            password=APP_PASSWORD,
            pgpass=None,
        )
        done = server.migrate_server(postgresql_server.url(names.database, user=admin))
        assert (done.after, done.apps) == (SCHEMA_VERSION, [names.app])
        # Its own login sees no table until it says SET ROLE.
        with connected(postgresql_server, names.database, admin) as conn, pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("DROP TRIGGER vitals_no_update ON vitals")
    finally:
        drop(postgresql_server, names, admin)


def test_a_role_that_may_not_create_roles_is_refused_and_nothing_is_made(postgresql_server: ThrowawayServer) -> None:
    """The message says what the role lacks; no role or database appears."""
    names = fresh_names()
    with connected(postgresql_server, "postgres") as conn:
        conn.execute(f'CREATE ROLE "{names.owner}_x" LOGIN CREATEDB')
    try:
        with pytest.raises(StoreError, match=r"may not create roles and databases.*CREATEROLE and CREATEDB"):
            server.init_server(
                postgresql_server.url("postgres", user=f"{names.owner}_x"),
                database=names.database,
                owner=names.owner,
                app=names.app,
                password=APP_PASSWORD,
                pgpass=None,
            )
        with connected(postgresql_server, "postgres") as conn:
            found = conn.execute(
                "SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s)),"
                " (SELECT count(*) FROM pg_database WHERE datname = %s)",
                (names.owner, names.app, names.database),
            ).fetchone()
        assert found == (0, 0)
    finally:
        drop(postgresql_server, names, f"{names.owner}_x")


def test_what_exists_already_is_refused_and_a_failure_half_way_leaves_nothing(
    postgresql_server: ThrowawayServer, server_clinic: ServerClinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Existing names are named and kept; a migration failing after the roles and database were made removes them."""
    taken = server_clinic.names
    with pytest.raises(StoreError, match=f"the database {taken.database} and the role {taken.owner} already exist"):
        server.init_server(
            postgresql_server.url("postgres"),
            database=taken.database,
            owner=taken.owner,
            app="kd_app_unused_name",
            password=APP_PASSWORD,
            pgpass=None,
        )
    names = fresh_names()

    def broken(store: object, *, migrate: bool) -> None:
        raise StoreError("the migration broke")

    monkeypatch.setattr(pg_schema, "bring_up_to_date", broken)
    try:
        with pytest.raises(StoreError, match="the migration broke"):
            server.init_server(
                postgresql_server.url("postgres"),
                database=names.database,
                owner=names.owner,
                app=names.app,
                password=APP_PASSWORD,
                pgpass=None,
            )
        with connected(postgresql_server, "postgres") as conn:
            left = conn.execute(
                "SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s)),"
                " (SELECT count(*) FROM pg_database WHERE datname = %s)",
                (names.owner, names.app, names.database),
            ).fetchone()
        assert left == (0, 0)
    finally:
        drop(postgresql_server, names)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("database", {"database": "Clinic-DB"}),
        ("owner role", {"owner": "x" * 64}),
        ("app role", {"app": "kd_owner_same"}),
        ("application role password", {"password": "short"}),
        ("application role password", {"password": None}),
        ("pgpass", {"password": None, "pgpass": Path("/no/such/folder/pgpass")}),
    ],
)
def test_bad_names_and_passwords_are_refused_before_connecting(field: str, changes: dict[str, object]) -> None:
    """Each names the field and what is allowed; a password is never repeated in the message."""
    given: dict[str, object] = {
        "database": "kd_db",
        "owner": "kd_owner_same",
        "app": "kd_app",
        "password": APP_PASSWORD,
        "pgpass": None,
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        server.init_server("postgresql://nobody@unreachable.invalid/postgres", **given)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert "short" not in str(refused.value)


def test_a_made_password_goes_to_the_pgpass_file_and_the_server_asks_for_it(
    postgresql_server: ThrowawayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --pgpass the app role's password is made, written (0600, other lines kept), and is the one that works."""
    names = fresh_names(password_app=True)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("otherhost:5432:otherdb:someone:their-password\n", encoding="utf-8")
    try:
        made = server.init_server(
            postgresql_server.url("postgres"),
            database=names.database,
            owner=names.owner,
            app=names.app,
            password=None,
            pgpass=pgpass,
        )
        lines = pgpass.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "otherhost:5432:otherdb:someone:their-password"
        assert lines[1].startswith(f"{postgresql_server.socket_dir}:*:{names.database}:{names.app}:")
        assert len(lines[1].rsplit(":", 1)[1]) >= 40
        assert pgpass.stat().st_mode & 0o777 == 0o600
        monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-file"))
        with pytest.raises(StoreError, match="cannot be reached"):
            open_store(made.app_url)
        monkeypatch.setenv("PGPASSFILE", str(pgpass))
        open_store(made.app_url).close()
    finally:
        drop(postgresql_server, names)
