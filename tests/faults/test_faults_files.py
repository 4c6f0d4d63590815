"""A report or export and its audit entry: both or neither, whatever stops the write half-way."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, StoreError, config
from ketadesk.core.clock import SystemClock


def _exports(clinic: Clinic) -> int:
    return int(clinic.store.all("SELECT count(*) FROM audit WHERE action = 'export'")[0][0])


def test_write_lock_held_elsewhere_leaves_no_file(clinic_copy: Callable[[str], Path], tmp_path: Path) -> None:
    """With another connection holding the write lock, report, FHIR, CSV and export say nothing was saved — and
    indeed no file exists (nor a temporary), and no entry was written."""
    path = clinic_copy("clinic.sqlite")
    clinic = Clinic.open(path, SystemClock(), config.load_clinic_protocol(path))
    clinic.store.conn.execute("PRAGMA busy_timeout = 50")  # the wait a real window gives, shortened
    visit = clinic.reports.export_visits()[0].id
    before = _exports(clinic)
    out = tmp_path / "out"
    out.mkdir()
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        for write in (
            lambda: clinic.reports.save_visit_report(visit, out / "visit.pdf"),
            lambda: clinic.reports.save_visit_fhir(visit, out / "visit.json"),
            lambda: clinic.reports.save_vitals_csv(out / "vitals.csv"),
            lambda: clinic.reports.export_reports(out / "export"),
        ):
            with pytest.raises(StoreError, match="nothing was saved"):
                write()
        other.execute("ROLLBACK")
    assert sorted(p.name for p in out.rglob("*") if p.is_file() and p.suffix != ".txt") == []
    assert _exports(clinic) == before
    made = clinic.reports.save_visit_report(visit, out / "visit.pdf")  # the lock gone, it works
    assert made.path.is_file() and _exports(clinic) == before + 1
    clinic.close()
