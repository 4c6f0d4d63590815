"""Signatures and addenda as stored.

A signature is written in the same transaction as the visit's move to "signed", so a visit
is never signed without its signature nor the other way round.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from ketadesk.core.clock import from_utc_iso
from ketadesk.core.signing import Addendum, Signature
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store


@dataclass(frozen=True, slots=True)
class StoredSignature:
    """A signature with the ids it belongs to, for verification."""

    signature: Signature
    visit_id: int
    addendum_id: int | None
    id: int = 0
    signer_id: int = 0
    signed_at: str = ""
    """As stored (UTC ISO): what the digital signature covers, to the character."""
    key_id: int | None = None
    digital: bytes | None = None
    """The Ed25519 signature (None on rows written before keys existed)."""


def add_addendum(store: Store, visit_id: int, text: str, reason: str, *, at: str, actor_id: int) -> int:
    """Append an addendum (its signature is written by the caller in the same transaction)."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO addenda (visit_id, text, reason, at, by) VALUES (?, ?, ?, ?, ?)",
            (visit_id, text, reason, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action="addendum",
            entity="visit",
            entity_id=visit_id,
            after={"addendum_id": row_id, "text": text, "reason": reason},
        )
    return row_id


def add_signature(
    store: Store,
    visit_id: int,
    addendum_id: int | None,
    signature: Signature,
    *,
    signer_id: int,
    at: str,
    key_id: int | None = None,
    digital: bytes | None = None,
) -> int:
    """Append a signature over a visit (``addendum_id`` None) or over one addendum, with its digital signature."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO signatures (visit_id, addendum_id, signer_id, printed_name, credentials, meaning,"
            " signed_at, content_hash, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                visit_id,
                addendum_id,
                signer_id,
                signature.printed_name,
                signature.credentials,
                signature.meaning,
                at,
                signature.content_hash,
                key_id,
                digital,
            ),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=signer_id,
            action="sign",
            entity="visit",
            entity_id=visit_id,
            after=payloads.signature(
                row_id, addendum_id, signature.meaning, signature.content_hash, key_id=key_id, digital=digital
            ),
        )
    return row_id


def _signature(row: sqlite3.Row) -> Signature:
    return Signature(
        row["printed_name"],
        row["credentials"],
        row["meaning"],
        from_utc_iso(row["signed_at"]),
        row["content_hash"],
        row["login"],
    )


def _stored(r: sqlite3.Row) -> StoredSignature:
    """A signature row (joined with its signer's login) with the ids and bytes verification needs."""
    return StoredSignature(
        _signature(r),
        r["visit_id"],
        r["addendum_id"],
        r["id"],
        r["signer_id"],
        r["signed_at"],
        r["key_id"],
        None if r["signature"] is None else bytes(r["signature"]),
    )


def visit_signature(store: Store, visit_id: int) -> Signature | None:
    """The signature over the visit itself, if signed."""
    row = store.one(
        "SELECT s.*, u.login FROM signatures s JOIN users u ON u.id = s.signer_id"
        " WHERE s.visit_id = ? AND s.addendum_id IS NULL",
        (visit_id,),
    )
    return _signature(row) if row else None


def addenda(store: Store, visit_id: int) -> list[Addendum]:
    """A visit's addenda in order, each with its signature."""
    rows = store.all(
        """SELECT a.id, a.text, a.reason, a.at, u.login AS author, s.printed_name, s.credentials, s.meaning,
           s.signed_at, s.content_hash, su.login FROM addenda a JOIN users u ON u.id = a.by
           LEFT JOIN signatures s ON s.addendum_id = a.id LEFT JOIN users su ON su.id = s.signer_id
           WHERE a.visit_id = ? ORDER BY a.id""",
        (visit_id,),
    )
    return [
        Addendum(
            r["id"],
            r["text"],
            r["reason"],
            from_utc_iso(r["at"]),
            r["author"],
            _signature(r) if r["content_hash"] else None,
        )
        for r in rows
    ]


def signatures_in_batches(
    store: Store, size: int, after: int = 0, upto: int | None = None
) -> Iterator[list[StoredSignature]]:
    """Every signature in the file (``after``: higher ids only; ``upto``: none above), oldest first, ``size`` at a time.

    Each batch is its own query starting after the last id seen, so verifying a ten-year
    clinic's signatures never holds more than one batch of them (for ``ketadesk check``); the
    check since a checkpoint starts after the last signature the full check verified, and the
    full check's worker processes each take a range of ids.
    """
    if size < 1:
        raise ValueError("a batch holds at least one signature")
    bound = "" if upto is None else f" AND s.id <= {int(upto)}"
    while True:
        rows = store.all(
            "SELECT s.*, u.login FROM signatures s JOIN users u ON u.id = s.signer_id"
            f" WHERE s.id > ?{bound} ORDER BY s.id LIMIT ?",
            (after, size),
        )
        if not rows:
            return
        yield [_stored(r) for r in rows]
        after = int(rows[-1]["id"])


def last_id(store: Store) -> int:
    """The highest signature id (0: none yet): where the full check's worker processes split the signatures."""
    row = store.one("SELECT max(id) FROM signatures")
    return int(row[0]) if row is not None and row[0] is not None else 0


def awaiting_signature(store: Store) -> list[int]:
    """Discharged visits not yet signed, oldest discharge first (the worklist the triggers keep)."""
    rows = store.all("SELECT visit_id FROM awaiting_signature ORDER BY discharged_at, visit_id")
    return [int(r[0]) for r in rows]


def count_awaiting(store: Store) -> int:
    """How many discharged visits wait for a signature: a count of the worklist table."""
    row = store.one("SELECT count(*) FROM awaiting_signature")
    return int(row[0]) if row else 0


def worklist_out_of_step(store: Store) -> list[int]:
    """Visits where the kept worklist and the phase events disagree (empty when they agree).

    Recomputed from the events themselves, for ``ketadesk check``: a worklist row removed or
    added behind the program's back shows here.
    """
    rows = store.all(
        """WITH derived AS (
               SELECT e.visit_id FROM visit_events e WHERE e.phase = 'discharged'
               AND NOT EXISTS (SELECT 1 FROM visit_events s WHERE s.visit_id = e.visit_id AND s.phase = 'signed'))
           SELECT visit_id FROM (SELECT visit_id FROM derived EXCEPT SELECT visit_id FROM awaiting_signature)
           UNION
           SELECT visit_id FROM (SELECT visit_id FROM awaiting_signature EXCEPT SELECT visit_id FROM derived)
           ORDER BY visit_id"""
    )
    return [int(r[0]) for r in rows]


def stored_for_visit(store: Store, visit_id: int) -> list[StoredSignature]:
    """The visit's signature and its addenda's, oldest first, with their digital signatures (for the FHIR export)."""
    rows = store.all(
        "SELECT s.*, u.login FROM signatures s JOIN users u ON u.id = s.signer_id WHERE s.visit_id = ? ORDER BY s.id",
        (visit_id,),
    )
    return [_stored(r) for r in rows]
