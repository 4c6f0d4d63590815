"""Patients as stored: a fixed identity (MRN) and an append-only list of revisions.

An edit is a new revision; the current patient is the highest revision. Nothing a
clinician once saw about a patient is lost.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound, StoreError

_CURRENT = """
    SELECT p.id, p.mrn, r.* FROM patients p
    JOIN patient_revisions r ON r.patient_id = p.id
    AND r.revision = (SELECT max(revision) FROM patient_revisions WHERE patient_id = p.id)
"""


def _patient(row: sqlite3.Row) -> Patient:
    return Patient(
        mrn=row["mrn"],
        family_name=row["family_name"],
        given_name=row["given_name"],
        date_of_birth=date.fromisoformat(row["date_of_birth"]),
        sex=Sex(row["sex"]),
        weight_kg=row["weight_kg"],
        diagnoses=tuple(Diagnosis(d) for d in row["diagnoses"].split(",") if d),
        allergies=row["allergies"],
        medications=row["medications"],
        substance_use=bool(row["substance_use"]),
        substance_use_note=row["substance_use_note"],
        contraindications=row["contraindications"],
        id=row["patient_id"],
    )


def _insert_revision(store: Store, patient_id: int, revision: int, patient: Patient, at: str, actor_id: int) -> None:
    store.execute(
        """INSERT INTO patient_revisions (patient_id, revision, family_name, given_name, date_of_birth, sex,
           weight_kg, diagnoses, allergies, medications, substance_use, substance_use_note, contraindications,
           recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            patient_id,
            revision,
            patient.family_name,
            patient.given_name,
            patient.date_of_birth.isoformat(),
            patient.sex.value,
            patient.weight_kg,
            ",".join(d.value for d in patient.diagnoses),
            patient.allergies,
            patient.medications,
            int(patient.substance_use),
            patient.substance_use_note,
            patient.contraindications,
            at,
            actor_id,
        ),
    )


def register(store: Store, patient: Patient, *, at: str, actor_id: int) -> int:
    """Add a new patient (already validated) and return the id; the MRN must be new."""
    with store.transaction():
        if store.one("SELECT 1 FROM patients WHERE mrn = ?", (patient.mrn,)):
            raise StoreError(f"MRN {patient.mrn} is already registered to another patient")
        patient_id = store.insert(
            "INSERT INTO patients (mrn, created_at, created_by) VALUES (?, ?, ?)", (patient.mrn, at, actor_id)
        )
        _insert_revision(store, patient_id, 1, patient, at, actor_id)
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="register",
            entity="patient",
            entity_id=patient_id,
            after=payloads.patient(patient),
        )
    return patient_id


def revise(store: Store, patient_id: int, patient: Patient, *, at: str, actor_id: int) -> int:
    """Record an edit as a new revision; returns the revision number (unchanged if nothing differs)."""
    with store.transaction():
        current = get(store, patient_id)
        if patient.mrn != current.mrn:
            raise StoreError("an MRN is fixed once registered; register the correct MRN as a new patient")
        if payloads.patient_snapshot(current) == payloads.patient_snapshot(patient):
            row = store.one("SELECT max(revision) FROM patient_revisions WHERE patient_id = ?", (patient_id,))
            return int(row[0]) if row else 1
        row = store.one("SELECT max(revision) FROM patient_revisions WHERE patient_id = ?", (patient_id,))
        revision = (int(row[0]) if row else 0) + 1
        _insert_revision(store, patient_id, revision, patient, at, actor_id)
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="revise",
            entity="patient",
            entity_id=patient_id,
            before=payloads.patient(current),
            after=payloads.patient(patient),
        )
    return revision


def last_revised(store: Store, patient_id: int) -> tuple[str, str]:
    """When the patient's current revision was recorded (stored UTC text) and the login of who recorded it."""
    row = store.one(
        "SELECT r.recorded_at, u.login FROM patient_revisions r JOIN users u ON u.id = r.recorded_by"
        " WHERE r.patient_id = ? ORDER BY r.revision DESC LIMIT 1",
        (patient_id,),
    )
    if row is None:
        raise NotFound(f"no patient with id {patient_id}")
    return str(row[0]), str(row[1])


def get(store: Store, patient_id: int) -> Patient:
    """The current revision of one patient."""
    row = store.one(_CURRENT + " WHERE p.id = ?", (patient_id,))
    if row is None:
        raise NotFound(f"no patient with id {patient_id}")
    return _patient(row)


def born_on(store: Store, day: date) -> list[Patient]:
    """Every patient (current revision) born on ``day``: the candidates a new registration may duplicate."""
    return [_patient(r) for r in store.all(_CURRENT + " WHERE r.date_of_birth = ? ORDER BY p.id", (day.isoformat(),))]


def by_mrn(store: Store, mrn: str) -> Patient | None:
    """The patient with this MRN, if registered."""
    row = store.one(_CURRENT + " WHERE p.mrn = ?", (mrn.strip().upper(),))
    return _patient(row) if row else None


def find(store: Store, text: str, limit: int = 50) -> list[Patient]:
    """Patients whose MRN starts with, or whose family or given name contains, ``text``."""
    needle = text.strip()
    if not needle:
        return []
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.all(
        _CURRENT
        + """ WHERE p.mrn LIKE ? ESCAPE '\\' OR r.family_name LIKE ? ESCAPE '\\'
        OR r.given_name LIKE ? ESCAPE '\\' OR (r.given_name || ' ' || r.family_name) LIKE ? ESCAPE '\\'
        ORDER BY r.family_name COLLATE NOCASE, r.given_name COLLATE NOCASE LIMIT ?""",
        (escaped.upper() + "%", f"%{escaped}%", f"%{escaped}%", f"%{escaped}%", limit),
    )
    return [_patient(r) for r in rows]


def revisions(store: Store, patient_id: int) -> int:
    """How many revisions a patient has."""
    row = store.one("SELECT count(*) FROM patient_revisions WHERE patient_id = ?", (patient_id,))
    return int(row[0]) if row else 0


def count(store: Store) -> int:
    """How many patients are registered."""
    row = store.one("SELECT count(*) FROM patients")
    return int(row[0]) if row else 0
