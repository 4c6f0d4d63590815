"""Edits planted behind the program's back in a small demo clinic: ``check`` names every one (issue 11).

The demo is built once for the module; each kind edits its own copy of the file (raw SQL
as an insider would run it, triggers dropped where they stand in the way, or bytes
overwritten), and ``check`` on that copy must print a line saying what was found. The
clean copy must give no line at all.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from ketadesk import cli
from ketadesk.clinic import Clinic, accounts
from ketadesk.clinic.demo import DEMO_PASSWORDS, build_demo
from ketadesk.core.clock import FakeClock
from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import Protocol
from tests.conftest import START
from tests.store.planted_edits import KINDS as EARLIER_KINDS
from tests.store.planted_edits import Kind
from tests.store.planted_records import RECORD_KINDS

KINDS = (*EARLIER_KINDS, *RECORD_KINDS)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory, default_protocol: Protocol) -> Iterator[Path]:
    """Six patients' demo clinic, closed (the WAL checkpointed into the file), with one login locked out.

    It ends with a sign-out and a backup: entries that record no row, so deleting them
    leaves nothing to reconcile (only the chain's head kept outside the file can show it).
    """
    path = tmp_path_factory.mktemp("planted") / "demo.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        clinic = Clinic.open(path, FakeClock(START), default_protocol)
        try:
            for _ in build_demo(clinic, patients=6, seed=7):
                pass
            for _ in range(accounts.LOCK_AFTER):  # nurse2 mistypes until locked: a lockout to clear
                with pytest.raises(ValidationError):
                    clinic.sign_in("nurse2", "not the password")
            # The last entries record no row: a sign-out and a backup (what a deleted tail would take).
            clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"]).accounts.sign_out()
            clinic.maintenance.backup(path.parent / "backup.sqlite")
        finally:
            clinic.close()
    yield path


def _check(path: Path, protocol: Protocol, *, quick: bool = False) -> list[str]:
    clinic = Clinic.open(path, FakeClock(START), protocol)
    try:
        return clinic.maintenance.check(quick=quick)
    finally:
        clinic.close()


def _planted(kind: Kind, demo_file: Path, folder: Path) -> Path:
    copy = folder / "planted.sqlite"
    shutil.copy(demo_file, copy)
    if kind.edit is not None:
        conn = sqlite3.connect(copy, isolation_level=None)
        try:
            kind.edit(conn)
        finally:
            conn.close()
    if kind.file_edit is not None:
        kind.file_edit(copy)
    return copy


def test_the_clean_demo_clinic_gives_no_line(demo_file: Path, default_protocol: Protocol, tmp_path: Path) -> None:
    """Nothing planted, nothing reported, by the full check and by the quick one."""
    copy = tmp_path / "clean.sqlite"
    shutil.copy(demo_file, copy)
    assert _check(copy, default_protocol) == []
    assert _check(copy, default_protocol, quick=True) == []


def _params() -> list[object]:
    return [pytest.param(k, id=k.name) for k in KINDS]


@pytest.mark.parametrize("kind", _params())
def test_check_names_each_planted_edit(kind: Kind, demo_file: Path, default_protocol: Protocol, tmp_path: Path) -> None:
    """The edit is reported by a line saying what it found; check itself never fails with an exception."""
    problems = _check(_planted(kind, demo_file, tmp_path), default_protocol)
    assert any(kind.expect in line for line in problems), "\n".join(problems) or "check reported nothing"


def test_there_are_at_least_forty_kinds() -> None:
    """The issue asks for forty kinds at least, each a different edit."""
    assert len({k.name for k in KINDS}) == len(KINDS) >= 40


def test_the_command_line_check_exits_non_zero_with_one_line_per_problem(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ketadesk check`` (and ``--quick``) on a planted file: each problem a line, exit status 1."""
    copy = _planted(next(k for k in KINDS if k.name == "role raised"), demo_file, tmp_path)
    assert cli.main(["--db", str(copy), "check"]) == cli.EXIT_FAILED
    assert "user nurse: roles are administrator,nurse in the table, nurse in the audit trail" in capsys.readouterr().err
    assert cli.main(["--db", str(copy), "check", "--quick"]) == cli.EXIT_FAILED


def test_a_file_that_is_not_a_database_fails_the_check_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes that are not SQLite at all: one line and a non-zero exit."""
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database " * 500)
    assert cli.main(["--db", str(junk), "check"]) != 0
    assert capsys.readouterr().err.count("\n") == 1
