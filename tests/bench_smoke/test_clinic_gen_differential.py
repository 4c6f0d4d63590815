"""The generator and the store's normal writes produce the same record, byte for byte.

The ten-year benchmark clinic is only worth measuring if it is what the clinic would have
stored. Here a small generated clinic is replayed act by act — in audit order, from the
audit payloads (and, where a payload does not carry a column, from the generated row) —
through the store functions the clinic API calls, into a fresh file; then every table of
the two files is compared row by row, with each value's type, so a REAL written as an
INTEGER or a payload key spelt differently would show.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bench import clinic_gen
from bench.clinic_gen.spec import chain_identity
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.dosing import DosePlan
from ketadesk.core.events import AdverseEventKind, Route
from ketadesk.core.instruments.measures import EntryMode, scored_from_payload, status_from_payload
from ketadesk.core.instruments.risk import RiskLevel
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.core.record_signing import SignedRecord
from ketadesk.core.signing import Signature
from ketadesk.core.signing_keys import KdfCost, SealedKey
from ketadesk.core.users import Role
from ketadesk.core.vitals import AlertKind, ExtremeKind, Source, VitalSigns
from ketadesk.store import courses, keys, outcomes, patients, record_signatures, signatures, users, visits
from ketadesk.store.bulk_insert import fixed_installation
from ketadesk.store.db import Store, open_store

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
# Small, but with every kind of write: revisions, cancellations, adverse events with what was
# given, checklist answers, acknowledged alerts and signatures (the test checks it has them all).
SPEC = clinic_gen.BulkSpec(
    patients=12, visits=120, vitals=3_000, years=2, now=NOW, today_visits=4, checklists=True, seed=7
)
EVERY_WRITE = {
    "create",
    "register",
    "revise",
    "plan",
    "schedule",
    "phase",
    "weight",
    "dose",
    "vitals",
    "acknowledge",
    "score",
    "adverse_event",
    "intervention",
    "checklist",
    "sign",
    "sign_record",
    "signing_key",
    "choose_instruments",
    "measure",
    "risk_assessment",
}


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    """The protocol that ships with KetaDesk."""
    return load_protocol(default_protocol_text())


def _patient(snapshot: dict[str, Any]) -> Patient:
    return Patient(
        **{
            **snapshot,
            "date_of_birth": date.fromisoformat(snapshot["date_of_birth"]),
            "sex": Sex(snapshot["sex"]),
            "diagnoses": tuple(Diagnosis(d) for d in snapshot["diagnoses"]),
        }
    )


def _replay(generated: sqlite3.Connection, store: Store, protocol: Protocol) -> set[str]:
    """Make every generated write again through the normal store functions; return the actions seen."""
    seen: set[str] = set()
    for at, actor, action, entity_id, after_text in generated.execute(
        "SELECT at, actor_id, action, entity_id, after FROM audit ORDER BY id"
    ):
        seen.add(action)
        a: dict[str, Any] = json.loads(after_text)
        if action == "create":
            users.create(
                store,
                login=a["login"],
                display_name=a["display_name"],
                credentials=a["credentials"],
                roles=frozenset(Role(r) for r in a["roles"].split(",")),
                at=at,
                actor_id=None if actor == entity_id else actor,
                # A password hash is a secret, never audited: the replay takes it from the generated row.
                password_hash=generated.execute(
                    "SELECT password_hash FROM users WHERE id = ?", (entity_id,)
                ).fetchone()[0],
            )
        elif action == "register":
            patients.register(store, _patient(a), at=at, actor_id=actor)
        elif action == "revise":
            patients.revise(store, entity_id, _patient(a), at=at, actor_id=actor)
        elif action == "plan":
            template = protocol.template(None)
            assert template.key == a["template"]
            courses.create(store, a["patient_id"], template, date.fromisoformat(a["start_date"]), at=at, actor_id=actor)
        elif action == "schedule":
            visits.schedule(
                store,
                patient_id=a["patient_id"],
                course_id=a["course_id"],
                sequence=a["sequence"],
                day=date.fromisoformat(a["date"]),
                chair=a["chair"],
                at=at,
                actor_id=actor,
            )
        elif action == "phase":
            visits.add_event(store, entity_id, Phase(a["phase"]), at=at, actor_id=actor, reason=a["reason"])
        elif action == "weight":
            visits.add_weight(store, entity_id, a["weight_kg"], at=at, actor_id=actor)
        elif action == "dose":
            visits.add_dose(store, entity_id, DosePlan(rate_mg_per_h=0.0, **a), at=at, actor_id=actor)
        elif action == "vitals":
            source = generated.execute("SELECT source FROM vitals WHERE id = ?", (entity_id,)).fetchone()[0]
            reading = VitalSigns(
                from_utc_iso(a["taken_at"]), a["sbp"], a["dbp"], a["hr"], a["spo2"], a["rr"], a["temp_c"]
            )
            visits.add_vitals(
                store,
                a["visit_id"],
                reading,
                source=Source(source),
                alerts=[AlertKind(k) for k in a["alerts"].split(",") if k],
                is_baseline=a["baseline"],
                at=at,
                actor_id=actor,
                corrects_id=a["corrects"],
                entered_in_error=a["entered_in_error"],
                confirmed_extremes=[ExtremeKind(k) for k in a.get("confirmed_extremes", "").split(",") if k],
            )
        elif action == "acknowledge":
            visits.add_acknowledgement(
                store, entity_id, a["subject"], a["subject_id"], a["note"], at=at, actor_id=actor
            )
        elif action == "score":
            visits.add_score(
                store, entity_id, a["scale"], a["total"], a["items"], taken_at=a["taken_at"], at=at, actor_id=actor
            )
        elif action == "adverse_event":
            visits.add_adverse_event(
                store,
                entity_id,
                AdverseEventKind(a["kind"]),
                a["description"],
                onset_at=a["onset_at"],
                at=at,
                actor_id=actor,
            )
        elif action == "intervention":
            visits.add_intervention(
                store,
                entity_id,
                drug=a["drug"],
                dose=a["dose"],
                route=Route(a["route"]),
                given_at=a["given_at"],
                note=a["note"],
                adverse_event_id=a["adverse_event_id"],
                at=at,
                actor_id=actor,
            )
        elif action == "checklist":
            visits.add_checklist(
                store, entity_id, a["checklist"], a["item"], a["checked"], a["note"], at=at, actor_id=actor
            )
        elif action == "sign":
            name, credentials = generated.execute(
                "SELECT printed_name, credentials FROM signatures WHERE id = ?", (a["signature_id"],)
            ).fetchone()
            signature = Signature(name, credentials, a["meaning"], from_utc_iso(at), a["content_hash"])
            key_id, digital = generated.execute(
                "SELECT key_id, signature FROM signatures WHERE id = ?", (a["signature_id"],)
            ).fetchone()
            signatures.add_signature(
                store, entity_id, a["addendum_id"], signature, signer_id=actor, at=at, key_id=key_id, digital=digital
            )
        elif action == "sign_record":
            record_signatures.add(
                store, SignedRecord(a["record"]), a["record_id"], entity_id, signer_id=actor, at=at,
                key_id=a["key_id"], digital=bytes.fromhex(a["digital_signature"]),
            )  # fmt: skip
        elif action == "signing_key":
            # The sealed private key is never audited either: the replay takes the seal from the generated row.
            cost, salt, nonce, sealed = generated.execute(
                "SELECT kdf, salt, nonce, sealed FROM signing_key_seals WHERE key_id = ?", (a["key_id"],)
            ).fetchone()
            public = bytes.fromhex(a["public_key"])
            keys.add_key(
                store, entity_id, SealedKey(public, KdfCost.from_text(cost), salt, nonce, sealed), a["reason"],
                at=at, actor_id=actor,
            )  # fmt: skip
        elif action == "choose_instruments":
            chosen = tuple(InstrumentKey(k) for k in a["instruments"].split(","))
            outcomes.choose_instruments(store, entity_id, chosen, at=at, actor_id=actor)
        elif action == "measure":
            instrument = InstrumentKey(a["instrument"])
            outcomes.add_measure(
                store, patient_id=a["patient_id"], course_id=a["course_id"], visit_id=a["visit_id"],
                answers={int(n): v for n, v in a["answers"].items()},
                scored=scored_from_payload(instrument, a["scores"]), status=status_from_payload(a["status"]),
                mode=EntryMode(a["mode"]), at=at, actor_id=actor,
            )  # fmt: skip
        elif action == "risk_assessment":
            flagged = outcomes.measure(store, a["measure_id"])
            outcomes.add_risk_assessment(store, flagged, RiskLevel(a["level"]), a["action"], at=at, actor_id=actor)
        else:
            raise AssertionError(f"the generator wrote an action this replay does not know: {action}")
    return seen


def _dump(path: Path) -> dict[str, list[tuple[tuple[str, object], ...]]]:
    """Every row of every table, in rowid order, each value with its type (migration records by name only)."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        dumped: dict[str, list[tuple[tuple[str, object], ...]]] = {}
        for table in tables:
            sql = (
                f"SELECT migration_set, name FROM {table} ORDER BY rowid"
                if table == "_sqlite_migrations"
                else f"SELECT * FROM {table} ORDER BY rowid"
            )
            dumped[table] = [tuple((type(v).__name__, v) for v in row) for row in conn.execute(sql)]
        return dumped


def test_generated_clinic_replayed_through_the_store_functions_is_identical(tmp_path: Path, protocol: Protocol) -> None:
    """Every row and audit payload the generator writes is byte for byte what the normal store writes make."""
    generated_path, replayed_path = tmp_path / "generated.sqlite", tmp_path / "replayed.sqlite"
    store = open_store(generated_path)
    try:
        clinic_gen.load(store, protocol, SPEC)
    finally:
        store.close()
    replayed = open_store(replayed_path)
    # The same installation and key as the generated file, so the MACs can be compared too.
    fixed_installation(replayed, *chain_identity(SPEC))
    # Thousands of one-write transactions; durability changes no byte of what is written, only the wait.
    replayed.conn.execute("PRAGMA synchronous = OFF")
    try:
        with closing(sqlite3.connect(generated_path)) as generated:
            seen = _replay(generated, replayed, protocol)
    finally:
        replayed.close()
    assert seen == EVERY_WRITE
    expected, actual = _dump(generated_path), _dump(replayed_path)
    assert expected.keys() == actual.keys()
    for table in expected:
        assert len(actual[table]) == len(expected[table]), table
        for want, got in zip(expected[table], actual[table], strict=True):
            assert got == want, table
