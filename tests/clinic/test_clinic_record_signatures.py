"""A physician's approvals, answers and reviews carry their digital signature, and ``check`` verifies each (0015)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core import readiness
from ketadesk.core.record_signing import SignedRecord
from tests.engines import BOTH_ENGINES, sqlite_only
from tests.helpers import PASSWORDS, password_of, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database

WHY = "Baseline 152/96, calm, known treated hypertension"


@pytest.fixture
def high_baseline(nurse: Clinic, visit_id: int) -> int:
    """A visit whose baseline BP is above the protocol's limit, waiting for a physician."""
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)
    return visit_id


def _signatures(clinic: Clinic) -> list[tuple[str, int, str]]:
    """(kind, record id, signer's login) of every record signature, in order."""
    rows = clinic.session.store.all(
        "SELECT s.record, s.record_id, u.login FROM record_signatures s JOIN users u ON u.id = s.signer_id"
        " ORDER BY s.id"
    )
    return [(r[0], r[1], r[2]) for r in rows]


def _checked(clinic: Clinic) -> list[str]:
    """check's signature lines (raw edits are reported by the record reconciliation too, tested elsewhere)."""
    return [line for line in clinic.maintenance.check() if line.startswith("signature:")]


def _raw(db_path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(db_path, isolation_level=None)) as raw:
        for statement in statements:
            raw.execute(statement)


def _request(nurse: Clinic, visit_id: int) -> int:
    changes = nurse.orders.request_approval(visit_id, readiness.BASELINE_BP, WHY, "BP 152/96", physician_login="doctor")
    assert changes.created_id is not None
    return changes.created_id


def _order(nurse: Clinic, visit_id: int) -> int:
    changes = nurse.orders.record_verbal_order(
        visit_id, readiness.BASELINE_BP, "Proceed; recheck BP at 10 min", "BP 152/96",
        physician_login="doctor", mode="telephone", read_back=True,
    )  # fmt: skip
    assert changes.created_id is not None
    return changes.created_id


def test_an_approved_request_signs_the_approval_and_the_answer(
    clinic: Clinic, nurse: Clinic, physician: Clinic, high_baseline: int
) -> None:
    """Both rows the physician's answer writes carry their signature; check verifies them and finds nothing."""
    request_id = _request(nurse, high_baseline)
    physician.orders.approve_request(request_id, "Proceed", password=password_of(physician))
    ack = nurse.visits.get(high_baseline).detail.acknowledgements[-1]
    assert _signatures(clinic) == [("acknowledgement", ack.id, "doctor"), ("approval_answer", 1, "doctor")]
    assert clinic.maintenance.check() == []


@pytest.mark.parametrize("password", ["", "not the password"])
def test_a_wrong_password_signs_nothing_and_counts_towards_the_lockout(
    clinic: Clinic, nurse: Clinic, physician: Clinic, high_baseline: int, password: str
) -> None:
    """Every answer is refused without the physician's own password, and nothing clinical is written."""
    request_id = _request(nurse, high_baseline)
    order_id = _order(nurse, high_baseline)
    for answer in (
        lambda: physician.orders.approve_request(request_id, password=password),
        lambda: physician.orders.decline_request(request_id, "Rest first", password=password),
        lambda: physician.orders.countersign_order(order_id, password=password),
        lambda: physician.orders.dispute_order(order_id, "Not what I said", password=password),
        lambda: physician.bedside.acknowledge_override(high_baseline, readiness.BASELINE_BP, "Go", password=password),
    ):
        with pytest.raises(ValidationError, match="password"):
            answer()
    assert _signatures(clinic) == []
    assert nurse.visits.get(high_baseline).detail.acknowledgements == ()
    failed = clinic.session.store.all("SELECT count(*) FROM audit WHERE action = 'failed_reauthenticate_to_sign'")
    assert failed[0][0] == 5


def test_a_refused_approval_tries_no_password(nurse: Clinic, physician: Clinic, visit_id: int) -> None:
    """An approval the visit cannot take (no dose yet) is refused before the password: no failed try is counted."""
    nurse.infusion.start_pre_assessment(visit_id)
    with pytest.raises(ValidationError, match="prepare the dose"):
        physician.bedside.acknowledge_override(visit_id, readiness.DOSE_OVERRIDE, "Fine", password="wrong")
    rows = physician.session.store.all("SELECT count(*) FROM audit WHERE action LIKE '%reauthenticate_to_sign'")
    assert rows[0][0] == 0


def test_declines_countersignatures_disputes_and_bedside_approvals_are_each_signed_by_their_physician(
    clinic: Clinic, nurse: Clinic, physician: Clinic, high_baseline: int
) -> None:
    """At the bedside, in the nurse's session, the physician's password opens the physician's key, not the nurse's."""
    declined = _request(nurse, high_baseline)
    physician.orders.decline_request(declined, "Rest 15 min first", password=password_of(physician))
    countersigned = _order(nurse, high_baseline)
    physician.orders.countersign_order(countersigned, password=password_of(physician))
    disputed = _order(nurse, high_baseline)
    physician.orders.dispute_order(disputed, "I said recheck first", password=password_of(physician))
    nurse.approvals.approve_at_bedside(
        high_baseline,
        readiness.BASELINE_BP,
        "Seen at the chair",
        physician_login="doctor",
        password=PASSWORDS["doctor"],
    )
    ack = nurse.visits.get(high_baseline).detail.acknowledgements[-1]
    assert (ack.by, ack.entered_by) == ("doctor", "nurse")
    assert _signatures(clinic) == [
        ("approval_answer", 1, "doctor"),
        ("order_review", 1, "doctor"),
        ("order_review", 2, "doctor"),
        ("acknowledgement", ack.id, "doctor"),
    ]
    keys = clinic.session.store.all(
        "SELECT DISTINCT k.user_id FROM record_signatures s JOIN signing_keys k ON k.id = s.key_id"
    )
    assert [k[0] for k in keys] == [physician.session.user.id]
    assert clinic.maintenance.check() == []


def test_an_alert_acknowledged_by_a_nurse_is_charting_and_needs_no_signature(
    clinic: Clinic, nurse: Clinic, high_baseline: int
) -> None:
    """The nurse's acknowledgement of an alert reading is their own record; check asks no signature of it."""
    nurse.bedside.record_vitals(high_baseline, sbp=184, dbp=104, hr=80, spo2=98, rr=14)
    reading = nurse.visits.get(high_baseline).detail.vitals[-1]
    assert reading.alerts
    nurse.bedside.acknowledge_alert(high_baseline, reading.id, "Rechecked after rest; calm")
    assert _signatures(clinic) == []
    assert clinic.maintenance.check() == []


@sqlite_only("raw SQL on the file; the server's planted edits: tests/store/test_store_pg_planted_edits.py")
def test_edited_answers_and_reviews_are_named(
    clinic: Clinic, nurse: Clinic, physician: Clinic, high_baseline: int, db_path: Path
) -> None:
    """A declined request passed off as approved, a dispute's reason rewritten: each signature no longer verifies."""
    physician.orders.decline_request(_request(nurse, high_baseline), "Rest first", password=password_of(physician))
    physician.orders.dispute_order(_order(nurse, high_baseline), "Not mine", password=password_of(physician))
    _raw(
        db_path,
        "DROP TRIGGER approval_answers_no_update",
        "DROP TRIGGER verbal_order_reviews_no_update",
        "UPDATE approval_answers SET decision = 'approved'",
        "UPDATE verbal_order_reviews SET reason = 'Agreed'",
    )
    lines = _checked(clinic)
    assert len(lines) == 2, lines
    assert lines[0].startswith(
        f"signature: visit {high_baseline}: answer to request 1: the digital signature by doctor"
    )
    assert lines[1].startswith(f"signature: visit {high_baseline}: review of verbal order 1: the digital signature")
    assert all(line.endswith("(changed after it was signed, or forged)") for line in lines)


@sqlite_only("raw SQL on the file; the server's planted edits: tests/store/test_store_pg_planted_edits.py")
def test_a_review_forged_without_a_signature_is_named_and_a_moved_cut_off_leaves_its_audit_entry_unmatched(
    clinic: Clinic, nurse: Clinic, physician: Clinic, high_baseline: int, db_path: Path
) -> None:
    """A countersignature inserted by raw SQL has none; moving where signatures begin hides that, not the audit gap."""
    order_id = _order(nurse, high_baseline)
    doctor = physician.session.user.id
    _raw(
        db_path,
        "INSERT INTO verbal_order_reviews (order_id, visit_id, review, reason, at, by)"
        f" VALUES ({order_id}, {high_baseline}, 'countersigned', '', '2026-11-24T10:30:00.000000Z', {doctor})",
    )
    assert _checked(clinic) == [
        f"signature: visit {high_baseline}: review of verbal order 1 carries no digital signature by its physician"
    ]
    _raw(
        db_path,
        "DROP TRIGGER record_signatures_from_no_update",
        f"UPDATE record_signatures_from SET first_id = 1000 WHERE record = '{SignedRecord.ORDER_REVIEW.value}'",
    )
    assert _checked(clinic) == []
    assert any(line.startswith("verbal_order_reviews: ") for line in clinic.maintenance.check())
