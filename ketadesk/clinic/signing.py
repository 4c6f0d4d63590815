"""Physician sign-off and addenda: who signed what, provably, and the worklist of visits waiting.

A signature re-asks the password and seals the canonical content of what it covers with
SHA-256, and the signer's Ed25519 key (opened with that password, :mod:`ketadesk.clinic.keys`)
signs the signature row itself, hash included; the signed visit is then locked by triggers
in the database itself. Corrections afterwards are addenda, each signed by its author.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ketadesk.clinic import keys
from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.session import Session
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core.errors import ValidationError
from ketadesk.core.orders import signing_blocked_by
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitDetail, VisitSummary
from ketadesk.core.signing import (
    ADDENDUM_MEANING,
    VISIT_MEANING,
    Addendum,
    Signature,
    canonical_addendum,
    canonical_signature,
    canonical_visit,
    content_hash,
    visit_fingerprint,
)
from ketadesk.core.signing_keys import sign
from ketadesk.core.users import CHARTING, PHYSICIAN_ONLY
from ketadesk.store import keys as store_keys
from ketadesk.store import signatures as store_signatures
from ketadesk.store import visits as store_visits
from ketadesk.store.db import Store

SIGNATURE_BATCH = 500
"""Signatures ``ketadesk check`` verifies together: one query per table for the whole batch
instead of a round of queries per visit, while one batch of visit details stays a few megabytes."""


class Signing(Area):
    """The physician's worklist, signatures and addenda."""

    def awaiting(self) -> list[VisitSummary]:
        """Discharged visits waiting for a physician's signature, oldest discharge first."""
        store = self.session.store
        return [store_visits.row(store, visit_id).summary for visit_id in store_signatures.awaiting_signature(store)]

    def awaiting_count(self) -> int:
        """How many discharged visits wait for a signature (cheap enough for the status bar)."""
        return store_signatures.count_awaiting(self.session.store)

    def signature(self, visit_id: int) -> Signature | None:
        """The physician's signature over the visit, if signed."""
        return store_signatures.visit_signature(self.session.store, visit_id)

    def addenda(self, visit_id: int) -> list[Addendum]:
        """The visit's addenda in order, each with its author's signature."""
        return store_signatures.addenda(self.session.store, visit_id)

    def refuse_outstanding_orders(self, visit_id: int, detail: VisitDetail | None = None) -> None:
        """Raise naming each verbal order of the visit its physician has not countersigned or disputed yet."""
        if detail is None:
            detail, _ = store_visits.detail(self.session.store, visit_id)
        why = signing_blocked_by(detail.verbal_orders)
        if why:
            raise ValidationError("verbal_order", "unverified", "every verbal order countersigned", message=why)

    @use_case(
        "sign visits",
        roles=PHYSICIAN_ONLY,
        phases=(Phase.DISCHARGED,),
        refusal="only a discharged visit can be signed",
        refusal_message="Only a discharged visit can be signed; this one is {phase}.",
        changes={Change.SIGNATURE, Change.PHASE},
    )
    def sign_visit(
        self, visit_id: int, password: str, meaning: str = VISIT_MEANING, *, shown: str | None = None
    ) -> Changes:
        """A physician signs a discharged visit, re-entering the password; the visit then locks.

        Refused, naming each, while a verbal order in the visit is not yet countersigned or
        disputed by its physician (before the password is tried). ``shown``: the fingerprint
        (:func:`~ketadesk.core.signing.visit_fingerprint`) of the record the physician read; a
        record changed since (another workstation saved to it) is refused, nothing signed, so a
        signature never covers what its signer was not shown.
        """
        self.refuse_outstanding_orders(visit_id)
        Accounts(self.session).confirm_password(password, "reauthenticate_to_sign")
        return _seal_visit(self.session, visit_id, meaning, keys.unlock(self.session, password), shown)

    @use_case(
        "write addenda",
        roles=CHARTING,
        phases=(Phase.SIGNED,),
        refusal="addenda are for signed visits",
        refusal_message="Addenda are for signed visits; until signing, correct the record itself.",
        changes={Change.SIGNATURE, Change.NOTES},
    )
    def add_addendum(self, visit_id: int, text: str, reason: str, password: str) -> Changes:
        """A correction or addition after signing: attributed, time-stamped, with a reason, signed by its author."""
        body = clean_text("text", text, max_length=NOTE_MAX, required=True, label="Addendum")
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason for the addendum")
        Accounts(self.session).confirm_password(password, "reauthenticate_to_sign")
        return _seal_addendum(self.session, visit_id, body, why, keys.unlock(self.session, password))

    def problems(self) -> list[str]:
        """Every signature whose content no longer matches its hash or whose digital signature fails, named.

        Each digital signature is verified with its signer's public key of the time
        (:class:`~ketadesk.clinic.keys.Verifier` says what it reports). Signatures made before
        keys existed (migration 0012) have none and are reported only when their content
        changed; a row that names a key and fails is always reported.

        Signatures are verified :data:`SIGNATURE_BATCH` at a time: their visits' details are
        read with one query per table for the whole batch, so a ten-year clinic costs building
        and hashing the records rather than a round of queries per visit, and only one batch
        is in memory.
        """
        return self.key_problems() + self.signature_problems()

    def key_problems(self) -> list[str]:
        """The signing keys no audit entry records (the first lines of :meth:`problems`)."""
        return [f"signing {p}" for p in store_keys.unaudited(self.session.store)]

    def signature_problems(self, after: int = 0) -> list[str]:
        """The signatures alone, as :meth:`problems` checks them (a copied clinic's are checked on arrival).

        ``after``: only those with a higher id (made since a checkpoint).
        """
        return signature_problems(self.session.store, after)


def signature_problems(store: Store, after: int = 0, upto: int | None = None) -> list[str]:
    """:meth:`Signing.signature_problems` on a bare store: those with ``after`` < id ≤ ``upto``, oldest first.

    A store, not a session: the full check's worker processes each verify a range of ids
    this way (:mod:`ketadesk.clinic.check_workers`), and their findings, joined in order,
    are those of one pass over them all.
    """
    problems: list[str] = []
    verifier = keys.Verifier(store_keys.history(store), store_keys.keyed_from(store))
    for batch in store_signatures.signatures_in_batches(store, SIGNATURE_BATCH, after, upto):
        rows = store_visits.rows_by_id(store, (s.visit_id for s in batch if s.addendum_id is None))
        sealed = {
            detail.summary.id: content_hash(canonical_visit(detail)) for detail, _ in store_visits.details(store, rows)
        }
        addenda_by_id: dict[int, dict[int, Addendum]] = {}
        for stored in batch:
            bad = verifier.problem(stored)
            if bad is not None:
                where = f", addendum {stored.addendum_id}" if stored.addendum_id is not None else ""
                problems.append(f"visit {stored.visit_id}{where}: {bad}")
            if stored.addendum_id is None:
                if sealed[stored.visit_id] != stored.signature.content_hash:
                    problems.append(f"visit {stored.visit_id}: the signed content was changed after signing")
                continue
            if stored.visit_id not in addenda_by_id:
                addenda_by_id[stored.visit_id] = {a.id: a for a in store_signatures.addenda(store, stored.visit_id)}
            addendum = addenda_by_id[stored.visit_id].get(stored.addendum_id)
            if (
                addendum is None
                or content_hash(
                    canonical_addendum(
                        stored.visit_id, addendum.id, addendum.text, addendum.reason, addendum.at, addendum.by
                    )
                )
                != stored.signature.content_hash
            ):
                problems.append(f"visit {stored.visit_id}: addendum {stored.addendum_id} was changed after signing")
    return problems


def _digital(
    s: Session,
    visit_id: int,
    addendum_id: int | None,
    signature: Signature,
    stamp: str,
    key: tuple[int, Ed25519PrivateKey],
) -> bytes:
    """The signer's Ed25519 signature over the signature row as it will be stored."""
    key_id, private = key
    return sign(
        private,
        canonical_signature(
            visit_id=visit_id,
            addendum_id=addendum_id,
            signer_id=s.user.id,
            printed_name=signature.printed_name,
            credentials=signature.credentials,
            meaning=signature.meaning,
            signed_at=stamp,
            content_hash=signature.content_hash,
            key_id=key_id,
        ),
    )


def _seal_visit(
    s: Session, visit_id: int, meaning: str, key: tuple[int, Ed25519PrivateKey], shown: str | None
) -> Changes:
    """Write the signature and the "signed" step in one transaction (``sign_visit`` checked the password).

    The record the signature covers is read under the write lock, with the verbal orders checked
    again there: a correction or an order saved meanwhile at another workstation is either in
    the signed content or refuses the signature, never left outside a signature that locks it.
    """
    now = s.now()
    user = s.user
    stamp = s.stamp()
    with s.store.transaction():
        detail, _ = store_visits.detail(s.store, visit_id)
        Signing(s).refuse_outstanding_orders(visit_id, detail)
        fingerprint = visit_fingerprint(detail)
        if shown is not None and shown != fingerprint:
            raise ValidationError(
                "visit",
                visit_id,
                "the record as it was shown to the signer",
                message="The record of this visit changed while you were reading it (another workstation saved to "
                "it). Nothing was signed: the review now shows it as it is; read it again, then sign.",
            )
        signature = Signature(
            user.display_name, user.credentials, meaning.strip() or VISIT_MEANING, now, fingerprint, user.login
        )
        digital = _digital(s, visit_id, None, signature, stamp, key)
        store_signatures.add_signature(
            s.store, visit_id, None, signature, signer_id=user.id, at=stamp, key_id=key[0], digital=digital
        )
        store_visits.add_event(s.store, visit_id, Phase.SIGNED, at=stamp, actor_id=user.id, reason=signature.meaning)
    return Changes.visit(visit_id)


def _seal_addendum(s: Session, visit_id: int, body: str, why: str, key: tuple[int, Ed25519PrivateKey]) -> Changes:
    """Write an addendum and its author's signature together (:meth:`Signing.add_addendum` checked all)."""
    now = s.now()
    stamp = s.stamp()
    user = s.user
    with s.store.transaction():
        addendum_id = store_signatures.add_addendum(s.store, visit_id, body, why, at=stamp, actor_id=user.id)
        sealed = content_hash(canonical_addendum(visit_id, addendum_id, body, why, now, user.login))
        signature = Signature(user.display_name, user.credentials, ADDENDUM_MEANING, now, sealed, user.login)
        digital = _digital(s, visit_id, addendum_id, signature, stamp, key)
        store_signatures.add_signature(
            s.store, visit_id, addendum_id, signature, signer_id=user.id, at=stamp, key_id=key[0], digital=digital
        )
    return Changes.visit(visit_id, created_id=addendum_id)
