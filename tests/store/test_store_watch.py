"""The course watch as stored: each write with its audit entry, read back as core's values, refused when wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketadesk.core.dosing import DosePlan
from ketadesk.core.errors import ValidationError
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.signing_keys import KdfCost, new_key
from ketadesk.core.users import User
from ketadesk.core.watch.records import (
    RequestDecision,
    RequestKind,
    ScreeningKind,
    ScreeningResult,
    check_screening,
)
from ketadesk.store import courses, keys, reconcile, visits
from ketadesk.store import watch as store_watch
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from tests.behind import REFUSED, past_the_store
from tests.engines import BOTH_ENGINES
from tests.store.conftest import AuditRow

pytestmark = BOTH_ENGINES  # on a file and on a server's database

START = date(2025, 3, 3)


@pytest.fixture
def course_id(store: Store, nurse: User, patient_id: int, protocol: Protocol, at: Callable[[float], str]) -> int:
    """An induction-8 course for the patient."""
    return courses.create(store, patient_id, protocol.template("induction-8"), START, at=at(1), actor_id=nurse.id)


def _visit(store: Store, nurse: User, patient_id: int, course_id: int, sequence: int, at: str) -> int:
    return visits.schedule(
        store,
        patient_id=patient_id,
        course_id=course_id,
        sequence=sequence,
        day=START + timedelta(days=7 * (sequence - 1)),
        chair=1,
        at=at,
        actor_id=nurse.id,
    )


def test_a_request_and_its_decision_are_audited_and_read_back(
    store: Store, nurse: User, course_id: int, at: Callable[[float], str], last_audit: Callable[[Store], AuditRow]
) -> None:
    """The request names its kind, detail and time asked; the decision its physician and reason."""
    request_id = store_watch.add_request(
        store, course_id, RequestKind.HIGHER_DOSE, "Wants 1 mg/kg", at(5), at=at(10), actor_id=nurse.id
    )
    entry = last_audit(store)
    assert (entry.action, entry.entity, entry.entity_id) == ("patient_request", "course", course_id)
    assert entry.after == {
        "request": request_id,
        "kind": "higher_dose",
        "detail": "Wants 1 mg/kg",
        "requested_at": at(5),
    }
    request = store_watch.request_by_id(store, request_id)
    assert request is not None and request.decision is None and request.entered_by == "nurse.ada"
    store_watch.add_decision(store, request, RequestDecision.REFUSED, "Not indicated", at=at(20), actor_id=nurse.id)
    decided = store_watch.requests_for_course(store, course_id)[0]
    assert decided.refused and decided.decision is not None and decided.decision.reason == "Not indicated"
    assert last_audit(store).after == {"request": request_id, "decision": "refused", "reason": "Not indicated"}
    with pytest.raises(StoreError, match=r"(?i)unique"):
        store_watch.add_decision(
            store, request, RequestDecision.GRANTED, "Changed my mind", at=at(21), actor_id=nurse.id
        )
    assert reconcile.records_problems(store) == []


def test_course_infusions_are_the_visits_with_a_dose_not_cancelled(
    store: Store,
    nurse: User,
    patient_id: int,
    course_id: int,
    at: Callable[[float], str],
    dose_plan: Callable[..., DosePlan],
) -> None:
    """Given, prepared and stopped-early visits count, each with its latest dose; a cancelled one does not."""
    given, prepared, stopped, cancelled, booked = (
        _visit(store, nurse, patient_id, course_id, n, at(n)) for n in range(1, 6)
    )
    for visit_id, dose in ((given, 0.5), (prepared, 0.6), (stopped, 0.7), (cancelled, 0.8)):
        visits.add_event(store, visit_id, Phase.PRE_ASSESSMENT, at=at(30 + visit_id), actor_id=nurse.id)
        visits.add_dose(store, visit_id, dose_plan(0.4), at=at(40 + visit_id), actor_id=nurse.id)
        visits.add_dose(store, visit_id, dose_plan(dose), at=at(41 + visit_id), actor_id=nurse.id)
    for visit_id, phases in (
        (given, (Phase.INFUSING, Phase.OBSERVATION)),
        (stopped, (Phase.INFUSING, Phase.STOPPED_EARLY)),
        (cancelled, (Phase.CANCELLED,)),
    ):
        for n, phase in enumerate(phases):
            visits.add_event(store, visit_id, phase, at=at(60 + n), actor_id=nurse.id, reason="x")
    found = {i.visit_id: i for i in store_watch.course_infusions(store, course_id)}
    assert set(found) == {given, prepared, stopped}  # the booked visit has no dose yet
    assert [found[v].mg_per_kg for v in (given, prepared, stopped)] == [0.5, 0.6, 0.7]
    assert (found[given].started, found[given].stopped_early, found[given].completed) == (True, False, True)
    assert (found[prepared].started, found[stopped].stopped_early) == (False, True)
    assert found[stopped].day == START + timedelta(days=14) and found[stopped].sequence == 3
    assert booked not in found


def test_a_screening_is_audited_with_its_score_or_result(
    store: Store, nurse: User, patient_id: int, at: Callable[[float], str], last_audit: Callable[[Store], AuditRow]
) -> None:
    """AUDIT-C with a score, a urine screen with a result: both read back for the patient, audited on the patient."""
    store_watch.add_screening(store, patient_id, ScreeningKind.AUDIT_C, 5, None, "", at(3), at=at(4), actor_id=nurse.id)
    store_watch.add_screening(
        store,
        patient_id,
        ScreeningKind.URINE_DRUG_SCREEN,
        None,
        ScreeningResult.POSITIVE_PRESCRIBED,
        "Benzodiazepine (prescribed)",
        at(5),
        at=at(6),
        actor_id=nurse.id,
    )
    entry = last_audit(store)
    assert (entry.action, entry.entity, entry.entity_id) == ("screening", "patient", patient_id)
    assert entry.after["result"] == "positive_prescribed" and entry.after["score"] is None
    shown = [s.shown for s in store_watch.screenings_for_patient(store, patient_id)]
    assert shown == ["AUDIT-C 5", "Urine drug screen: Positive, explained by a prescribed medicine"]
    assert reconcile.records_problems(store) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(list(ScreeningKind)),
    score=st.one_of(st.none(), st.integers(-3, 14)),
    result=st.one_of(st.none(), st.sampled_from(list(ScreeningResult))),
)
def test_the_database_keeps_only_screenings_core_allows(
    store: Store,
    nurse: User,
    patient_id: int,
    at: Callable[[float], str],
    count: Callable[[Store, str], int],
    kind: ScreeningKind,
    score: int | None,
    result: ScreeningResult | None,
) -> None:
    """Whatever core refuses the table refuses too, and a refusal leaves no row and no audit entry."""
    try:
        check_screening(kind, score, result)
        allowed = True
    except ValidationError:
        allowed = False
    rows, entries = count(store, "screenings"), count(store, "audit")
    if allowed:
        store_watch.add_screening(store, patient_id, kind, score, result, "", at(3), at=at(4), actor_id=nurse.id)
        assert (count(store, "screenings"), count(store, "audit")) == (rows + 1, entries + 1)
    else:
        with pytest.raises(StoreError, match=r"(?i)check"):
            store_watch.add_screening(store, patient_id, kind, score, result, "", at(3), at=at(4), actor_id=nurse.id)
        assert (count(store, "screenings"), count(store, "audit")) == (rows, entries)


def test_an_acknowledgement_keeps_its_signature_and_refuses_a_second_for_the_same_flag(
    store: Store, nurse: User, course_id: int, at: Callable[[float], str], last_audit: Callable[[Store], AuditRow]
) -> None:
    """The row carries its id, columns, key and signature; the audit entry the same; the same print twice is refused."""

    key_id = keys.add_key(
        store, nurse.id, new_key("pw", nurse.id, KdfCost(1, 8, 1)), keys.CREATED, at=at(2), actor_id=nurse.id
    )
    fields: dict[str, object] = {
        "course_id": course_id,
        "rule": "dose-creep",
        "rule_version": 1,
        "fingerprint": "f" * 64,
        "inputs": "today's dose: 0.75 mg/kg",
        "note": "Reviewed with the patient",
        "at": at(9),
        "by": nurse.id,
    }
    with store.transaction():
        new_id = store_watch.next_acknowledgement_id(store)
        store_watch.add_acknowledgement(store, new_id, fields, key_id=key_id, digital=b"s" * 64)
    assert new_id == 1
    assert last_audit(store).after["digital_signature"] == (b"s" * 64).hex()
    stored = next(store_watch.stored_acknowledgements(store))
    assert stored.fields == fields and stored.signer == "nurse.ada" and stored.digital == b"s" * 64
    acknowledged = store_watch.acknowledgements_for_course(store, course_id)[0]
    assert (acknowledged.rule, acknowledged.fingerprint, acknowledged.by) == ("dose-creep", "f" * 64, "nurse.ada")
    with pytest.raises(StoreError, match=r"(?i)unique"), store.transaction():
        store_watch.add_acknowledgement(store, 2, fields, key_id=key_id, digital=b"s" * 64)
    for column, value in (("fingerprint", "short"), ("note", "  ")):
        with pytest.raises(StoreError, match=r"(?i)check"), store.transaction():
            store_watch.add_acknowledgement(store, 3, {**fields, column: value}, key_id=key_id, digital=b"s" * 64)
    assert reconcile.records_problems(store) == []


def test_raw_edits_of_the_watch_rows_are_named_by_the_check(
    store: Store, nurse: User, course_id: int, patient_id: int, at: Callable[[float], str]
) -> None:
    """A decision flipped, a screening's score changed and a request added by raw SQL: each found against the audit."""
    request_id = store_watch.add_request(
        store, course_id, RequestKind.EXTRA_INFUSION, "", at(5), at=at(5), actor_id=nurse.id
    )
    request = store_watch.request_by_id(store, request_id)
    assert request is not None
    store_watch.add_decision(store, request, RequestDecision.REFUSED, "Too soon", at=at(6), actor_id=nurse.id)
    store_watch.add_screening(store, patient_id, ScreeningKind.DAST_10, 4, None, "", at(3), at=at(4), actor_id=nurse.id)
    conn = past_the_store(store)
    for table in ("request_decisions", "screenings"):
        conn.execute(f"DROP TRIGGER {table}_no_update")
    conn.execute("UPDATE request_decisions SET decision = 'granted'")
    conn.execute("UPDATE screenings SET score = 1")
    conn.execute(
        "INSERT INTO patient_requests (course_id, kind, detail, requested_at, at, by)"
        " VALUES (?, 'higher_dose', '', ?, ?, ?)",
        (course_id, at(7), at(7), nurse.id),
    )
    problems = "\n".join(reconcile.records_problems(store))
    assert "request_decisions: request" in problems and "screenings: row" in problems
    assert "patient_requests: row 2" in problems
    with pytest.raises(REFUSED, match="never changed"):
        conn.execute("DELETE FROM patient_requests")
