"""The audit trail: one row for every write, chained by hashes and sealed by a key held outside the file.

Each row carries the SHA-256 of the row before it and its own, so removing or changing
any row breaks the chain from that point on, and ``verify_chain`` names where. Anyone
holding the file could recompute those hashes, so each row also carries a MAC of its id
and hash under the installation's chain key (:mod:`ketadesk.store.chain_key`), which is
not in the file: a chain rewritten and re-hashed no longer matches its MACs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from ketadesk.core.audit import AuditEntry
from ketadesk.core.audit_head import AuditHead
from ketadesk.store.chain_key import row_mac, sealer
from ketadesk.store.db import Store
from ketadesk.store.sqlite_engine import ChainEntry

GENESIS = "0" * 64


def canonical(value: object) -> str:
    """The one JSON text an audit payload is stored as: sorted keys, no spaces, UTF-8 kept.

    The bulk loader and the normal writes both go through this (or a builder proven equal to
    it), so a record written either way carries the same bytes and the same chain hash.
    """
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _canonical(value: Any) -> str | None:
    return None if value is None else canonical(value)


_QUOTED: dict[type, Callable[[Any], str]] = {str: encode_basestring, int: int.__repr__, type(None): lambda _: "null"}
"""How json.dumps writes the values an audit row holds (text, whole numbers, NULL), one C call each: the check
re-hashes every row of a ten-year clinic, and building the JSON by hand takes half the time of json.dumps."""


def row_hash(
    prev_hash: str,
    at: str,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: str | None,
    after: str | None,
) -> str:
    """The hash that seals one audit row to the one before it.

    The material is the JSON array of the values (no spaces, UTF-8 kept); a value of any other
    type than text, a whole number or NULL (a row altered by hand) is written by json.dumps itself,
    so the text is always exactly json.dumps's.
    """
    q = _QUOTED  # one f-string, no list: this runs four million times in a ten-year clinic's check
    try:
        material = (
            f"[{q[type(prev_hash)](prev_hash)},{q[type(at)](at)},{q[type(actor_id)](actor_id)},"
            f"{q[type(action)](action)},{q[type(entity)](entity)},{q[type(entity_id)](entity_id)},"
            f"{q[type(before)](before)},{q[type(after)](after)}]"
        )
    except KeyError:
        values = [prev_hash, at, actor_id, action, entity, entity_id, before, after]
        material = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def append(
    store: Store,
    *,
    at: str,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
) -> int:
    """Add an audit row inside the caller's transaction and return its id."""
    return append_text(
        store,
        at=at,
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=_canonical(before),
        after=_canonical(after),
    )


def append_text(
    store: Store,
    *,
    at: str,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: str | None = None,
    after: str | None = None,
) -> int:
    """Add an audit row whose payloads are already canonical text (:mod:`ketadesk.store.payloads`).

    The writes the bulk loader also makes pass their payload as text built by one shared
    function, so the two paths cannot drift apart.
    """
    if not store.in_transaction:
        raise RuntimeError("audit rows are written inside the transaction of the change they record")
    last = store.chain_tail()
    prev = last[1] if last else GENESIS
    # The id is given, not left to SQLite (which would pick the same one): the MAC covers it.
    audit_id = last[0] + 1 if last else 1
    digest = row_hash(prev, at, actor_id, action, entity, entity_id, before, after)
    secret = store.chain.secret
    mac = row_mac(secret, audit_id, digest) if secret is not None else None
    store.write_unanswered(
        "INSERT INTO audit (id, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash, mac)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (audit_id, at, actor_id, action, entity, entity_id, before, after, prev, digest, mac),
    )
    store.audit_written = True
    store.chain_moved(ChainEntry(audit_id, at, digest, mac))
    return audit_id


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where the audit chain stops holding, and why."""

    audit_id: int
    reason: str


_CHAIN_COLUMNS = "id, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash"


def verify_chain(store: Store, key: bytes | None = None) -> ChainBreak | None:
    """Walk the whole audit trail; return the first row that does not verify, or None.

    With the installation's ``key`` each row's MAC is checked too (in the same walk); without
    it the chain is checked as plain hashes only.
    """
    cursor = store.execute(
        f"SELECT {_CHAIN_COLUMNS}, {'mac' if key is not None else 'NULL AS mac'} FROM audit ORDER BY id"
    )
    return _walk(cursor, key, (0, GENESIS))[0]


def verify_chain_since(store: Store, entry: int, digest: str, upto: int, key: bytes) -> ChainBreak | None:
    """Walk the entries after ``entry`` (whose hash was verified to be ``digest``) up to ``upto``, MACs with them.

    The check since a checkpoint: each entry must link to the one before it from the
    checkpoint's on, so an entry after it removed, rewritten or re-hashed is named.
    """
    cursor = store.execute(
        f"SELECT {_CHAIN_COLUMNS}, mac FROM audit WHERE id > ? AND id <= ? ORDER BY id",
        (entry, upto),
    )
    return _walk(cursor, key, after=(entry, digest))[0]


def verify_rows(
    rows: Iterable[Any], key: bytes | None = None, after: tuple[int, str] = (0, GENESIS)
) -> ChainBreak | None:
    """:func:`verify_chain` over audit rows read anywhere (a database, a logical dump), in id order, read by name.

    ``after``: the entry the rows follow and its hash (none: they start the chain).
    """
    names = _CHAIN_COLUMNS.split(", ")
    walked = ((*(row[n] for n in names), row["mac"] if key is not None else None) for row in rows)
    return _walk(walked, key, after)[0]


def _walk(
    rows: Iterable[Sequence[Any]], key: bytes | None, after: tuple[int, Any]
) -> tuple[ChainBreak | None, tuple[int, Any]]:
    """The walk itself over rows in :data:`_CHAIN_COLUMNS` order and the MAC: the first break, and where it stopped.

    Where it stopped is the last entry it verified and its hash (``after`` when none), so a
    stretch walked on its own can be joined to the next (:func:`verify_stretch`).
    """
    prev = after[1]
    expected_id = after[0] + 1  # rowids start at 1 and audit rows are never deleted, so any gap is a removal
    seal = sealer(key) if key is not None else None
    for audit_id, at, actor_id, action, entity, entity_id, before, after_, prev_hash, stored, mac in rows:
        if audit_id != expected_id:
            broken = ChainBreak(expected_id, f"audit entries {expected_id}–{audit_id - 1} are missing")
        elif prev_hash != prev:
            broken = ChainBreak(audit_id, "does not link to the entry before it")
        elif (digest := row_hash(prev, at, actor_id, action, entity, entity_id, before, after_)) != stored:
            broken = ChainBreak(audit_id, "its content was changed after it was written")
        elif seal is not None and mac != seal(audit_id, digest):
            broken = _unsealed(audit_id, mac)
        else:
            prev = stored
            expected_id = audit_id + 1
            continue
        return broken, (expected_id - 1, prev)
    return None, (expected_id - 1, prev)


@dataclass(frozen=True, slots=True)
class Stretch:
    """One stretch of the audit trail walked on its own (a worker's share of the full check), and its two ends."""

    start: tuple[int, Any]
    """The entry just before the stretch, as stored: its id and hash ((0, GENESIS) when none)."""
    end: tuple[int, Any]
    """The last entry the walk verified and its hash (``start`` when it verified none)."""
    broken: ChainBreak | None


def verify_stretch(store: Store, after: int, upto: int, key: bytes | None) -> Stretch:
    """The entries with ``after`` < id ≤ ``upto`` walked as :func:`verify_chain` walks them, from the entry before.

    The walk starts from the stored hash of the last entry at or before ``after``: when the
    stretch before this one verified up to that very entry (:func:`first_break` sees to it),
    this walk is exactly the rest of one walk over the whole trail, with the same findings.
    """
    before = store.one("SELECT id, hash FROM audit WHERE id <= ? ORDER BY id DESC LIMIT 1", (after,))
    start: tuple[int, Any] = (int(before[0]), before[1]) if before is not None else (0, GENESIS)
    cursor = store.execute(
        f"SELECT {_CHAIN_COLUMNS}, {'mac' if key is not None else 'NULL AS mac'} FROM audit"
        " WHERE id > ? AND id <= ? ORDER BY id",
        (after, upto),
    )
    broken, end = _walk(cursor, key, start)
    return Stretch(start, end, broken)


class StretchesDisagree(ValueError):
    """A stretch does not begin where the one before it ended: the trail changed between their reads."""


def first_break(stretches: Sequence[Stretch]) -> ChainBreak | None:
    """The first finding of stretches walked in order, as one walk over them all would name it.

    Raises :class:`StretchesDisagree` when a stretch began from another entry than the one
    the stretch before it verified last (then walk the trail again as one).
    """
    for number, stretch in enumerate(stretches):
        if number and stretch.start != stretches[number - 1].end:
            raise StretchesDisagree(f"the audit stretch after entry {stretch.start[0]} does not join the one before")
        if stretch.broken is not None:
            return stretch.broken
    return None


def _unsealed(audit_id: int, mac: str | None) -> ChainBreak:
    if mac is None:
        return ChainBreak(
            audit_id, "carries no MAC: it was written where the chain's key was not, or its MAC was removed"
        )
    return ChainBreak(audit_id, "does not match its MAC: it was rewritten and its hash recomputed")


def head(store: Store) -> AuditHead | None:
    """The chain's last entry as an anchor outside the file records it (None: no audit row, or no installation)."""
    installation = store.chain.installation
    row = store.one("SELECT id, at, hash, mac FROM audit ORDER BY id DESC LIMIT 1")
    if row is None or installation is None:
        return None
    return AuditHead(installation, int(row[0]), str(row[2]), row[3], str(row[1]))


def head_after_commit(store: Store) -> AuditHead | None:
    """:func:`head` right after the store's own commit: what the store knows it wrote last, else read."""
    known, installation = store.committed_head(), store.chain.installation
    if known is None or installation is None:
        return head(store)
    return AuditHead(installation, known.id, known.hash, known.mac, known.at)


def seal_of(store: Store, audit_id: int) -> tuple[str, str | None] | None:
    """One entry's hash and MAC (None when there is no such entry)."""
    row = store.one("SELECT hash, mac FROM audit WHERE id = ?", (audit_id,))
    return (str(row[0]), row[1]) if row else None


def backup_files(store: Store, limit: int = 3) -> list[str]:
    """The files the newest backups were written to, as their audit entries name them, newest first."""
    rows = store.all(
        "SELECT after FROM audit WHERE entity = 'database' AND entity_id IS NULL AND action = 'backup'"
        " ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    named: list[str] = []
    for row in rows:
        try:
            value = json.loads(row[0] or "null")
        except ValueError:  # a payload damaged by hand: check reports the chain, this only finds backups
            continue
        if isinstance(value, dict) and isinstance(value.get("file"), str):
            named.append(value["file"])
    return named


def entries_for(store: Store, entity: str, entity_id: int) -> list[AuditEntry]:
    """Every audit entry about one record, oldest first."""
    rows = store.all(
        "SELECT a.id, a.at, coalesce(u.login, '') AS actor, a.action, a.entity, a.entity_id, a.before, a.after"
        " FROM audit a LEFT JOIN users u ON u.id = a.actor_id WHERE a.entity = ? AND a.entity_id = ? ORDER BY a.id",
        (entity, entity_id),
    )
    return [
        AuditEntry(r["id"], r["at"], r["actor"], r["action"], r["entity"], r["entity_id"], r["before"], r["after"])
        for r in rows
    ]


def count(store: Store) -> int:
    """How many audit rows there are."""
    row = store.one("SELECT count(*) FROM audit")
    return int(row[0]) if row else 0


def search(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    """Audit entries matching every filter given, newest first (for the administrator's log)."""
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (("u.login", actor), ("a.action", action), ("a.entity", entity)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if since:
        clauses.append("a.at >= ?")
        params.append(since)
    if until:
        clauses.append("a.at < ?")
        params.append(until)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.all(
        "SELECT a.id, a.at, coalesce(u.login, '') AS actor, a.action, a.entity, a.entity_id, a.before, a.after"
        f" FROM audit a LEFT JOIN users u ON u.id = a.actor_id {where} ORDER BY a.id DESC LIMIT ?",
        (*params, limit),
    )
    return [
        AuditEntry(r["id"], r["at"], r["actor"], r["action"], r["entity"], r["entity_id"], r["before"], r["after"])
        for r in rows
    ]


def write(
    store: Store,
    *,
    at: str,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    after: object = None,
) -> int:
    """An audit entry that is its own write (sign-out, lock, export, print)."""
    with store.transaction():
        return append(store, at=at, actor_id=actor_id, action=action, entity=entity, entity_id=entity_id, after=after)


def exported_files(store: Store, folder: str) -> dict[str, tuple[int, str]]:
    """Files the audit trail says were exported into ``folder`` (resolved path → bytes, SHA-256), newest winning.

    A resumed export keeps a file already there only when it matches its entry here.
    """
    rows = store.all("SELECT after FROM audit WHERE action = 'export' AND instr(after, ?) > 0 ORDER BY id", (folder,))
    found: dict[str, tuple[int, str]] = {}
    for row in rows:
        try:
            value = json.loads(row[0] or "null")
        except ValueError:
            continue
        if isinstance(value, dict) and isinstance(value.get("file"), str) and isinstance(value.get("sha256"), str):
            found[value["file"]] = (int(value.get("bytes") or 0), value["sha256"])
    return found
