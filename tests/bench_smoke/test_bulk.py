"""Smoke tests of the bulk loader (bench.clinic_gen) at a tiny size: counts, integrity, reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bench import clinic_gen
from bench.clinic_gen import generator, model, vocabulary
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.core.signing import VISIT_MEANING, canonical_visit, content_hash
from ketadesk.store import audit, payloads
from ketadesk.store.bulk_insert import COLUMNS
from ketadesk.store.db import open_store
from ketadesk.store.errors import StoreError

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
TINY = clinic_gen.BulkSpec(patients=20, visits=400, vitals=9_000, years=10, now=NOW, today_visits=8)


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    """The protocol that ships with KetaDesk."""
    return load_protocol(default_protocol_text())


def _load(
    path: Path, protocol: Protocol, spec: clinic_gen.BulkSpec
) -> tuple[clinic_gen.Progress, list[clinic_gen.Progress]]:
    store = open_store(path)
    try:
        steps = list(clinic_gen.generate(store, protocol, spec))
    finally:
        store.close()
    return steps[-1], steps


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, protocol: Protocol) -> tuple[Path, clinic_gen.Progress]:
    """A tiny ten-year clinic, loaded once for the module."""
    path = tmp_path_factory.mktemp("bulk") / "tiny.sqlite"
    last, _ = _load(path, protocol, TINY)
    return path, last


@pytest.fixture
def clinic(tiny: tuple[Path, clinic_gen.Progress], protocol: Protocol) -> Iterator[Clinic]:
    """The tiny clinic opened through the clinic API with the clock at the load's "now"."""
    opened = Clinic.open(tiny[0], FakeClock(NOW), protocol)
    yield opened
    opened.close()


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_column_lists_match_the_schema(tmp_path: Path) -> None:
    """Every column list the loader inserts with is exactly the table's columns, in order."""
    store = open_store(tmp_path / "schema.sqlite")
    try:
        for table, columns in COLUMNS.items():
            actual = tuple(row["name"] for row in store.all(f"PRAGMA table_info({table})"))
            assert columns == actual, table
    finally:
        store.close()


def test_row_counts_match_the_spec_and_the_progress(tiny: tuple[Path, clinic_gen.Progress]) -> None:
    """Patients and visits are exactly as asked, vitals close to it, and the progress counts what is stored."""
    path, last = tiny
    assert _count(path, "patients") == TINY.patients
    assert _count(path, "visits") == TINY.visits
    assert 0.9 * TINY.vitals <= _count(path, "vitals") <= TINY.vitals
    for table, written in last.counts.items():
        assert _count(path, table) == written, table
    assert last.done == last.total == TINY.visits


def test_every_record_row_has_its_audit_row(tiny: tuple[Path, clinic_gen.Progress]) -> None:
    """One audit row per write, as through the clinic API (a booking's visit and its first event share one)."""
    c = tiny[1].counts
    expected = (
        c["users"]
        + c["signing_keys"]  # each with its first seal, one audit row for the two
        + c["patient_revisions"]
        + c["courses"]
        + c["visits"]
        + (c["visit_events"] - c["visits"])
        + c["weights"]
        + c["doses"]
        + c["vitals"]
        + c["acknowledgements"]
        + c["scores"]
        + c["checklist_entries"]
        + c["adverse_events"]
        + c["interventions"]
        + c["signatures"]
        + c["record_signatures"]
        + c["course_instruments"]
        + c["outcome_measures"]
        + c["risk_assessments"]
    )
    assert c["audit"] == expected


def test_check_passes_on_the_loaded_clinic(clinic: Clinic) -> None:
    """Integrity, foreign keys, schema version and the whole audit chain hold after a bulk load."""
    assert clinic.maintenance.check() == []


def test_board_shows_today_in_several_phases(clinic: Clinic) -> None:
    """Today's board lists exactly the visits booked for today, in varied phases, with timers."""
    board = clinic.visits.board(NOW.date())
    assert len(board) == TINY.today_visits
    phases = {v.phase for v in board}
    assert len(phases) >= 3
    assert Phase.INFUSING in phases
    assert all(v.timers is not None for v in board)
    infusing = [v for v in board if v.phase is Phase.INFUSING]
    assert all(v.timers.infusion_remaining is not None for v in infusing if v.timers)


def test_patient_history_loads_every_visit(clinic: Clinic, tiny: tuple[Path, clinic_gen.Progress]) -> None:
    """A patient's history holds all of their visits, and finished visits carry their readings and dose."""
    with closing(sqlite3.connect(tiny[0])) as conn:
        patient_id, visits = conn.execute(
            "SELECT patient_id, count(*) FROM visits GROUP BY patient_id ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
    history = clinic.patients.history(patient_id)
    assert len(history.visits) == visits
    assert len(history.courses) == 1
    discharged = [v for v in history.visits if v.summary.phase in (Phase.DISCHARGED, Phase.SIGNED)]
    assert discharged
    assert all(v.vitals and v.dose is not None and v.weight_kg for v in discharged)
    assert all(any(r.is_baseline for r in v.vitals) for v in discharged)


def test_physicians_sign_all_but_the_latest_discharges(clinic: Clinic, tiny: tuple[Path, clinic_gen.Progress]) -> None:
    """Every visit discharged before the last two days is signed by a physician; the recent ones wait."""
    with closing(sqlite3.connect(tiny[0])) as conn:
        discharged = dict(
            conn.execute(
                "SELECT e.visit_id, v.scheduled_date FROM visit_events e"
                " JOIN visits v ON v.id = e.visit_id WHERE e.phase = 'discharged'"
            ).fetchall()
        )
        signed = dict(
            conn.execute(
                "SELECT s.visit_id, u.login FROM signatures s JOIN users u ON u.id = s.signer_id"
                " JOIN visit_events e ON e.visit_id = s.visit_id AND e.phase = 'signed'"
                " WHERE s.addendum_id IS NULL AND s.meaning = e.reason AND s.signed_at = e.at"
            ).fetchall()
        )
        delays = conn.execute(
            "SELECT s.signed_at, e.at, v.scheduled_date FROM signatures s JOIN visits v"
            " ON v.id = s.visit_id JOIN visit_events e"
            " ON e.visit_id = s.visit_id AND e.phase = 'discharged'"
        ).fetchall()
    first_unsigned = (NOW.astimezone().date() - timedelta(days=clinic_gen.UNSIGNED_DAYS)).isoformat()
    assert set(signed) == {v for v, day in discharged.items() if day < first_unsigned}
    assert set(signed.values()) <= {login for login, _, _ in vocabulary.PHYSICIANS}
    # Signed on a weekday after the discharge, within the next working day (three days after a Friday).
    assert delays
    for signed_at, discharged_at, visit_day in delays:
        signed_day = date.fromisoformat(signed_at[:10])
        assert signed_at > discharged_at and signed_day.weekday() < 5
        assert 1 <= (signed_day - date.fromisoformat(visit_day)).days <= 3
    waiting = [v.id for v in clinic.signing.awaiting()]
    assert sorted(waiting) == sorted(v for v, day in discharged.items() if day >= first_unsigned)
    assert TINY.today_visits is not None
    assert 0 < clinic.signing.awaiting_count() == len(waiting) <= TINY.today_visits


def test_signatures_verify_and_their_audit_rows_match_the_api(
    clinic: Clinic, tiny: tuple[Path, clinic_gen.Progress]
) -> None:
    """Each generated signature seals the visit as stored, and is audited as signing.sign_visit audits it."""
    assert clinic.signing.problems() == []
    with closing(sqlite3.connect(tiny[0])) as conn:
        signature_id, visit_id, signer_id, at, sealed, key_id, digital = conn.execute(
            "SELECT id, visit_id, signer_id, signed_at, content_hash, key_id, signature"
            " FROM signatures ORDER BY id LIMIT 1"
        ).fetchone()
        rows = conn.execute(
            "SELECT actor_id, action, entity, entity_id, before, after FROM audit"
            " WHERE at = ? AND entity_id = ? ORDER BY id",
            (at, visit_id),
        ).fetchall()
    assert rows == [
        (
            signer_id,
            "sign",
            "visit",
            visit_id,
            None,
            audit._canonical(
                {
                    "signature_id": signature_id,
                    "addendum_id": None,
                    "meaning": VISIT_MEANING,
                    "content_hash": sealed,
                    "key_id": key_id,
                    "digital_signature": digital.hex(),
                }
            ),
        ),
        (
            signer_id,
            "phase",
            "visit",
            visit_id,
            audit._canonical({"phase": "discharged"}),
            audit._canonical({"phase": "signed", "reason": VISIT_MEANING}),
        ),
    ]
    assert sealed == content_hash(canonical_visit(clinic.visits.get(visit_id).detail))


def test_sealed_content_that_drifts_from_the_stored_record_stops_the_load(
    tmp_path: Path, protocol: Protocol, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the loader's own view of a visit ever differs from what check will read, the next commit fails."""
    gathered = model.Sealable.text

    def drifted(self: model.Sealable, attempt: model.Attempt, induction_count: int) -> str:
        return gathered(self, attempt, induction_count).replace('"notes":[]', '"notes":[["a note"]]')

    monkeypatch.setattr(model.Sealable, "text", drifted)
    with pytest.raises(StoreError, match="differs from the stored record"):
        _load(tmp_path / "drift.sqlite", protocol, replace(TINY, patients=5, visits=40, vitals=400, today_visits=2))


def test_same_spec_gives_the_same_database(
    tmp_path: Path, protocol: Protocol, tiny: tuple[Path, clinic_gen.Progress]
) -> None:
    """The seeded generator is reproducible: a second load ends on the same audit hash."""
    again = tmp_path / "again.sqlite"
    _load(again, protocol, TINY)

    def last_hash(path: Path) -> str:
        with closing(sqlite3.connect(path)) as conn:
            return str(conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0])

    assert last_hash(again) == last_hash(tiny[0])


def test_progress_is_yielded_as_chunks_commit(
    tmp_path: Path, protocol: Protocol, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With small chunks the generator reports rising progress, ending at every visit."""
    monkeypatch.setattr(generator, "FLUSH_ROWS", 2_000)
    _, steps = _load(tmp_path / "chunks.sqlite", protocol, TINY)
    assert len(steps) > 3
    assert [s.done for s in steps] == sorted(s.done for s in steps)
    assert steps[-1].done == steps[-1].total


def test_durable_sync_is_restored_after_a_load(tmp_path: Path, protocol: Protocol) -> None:
    """The load runs with synchronous=OFF but leaves the connection at FULL again."""
    store = open_store(tmp_path / "sync.sqlite")
    try:
        clinic_gen.load(store, protocol, replace(TINY, patients=5, visits=40, vitals=400, today_visits=2))
        assert store.one("PRAGMA synchronous")[0] == 2  # type: ignore[index]
    finally:
        store.close()


def test_checklists_can_be_included(tmp_path: Path, protocol: Protocol) -> None:
    """With checklists on, answers are written with their audit rows and the check still passes."""
    path = tmp_path / "checklists.sqlite"
    spec = replace(TINY, patients=5, visits=40, vitals=800, today_visits=2, checklists=True)
    last, _ = _load(path, protocol, spec)
    assert last.counts["checklist_entries"] > 0
    opened = Clinic.open(path, FakeClock(NOW), protocol)
    try:
        assert opened.maintenance.check() == []
    finally:
        opened.close()


def test_refuses_a_database_with_patients(tiny: tuple[Path, clinic_gen.Progress], protocol: Protocol) -> None:
    """A bulk load only fills a database that has no patients yet."""
    store = open_store(tiny[0])
    try:
        with pytest.raises(StoreError, match="without patients"):
            list(clinic_gen.generate(store, protocol, TINY))
    finally:
        store.close()


@pytest.mark.parametrize("temp_c", [None, 36.8, 37.0])
@pytest.mark.parametrize("alerts", ["", "sbp_high,dbp_high"])
def test_fast_vitals_payload_is_the_canonical_json(temp_c: float | None, alerts: str) -> None:
    """The hand-built vitals audit payload is byte for byte what visits.add_vitals would write."""
    taken = "2026-11-27T13:57:56.000Z"
    expected = audit._canonical(
        {
            "visit_id": 12,
            "taken_at": taken,
            "sbp": 181,
            "dbp": 96,
            "hr": 88,
            "spo2": 97,
            "rr": 14,
            "temp_c": temp_c,
            "alerts": alerts,
            "baseline": temp_c is not None,
            "corrects": None,
            "entered_in_error": False,
        }
    )
    assert payloads.vitals(12, taken, 181, 96, 88, 97, 14, temp_c, alerts, temp_c is not None) == expected
