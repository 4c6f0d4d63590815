"""``ketadesk recovered``: a clinic file copied back by hand (as a server is recovered), recorded by an administrator.

check reports the record ending before the witness; the administrator records the recovery with
the password read from standard input (never an argument); check is clean again and names it.
Refused in one line each: a moment that cannot be read, a nurse, a wrong password.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ketadesk.clinic.demo_visit import DEMO_PASSWORDS
from tests.cli.cli_calls import Run, one_line

REASON = "Disk replaced; the file copied back from the machine's own backup"


@pytest.fixture
def copied_back(run: Run, demo_copy: Callable[..., Path], tmp_path: Path) -> Path:
    """The demo file, backed up (so the witness moved on), then replaced by the copy taken before: rolled back."""
    demo = demo_copy()
    older = shutil.copyfile(demo, tmp_path / "older.sqlite")
    code, _, err = run("--db", demo, "backup")
    assert code == 0, err
    for leftover in (demo.with_name(demo.name + "-wal"), demo.with_name(demo.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(older, demo)
    return demo


def _typed(monkeypatch: pytest.MonkeyPatch, password: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))


def test_the_administrator_records_it_and_check_is_clean_again(
    run: Run, copied_back: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run("--db", copied_back, "check")
    assert code == 1 and "was witnessed on" in err and "entries were removed from its end" in err, err
    to = datetime.now(UTC).isoformat(timespec="seconds")
    _typed(monkeypatch, DEMO_PASSWORDS["admin"])
    code, out, err = run("--db", copied_back, "recovered", "--to", to, "--as", "admin", "--reason", REASON)
    assert code == 0, err
    assert out.startswith("Before: audit anchor:") and "Recorded: the record was recovered to " in out
    assert "this workstation's witness follows the record again" in out
    code, out, err = run("--db", copied_back, "check")
    assert code == 0, err
    assert "recovered to " in out and "recorded by admin on" in out and out.rstrip().endswith(REASON)


def test_a_moment_that_cannot_be_read_a_nurse_and_a_wrong_password_are_refused(
    run: Run, copied_back: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for to, login, password, says in (
        ("last night", "admin", DEMO_PASSWORDS["admin"], "--to: 'last night' is not allowed; a moment as YYYY-MM-DD"),
        (now, "nurse", DEMO_PASSWORDS["nurse"], "cannot record a recovery of the database"),
        (now, "admin", "not-the-password", "Wrong login or password"),
    ):
        _typed(monkeypatch, password)
        code, out, err = run("--db", copied_back, "recovered", "--to", to, "--as", login, "--reason", REASON)
        assert code == 1 and out == "" and says in one_line(err), err
    code, _, err = run("--db", copied_back, "check")
    assert code == 1 and "witnessed on" in err  # nothing recorded: still reported
