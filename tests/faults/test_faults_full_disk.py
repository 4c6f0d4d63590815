"""A full disk, simulated without root by SQLite's page limit: every write refuses cleanly, earlier ones are kept.

``PRAGMA max_page_count`` caps the database at its size now plus a few pages; SQLite then
answers exactly as on a full disk ("database or disk is full").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, StoreError, config
from ketadesk.clinic.demo import DEMO_PASSWORDS
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from ketadesk.store import db as store_db
from ketadesk.store.errors import DiskFullError
from tests.faults.faultlib import figure, one_line_each, run_cli, scale


def _cap(conn: sqlite3.Connection, spare_pages: int) -> None:
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def _open(path: Path) -> Clinic:
    return Clinic.open(path, SystemClock(), config.load_clinic_protocol(path))


def test_vitals_until_the_disk_is_full(clinic_copy: Callable[[str], Path], tmp_path: Path) -> None:
    """Readings are saved until the disk fills; then each write refuses with one clear message, and every saved
    reading is still there after the file is opened again; a report refused for the same reason leaves no file."""
    path = clinic_copy("clinic.sqlite")
    clinic = _open(path)
    nurse = clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"])
    visit = next(v for v in clinic.visits.board() if v.phase in (Phase.INFUSING, Phase.OBSERVATION))
    _cap(clinic.store.conn, scale(3, 12))
    saved: list[int] = []
    refusals: list[str] = []
    for n in range(5000):
        try:
            made = nurse.bedside.record_vitals(visit.id, sbp=110 + n % 30, dbp=70, hr=72, spo2=98, rr=14)
        except DiskFullError as error:
            refusals.append(str(error))
            if len(refusals) >= 3:
                break
            continue
        assert made.created_id is not None
        saved.append(made.created_id)
    assert saved and len(refusals) == 3
    assert all("is full" in r and "nothing was saved" in r and "\n" not in r for r in refusals)
    target = tmp_path / "visit.pdf"
    with pytest.raises(StoreError, match="is full"):
        clinic.reports.save_visit_report(visit.id, target)
    assert not target.exists()
    clinic.close()
    reopened = _open(path)
    try:
        found = {int(r[0]) for r in reopened.store.all("SELECT id FROM vitals WHERE visit_id = ?", (visit.id,))}
        assert set(saved) <= found
        assert reopened.maintenance.check() == []
    finally:
        reopened.close()
    figure("full disk", readings_saved=len(saved), refusals=len(refusals), lost=len(set(saved) - found))


def test_the_visit_list_on_a_full_disk(clinic_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """`visits` on a full disk ends with clear one-line messages (or lists the visits), never a traceback."""
    path = clinic_copy("clinic.sqlite")
    connect = store_db._connect

    def full(target: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
        conn = connect(target, read_only=read_only)
        _cap(conn, 0)
        return conn

    monkeypatch.setattr(store_db, "_connect", full)
    code, _, err = run_cli("--db", path, "visits")
    assert one_line_each(err) == [], err
    assert code == 0 or "is full" in err
