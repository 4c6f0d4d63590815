"""A physician's approvals, answers and reviews, signed as they are written, and verified by ``check``.

Each of these is the physician's decision in the record (:mod:`ketadesk.core.record_signing`
says which and why). The use case re-asks the physician's password — in their own session
or typed at the bedside — and opens their signing key with it, so a record in their name
cannot be made without it; the record and its signature are written in one transaction.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ketadesk.clinic.keys import Verifier
from ketadesk.clinic.session import Session
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.record_signing import SignedRecord, canonical_record
from ketadesk.core.signing_keys import sign
from ketadesk.reports.fhir import RecordSeal
from ketadesk.store import keys as store_keys
from ketadesk.store import record_signatures as store_records
from ketadesk.store.db import Store

Key = tuple[int, Ed25519PrivateKey]


def sign_record(s: Session, kind: SignedRecord, record_id: int, visit_id: int, signer_id: int, key: Key) -> int:
    """Sign one record just written (inside the caller's transaction) with ``signer_id``'s opened key."""
    key_id, private = key
    stamp = s.stamp()
    message = canonical_record(
        kind,
        record_id,
        store_records.fields(s.store, kind, record_id),
        signer_id=signer_id,
        signed_at=stamp,
        key_id=key_id,
    )
    return store_records.add(
        s.store, kind, record_id, visit_id, signer_id=signer_id, at=stamp, key_id=key_id, digital=sign(private, message)
    )


_BELONGS_TO = {SignedRecord.APPROVAL_ANSWER: "request_id", SignedRecord.ORDER_REVIEW: "order_id"}
"""The column naming what a signed answer or review belongs to (an acknowledgement is its own subject)."""


def export_seal(signed: store_records.RecordSignature) -> RecordSeal:
    """One record's signature as the FHIR export carries it: what it belongs to, who signed when, the bytes and text.

    The text is rebuilt from the row as it stands, as ``check`` verifies it, so a receiver
    holding the signer's public key can verify the signature over exactly this text.
    """
    assert signed.fields is not None, "a signature whose record is gone is reported by check, not exported"
    column = _BELONGS_TO.get(signed.kind)
    subject = signed.record_id if column is None else int(str(signed.fields[column]))
    text = canonical_record(
        signed.kind,
        signed.record_id,
        signed.fields,
        signer_id=signed.signer_id,
        signed_at=signed.signed_at,
        key_id=signed.key_id,
    )
    return RecordSeal(signed.kind, subject, signed.signer, from_utc_iso(signed.signed_at), signed.digital, text)


def problems(store: Store, after: int = 0) -> list[str]:
    """Each approval, answer or review whose signature fails, whose record changed, or that has none; named.

    ``after``: only the signatures with a higher id (made since a checkpoint); every record
    that must carry one and does not is still named (a look-up per kind of record).
    """
    verifier = Verifier(store_keys.history(store), store_keys.keyed_from(store))
    found: list[str] = []
    for signed in store_records.signed(store, after=after):
        what = f"visit {signed.visit_id}: {signed.kind.label} {signed.record_id}"
        if signed.fields is None:
            found.append(f"{what} is gone; its signature by {signed.signer} remains")
            continue
        if signed.fields.get("by") != signed.signer_id:
            found.append(f"{what} names another author than its signer {signed.signer}")
            continue
        message = canonical_record(
            signed.kind,
            signed.record_id,
            signed.fields,
            signer_id=signed.signer_id,
            signed_at=signed.signed_at,
            key_id=signed.key_id,
        )
        bad = verifier.verify(signed.signer, signed.signer_id, signed.key_id, signed.signed_at, signed.digital, message)
        if bad is not None:
            found.append(f"{what}: {bad} (changed after it was signed, or forged)")
    for kind, record_id, visit_id in store_records.unsigned(store):
        found.append(f"visit {visit_id}: {kind.label} {record_id} carries no digital signature by its physician")
    return found
