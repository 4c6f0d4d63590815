"""Checkpoints in the store: sealed by the chain's key over every column, recorded with their audit entry, and
every pairing of the reconciliation cut to what came after one."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.users import User
from ketadesk.store import checkpoints, reconcile_since
from ketadesk.store.checkpoints import Checkpoint
from ketadesk.store.db import Store
from ketadesk.store.reconcile import ALL_PAIRINGS
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES

KEY = b"k" * 32
INSTALLATION = "0b7e1a52-2f7c-4c38-9d59-1a7f3b3c9e10"
SEALED = Checkpoint(3, "2026-12-04T14:00:00Z", 1, "KetaDesk 1 on ws", "full", 420, "a" * 64, '{"vitals":[9,9]}', "")
SEALED = dataclasses.replace(SEALED, mac=checkpoints.seal(KEY, INSTALLATION, SEALED))
_FIELDS = [f.name for f in dataclasses.fields(Checkpoint) if f.name != "mac"]


@given(field=st.sampled_from(_FIELDS), text=st.text(max_size=12), number=st.integers(min_value=-5, max_value=10**9))
def test_any_field_changed_breaks_the_seal(field: str, text: str, number: int) -> None:
    """Whichever column is changed, to whatever value, the checkpoint no longer matches its MAC."""
    value = number if isinstance(getattr(SEALED, field), int) else text
    changed = dataclasses.replace(SEALED, **{field: value})
    assert checkpoints.sealed(KEY, INSTALLATION, changed) is (changed == SEALED)


@given(other=st.binary(min_size=32, max_size=32), installation=st.uuids())
def test_another_key_or_installation_does_not_verify(other: bytes, installation: object) -> None:
    """A checkpoint copied from another installation, or sealed with another key, is not trusted."""
    assert checkpoints.sealed(KEY, INSTALLATION, SEALED)
    assert checkpoints.sealed(other, INSTALLATION, SEALED) is (other == KEY)
    assert not checkpoints.sealed(KEY, str(installation), SEALED)


def test_a_checkpoint_is_written_with_its_audit_entry_and_read_back_newest_first(store: Store, nurse: User) -> None:
    """Recording writes the row and one audit entry naming it; the newest comes first and its seal holds."""
    first, _ = checkpoints.mark(store)
    assert first is not None
    one = checkpoints.record(
        store, first, at="2026-12-04T14:00:00Z", actor_id=nurse.id, ran="t", scope="full", secret=KEY, installation="i"
    )
    second, _ = checkpoints.mark(store)
    assert second is not None and second.audit_id == first.audit_id + 1
    assert second.tables["checkpoints"] == (one.id, 1)
    two = checkpoints.record(
        store, second, at="2026-12-04T15:00:00Z", actor_id=nurse.id, ran="t", scope="full", secret=KEY, installation="i"
    )
    assert [c.id for c in checkpoints.newest_first(store, batch=1)] == [two.id, one.id]
    assert all(checkpoints.sealed(KEY, "i", c) for c in checkpoints.newest_first(store))
    entry = store.one("SELECT entity, entity_id, action FROM audit ORDER BY id DESC LIMIT 1")
    assert entry is not None and tuple(entry) == ("checkpoint", two.id, "checkpoint")


def test_the_mark_counts_rows_above_a_checkpoints_highest_ids(store: Store, nurse: User) -> None:
    """With a checkpoint's tables, the mark also says how many rows each table gained above its highest id then."""
    then, _ = checkpoints.mark(store)
    assert then is not None
    checkpoints.record(
        store, then, at="2026-12-04T14:00:00Z", actor_id=nurse.id, ran="t", scope="f", secret=KEY, installation="i"
    )
    now, above = checkpoints.mark(store, since=then.tables)
    assert now is not None
    assert above["checkpoints"] == 1 and now.tables["checkpoints"][1] == then.tables["checkpoints"][1] + 1
    assert all(above[t] == 0 for t in checkpoints.TRACKED if t != "checkpoints")


def test_every_reconciled_table_is_tracked_and_every_pairing_cuts() -> None:
    """Each pairing's table has its highest id recorded, and each pairing can be cut to what came after it."""
    for pairing in ALL_PAIRINGS:
        assert pairing.table.split(" ")[0] in checkpoints.TRACKED, pairing.table
        cut = reconcile_since.since_pairing(pairing, 5, 9)
        assert "id > 5 AND id <= 9" in cut.rows, pairing.table
        assert "FROM audit " not in cut.entries and "temp.audit_since" in cut.entries, pairing.table
        assert cut.suspects == ""


def test_a_pairing_that_does_not_read_its_table_is_refused() -> None:
    """A pairing whose rows come from elsewhere cannot be cut, and says so (no silent whole-table read)."""
    odd = dataclasses.replace(ALL_PAIRINGS[0], rows="SELECT 1")
    with pytest.raises(ValueError, match="does not read from its table"):
        reconcile_since.since_pairing(odd, 0, 1)
