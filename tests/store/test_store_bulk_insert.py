"""The store's bulk-insert seam: ids and the audit chain continue from what is there, durability comes back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.users import User
from ketadesk.store import audit, payloads
from ketadesk.store.bulk_insert import BulkWriter, relaxed_durability
from ketadesk.store.db import Store


def test_ids_and_the_chain_continue_from_rows_written_the_normal_way(
    store: Store, system: User, at: Callable[[float], str]
) -> None:
    """A writer started on a store with users and audit rows takes the next ids and links to the chain's head."""
    writer = BulkWriter(store)
    before = audit.count(store)
    user_id = writer.add("users", ("rn.bulk", "Bulk Nurse", "RN", "nurse", None, 1, at(1), 0, None))
    audit_id = writer.audit(
        at(1),
        system.id,
        "create",
        "user",
        user_id,
        None,
        payloads.user_created("rn.bulk", "Bulk Nurse", "RN", "nurse", None),
    )
    assert user_id == system.id + 1
    assert audit_id == before + 1
    writer.flush()
    assert writer.counts["users"] == 1 and writer.counts["audit"] == 1 and writer.buffered == 0
    assert audit.verify_chain(store) is None


def test_rows_added_last_go_in_after_the_rest_of_their_chunk(
    store: Store, system: User, at: Callable[[float], str]
) -> None:
    """A row added last keeps the id taken when it was added, though it is inserted after later ones."""
    writer = BulkWriter(store)
    first = writer.add_last("users", ("late", "Late", "", "nurse", None, 1, at(1), 0, None))
    second = writer.add("users", ("early", "Early", "", "nurse", None, 1, at(1), 0, None))
    writer.flush()
    assert (first, second) == (system.id + 1, system.id + 2)
    logins = [r["login"] for r in store.all("SELECT login FROM users WHERE id > ? ORDER BY rowid", (system.id,))]
    assert logins == ["late", "early"]
    assert writer.counts["users"] == 2


def test_relaxed_durability_is_restored_even_when_the_load_fails(store: Store) -> None:
    """synchronous goes back to FULL and the page cache to its size after a load that raised."""
    cache = store.one("PRAGMA cache_size")[0]  # type: ignore[index]
    with pytest.raises(RuntimeError), relaxed_durability(store):
        assert store.one("PRAGMA synchronous")[0] == 0  # type: ignore[index]
        raise RuntimeError("the load stopped")
    assert store.one("PRAGMA synchronous")[0] == 2  # type: ignore[index]
    assert store.one("PRAGMA cache_size")[0] == cache  # type: ignore[index]


_int = st.integers(min_value=0, max_value=400)


@given(
    visit_id=st.integers(min_value=1, max_value=10**9),
    sbp=_int,
    dbp=_int,
    hr=_int,
    spo2=_int,
    rr=_int,
    temp_c=st.none() | st.floats(min_value=30, max_value=45) | st.integers(min_value=30, max_value=45),
    alerts=st.lists(st.sampled_from(["sbp_high", "dbp_high", "hr_low", "spo2_low", "rr_low"]), max_size=3),
    baseline=st.booleans(),
    corrects=st.none() | st.integers(min_value=1, max_value=10**9),
    entered_in_error=st.booleans(),
    extremes=st.lists(st.sampled_from(["sbp_high", "dbp_low", "pulse_pressure_wide", "spo2_low"]), max_size=2),
)
def test_hand_built_vitals_payload_is_the_canonical_json(
    visit_id: int,
    sbp: int,
    dbp: int,
    hr: int,
    spo2: int,
    rr: int,
    temp_c: float | None,
    alerts: list[str],
    baseline: bool,
    corrects: int | None,
    entered_in_error: bool,
    extremes: list[str],
) -> None:
    """The fast vitals payload is byte for byte audit.canonical of the same reading, whatever its values.

    Confirmed extremes are a key only when there are some: earlier readings keep their bytes.
    """
    taken = "2026-11-27T13:57:56.000Z"
    text = ",".join(alerts)
    confirmed = ",".join(extremes)
    expected = audit.canonical(
        {
            **({"confirmed_extremes": confirmed} if confirmed else {}),
            "visit_id": visit_id,
            "taken_at": taken,
            "sbp": sbp,
            "dbp": dbp,
            "hr": hr,
            "spo2": spo2,
            "rr": rr,
            "temp_c": temp_c,
            "alerts": text,
            "baseline": baseline,
            "corrects": corrects,
            "entered_in_error": entered_in_error,
        }
    )
    assert (
        payloads.vitals(
            visit_id, taken, sbp, dbp, hr, spo2, rr, temp_c, text, baseline, corrects, entered_in_error, confirmed
        )
        == expected
    )
