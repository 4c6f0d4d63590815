"""`ketadesk server init`, `server migrate` and `migrate --to` through the command line, on the throwaway server.

No password is ever an argument: the administrator's comes from libpq's own places (a URL with one is
refused), the application role's is made into a pgpass file, typed twice, or read from standard input.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from ketadesk import cli_server
from ketadesk.cli import main
from ketadesk.store.schema import SCHEMA_VERSION
from tests.cli.cli_calls import Run, one_line
from tests.pg_server import ThrowawayServer
from tests.server_steps import APP_PASSWORD, Names, drop, fresh_names


@pytest.fixture
def names(postgresql_server: ThrowawayServer) -> Iterator[Names]:
    """This test's database and roles, removed after it."""
    made = fresh_names()
    yield made
    drop(postgresql_server, made)


def _init(server: ThrowawayServer, names: Names, *extra: object) -> list[object]:
    return [
        "server",
        "init",
        "--admin",
        server.url("postgres"),
        "--database",
        names.database,
        "--owner-role",
        names.owner,
        "--app-role",
        names.app,
        *extra,
    ]


def test_the_help_says_where_passwords_come_from(capsys: pytest.CaptureFixture[str]) -> None:
    """Each job's --help names PGPASSFILE and says no password is an argument; there is no --password option."""
    shown = ""
    for job in (["server", "init"], ["server", "migrate"], ["migrate"]):
        with pytest.raises(SystemExit) as stop:
            main([*job, "--help"])
        assert stop.value.code == 0
        shown += " ".join(capsys.readouterr().out.split()) + " "
    assert shown.count("PGPASSFILE") >= 3
    assert "never on the command line" in shown
    assert "--pgpass FILE" in shown and "standard input" in shown
    assert "--password" not in shown
    with pytest.raises(SystemExit) as stop:
        main(["server", "init", "--admin", "postgresql://x@/y", "--password", "hunter2hunter2hunter2"])
    assert stop.value.code == 2 and "unrecognized arguments" in one_line(capsys.readouterr().err)


def test_init_writes_the_password_file_and_migrate_renews_the_grants(
    run: Run, postgresql_server: ThrowawayServer, names: Names, tmp_path: Path
) -> None:
    """`server init --pgpass FILE` says where the workstations connect and what to copy; `server migrate` then runs."""
    pgpass = tmp_path / "ketadesk.pgpass"
    code, out, err = run(*_init(postgresql_server, names, "--pgpass", pgpass))
    assert code == 0, err
    assert f"The workstations open it as {names.app}: postgresql://{names.app}@/{names.database}?host=" in out
    assert f"Its password is in {pgpass}" in out
    assert "The audit chain's key: " in out and ".key; copy it into each workstation's key folder" in out
    assert pgpass.read_text(encoding="utf-8").count(f":{names.database}:{names.app}:") == 1
    code, out, err = run("server", "migrate", "--admin", postgresql_server.url(names.database))
    assert code == 0, err
    version = SCHEMA_VERSION
    assert out.strip() == f"Schema {version} → {version}, migrated as {names.owner}; grants renewed for {names.app}."


def test_the_password_can_come_from_standard_input(
    run: Run, postgresql_server: ThrowawayServer, names: Names, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped in as one line, it becomes the application role's password (checked as a SCRAM verifier)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{APP_PASSWORD}\n"))
    code, _, err = run(*_init(postgresql_server, names))
    assert code == 0, err
    with psycopg.connect(postgresql_server.url("postgres"), autocommit=True) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (names.app,)).fetchone()
    assert stored is not None and stored[0].startswith("SCRAM-SHA-256$") and APP_PASSWORD not in stored[0]


def test_two_different_passwords_at_the_terminal_change_nothing(
    run: Run, postgresql_server: ThrowawayServer, names: Names, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked twice at a terminal; when they differ, one line and no role is made."""
    answers: Iterator[str] = iter([APP_PASSWORD, APP_PASSWORD + "x"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(cli_server.getpass, "getpass", lambda prompt="": next(answers))
    code, _, err = run(*_init(postgresql_server, names))
    assert code == 1 and "the two passwords differ; nothing was changed" in one_line(err)
    with psycopg.connect(postgresql_server.url("postgres"), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (names.app,)).fetchone() == (0,)


def test_a_password_in_the_admin_url_is_refused_and_not_repeated(run: Run) -> None:
    """One line naming PGPASSFILE; the password itself appears nowhere in the answer."""
    code, out, err = run("server", "migrate", "--admin", "postgresql://postgres:s3cret-pass@db.example/ketadesk")
    assert code == 1 and "PGPASSFILE" in one_line(err)
    assert "s3cret-pass" not in out + err


def test_migrate_to_copies_the_demo_and_refuses_a_second_time(
    run: Run, demo_copy: Callable[..., Path], postgresql_url: str
) -> None:
    """`ketadesk --db FILE migrate --to URL` copies the demo clinic; run again, the now full database is refused."""
    demo = demo_copy()
    code, out, err = run("--db", demo, "migrate", "--to", postgresql_url)
    assert code == 0, err
    assert "Copied " in out and "audit entries verified" in out
    with psycopg.connect(postgresql_url) as conn:
        assert conn.execute("SELECT count(*) FROM patients").fetchone() == (8,)
    code, _, err = run("--db", demo, "migrate", "--to", postgresql_url)
    assert code == 1 and "is not empty" in one_line(err)


def test_migrate_to_needs_a_postgresql_url(run: Run, demo_copy: Callable[..., Path]) -> None:
    """A file path after --to is a usage mistake, said in one line."""
    code, _, err = run("--db", demo_copy(), "migrate", "--to", "/tmp/other.sqlite")
    assert code == 2 and "is not a postgresql:// URL" in one_line(err)
