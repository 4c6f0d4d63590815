"""The audit chain: each row linked to the one before, and a changed, deleted or resealed row named by verify_chain."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ketadesk.store import backup, pg_restore
from ketadesk.store.audit import GENESIS, ChainBreak, row_hash, verify_chain
from ketadesk.store.db import Store, open_store
from tests.engines import BOTH_ENGINES
from tests.store.audit_writes import (
    Ctx,
    add_checklist,
    add_dose,
    add_event,
    add_note,
    add_score,
    add_vitals,
    add_weight,
    move,
)

pytestmark = BOTH_ENGINES


def test_chain_links_each_row_to_the_one_before(ctx: Ctx) -> None:
    """The first audit row links to the genesis hash and every later one to its predecessor's hash."""
    add_note(ctx)
    rows = ctx.store.all("SELECT prev_hash, hash FROM audit ORDER BY id")
    assert rows[0]["prev_hash"] == GENESIS
    for earlier, later in itertools.pairwise(rows):
        assert later["prev_hash"] == earlier["hash"]


def test_empty_trail_verifies(store: Store) -> None:
    """A database with no audit rows yet has nothing to break."""
    assert verify_chain(store) is None


def _busy_day(c: Ctx) -> None:
    for write in (move, add_event, add_checklist, add_weight, add_dose, add_vitals, add_note, add_score):
        write(c)


def _drop_audit_guards(store: Store) -> None:
    """What someone holding the database's owner would do first (PostgreSQL names a trigger with its table)."""
    table = " ON audit" if store.engine == "postgresql" else ""
    store.execute(f"DROP TRIGGER audit_no_update{table}")
    store.execute(f"DROP TRIGGER audit_no_delete{table}")


def _middle_id(store: Store) -> int:
    first, last = store.one("SELECT min(id), max(id) FROM audit")  # type: ignore[misc]
    return int((first + last) // 2)


def test_good_chain_verifies(ctx: Ctx) -> None:
    """After a day of ordinary writes the chain verifies."""
    _busy_day(ctx)
    assert verify_chain(ctx.store) is None


def test_changed_row_is_named(ctx: Ctx) -> None:
    """Rewriting one row's recorded values (guards dropped) breaks the chain at exactly that row."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    ctx.store.execute("UPDATE audit SET after = ? WHERE id = ?", ('{"sbp":120}', target))
    found = verify_chain(ctx.store)
    assert isinstance(found, ChainBreak)
    assert found.audit_id == target
    assert "changed" in found.reason


def test_changed_actor_is_named(ctx: Ctx) -> None:
    """Reattributing a row to another user breaks the chain at that row."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    ctx.store.execute("UPDATE audit SET actor_id = 1 WHERE id = ?", (target,))
    found = verify_chain(ctx.store)
    assert found is not None and found.audit_id == target


def test_deleted_row_is_named(ctx: Ctx) -> None:
    """Deleting one row from the middle (guards dropped) is reported as that row missing."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    ctx.store.execute("DELETE FROM audit WHERE id = ?", (target,))
    found = verify_chain(ctx.store)
    assert isinstance(found, ChainBreak)
    assert found.audit_id == target
    assert "missing" in found.reason


@pytest.mark.parametrize("which", ["first", "second"])
def test_deleted_head_of_the_trail_is_named(ctx: Ctx, which: str) -> None:
    """Deleting the very first audit rows is reported as those rows missing, not as a later link failing."""
    _busy_day(ctx)
    _drop_audit_guards(ctx.store)
    last = 1 if which == "first" else 2
    ctx.store.execute("DELETE FROM audit WHERE id <= ?", (last,))
    assert verify_chain(ctx.store) == ChainBreak(1, f"audit entries 1–{last} are missing")


def test_resealed_row_breaks_the_next_link(ctx: Ctx) -> None:
    """Changing a row and recomputing its own hash still breaks the chain at the row after it."""
    _busy_day(ctx)
    target = _middle_id(ctx.store)
    _drop_audit_guards(ctx.store)
    row = ctx.store.one("SELECT * FROM audit WHERE id = ?", (target,))
    assert row is not None
    forged_after = '{"forged":true}'
    forged_hash = row_hash(
        row["prev_hash"],
        row["at"],
        row["actor_id"],
        row["action"],
        row["entity"],
        row["entity_id"],
        row["before"],
        forged_after,
    )
    ctx.store.execute("UPDATE audit SET after = ?, hash = ? WHERE id = ?", (forged_after, forged_hash, target))
    found = verify_chain(ctx.store)
    assert found is not None
    assert found.audit_id == target + 1
    assert "link" in found.reason


def test_backup_taken_before_tampering_still_verifies(
    ctx: Ctx, tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    """verify_chain on an untouched backup still passes while the tampered original fails.

    SQLite's backup is a file opened as it is; a server's is the verified dump, restored into an
    empty database of its own (the restore adds its own entry, which must link on).
    """
    _busy_day(ctx)
    on_server = engine == "postgresql"
    copy = backup.backup_to(
        ctx.store, tmp_path / ("before-tamper" + (".kddump" if on_server else ".sqlite")), at=ctx.at(30)
    )
    _drop_audit_guards(ctx.store)
    ctx.store.execute("UPDATE audit SET after = NULL WHERE id = 2")
    assert verify_chain(ctx.store) == ChainBreak(2, "its content was changed after it was written")
    if on_server:
        restored_url = str(request.getfixturevalue("postgresql_url"))
        pg_restore.restore_dump(restored_url, copy, at=ctx.at(31))
        untouched = open_store(restored_url)
    else:
        untouched = open_store(copy)
    try:
        assert verify_chain(untouched) is None
        assert untouched.one("SELECT after FROM audit WHERE id = 2")[0] is not None  # type: ignore[index]
    finally:
        untouched.close()
