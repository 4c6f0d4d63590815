"""The records written since a checkpoint against the audit entries written since it, both ways.

Every clinical write inserts its rows and their audit entry in one transaction. So the rows
a table gained after a checkpoint (ids above its highest then) and the entries the trail
gained after it (ids above the entry it names) must record each other exactly, as the full
reconciliation (:mod:`ketadesk.store.reconcile`) holds for the whole record: the same pairings
run, each side cut to what came after the checkpoint (and no further than the mark read when
this check began, so a write committed meanwhile is on neither side). A row slipped in
behind the program's back, one changed or removed after it was written, or an entry that
records nothing shows here at the cost of the new rows alone.

Two things change in place, audited: a login's standing (the users' check replays them all,
it is small) and a visit's day and chair, compared here for every visit booked or moved
since. What this cannot see is a row written before the checkpoint and changed in place
since: its table's count and highest id stay the same. Only the full check reads those.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace

from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from ketadesk.store.reconcile import ALL_PAIRINGS, reconcile_one, unaudited_values
from ketadesk.store.reconcile_pairings import Pairing

_MOVED = "'schedule', 'move'"  # the entries that set a visit's day and chair
_FROM_AUDIT = re.compile(r"\b(FROM|JOIN) audit\b(?: ([a-z]+)\b)?")
_MUTABLE = "visits (date and chair)"  # the pairing of what changes in place: replaced by :func:`_moved_visits`


def _cut_rows(pairing: Pairing, low: int, high: int) -> str:
    """The pairing's rows query over its table's rows with ids in (``low``, ``high``] alone.

    Only the table's first ``FROM`` is cut: a subquery that reads the table again (the first
    phase step of each visit) still reads all of it, so a new step of an old visit is not taken
    for that visit's first.
    """
    table = pairing.table.split(" ")[0]
    pattern = re.compile(rf"\bFROM {table}\b(?: ([a-z]+)\b)?")
    found = pattern.search(pairing.rows)
    if found is None:
        raise ValueError(f"the pairing {pairing.table} does not read from its table")
    alias = found.group(1) or table
    cut = f"FROM (SELECT * FROM {table} WHERE id > {int(low)} AND id <= {int(high)}) AS {alias}"
    return pairing.rows[: found.start()] + cut + pairing.rows[found.end() :]


def _cut_entries(pairing: Pairing) -> str:
    """The pairing's entries query over the entries since the checkpoint (``temp.audit_since``) alone."""
    return _FROM_AUDIT.sub(lambda m: f"{m.group(1)} temp.audit_since AS {m.group(2) or 'audit'}", pairing.entries)


def since_pairing(pairing: Pairing, low: int, high: int) -> Pairing:
    """One pairing cut to the rows and entries written after a checkpoint (no suspects: the sides are small)."""
    return replace(pairing, rows=_cut_rows(pairing, low, high), entries=_cut_entries(pairing), suspects="")


def _moved_visits(low: int, high: int, audit_high: int) -> Pairing:
    """Each visit booked or moved since the checkpoint: its day and chair against the latest entry that set them."""
    touched = (
        f"SELECT id FROM visits WHERE id > {int(low)} AND id <= {int(high)} UNION"
        f" SELECT entity_id FROM temp.audit_since WHERE entity = 'visit' AND action IN ({_MOVED})"
    )
    return Pairing(
        _MUTABLE,
        "row",
        ("date", "chair"),
        f"SELECT id, scheduled_date, chair FROM visits WHERE id IN ({touched})",
        "SELECT entity_id, json_extract(after, '$.date'), json_extract(after, '$.chair') FROM audit WHERE id IN"
        f" (SELECT max(id) FROM audit WHERE entity = 'visit' AND entity_id IN ({touched}) AND action IN ({_MOVED})"
        f" AND id <= {int(audit_high)} GROUP BY entity_id)",
    )


def records_problems_since(
    store: Store, audit_low: int, audit_high: int, tables: dict[str, tuple[int, int]], now: dict[str, tuple[int, int]]
) -> list[str]:
    """Rows written after a checkpoint that their entries do not record as they are, and entries with no row.

    ``audit_low``/``tables``: the checkpoint's last entry and each table's highest id then;
    ``audit_high``/``now``: the same read when this check began.
    """
    problems: list[str] = []
    for name in ("audit_since", "audit_by_action"):
        store.execute(f"DROP TABLE IF EXISTS temp.{name}")
    # The bounds are written in, not bound: PostgreSQL takes no parameters in CREATE TABLE … AS.
    store.execute(
        f"CREATE TEMP TABLE audit_since AS SELECT * FROM audit WHERE id > {int(audit_low)} AND id <= {int(audit_high)}"
    )
    store.execute(
        "CREATE TEMP TABLE audit_by_action AS SELECT action, id FROM temp.audit_since"
        " WHERE entity IN ('visit', 'note', 'course', 'patient', 'correction', 'protocol')"
    )
    try:
        for pairing in ALL_PAIRINGS:
            table = pairing.table.split(" ")[0]
            low, high = tables.get(table, (0, 0))[0], now.get(table, (0, 0))[0]
            moved = pairing.table == _MUTABLE
            cut = _moved_visits(low, high, audit_high) if moved else since_pairing(pairing, low, high)
            try:
                problems.extend(reconcile_one(store, cut))
            except (sqlite3.DatabaseError, StoreError) as error:  # a value no query can read: named, not a crash
                problems.append(f"{pairing.table}: could not be reconciled with the audit trail ({error})")
    finally:
        for name in ("audit_since", "audit_by_action"):
            store.execute(f"DROP TABLE IF EXISTS temp.{name}")
    problems.extend(unaudited_values(store, after=tables.get("vitals", (0, 0))[0]))
    return problems
