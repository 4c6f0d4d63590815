"""After its own commit a store names the chain's head it wrote without reading it back (the witness file is
rewritten after every write), and it is the head a read gives; after a savepoint that undid an entry, or a write
with no entry, it does not guess: the head is read."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketadesk.store import audit as store_audit
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError


def _entry(store: Store, n: int) -> int:
    return store_audit.append(
        store, at=f"2026-12-04T10:{n % 60:02d}:00Z", actor_id=None, action="note", entity="visit", entity_id=n
    )


def _read_head(store: Store) -> tuple[int, str] | None:
    head = store_audit.head(store)
    return None if head is None else (head.entry, head.hash)


def _known(store: Store) -> tuple[int, str] | None:
    known = store.committed_head()
    return None if known is None else (known.id, known.hash)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=6))
def test_the_head_known_after_a_commit_is_the_head_read(store: Store, plan: list[tuple[int, bool]]) -> None:
    """Writes of 0–3 entries, some with a savepoint that fails after its entry: known or not, never wrong."""
    for count, undo_one in plan:
        with store.transaction():
            for n in range(count):
                _entry(store, n)
            if undo_one:
                with pytest.raises(StoreError), store.transaction():  # nested: a savepoint
                    _entry(store, 99)
                    raise StoreError("undone")
        known = _known(store)
        if known is not None:
            assert known == _read_head(store)
        if count and not undo_one:
            assert known == _read_head(store)  # the plain case is known without a read
        if count == 0:
            assert known is None


def test_within_a_write_the_tail_is_the_entry_just_appended(store: Store) -> None:
    """Two entries in one write: the second chains to the first as the table has it, and the chain holds."""
    with store.transaction():
        first = _entry(store, 1)
        row = store.one("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
        assert row is not None and store.chain_tail() == (first, row[1])
        second = _entry(store, 2)
        chained = store.one("SELECT prev_hash FROM audit WHERE id = ?", (second,))
        assert chained is not None and chained[0] == row[1]
    assert store_audit.verify_chain(store, key=store.chain.secret) is None
