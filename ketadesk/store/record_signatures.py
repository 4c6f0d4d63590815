"""Physicians' digital signatures over their approvals, answers and reviews, as stored (0015).

A record and its signature are written in one transaction, with an audit entry each; the
signature covers the record's row as :func:`fields` reads it back, so what is verified later
is exactly what the database holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ketadesk.core.audit import AuditAction
from ketadesk.core.record_signing import SIGNED_SUBJECTS, SignedRecord
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store

_TABLES: dict[SignedRecord, tuple[str, tuple[str, ...]]] = {
    SignedRecord.ACKNOWLEDGEMENT: (
        "acknowledgements",
        ("visit_id", "subject", "subject_id", "note", "at", "by", "entered_by"),
    ),
    SignedRecord.APPROVAL_ANSWER: (
        "approval_answers",
        ("request_id", "visit_id", "decision", "reason", "acknowledgement_id", "at", "by"),
    ),
    SignedRecord.ORDER_REVIEW: ("verbal_order_reviews", ("order_id", "visit_id", "review", "reason", "at", "by")),
}
"""Each signed kind's table and the columns its signature covers (every column but the id)."""

_SIGNED_ONLY = {SignedRecord.ACKNOWLEDGEMENT: "subject IN ({})".format(", ".join(f"'{s}'" for s in SIGNED_SUBJECTS))}
"""Which rows of a table are signed: an acknowledgement only when it is a physician's approval."""


def covered(kind: SignedRecord) -> tuple[str, ...]:
    """The columns a signature over ``kind`` covers, in order (the bulk loader builds the same fields)."""
    return _TABLES[kind][1]


@dataclass(frozen=True, slots=True)
class RecordSignature:
    """One record's signature with the record as it stands now (``fields`` None: the record is gone)."""

    id: int
    kind: SignedRecord
    record_id: int
    visit_id: int
    signer_id: int
    signer: str
    signed_at: str
    key_id: int
    digital: bytes
    fields: dict[str, object] | None


def fields(store: Store, kind: SignedRecord, record_id: int) -> dict[str, object]:
    """The record's columns as stored, the content its signature covers."""
    table, columns = _TABLES[kind]
    row = store.one(f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (record_id,))
    if row is None:
        raise LookupError(f"no {kind.value} {record_id}")
    return {c: row[c] for c in columns}


def add(
    store: Store,
    kind: SignedRecord,
    record_id: int,
    visit_id: int,
    *,
    signer_id: int,
    at: str,
    key_id: int,
    digital: bytes,
) -> int:
    """Append the signature over one record, audited as its signer's act; the signature's id."""
    with store.transaction():
        signature_id = store.insert(
            "INSERT INTO record_signatures (record, record_id, visit_id, signer_id, signed_at, key_id, signature)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind.value, record_id, visit_id, signer_id, at, key_id, digital),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=signer_id,
            action=AuditAction.SIGN_RECORD.value,
            entity="visit",
            entity_id=visit_id,
            after=payloads.record_signature(kind.value, record_id, signature_id, key_id, digital),
        )
    return signature_id


def signed(store: Store, visit_id: int | None = None, after: int = 0) -> Iterator[RecordSignature]:
    """Every record signature with its record as it stands, in order (``ketadesk check``); one visit's when given.

    The FHIR export reads a visit's to carry each as a Provenance with the signature's bytes;
    ``after``: only signatures with a higher id (made since a checkpoint).
    """
    for kind, (table, columns) in _TABLES.items():
        cols = ", ".join(f"r.{c} AS f_{c}" for c in columns)
        only_visit = "" if visit_id is None else " AND s.visit_id = ?"
        rows = store.all(
            f"SELECT s.id, s.record_id, s.visit_id, s.signer_id, u.login, s.signed_at, s.key_id, s.signature,"
            f" r.id AS present, {cols} FROM record_signatures s LEFT JOIN {table} r ON r.id = s.record_id"
            f" LEFT JOIN users u ON u.id = s.signer_id WHERE s.record = ? AND s.id > ?{only_visit} ORDER BY s.id",
            (kind.value, after) if visit_id is None else (kind.value, after, visit_id),
        )
        for row in rows:
            yield RecordSignature(
                row["id"],
                kind,
                row["record_id"],
                row["visit_id"],
                row["signer_id"],
                row["login"] or f"user {row['signer_id']}",
                row["signed_at"],
                row["key_id"],
                bytes(row["signature"]),
                None if row["present"] is None else {c: row[f"f_{c}"] for c in columns},
            )


def unsigned(store: Store) -> list[tuple[SignedRecord, int, int]]:
    """Records written since 0015 that must carry their author's signature and do not: (kind, id, visit)."""
    found: list[tuple[SignedRecord, int, int]] = []
    for kind, (table, _) in _TABLES.items():
        only = f" AND r.{_SIGNED_ONLY[kind]}" if kind in _SIGNED_ONLY else ""
        rows = store.all(
            f"SELECT r.id, r.visit_id FROM {table} r WHERE r.id >= coalesce("
            "(SELECT first_id FROM record_signatures_from WHERE record = ?), 1)"
            f"{only} AND NOT EXISTS (SELECT 1 FROM record_signatures s WHERE s.record = ? AND s.record_id = r.id)"
            " ORDER BY r.id",
            (kind.value, kind.value),
        )
        found += [(kind, row["id"], row["visit_id"]) for row in rows]
    return found
