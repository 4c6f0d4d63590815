"""A write commits whole or not at all: nothing half-written, no audit row for a change that did not happen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ketadesk.core.patient import Patient
from ketadesk.core.users import Role, User
from ketadesk.core.vitals import Source, VitalSigns
from ketadesk.store import patients, users, visits
from ketadesk.store.audit import verify_chain
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES

Count = Callable[[Store, str], int]


class HalfwayError(Exception):
    """Stands for anything that goes wrong halfway through a write."""


def _counts(store: Store, count: Count, *tables: str) -> tuple[int, ...]:
    return tuple(count(store, t) for t in tables)


def test_exception_inside_a_transaction_leaves_nothing(
    store: Store,
    nurse: User,
    visit_id: int,
    *,
    reading: Callable[..., VitalSigns],
    count: Count,
    at: Callable[[float], str],
) -> None:
    """Vitals saved inside a transaction that then fails leave no vitals row and no audit row."""
    before = _counts(store, count, "vitals", "audit")
    with pytest.raises(HalfwayError), store.transaction():
        visits.add_vitals(
            store, visit_id, reading(5), source=Source.MANUAL, alerts=[], is_baseline=True, at=at(5), actor_id=nurse.id
        )
        assert count(store, "vitals") == before[0] + 1  # visible inside the transaction...
        raise HalfwayError
    assert _counts(store, count, "vitals", "audit") == before  # ...and gone after it
    assert not store.in_transaction
    assert verify_chain(store) is None


def test_several_writes_in_one_transaction_commit_together(
    store: Store,
    nurse: User,
    visit_id: int,
    *,
    reading: Callable[..., VitalSigns],
    count: Count,
    at: Callable[[float], str],
    peek: Callable[[str], tuple[int, ...]],
) -> None:
    """Another connection sees none of a multi-part write until it commits, then all of it."""
    both = "SELECT (SELECT count(*) FROM vitals), (SELECT count(*) FROM notes)"
    before = peek(both)
    with store.transaction():
        visits.add_vitals(
            store, visit_id, reading(5), source=Source.MANUAL, alerts=[], is_baseline=True, at=at(5), actor_id=nurse.id
        )
        visits.add_note(store, visit_id, "observation", "Baseline taken seated", at=at(5), actor_id=nurse.id)
        assert peek(both) == before
    assert peek(both) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"sbp": 80, "dbp": 80}, id="diastolic-equal-to-systolic"),
        pytest.param({"sbp": 90, "dbp": 120}, id="diastolic-above-systolic"),
        pytest.param({"spo2": 101}, id="spo2-over-100"),
        pytest.param({"hr": 0}, id="heart-rate-zero"),
        pytest.param({"temp_c": 52.0}, id="temperature-implausible"),
    ],
)
def test_check_constraint_refuses_what_validation_missed(
    store: Store,
    nurse: User,
    visit_id: int,
    *,
    reading: Callable[..., VitalSigns],
    count: Count,
    at: Callable[[float], str],
    values: dict[str, float],
) -> None:
    """Implausible vitals passed straight to the store raise StoreError and leave no row and no audit row."""
    before = _counts(store, count, "vitals", "audit")
    with pytest.raises(StoreError, match="refused"):
        visits.add_vitals(
            store,
            visit_id,
            reading(5, **values),
            source=Source.MANUAL,
            alerts=[],
            is_baseline=False,
            at=at(5),
            actor_id=nurse.id,
        )
    assert _counts(store, count, "vitals", "audit") == before
    assert not store.in_transaction


def test_implausible_weight_is_refused(store: Store, nurse: User, visit_id: int, count: Count) -> None:
    """A weight outside 25–350 kg is refused by the database, with no audit row left behind."""
    before = _counts(store, count, "weights", "audit")
    with pytest.raises(StoreError):
        visits.add_weight(store, visit_id, 6.8, at="2025-03-03T14:05:00.000Z", actor_id=nurse.id)
    assert _counts(store, count, "weights", "audit") == before


def test_reading_for_a_missing_visit_is_refused(
    store: Store,
    nurse: User,
    visit_id: int,
    *,
    reading: Callable[..., VitalSigns],
    count: Count,
    at: Callable[[float], str],
) -> None:
    """Foreign keys are enforced: vitals for a visit that does not exist are refused, unaudited."""
    before = _counts(store, count, "vitals", "audit")
    with pytest.raises(StoreError, match=r"(?i)foreign key"):
        visits.add_vitals(
            store,
            visit_id + 100,
            reading(5),
            source=Source.MANUAL,
            alerts=[],
            is_baseline=False,
            at=at(5),
            actor_id=nurse.id,
        )
    assert _counts(store, count, "vitals", "audit") == before


def test_write_by_an_unknown_user_is_refused(store: Store, visit_id: int, count: Count) -> None:
    """A note signed by a user id that does not exist is refused: nothing points nowhere."""
    before = _counts(store, count, "notes", "audit")
    with pytest.raises(StoreError):
        visits.add_note(store, visit_id, "observation", "who wrote this?", at="2025-03-03T14:05:00.000Z", actor_id=999)
    assert _counts(store, count, "notes", "audit") == before


def test_failed_inner_step_rolls_back_only_itself(
    store: Store,
    nurse: User,
    visit_id: int,
    count: Count,
    at: Callable[[float], str],
) -> None:
    """A nested transaction that fails is undone to its savepoint while the outer write still commits."""
    before = _counts(store, count, "notes", "audit")
    with store.transaction():
        visits.add_note(store, visit_id, "observation", "kept", at=at(5), actor_id=nurse.id)
        try:
            with store.transaction():
                visits.add_note(store, visit_id, "observation", "undone", at=at(6), actor_id=nurse.id)
                raise HalfwayError
        except HalfwayError:
            pass
    assert _counts(store, count, "notes", "audit") == (before[0] + 1, before[1] + 1)
    assert [r[0] for r in store.all("SELECT text FROM notes")] == ["kept"]
    assert verify_chain(store) is None


def test_duplicate_login_is_refused(store: Store, nurse: User, count: Count) -> None:
    """A second user with a taken login is refused and nothing is written."""
    before = _counts(store, count, "users", "audit")
    with pytest.raises(StoreError, match="taken"):
        users.create(
            store,
            login=nurse.login,
            display_name="Someone Else",
            credentials="",
            at="t",
            roles=frozenset({Role.NURSE}),
            actor_id=nurse.id,
        )
    assert _counts(store, count, "users", "audit") == before


def test_duplicate_mrn_leaves_no_partial_patient(
    store: Store,
    nurse: User,
    patient_id: int,
    make_patient: Callable[..., Patient],
    count: Count,
) -> None:
    """Registering a taken MRN writes neither a patient, a revision nor an audit row."""
    before = _counts(store, count, "patients", "patient_revisions", "audit")
    with pytest.raises(StoreError, match="KD-0001"):
        patients.register(store, make_patient(family_name="Someone"), at="2025-03-03T14:05:00.000Z", actor_id=nurse.id)
    assert _counts(store, count, "patients", "patient_revisions", "audit") == before


def test_store_is_usable_after_a_refused_write(
    store: Store,
    nurse: User,
    visit_id: int,
    *,
    reading: Callable[..., VitalSigns],
    count: Count,
    at: Callable[[float], str],
) -> None:
    """After a refused write the next good write saves normally and the chain still verifies."""
    with pytest.raises(StoreError):
        visits.add_vitals(
            store,
            visit_id,
            reading(5, dbp=130, sbp=110),
            source=Source.MANUAL,
            alerts=[],
            is_baseline=False,
            at=at(5),
            actor_id=nurse.id,
        )
    saved = visits.add_vitals(
        store, visit_id, reading(6), source=Source.MANUAL, alerts=[], is_baseline=False, at=at(6), actor_id=nurse.id
    )
    assert visits.vitals_by_id(store, saved).vitals == reading(6)
    assert verify_chain(store) is None


def test_timestamps_are_utc_iso_text(store: Store, nurse: User, visit_id: int) -> None:
    """A reading taken in local time is stored as fixed-width UTC ISO text and read back as the same moment."""
    local = datetime(2025, 3, 3, 9, 5, 30, 250000, tzinfo=timezone(timedelta(hours=-5)))
    vitals = VitalSigns(local, 120, 80, 70, 98, 14)
    saved = visits.add_vitals(
        store,
        visit_id,
        vitals,
        source=Source.MONITOR,
        alerts=[],
        is_baseline=False,
        at="2025-03-03T14:05:31.000Z",
        actor_id=nurse.id,
    )
    stored = store.one("SELECT taken_at FROM vitals WHERE id = ?", (saved,))
    assert stored is not None and stored[0] == "2025-03-03T14:05:30.250Z"
    assert visits.vitals_by_id(store, saved).vitals.taken_at == local.astimezone(UTC)
