"""Which of a physician's acts besides the visit signature are digitally signed, and over what.

A physician's approval of a protocol override (an acknowledgement), their answer to a
nurse's request (approved or declined) and their review of a verbal order given in their
name (countersigned or disputed) are decisions in the physician's name that clear or block
the bedside's gates and the visit's signature. Each is signed like the visit itself: with
the physician's Ed25519 key, opened by the password they have just typed, over the stored
row (21 CFR 11.70, a signature linked to its record so it cannot be excised, copied or
transferred) — so a row forged or edited with raw SQL no longer verifies, and one written
without a signature is reported by ``ketadesk check``.

A nurse's acknowledgement of an alert reading is the nurse's own charting, not a decision
in anyone's name, and is not signed (its audit entry is its record, as for every reading).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from ketadesk.core.orders import OVERRIDE_SUBJECTS
from ketadesk.core.signing import canonical_json


class SignedRecord(StrEnum):
    """The kinds of record a physician signs as they write them."""

    ACKNOWLEDGEMENT = "acknowledgement"
    APPROVAL_ANSWER = "approval_answer"
    ORDER_REVIEW = "order_review"

    @property
    def label(self) -> str:
        """How ``check`` names the record: ``approval 12``, ``answer to request 4`` …"""
        return _LABELS[self]


_LABELS = {
    SignedRecord.ACKNOWLEDGEMENT: "approval",
    SignedRecord.APPROVAL_ANSWER: "answer to request",
    SignedRecord.ORDER_REVIEW: "review of verbal order",
}

SIGNED_SUBJECTS = OVERRIDE_SUBJECTS
"""The acknowledgements that are a physician's approval, and so signed (an alert's is the nurse's)."""


def canonical_record(
    kind: SignedRecord,
    record_id: int,
    fields: Mapping[str, object],
    *,
    signer_id: int,
    signed_at: str,
    key_id: int,
) -> str:
    """What the Ed25519 signature over one record is made over: the row as stored, and who signed when with which key.

    ``fields`` are the row's columns as stored (times as their UTC ISO text, to the
    character), so the signature is over exactly what the database holds; the record's
    kind and id are in it, so a signature copied onto another row does not verify.
    """
    return canonical_json(
        {
            "v": 1,
            "record": kind.value,
            "id": record_id,
            "fields": dict(fields),
            "signer_id": signer_id,
            "signed_at": signed_at,
            "key_id": key_id,
        }
    )
