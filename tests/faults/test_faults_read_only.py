"""A read-only database file, or a read-only folder: every command says so in one line, quickly, and makes no file.

The permission bits are what counts (a file nobody may write opens read-only even for an
administrator), so the probe works under any user; the API refuses every write with the
store's own error and the screens' verdicts say why.
"""

from __future__ import annotations

import os
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, config
from ketadesk.clinic.demo import DEMO_PASSWORDS
from ketadesk.core.clock import SystemClock
from ketadesk.store.errors import ReadOnlyDatabaseError
from tests.faults.faultlib import one_line_each, run_cli, spawn

COMMANDS: list[list[str]] = [
    ["visits"],
    ["check"],
    ["check", "--quick"],
    ["backup"],
    ["demo", "--patients", "1"],
    ["report", "1", "-o", "{out}/visit.pdf"],
    ["csv", "--all", "-o", "{out}/vitals.csv"],
    ["fhir", "1", "-o", "{out}/visit.json"],
    ["export", "{out}/export"],
]


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(params=["file", "folder"])
def read_only(request: pytest.FixtureRequest, clinic_copy: Callable[[str], Path]) -> Iterator[Path]:
    """The clinic's file made read-only (0444), or its folder (0555); permissions put back afterwards."""
    path = clinic_copy("clinic.sqlite")
    target = path if request.param == "file" else path.parent
    before = stat.S_IMODE(target.stat().st_mode)
    target.chmod(0o444 if request.param == "file" else 0o555)
    yield path
    target.chmod(before)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_command_says_read_only_in_one_line(read_only: Path, command: list[str]) -> None:
    """Each command exits 1 with the one line "the database … is read-only: …", and no file appears anywhere."""
    folder = read_only.parent
    outside = folder.parent / "out"
    outside.mkdir(exist_ok=True)
    before, before_out = _listing(folder), _listing(outside)
    args = [a.format(out=outside) for a in command]
    code, out, err = run_cli("--db", read_only, *args)
    assert code == 1, (out, err)
    assert f"the database {read_only} is read-only: " in err
    assert len(err.strip().splitlines()) == 1 and one_line_each(err) == []
    assert _listing(folder) == before and _listing(outside) == before_out


def test_a_real_process_ends_at_once(read_only: Path) -> None:
    """`visits` in its own process (no spinning on a busy retry): one line and exit 1 within a few seconds."""
    started = time.monotonic()
    child = spawn(["-m", "ketadesk", "--db", read_only, "visits"])
    try:
        _, err = child.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        child.kill()
        raise
    elapsed = time.monotonic() - started
    assert child.returncode == 1 and "is read-only: " in err and one_line_each(err) == []
    assert elapsed < 10, f"took {elapsed:.1f} s"  # the interpreter's start counts; the refusal itself is instant


def test_the_api_looks_and_refuses_every_write(read_only: Path) -> None:
    """Opened read-only: reads work, write verdicts say read-only, a write raises the store's error, no file made."""
    before = _listing(read_only.parent)
    clinic = Clinic.open(read_only, SystemClock(), config.load_clinic_protocol(read_only))
    try:
        assert clinic.read_only
        visit = clinic.reports.export_visits()[0]
        assert clinic.reports.visit_report_pdf(visit.id).startswith(b"%PDF")
        nurse = clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"])
        verdict = nurse.bedside.record_vitals.allowed(visit.id)
        assert not verdict and "read-only" in verdict.reason
        with pytest.raises(ReadOnlyDatabaseError, match="is read-only: "):
            nurse.bedside.record_vitals(visit.id, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
        with pytest.raises(ReadOnlyDatabaseError):
            clinic.reports.save_visit_report(visit.id, read_only.parent.parent / "visit.pdf")
        assert not (read_only.parent.parent / "visit.pdf").exists()
        nurse.accounts.sign_out()  # nothing to record, and no error for leaving
    finally:
        clinic.close()
    assert _listing(read_only.parent) == before
    assert os.access(read_only, os.R_OK)
