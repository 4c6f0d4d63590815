"""Clinicians' signing keys: made with a password, opened only with it, verified by ``check``.

When keys are made: with a user's first password (``setup_clinic``, ``create_user``), and
anew when an administrator resets someone's password (the administrator cannot open the
old key, so the user gets a new pair; the old public key is kept forever and the
signatures made with it still verify). A user changing their own password types the
current one, and the same key is sealed again under the new one. A user who has a
password but no key yet (made before keys existed, or given a bare hash) gets one at their
first signature, sealed under the password they have just re-entered.

Why a replaced password hash cannot sign: signing opens the private key with the password
typed, and the key is still sealed under the old password; a new hash in ``users`` lets a
forger sign in, and the signature is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ketadesk.clinic.session import Session
from ketadesk.core import signing_keys
from ketadesk.core.errors import ValidationError
from ketadesk.core.signing import canonical_signature
from ketadesk.core.signing_keys import KdfCost, KeyWontOpen
from ketadesk.store import keys as store_keys
from ketadesk.store.signatures import StoredSignature

KDF_COST = KdfCost()
"""argon2id's cost for new seals (64 MiB, 3 passes, 4 lanes: about what a password hash costs). Tests lower it."""


def issue(s: Session, user_id: int, password: str, reason: str = store_keys.CREATED) -> int:
    """A new key pair for ``user_id`` sealed under ``password``, written and audited as ``s``'s user's act."""
    sealed = signing_keys.new_key(password, user_id, KDF_COST)
    return store_keys.add_key(s.store, user_id, sealed, reason, at=s.stamp(), actor_id=s.user.id)


def reseal(s: Session, current_password: str, new_password: str) -> None:
    """Seal the signed-in user's key under their new password (they have none yet: make one under it)."""
    user = s.user
    found = store_keys.current(s.store, user.id)
    if found is None:
        issue(s, user.id, new_password)
        return
    key_id, sealed = found
    private = _open(sealed, current_password, user.id)
    again = signing_keys.seal(private, new_password, user.id, KDF_COST)
    store_keys.add_seal(s.store, key_id, user.id, again, at=s.stamp(), actor_id=user.id)


def unlock(s: Session, password: str, user_id: int | None = None) -> tuple[int, Ed25519PrivateKey]:
    """A key id and private key opened with ``password`` (already checked as its owner's).

    The signed-in user's, or ``user_id``'s: a physician approving at the bedside has typed
    their own password into the nurse's session, and signs with their own key.
    """
    owner = s.user.id if user_id is None else user_id
    found = store_keys.current(s.store, owner)
    if found is None:
        issue(s, owner, password)
        found = store_keys.current(s.store, owner)
        assert found is not None
    key_id, sealed = found
    return key_id, _open(sealed, password, owner)


def _open(sealed: signing_keys.SealedKey, password: str, user_id: int) -> Ed25519PrivateKey:
    try:
        return signing_keys.open_key(sealed, password, user_id)
    except KeyWontOpen:
        raise ValidationError(
            "password",
            "(hidden)",
            "the password the signing key is sealed under",
            message="Your signing key does not open with this password: it is sealed under the password "
            "you had when it was made. Ask an administrator to reset your password; that issues a new signing key.",
        ) from None


@dataclass(frozen=True, slots=True)
class _Key:
    user_id: int
    public: Ed25519PublicKey
    valid_from: str
    replaced_at: str | None


class Verifier:
    """Every public key of the file, loaded once, to verify signatures one by one (``ketadesk check``).

    A signature row written before migration 0012 (id below ``keyed_from``) has no digital
    signature and is not reported for lacking one; its content hash is still compared. A
    later row without one, a row naming a key that does not exist or belongs to someone
    else, one made outside the key's time (before it was issued or after it was replaced),
    and one whose Ed25519 signature does not verify over the row are each reported.
    """

    def __init__(self, history: list[store_keys.PublicKey], keyed_from: int) -> None:
        self.keyed_from = keyed_from
        self.keys: dict[int, _Key] = {}
        newest: dict[int, int] = {}
        for key in history:
            if key.user_id in newest:
                older = self.keys[newest[key.user_id]]
                self.keys[newest[key.user_id]] = _Key(older.user_id, older.public, older.valid_from, key.created_at)
            try:
                public = signing_keys.verifier(key.public_key)
            except ValueError:
                continue  # not a public key at all: signatures naming it are reported as naming no key
            self.keys[key.id] = _Key(key.user_id, public, key.created_at, None)
            newest[key.user_id] = key.id

    def problem(self, stored: StoredSignature) -> str | None:
        """What is wrong with one signature's digital signature, or None when it holds."""
        signer = f"{stored.signature.login} ({stored.signature.printed_name})"
        if stored.key_id is None or stored.digital is None:
            if stored.id < self.keyed_from and stored.key_id is None and stored.digital is None:
                return None
            return f"the signature by {signer} carries no digital signature"
        message = canonical_signature(
            visit_id=stored.visit_id,
            addendum_id=stored.addendum_id,
            signer_id=stored.signer_id,
            printed_name=stored.signature.printed_name,
            credentials=stored.signature.credentials,
            meaning=stored.signature.meaning,
            signed_at=stored.signed_at,
            content_hash=stored.signature.content_hash,
            key_id=stored.key_id,
        )
        return self.verify(signer, stored.signer_id, stored.key_id, stored.signed_at, stored.digital, message)

    def verify(
        self, signer: str, signer_id: int, key_id: int, signed_at: str, digital: bytes, message: str
    ) -> str | None:
        """Whether ``digital`` is ``signer_id``'s signature over ``message`` by key ``key_id`` in its time; why not."""
        key = self.keys.get(key_id)
        if key is None:
            return f"the signature by {signer} names key {key_id}, which is not in the keys' history"
        if key.user_id != signer_id:
            return f"the signature by {signer} was made with key {key_id}, another user's key"
        if signed_at < key.valid_from or (key.replaced_at is not None and signed_at >= key.replaced_at):
            return f"the signature by {signer} is dated {signed_at}, outside key {key_id}'s time in use"
        if not signing_keys.verifies(key.public, digital, message):
            return f"the digital signature by {signer} does not verify with key {key_id}"
        return None
