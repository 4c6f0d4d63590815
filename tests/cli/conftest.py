"""Fixtures for CLI tests: no test may touch the real data folder, and one demo database is built once."""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from ketadesk.cli import main
from ketadesk.store import chain_key
from tests.cli.cli_calls import Run
from tests.conftest import server_copy
from tests.pg_server import ThrowawayServer


@pytest.fixture(autouse=True)
def isolated_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the per-user data folder into the test's temp dir and forget any KETADESK_DB of the developer."""
    folder = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.delenv("KETADESK_DB", raising=False)
    return folder


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo clinic of 8 patients, written once per session through the CLI itself."""
    path = tmp_path_factory.mktemp("demo-master") / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--patients", "8"]) == 0
    return path


@pytest.fixture
def demo_copy(demo_master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """A private copy of the demo database (tests that tamper with it must not share it).

    Copies of one file are one installation: each test's copy sits on a workstation of its
    own (a key folder holding the demo's key and no witness), so one test's writes to its
    copy never make another's look rolled back.
    """
    with closing(sqlite3.connect(demo_master)) as conn:
        installation = conn.execute("SELECT installation FROM installation").fetchone()[0]
    key = chain_key.key_path(chain_key.key_folder(), installation)
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    shutil.copy2(key, keys / key.name)
    monkeypatch.setenv(chain_key.KEY_DIR_ENV, str(keys))

    def copy(name: str = "clinic.sqlite") -> Path:
        target = tmp_path / name
        shutil.copyfile(demo_master, target)
        return target

    return copy


@pytest.fixture(scope="session")
def demo_master_on_server(demo_master: Path, postgresql_server: ThrowawayServer) -> str:
    """The same demo clinic in a database on the throwaway server (its name): copied there by ``ketadesk migrate``.

    ``demo`` writes SQLite files only; the copy is whole, the same rows and the same installation.
    """
    name = postgresql_server.create_database()
    said = io.StringIO()  # made inside a test that captures its output: migrate's lines are not the test's
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        assert main(["--db", str(demo_master), "migrate", "--to", postgresql_server.url(name)]) == 0, said.getvalue()
    postgresql_server.release(name)
    return name


@pytest.fixture
def demo_target(engine: str, demo_master: Path, request: pytest.FixtureRequest) -> Path | str:
    """A private copy of the demo clinic: a file, or a database copied from the server's demo (its URL).

    The server's copies are one installation, with one key and one witness: the witness an
    earlier test's writes left would read as a rollback, so it goes first. ``demo_master`` is asked for
    here so that it is built before the test captures its output, as with ``demo_copy``.
    """
    if engine != "postgresql":  # the file's copy sits on a key folder of its own (demo_copy)
        return Path(request.getfixturevalue("demo_copy")("clinic.sqlite"))
    server: ThrowawayServer = request.getfixturevalue("postgresql_server")
    return server_copy(request, server, request.getfixturevalue("demo_master_on_server"))


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Call ``ketadesk.cli.main`` with the arguments; return (exit code, stdout, stderr), never with a traceback."""

    def call(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Traceback" not in out
        return code, out, err

    return call
