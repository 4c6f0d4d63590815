"""Checkpoints: what a clean full ``check`` verified, sealed with the chain's key, so later checks start there.

A full check of a ten-year clinic reads every row; the check at every start cannot. So a
full check that finds nothing leaves a row (table ``checkpoints``, migration 0019) naming
what it verified: the audit chain up to one entry and that entry's hash, and for each table
of the record its highest id and its number of rows then (the *mark*, read in one statement
before the check began, so everything it names was among what the check read). The row is
sealed with an HMAC under the installation's chain key, which is not in the file: someone
editing the database can neither write a checkpoint nor move one to another entry or
another installation. It is written like every other write: in one transaction with its
audit entry, append-only.

:mod:`ketadesk.store.reconcile_since` verifies what was written after a checkpoint.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.store import audit
from ketadesk.store.db import Store
from ketadesk.store.guards import APPEND_ONLY, NEVER_DELETED
from ketadesk.store.reconcile_pairings import Pairing

# The tables whose rows are never deleted, each with an integer id: their rows up to a checkpoint's
# highest id can be counted again (the audit trail has its own, stronger check: its chain).
TRACKED: tuple[str, ...] = tuple(sorted(t for t in (*APPEND_ONLY, *NEVER_DELETED) if t != "audit"))
_DOMAIN = "KetaDesk checkpoint"  # so a checkpoint's MAC can never be taken for an audit row's


@dataclass(frozen=True, slots=True)
class Mark:
    """The record at one moment: the chain's last entry, and each tracked table's highest id and rows."""

    audit_id: int
    audit_hash: str
    audit_rows: int  # as many as the last entry's id, unless entries were removed before it
    tables: dict[str, tuple[int, int]]  # table → (highest id, number of rows)

    def high_water(self) -> str:
        """The tables as the one text the row stores and its MAC covers (canonical JSON)."""
        return audit.canonical({t: list(v) for t, v in sorted(self.tables.items())})


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One stored checkpoint, as the row holds it (nothing here is trusted before :func:`sealed` says so)."""

    id: int
    at: str
    by: int
    ran: str
    scope: str
    audit_id: int
    audit_hash: str
    high_water: str
    mac: str

    def tables(self) -> dict[str, tuple[int, int]]:
        """The tables' highest ids and rows as recorded (an unreadable text gives none: the MAC fails it anyway)."""
        try:
            value = json.loads(self.high_water)
        except ValueError:
            return {}
        if not isinstance(value, dict):
            return {}
        found: dict[str, tuple[int, int]] = {}
        for table, pair in value.items():
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, int) for n in pair):
                found[str(table)] = (pair[0], pair[1])
        return found


def _material(installation: str, c: Checkpoint) -> bytes:
    fields = [_DOMAIN, installation, c.id, c.at, c.by, c.ran, c.scope, c.audit_id, c.audit_hash, c.high_water]
    return audit.canonical(fields).encode("utf-8")


def seal(secret: bytes, installation: str, checkpoint: Checkpoint) -> str:
    """The checkpoint's MAC: HMAC-SHA256 of every column but the MAC, with the installation, in hex."""
    return hmac.digest(secret, _material(installation, checkpoint), "sha256").hex()


def sealed(secret: bytes, installation: str, checkpoint: Checkpoint) -> bool:
    """True when the row carries the MAC only the chain's key could have made for exactly these values."""
    return hmac.compare_digest(seal(secret, installation, checkpoint), checkpoint.mac)


def _counts(above: dict[str, int] | None) -> str:
    parts = []
    for t in TRACKED:
        parts += [f"(SELECT coalesce(max(id), 0) FROM {t})", f"(SELECT count(*) FROM {t})"]
        if above is not None:
            parts.append(f"(SELECT count(*) FROM {t} WHERE id > {int(above[t])})")
    return ", ".join(parts)


def mark(store: Store, since: dict[str, tuple[int, int]] | None = None) -> tuple[Mark | None, dict[str, int]]:
    """The record now, read in one statement (one consistent view on either engine); None with no audit row.

    With ``since`` (a checkpoint's tables), also how many rows each table holds above the
    highest id it had then, so rows removed or slipped in below it show as a count that differs.
    """
    # A table the checkpoint does not name (none yet: every table it tracks is older) counts from its first row.
    above = {t: since.get(t, (0, 0))[0] for t in TRACKED} if since is not None else None
    row = store.one(
        "SELECT (SELECT id FROM audit ORDER BY id DESC LIMIT 1), (SELECT hash FROM audit ORDER BY id DESC LIMIT 1),"
        f" (SELECT count(*) FROM audit), {_counts(above)}"
    )
    if row is None or row[0] is None:
        return None, {}
    values = list(row)[3:]
    step = 3 if since is not None else 2
    tables = {t: (int(values[i * step]), int(values[i * step + 1])) for i, t in enumerate(TRACKED)}
    above = {t: int(values[i * step + 2]) for i, t in enumerate(TRACKED)} if since is not None else {}
    return Mark(int(row[0]), str(row[1]), int(row[2]), tables), above


def _next_id(store: Store) -> int:
    row = store.one("SELECT coalesce(max(id), 0) + 1 FROM checkpoints")
    return int(row[0]) if row else 1


def record(
    store: Store, verified: Mark, *, at: str, actor_id: int, ran: str, scope: str, secret: bytes, installation: str
) -> Checkpoint:
    """Write the checkpoint of a clean full check (``verified``: the mark read before it began) with its entry."""
    with store.transaction():
        unsealed = Checkpoint(
            _next_id(store), at, actor_id, ran, scope, verified.audit_id, verified.audit_hash, verified.high_water(), ""
        )
        checkpoint = replace(unsealed, mac=seal(secret, installation, unsealed))
        store.execute(
            "INSERT INTO checkpoints (id, at, by, ran, scope, audit_id, audit_hash, high_water, mac)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tuple(_fields(checkpoint).values()),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.CHECKPOINT,
            entity=AuditEntity.CHECKPOINT,
            entity_id=checkpoint.id,
            after={
                "audit_id": checkpoint.audit_id,
                "audit_hash": checkpoint.audit_hash,
                "scope": scope,
                "ran": ran,
                "mac": checkpoint.mac,
            },
        )
    return checkpoint


def _fields(c: Checkpoint) -> dict[str, object]:
    return {name: getattr(c, name) for name in Checkpoint.__slots__}


def newest_first(store: Store, batch: int = 20) -> Iterator[Checkpoint]:
    """The stored checkpoints, newest first, read ``batch`` at a time (the first valid one usually ends the walk)."""
    before: int | None = None
    while True:
        where = "" if before is None else f" WHERE id < {before}"
        rows = store.all(
            "SELECT id, at, by, ran, scope, audit_id, audit_hash, high_water, mac FROM checkpoints"
            f"{where} ORDER BY id DESC LIMIT {int(batch)}"
        )
        if not rows:
            return
        for r in rows:
            yield Checkpoint(*(r[i] for i in range(9)))
        before = int(rows[-1][0])


# A checkpoint against its audit entry (in the full check's reconciliation and the incremental one): the MAC
# covers the rest of the row, so a row removed, added, or changed shows here or as a MAC that fails.
CHECKPOINT_PAIRINGS: tuple[Pairing, ...] = (
    Pairing(
        "checkpoints",
        "row",
        ("by", "at", "audit_id", "audit_hash", "mac"),
        "SELECT id, by, at, audit_id, audit_hash, mac FROM checkpoints",
        "SELECT entity_id, actor_id, at, json_extract(after, '$.audit_id'), json_extract(after, '$.audit_hash'),"
        " json_extract(after, '$.mac') FROM audit WHERE entity = 'checkpoint' AND action = 'checkpoint'",
    ),
)
