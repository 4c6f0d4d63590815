"""Edits planted behind the program's back on PostgreSQL: ``check`` names every one, as on SQLite (issue 16).

The small demo clinic is built once on the throwaway server (with ``amcheck`` installed, so
the integrity part runs the server's own checks); each kind edits a copy of that database
of its own, as the server's superuser, and ``check`` on the copy must print the line the same
kind gives on SQLite (``tests/store/test_store_planted_edits.py``). The kinds only a server
allows are :data:`tests.store.pg_planted.PG_KINDS`. The clean copy gives no line at all.
"""

from __future__ import annotations

import psycopg
import pytest

from ketadesk import cli
from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store import pg_integrity
from ketadesk.store.db import open_store
from ketadesk.store.pg_engine import PostgresStore
from ketadesk.store.reconcile_pairings import _VITALS_SUSPECTS as VITALS_SUSPECTS
from tests.conftest import START
from tests.store.pg_demo import copy_of_demo, demo_database
from tests.store.pg_planted import IDS_AS_SQLITE_GIVES_THEM, NOT_ON_A_SERVER, PG_KINDS, WITHOUT_FOREIGN_KEYS, Insider
from tests.store.planted_edits import KINDS as EARLIER_KINDS
from tests.store.planted_edits import Kind
from tests.store.planted_records import RECORD_KINDS

SQLITE_KINDS = (*EARLIER_KINDS, *RECORD_KINDS)  # as tests/store/test_store_planted_edits.py runs them

__all__ = ["copy_of_demo", "demo_database"]  # the fixtures this module uses

KINDS = (*(k for k in SQLITE_KINDS if k.name not in NOT_ON_A_SERVER), *PG_KINDS)


def _check(url: str, protocol: Protocol, *, quick: bool = False) -> list[str]:
    clinic = Clinic.open(url, FakeClock(START), protocol)  # type: ignore[arg-type]
    try:
        return clinic.maintenance.check(quick=quick)
    finally:
        clinic.close()


def _planted(kind: Kind, url: str) -> str:
    assert kind.edit is not None
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute(IDS_AS_SQLITE_GIVES_THEM)
        if kind.name in WITHOUT_FOREIGN_KEYS:
            raw.execute("SET session_replication_role = replica")
        kind.edit(Insider(raw))  # type: ignore[arg-type]
    return url


def test_the_clean_demo_clinic_gives_no_line(copy_of_demo: str, default_protocol: Protocol) -> None:
    """Nothing planted, nothing reported, by the full check (amcheck reading every table) and the quick one."""
    assert _check(copy_of_demo, default_protocol) == []
    assert _check(copy_of_demo, default_protocol, quick=True) == []


@pytest.mark.parametrize("kind", [pytest.param(k, id=k.name) for k in KINDS])
def test_check_names_each_planted_edit(kind: Kind, copy_of_demo: str, default_protocol: Protocol) -> None:
    """The edit is reported by a line saying what it found, in the words SQLite's check uses."""
    problems = _check(_planted(kind, copy_of_demo), default_protocol)
    assert any(kind.expect in line for line in problems), "\n".join(problems) or "check reported nothing"


def test_every_sqlite_kind_but_the_byte_edits_runs_on_the_server() -> None:
    """Only the edits of a SQLite file's bytes are left out, and the server adds kinds of its own."""
    assert {k.name for k in SQLITE_KINDS} - {k.name for k in KINDS} == NOT_ON_A_SERVER
    assert len(KINDS) >= len(SQLITE_KINDS) + 10


def test_the_integrity_part_says_what_it_checked(copy_of_demo: str, default_protocol: Protocol) -> None:
    """With amcheck installed it reads tables and indexes; without it the line says they are not read."""
    clinic = Clinic.open(copy_of_demo, FakeClock(START), default_protocol)  # type: ignore[arg-type]
    try:
        store = clinic.store
        assert isinstance(store, PostgresStore)
        assert pg_integrity.scope(store) == "amcheck of tables and indexes, foreign keys, data checksums"
        store.execute("DROP EXTENSION amcheck")
        assert pg_integrity.scope(store).startswith("foreign keys, data checksums; amcheck not installed")
        assert pg_integrity.problems(store) == []
    finally:
        clinic.close()


def test_the_command_line_check_of_a_server_database(
    copy_of_demo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ketadesk --db postgresql://… check``: ok with what was checked, or a line per problem and exit 1."""
    assert cli.main(["--db", copy_of_demo, "check"]) == 0
    assert "ok (amcheck of tables and indexes" in capsys.readouterr().out
    _planted(next(k for k in KINDS if k.name == "role raised"), copy_of_demo)
    assert cli.main(["--db", copy_of_demo, "check"]) == cli.EXIT_FAILED
    assert "user nurse: roles are administrator,nurse in the table, nurse in the audit trail" in capsys.readouterr().err


def test_no_reading_of_the_clean_demo_is_a_suspect(copy_of_demo: str) -> None:
    """The readings' quick comparison (as text) must hold for a clean record: suspects beyond its limit go unread."""
    store = open_store(copy_of_demo)
    try:
        assert store.all(VITALS_SUSPECTS) == []
        assert store.one("SELECT count(*) FROM vitals WHERE temp_c = round(temp_c)")[0] > 0  # type: ignore[index]
    finally:
        store.close()
