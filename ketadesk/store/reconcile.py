"""Every clinical row against the audit entry written with it, in SQL, both ways.

Each store write inserts its row and, in the same transaction, an audit row whose ``after``
is the payload built from the same values (:mod:`ketadesk.store.payloads`). So the table,
projected onto those values, and the audit trail, projected onto the same values with
``json_extract``, must hold exactly the same rows: a row inserted by raw SQL has no audit
entry, a value changed in place no longer matches its entry, and an entry whose row was
deleted matches nothing. The comparison is one grouping query per kind of record (rows
and entries sorted together; every group of equal values must hold as many of each), so
it runs as set work inside the database rather than one lookup per row, and a duplicated
row shows as well as a missing one.

On PostgreSQL the same queries run translated (:mod:`ketadesk.store.pg_dialect`); there a
column holds one type while an entry's values are JSON, so both sides are compared as JSON
values (``to_jsonb`` of each column): a number equals the same number, a text the same text,
as SQLite compares them.

A kind whose audit entry is keyed by the visit (a checklist answer, a weight …) is
compared as (visit, values); one whose entry is keyed by the row (a reading, a note) or
carries the row's id (a signature, an adverse event) as (row id, values).
"""

from __future__ import annotations

import sqlite3

from ketadesk.core.vitals import Source
from ketadesk.store import protocols
from ketadesk.store.checkpoints import CHECKPOINT_PAIRINGS
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from ketadesk.store.reconcile_outcomes import OUTCOME_PAIRINGS
from ketadesk.store.reconcile_pairings import PAIRINGS, PROTOCOLS, Pairing
from ketadesk.store.reconcile_watch import WATCH_PAIRINGS

MAX_PER_KIND = 5  # differences reported per kind and direction
_BY_ACTION = "audit_by_action"
"""The temporary list of entries by action most kinds read their entries from (made by :func:`records_problems`)."""
ALL_PAIRINGS: tuple[Pairing, ...] = (*PAIRINGS, *PROTOCOLS, *OUTCOME_PAIRINGS, *WATCH_PAIRINGS, *CHECKPOINT_PAIRINGS)


def _describe(pairing: Pairing, row: sqlite3.Row) -> str:
    values = ", ".join(f"{name} {row[i + 1]!r}" for i, name in enumerate(pairing.columns))
    return f"{pairing.key} {row[0]} ({values})"


def _compared(store: Store, count: int) -> str:
    """The columns c0… of one side as they are compared: as they are on SQLite, as JSON values on PostgreSQL."""
    shape = "to_jsonb(c{0}) AS c{0}" if store.engine == "postgresql" else "c{0}"
    return ", ".join(shape.format(i) for i in range(count))


def reconcile_one(store: Store, pairing: Pairing) -> list[str]:
    """One sort over the rows and the entries together: a group of equal values must hold as many of each.

    Also run on the rows and entries written since a checkpoint (:mod:`ketadesk.store.reconcile_since`).
    """
    count = len(pairing.columns) + 1
    names = ", ".join(f"c{i}" for i in range(count))
    rows, entries = pairing.rows, pairing.entries
    if pairing.suspects:
        suspects = [int(r[0]) for r in store.all(f"{pairing.suspects} LIMIT {MAX_PER_KIND * 20}") if r[0] is not None]
        if not suspects:
            return []
        keys = ", ".join(str(k) for k in suspects)
        rows = f"SELECT * FROM ({rows}) AS suspect WHERE id IN ({keys})"
        entries = f"{entries} AND entity_id IN ({keys})"
    compared = _compared(store, count)
    differing = store.all(
        f"WITH r({names}) AS ({rows}), e({names}) AS ({entries})"
        f" SELECT {names}, sum(side) AS in_table, count(*) - sum(side) AS in_audit"
        f" FROM (SELECT 1 AS side, {compared} FROM r UNION ALL SELECT 0, {compared} FROM e) AS sides"
        f" GROUP BY {names} HAVING sum(side) != count(*) - sum(side) ORDER BY c0 LIMIT {MAX_PER_KIND * 2}"
    )
    table_side = [r for r in differing if r["in_table"] > r["in_audit"]]
    audit_side = [r for r in differing if r["in_table"] < r["in_audit"]]
    problems: list[str] = []
    for row in table_side:
        twins = [a for a in audit_side if a[0] == row[0]]
        if pairing.key == "row" and len(twins) == 1:  # the same row, changed: say what differs
            audit_side.remove(twins[0])
            changed = "; ".join(
                f"{name} {row[i + 1]!r} in the table, {twins[0][i + 1]!r} in the audit trail"
                for i, name in enumerate(pairing.columns)
                if row[i + 1] != twins[0][i + 1]
            )
            problems.append(f"{pairing.table}: row {row[0]} differs from its audit entry: {changed}")
        else:
            problems.append(f"{pairing.table}: {_describe(pairing, row)} has no matching audit entry")
    problems.extend(
        f"audit: an entry records {pairing.table} {_describe(pairing, row)} that is not in the table"
        for row in audit_side
    )
    return problems


def records_problems(store: Store, pairings: tuple[Pairing, ...] = ALL_PAIRINGS, *, rest: bool = True) -> list[str]:
    """Every clinical row that its audit entry does not record as it is, and every entry with no row.

    ``pairings``: only these kinds; ``rest``: with the protocols and the unaudited values (the
    full check's worker processes each take a share this way, in :data:`ALL_PAIRINGS` order).
    """
    problems: list[str] = []
    listed = any(_BY_ACTION in f"{p.rows} {p.entries} {p.suspects}" for p in pairings)
    if listed:
        # Every entry but the readings' (those are found by the entity index), listed once by action, so
        # each kind reads only its own entries instead of scanning a million visit entries for each.
        store.execute("DROP TABLE IF EXISTS temp.audit_by_action")
        store.execute(
            "CREATE TEMP TABLE audit_by_action AS SELECT action, id FROM audit"
            " WHERE entity IN ('visit', 'note', 'course', 'patient', 'correction', 'protocol')"
        )
        store.execute("CREATE INDEX temp.audit_by_action_index ON audit_by_action(action, id)")
        if store.engine == "postgresql":  # its planner knows nothing of a temporary table it has not analysed
            store.execute("ANALYZE temp.audit_by_action")
    try:
        for pairing in pairings:
            try:
                problems.extend(reconcile_one(store, pairing))
            except (sqlite3.DatabaseError, StoreError) as error:  # a value no query can read: named, not a crash
                problems.append(f"{pairing.table}: could not be reconciled with the audit trail ({error})")
    finally:
        if listed:
            store.execute("DROP TABLE IF EXISTS temp.audit_by_action")
    if rest:
        problems.extend(protocols.altered(store))
        problems.extend(unaudited_values(store))
    return problems


def unaudited_values(store: Store, after: int = 0) -> list[str]:
    """Columns no audit entry records, checked against what they may hold (a flipped bit makes a word no word).

    A reading's source (typed by hand, or from a monitor) is stored with it but not in its
    entry's payload, so changing it would otherwise pass unseen. ``after``: only the readings
    with a higher id (those written since a checkpoint).
    """
    allowed = tuple(source.value for source in Source)
    marks = ", ".join("?" for _ in allowed)
    rows = store.all(
        f"SELECT id, source FROM vitals WHERE id > ? AND source NOT IN ({marks}) ORDER BY id LIMIT {MAX_PER_KIND}",
        (after, *allowed),
    )
    return [f"vitals: row {r[0]} has the source {r[1]!r}, which is none of {', '.join(allowed)}" for r in rows]
