"""Fixtures for store tests: a real database file in a temporary folder, and the people and
records most tests start from. No Qt, no clock that moves by itself."""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.dosing import DosePlan, calculate_dose
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.core.users import Role, User
from ketadesk.core.vitals import VitalSigns
from ketadesk.store import patients, users, visits
from ketadesk.store.db import Store, open_store
from tests.store.audit_writes import Ctx

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)
DAY = T0.date()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database file lives (not created yet)."""
    return tmp_path / "ketadesk.sqlite"


@pytest.fixture
def store_target(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's database is, not created yet: a file path, or an empty PostgreSQL database's URL."""
    if engine == "postgresql":
        return str(request.getfixturevalue("postgresql_url"))
    return db_path


@pytest.fixture
def store(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A freshly migrated database (a real file, or a PostgreSQL database of its own), closed after the test."""
    target = str(request.getfixturevalue("postgresql_clinic_url")) if engine == "postgresql" else db_path
    opened = open_store(target)
    yield opened
    opened.close()


@pytest.fixture
def at() -> Callable[[float], str]:
    """Stored UTC text for ``minutes`` after the test's fixed start time."""

    def moment(minutes: float = 0) -> str:
        return to_utc_iso(T0 + timedelta(minutes=minutes))

    return moment


@pytest.fixture
def system(store: Store, at: Callable[[float], str]) -> User:
    """The program's own user."""
    return users.system_user(store, at(0))


@pytest.fixture
def nurse(store: Store, system: User, at: Callable[[float], str]) -> User:
    """A nurse who does the charting in most tests."""
    return users.create(
        store,
        login="nurse.ada",
        display_name="Ada Nurse",
        credentials="RN",
        roles=frozenset({Role.NURSE}),
        at=at(0),
        actor_id=system.id,
    )


@pytest.fixture
def make_patient() -> Callable[..., Patient]:
    """Build a valid patient; keyword arguments override any field."""

    def build(
        mrn: str = "KD-0001", family_name: str = "Okafor", given_name: str = "Chiamaka", **fields: Any
    ) -> Patient:
        values: dict[str, Any] = {
            "date_of_birth": date(1984, 6, 30),
            "sex": Sex.FEMALE,
            "weight_kg": 68.5,
            "diagnoses": (Diagnosis.PTSD, Diagnosis.GENERALISED_ANXIETY),
            "allergies": "Penicillin",
            "medications": "Sertraline 100 mg",
        }
        values.update(fields)
        return Patient(mrn=mrn, family_name=family_name, given_name=given_name, **values)

    return build


@pytest.fixture
def patient_id(store: Store, nurse: User, make_patient: Callable[..., Patient], at: Callable[[float], str]) -> int:
    """One registered patient."""
    return patients.register(store, make_patient(), at=at(1), actor_id=nurse.id)


@pytest.fixture
def visit_id(store: Store, nurse: User, patient_id: int, at: Callable[[float], str]) -> int:
    """One visit booked today in chair 1, without a course."""
    return visits.schedule(
        store, patient_id=patient_id, course_id=None, sequence=None, day=DAY, chair=1, at=at(2), actor_id=nurse.id
    )


@pytest.fixture
def reading() -> Callable[..., VitalSigns]:
    """A plausible set of vitals taken ``minutes`` after the start time; keywords override values."""

    def build(minutes: float = 0, **values: Any) -> VitalSigns:
        fields: dict[str, Any] = {"sbp": 122, "dbp": 78, "hr": 72, "spo2": 98, "rr": 14, "temp_c": 36.8}
        fields.update(values)
        return VitalSigns(taken_at=T0 + timedelta(minutes=minutes), **fields)

    return build


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    """The protocol that ships with KetaDesk."""
    text = importlib.resources.files("ketadesk.resources").joinpath("protocol.toml").read_text(encoding="utf-8")
    return load_protocol(text)


@pytest.fixture
def dose_plan(protocol: Protocol) -> Callable[..., DosePlan]:
    """A calculated dose for ``mg_per_kg`` and ``weight_kg`` with the shipped pump settings."""

    def build(mg_per_kg: float = 0.5, weight_kg: float = 68.5, lot: str = "KT-2291") -> DosePlan:
        return calculate_dose(
            mg_per_kg,
            weight_kg,
            concentration_mg_per_ml=protocol.concentration_mg_per_ml,
            duration_min=protocol.infusion_duration_min,
            drug=protocol.drug,
            route=protocol.route,
            lot_number=lot,
        )

    return build


@pytest.fixture
def count() -> Callable[[Store, str], int]:
    """How many rows a table holds."""

    def rows(store: Store, table: str) -> int:
        return int(store.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    return rows


@dataclass(frozen=True)
class AuditRow:
    """The newest audit row, with its JSON decoded."""

    id: int
    actor_id: int | None
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any


def _decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@pytest.fixture
def last_audit() -> Callable[[Store], AuditRow]:
    """The newest audit row of a store."""

    def newest(store: Store) -> AuditRow:
        row = store.execute("SELECT * FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        assert row is not None, "no audit rows at all"
        return AuditRow(
            row["id"],
            row["actor_id"],
            row["action"],
            row["entity"],
            row["entity_id"],
            _decode(row["before"]),
            _decode(row["after"]),
        )

    return newest


@pytest.fixture
def file_digest() -> Callable[[Path], str]:
    """SHA-256 of a file's bytes."""

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return digest


@pytest.fixture
def raw_connect() -> Iterator[Callable[[Path], sqlite3.Connection]]:
    """Plain sqlite3 connections to a file, bypassing the store; all closed after the test."""
    opened: list[sqlite3.Connection] = []

    def connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


@pytest.fixture
def peek(store: Store, db_path: Path) -> Iterator[Callable[[str], tuple[Any, ...]]]:
    """The first row of a query on another connection to the test's database (another window or workstation)."""
    if store.engine == "postgresql":
        import psycopg

        other: Any = psycopg.connect(store.url, autocommit=True)  # type: ignore[attr-defined]
    else:
        other = sqlite3.connect(str(db_path), isolation_level=None)

    def first_row(sql: str) -> tuple[Any, ...]:
        return tuple(other.execute(sql).fetchone())

    yield first_row
    other.close()


@pytest.fixture
def ctx(
    store: Store,
    nurse: User,
    patient_id: int,
    visit_id: int,
    *,
    at: Callable[[float], str],
    reading: Callable[..., VitalSigns],
    dose_plan: Callable[..., DosePlan],
    make_patient: Callable[..., Patient],
    tmp_path: Path,
) -> Ctx:
    """Everything the audit tests' writes (tests/store/audit_writes.py) need."""
    return Ctx(store, nurse, patient_id, visit_id, at, reading, dose_plan, make_patient, tmp_path)
