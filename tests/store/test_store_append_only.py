"""The database itself refuses to change or delete clinical record, whoever asks and however."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime

import psycopg
import pytest

from ketadesk.core.corrections import Corrected
from ketadesk.core.dosing import DosePlan
from ketadesk.core.events import AdverseEventKind, Route
from ketadesk.core.orders import Decision, OrderMode, Review
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ScheduleTemplate
from ketadesk.core.record_signing import SignedRecord
from ketadesk.core.signing import ADDENDUM_MEANING, Signature
from ketadesk.core.signing_keys import KdfCost, new_key
from ketadesk.core.users import User
from ketadesk.core.vitals import Source, VitalSigns
from ketadesk.core.watch.records import RequestDecision, RequestKind, ScreeningKind
from ketadesk.store import (
    checkpoints,
    corrections,
    courses,
    keys,
    orders,
    patients,
    protocols,
    record_signatures,
    signatures,
    visits,
    watch,
)
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_engine import PostgresStore, placeholders
from ketadesk.store.schema import APPEND_ONLY, NEVER_DELETED
from tests.engines import BOTH_ENGINES
from tests.store.outcome_rows import add_outcome_rows, add_outcome_rows_by_sql

pytestmark = BOTH_ENGINES
# The database's own refusal, raw SQL past the store: SQLite's, or PostgreSQL's (a trigger raises an integrity error).
REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityError)

# One column per append-only table that a forger would most like to change.
TARGET_COLUMN = {
    "patient_revisions": ("family_name", "'Forged'"),
    "visit_events": ("reason", "'forged'"),
    "checklist_entries": ("checked", "0"),
    "weights": ("weight_kg", "99.0"),
    "doses": ("dose_mg", "200.0"),
    "vitals": ("sbp", "120"),
    "notes": ("text", "'forged'"),
    "acknowledgements": ("note", "'forged'"),
    "scores": ("total", "0"),
    "audit": ("after", "'{}'"),
    "adverse_events": ("kind", "'other'"),
    "interventions": ("dose", "'40 mg'"),
    "addenda": ("text", "'forged'"),
    "signatures": ("content_hash", "'" + "0" * 64 + "'"),
    "doses_given": ("given_mg", "35.0"),
    "approval_requests": ("reason", "'forged'"),
    "approval_answers": ("decision", "'approved'"),
    "verbal_orders": ("order_text", "'forged'"),
    "verbal_order_reviews": ("review", "'countersigned'"),
    "corrections": ("reason", "'forged'"),
    "signing_keys": ("reason", "'reset'"),
    "signing_key_seals": ("kdf", "'{}'"),
    "keyed_signatures_from": ("first_id", "0"),
    "protocols": ("text", "'forged'"),
    "visit_protocols": ("protocol_id", "2"),
    "record_signatures": ("record_id", "2"),
    "record_signatures_from": ("first_id", "0"),
    "course_instruments": ("instruments", "'pcl5'"),
    "outcome_measures": ("total", "0"),
    "risk_assessments": ("level", "'high'"),
    "risk_overrides": ("reason", "'forged'"),
    "patient_requests": ("kind", "'earlier_visit'"),
    "request_decisions": ("decision", "'granted'"),
    "screenings": ("score", "0"),
    "flag_acknowledgements": ("note", "'forged'"),
    "checkpoints": ("audit_id", "1"),
}


@pytest.fixture
def full_visit(
    store: Store,
    nurse: User,
    patient_id: int,
    visit_id: int,
    *,
    at: Callable[[float], str],
    reading: Callable[..., VitalSigns],
    dose_plan: Callable[..., DosePlan],
    make_patient: Callable[..., Patient],
) -> int:
    """A visit with at least one row in every append-only table, and a course for the patient."""
    template = ScheduleTemplate("induction-6", "Six over two weeks", (3, 3), 28)
    course_id = courses.create(store, patient_id, template, date(2025, 3, 3), at=at(3), actor_id=nurse.id)
    patients.revise(store, patient_id, make_patient(weight_kg=67.9), at=at(3), actor_id=nurse.id)
    visits.add_event(store, visit_id, Phase.PRE_ASSESSMENT, at=at(4), actor_id=nurse.id)
    outcome_rows = add_outcome_rows if store.engine == "sqlite" else add_outcome_rows_by_sql
    outcome_rows(store, patient_id=patient_id, course_id=course_id, visit_id=visit_id, actor_id=nurse.id, at=at(4))
    protocols.record_in_force(store, visit_id, '{"chairs":4}', at=at(4), actor_id=nurse.id)
    visits.add_checklist(store, visit_id, "pre_infusion", "fasting", True, "", at=at(5), actor_id=nurse.id)
    visits.add_weight(store, visit_id, 67.9, at=at(6), actor_id=nurse.id)
    dose_id = visits.add_dose(store, visit_id, dose_plan(0.5, 67.9), at=at(7), actor_id=nurse.id)
    visits.add_dose_given(
        store,
        visit_id,
        dose_id,
        given_mg=22.1,
        calculated_mg=22.1,
        minutes_run=26.0,
        basis="confirmed",
        at=at(7),
        actor_id=nurse.id,
    )
    visits.add_vitals(
        store, visit_id, reading(8), source=Source.MANUAL, alerts=[], is_baseline=True, at=at(8), actor_id=nurse.id
    )
    visits.add_note(store, visit_id, "observation", "Settled", at=at(9), actor_id=nurse.id)
    visits.add_acknowledgement(store, visit_id, "baseline_bp", None, "Seen", at=at(10), actor_id=nurse.id)
    score = visits.add_score(store, visit_id, "rass", 0, None, taken_at=at(10), at=at(11), actor_id=nurse.id)
    corrections.add_correction(
        store, visit_id, Corrected.SCORE, score, None, "Wrong chair", at=at(11), actor_id=nurse.id
    )
    event = visits.add_adverse_event(
        store, visit_id, AdverseEventKind.NAUSEA, "Mild", onset_at=at(11), at=at(11), actor_id=nurse.id
    )
    visits.add_intervention(
        store,
        visit_id,
        drug="Ondansetron",
        dose="4 mg",
        route=Route.IV,
        given_at=at(12),
        note="",
        adverse_event_id=event,
        at=at(12),
        actor_id=nurse.id,
    )
    request = orders.add_request(
        store, visit_id, "baseline_bp", None, "BP high", "", nurse.id, at=at(12), actor_id=nurse.id
    )
    asked = orders.request_by_id(store, request)
    assert asked is not None
    orders.add_answer(store, asked, Decision.DECLINED, "Rest first", None, at=at(12), actor_id=nurse.id)
    order = orders.add_verbal_order(
        store, visit_id, "dose_override", None, OrderMode.VERBAL, "Proceed", "", nurse.id, at=at(12), actor_id=nurse.id
    )
    taken = orders.order_by_id(store, order)
    assert taken is not None
    orders.add_order_review(store, taken, Review.DISPUTED, "Not what I said", at=at(12), actor_id=nurse.id)
    addendum = signatures.add_addendum(
        store, visit_id, "Late entry: escort was her sister", "omitted", at=at(13), actor_id=nurse.id
    )
    key_id = keys.add_key(
        store, nurse.id, new_key("pw", nurse.id, KdfCost(1, 8, 1)), keys.CREATED, at=at(13), actor_id=nurse.id
    )
    record_signatures.add(
        store, SignedRecord.ORDER_REVIEW, 1, visit_id, signer_id=nurse.id, at=at(13), key_id=key_id, digital=b"s" * 64
    )
    _watch_rows(store, nurse, course_id, patient_id, key_id, at)
    signatures.add_signature(
        store,
        visit_id,
        addendum,
        Signature("Maria Santos", "RN", ADDENDUM_MEANING, datetime(2025, 3, 3, tzinfo=UTC), "a" * 64),
        signer_id=nurse.id,
        at=at(13),
    )
    verified, _ = checkpoints.mark(store)
    assert verified is not None
    checkpoints.record(
        store, verified, at=at(14), actor_id=nurse.id, ran="a test", scope="full", secret=b"k" * 32, installation="t"
    )
    return visit_id


def _watch_rows(
    store: Store, nurse: User, course_id: int, patient_id: int, key_id: int, at: Callable[[float], str]
) -> None:
    """A request and its decision, an AUDIT-C and a flag's acknowledgement (0017)."""
    asked = watch.add_request(store, course_id, RequestKind.HIGHER_DOSE, "More", at(13), at=at(13), actor_id=nurse.id)
    request = watch.request_by_id(store, asked)
    assert request is not None
    watch.add_decision(store, request, RequestDecision.REFUSED, "Not indicated", at=at(13), actor_id=nurse.id)
    watch.add_screening(store, patient_id, ScreeningKind.AUDIT_C, 2, None, "", at(13), at=at(13), actor_id=nurse.id)
    fields: dict[str, object] = {
        "course_id": course_id,
        "rule": "dose-creep",
        "rule_version": 1,
        "fingerprint": "a" * 64,
        "inputs": "",
        "note": "Seen",
        "at": at(13),
        "by": nurse.id,
    }
    with store.transaction():
        watch.add_acknowledgement(store, watch.next_acknowledgement_id(store), fields, key_id=key_id, digital=b"s" * 64)


def _snapshot(store: Store, table: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.execute(f"SELECT * FROM {table} ORDER BY id")]


def _raw(store: Store, sql: str, params: tuple[object, ...] = ()) -> None:
    """Run ``sql`` on the database's own connection, past the store (psycopg's own, on PostgreSQL)."""
    if isinstance(store, PostgresStore):
        store.connection.raw.execute(placeholders(sql)[0], params)
    else:
        store.conn.execute(sql, params)


def test_every_append_only_table_is_covered() -> None:
    """The forgery table above names every append-only table of the schema (so none is left untested)."""
    assert set(TARGET_COLUMN) == set(APPEND_ONLY)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_update_is_refused(store: Store, full_visit: int, table: str) -> None:
    """A raw UPDATE on an append-only table fails with the 'never changed' message and changes nothing."""
    before = _snapshot(store, table)
    assert before, f"the fixture left {table} empty"
    column, value = TARGET_COLUMN[table]
    with pytest.raises(REFUSED, match="never changed"):
        _raw(store, f"UPDATE {table} SET {column} = {value}")
    assert _snapshot(store, table) == before


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_delete_is_refused(store: Store, full_visit: int, table: str) -> None:
    """A raw DELETE on an append-only table fails with the 'never changed' message and removes nothing."""
    before = _snapshot(store, table)
    with pytest.raises(REFUSED, match="never changed"):
        _raw(store, f"DELETE FROM {table} WHERE id = (SELECT max(id) FROM {table})")
    with pytest.raises(REFUSED, match="never changed"):
        _raw(store, f"DELETE FROM {table}")  # no truncate shortcut around the trigger
    assert _snapshot(store, table) == before


@pytest.mark.parametrize("table", NEVER_DELETED)
def test_identity_rows_are_never_deleted(store: Store, full_visit: int, table: str) -> None:
    """Users, patients, courses and visits cannot be deleted, not even all at once."""
    before = _snapshot(store, table)
    assert before
    with pytest.raises(REFUSED, match="never deleted"):
        _raw(store, f"DELETE FROM {table}")
    assert _snapshot(store, table) == before


def test_refusal_through_the_store_is_a_store_error(store: Store, full_visit: int) -> None:
    """The same refusal through Store.execute arrives as a StoreError a screen can show."""
    with pytest.raises(StoreError, match="never changed"):
        store.execute("UPDATE vitals SET hr = 60")


def test_refused_update_inside_a_transaction_rolls_back_the_whole_write(
    store: Store,
    full_visit: int,
    nurse: User,
    count: Callable[[Store, str], int],
) -> None:
    """A write that tries to overwrite a reading as part of a bigger change loses the whole change."""
    notes_before, audit_before = count(store, "notes"), count(store, "audit")
    with pytest.raises(StoreError), store.transaction():
        visits.add_note(
            store, full_visit, "observation", "about to overwrite", at="2025-03-03T15:00:00.000Z", actor_id=nurse.id
        )
        store.execute("UPDATE vitals SET sbp = 118")
    assert (count(store, "notes"), count(store, "audit")) == (notes_before, audit_before)


def test_scheduling_columns_of_a_visit_may_change(store: Store, full_visit: int) -> None:
    """Visits are not append-only: their date and chair may be moved (the store audits the move)."""
    _raw(store, "UPDATE visits SET chair = 4 WHERE id = ?", (full_visit,))
    assert store.one("SELECT chair FROM visits WHERE id = ?", (full_visit,))[0] == 4  # type: ignore[index]


def test_signed_visit_refuses_new_vitals_in_the_database(
    store: Store,
    full_visit: int,
    nurse: User,
    reading: Callable[..., VitalSigns],
    count: Callable[[Store, str], int],
) -> None:
    """A signed visit accepts no new vitals even from code that skips the clinic's checks (CLINICAL.md)."""
    for phase in (Phase.INFUSING, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE, Phase.DISCHARGED, Phase.SIGNED):
        visits.add_event(store, full_visit, phase, at="2025-03-03T15:00:00.000Z", actor_id=nurse.id)
    before = count(store, "vitals")
    with contextlib.suppress(StoreError):
        visits.add_vitals(
            store,
            full_visit,
            reading(90),
            source=Source.MANUAL,
            alerts=[],
            is_baseline=False,
            at="2025-03-03T16:00:00.000Z",
            actor_id=nurse.id,
        )
    assert count(store, "vitals") == before, "the database took a new reading on a signed visit"


def test_signed_visit_refuses_raw_sql_on_every_visit_table(store: Store, full_visit: int, nurse: User) -> None:
    """Raw INSERTs into a signed visit's rows and UPDATEs of the visit itself are rejected by triggers."""
    for phase in (Phase.INFUSING, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE, Phase.DISCHARGED, Phase.SIGNED):
        visits.add_event(store, full_visit, phase, at="2025-03-03T15:00:00.000Z", actor_id=nurse.id)
    attempts = [
        (
            "INSERT INTO notes (visit_id, kind, text, at, by) VALUES (?, 'nursing', 'late', 'x', ?)",
            (full_visit, nurse.id),
        ),
        (
            "INSERT INTO visit_events (visit_id, phase, at, by) VALUES (?, 'observation', 'x', ?)",
            (full_visit, nurse.id),
        ),
        ("INSERT INTO weights (visit_id, weight_kg, at, by) VALUES (?, 70, 'x', ?)", (full_visit, nurse.id)),
        (
            "INSERT INTO doses_given (visit_id, dose_id, given_mg, calculated_mg, minutes_run, basis, at, by)"
            " SELECT visit_id, id, 1, 1, 1, 'corrected', 'x', ? FROM doses WHERE visit_id = ?",
            (nurse.id, full_visit),
        ),
        ("UPDATE visits SET chair = 3 WHERE id = ?", (full_visit,)),
        (
            "INSERT INTO verbal_orders (visit_id, subject, mode, order_text, physician_id, read_back, at, by)"
            " VALUES (?, 'discharge_override', 'verbal', 'late', ?, 1, 'x', ?)",
            (full_visit, nurse.id, nurse.id),
        ),
        (
            "INSERT INTO approval_requests (visit_id, subject, reason, physician_id, at, by)"
            " VALUES (?, 'discharge_override', 'late', ?, 'x', ?)",
            (full_visit, nurse.id, nurse.id),
        ),
        (
            "INSERT INTO verbal_order_reviews (order_id, visit_id, review, at, by)"
            " VALUES ((SELECT max(id) FROM verbal_orders), ?, 'countersigned', 'x', ?)",
            (full_visit, nurse.id),
        ),
        (
            "INSERT INTO approval_answers (request_id, visit_id, decision, reason, at, by)"
            " VALUES ((SELECT max(id) FROM approval_requests), ?, 'approved', '', 'x', ?)",
            (full_visit, nurse.id),
        ),
    ]
    for sql, params in attempts:
        with pytest.raises((sqlite3.DatabaseError, psycopg.errors.IntegrityError), match="signed and locked"):
            _raw(store, sql, params)


def test_a_verbal_order_without_its_read_back_and_a_second_answer_are_refused(
    store: Store, full_visit: int, nurse: User
) -> None:
    """The table insists on the read-back, and a request or an order has one answer only."""
    with pytest.raises(REFUSED, match=r"(?i)check"):
        _raw(
            store,
            "INSERT INTO verbal_orders (visit_id, subject, mode, order_text, physician_id, read_back, at, by)"
            " VALUES (?, 'dose_override', 'verbal', 'x', ?, 0, 'x', ?)",
            (full_visit, nurse.id, nurse.id),
        )
    with pytest.raises(REFUSED, match=r"(?i)unique"):
        _raw(
            store,
            "INSERT INTO approval_answers (request_id, visit_id, decision, reason, at, by)"
            " VALUES ((SELECT max(id) FROM approval_requests), ?, 'approved', '', 'x', ?)",
            (full_visit, nurse.id),
        )
