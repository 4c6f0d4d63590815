"""Signing keys: an Ed25519 key pair per clinician, the private half sealed under their password.

A signature is only as good as the secret behind it. Each clinician's private key is kept
only sealed: ChaCha20-Poly1305 under a key derived from their password with argon2id (a
random salt per seal, the cost stored with it), the user's id and public key bound in as
associated data, so the sealed bytes open for that user and that key only. Whoever holds the
database file but not the password cannot sign in anyone's name: replacing the password hash
lets them sign in, not sign, because the private key still opens only with the old password.

Pure functions (no I/O): the store keeps the bytes, the clinic decides when keys are made.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SALT_BYTES = 16
NONCE_BYTES = 12


class KeyWontOpen(ValueError):
    """The password does not open this sealed private key (or the seal was tampered with)."""


@dataclass(frozen=True, slots=True)
class KdfCost:
    """The argon2id cost a seal was made with, stored beside it so it opens whatever the default becomes."""

    time_cost: int = 3
    memory_cost: int = 65536
    parallelism: int = 4

    def text(self) -> str:
        """The cost as stored: canonical JSON with the algorithm named."""
        return json.dumps(
            {"kdf": "argon2id", "t": self.time_cost, "m": self.memory_cost, "p": self.parallelism},
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_text(cls, text: str) -> KdfCost:
        """Read a stored cost back (refusing an algorithm this program does not know)."""
        data = json.loads(text)
        if data.get("kdf") != "argon2id":
            raise KeyWontOpen(f"unknown key derivation {data.get('kdf')!r}")
        return cls(int(data["t"]), int(data["m"]), int(data["p"]))


@dataclass(frozen=True, slots=True)
class SealedKey:
    """A private key as stored: sealed, with everything needed to open it except the password."""

    public_key: bytes
    cost: KdfCost
    salt: bytes
    nonce: bytes
    sealed: bytes


def wrapping_key(password: str, salt: bytes, cost: KdfCost) -> bytes:
    """The 32-byte key a seal is made with: argon2id of the password (the slow step, by design)."""
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=cost.time_cost,
        memory_cost=cost.memory_cost,
        parallelism=cost.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _bound(user_id: int, public_key: bytes) -> bytes:
    """The associated data: a seal moved to another user or another key no longer opens."""
    return f"ketadesk signing key v1|user {user_id}|".encode() + public_key


def public_bytes(private: Ed25519PrivateKey) -> bytes:
    """The 32 raw bytes of a private key's public half."""
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def seal(
    private: Ed25519PrivateKey,
    password: str,
    user_id: int,
    cost: KdfCost,
    *,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> SealedKey:
    """Seal ``private`` under ``password`` (fresh random salt and nonce unless given)."""
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    return seal_under(private, wrapping_key(password, salt, cost), user_id, cost, salt, nonce)


def seal_under(
    private: Ed25519PrivateKey, wrapping: bytes, user_id: int, cost: KdfCost, salt: bytes, nonce: bytes | None = None
) -> SealedKey:
    """Seal with a wrapping key already derived from the password with ``salt`` and ``cost`` (the bench's many keys)."""
    nonce = nonce if nonce is not None else os.urandom(NONCE_BYTES)
    public = public_bytes(private)
    sealed = ChaCha20Poly1305(wrapping).encrypt(nonce, private.private_bytes_raw(), _bound(user_id, public))
    return SealedKey(public, cost, salt, nonce, sealed)


def new_key(password: str, user_id: int, cost: KdfCost, *, seed: bytes | None = None) -> SealedKey:
    """A new key pair for ``user_id``, sealed under ``password`` (``seed``: 32 bytes, for the bench's fixed keys)."""
    private = Ed25519PrivateKey.from_private_bytes(seed) if seed is not None else Ed25519PrivateKey.generate()
    return seal(private, password, user_id, cost)


def open_key(sealed: SealedKey, password: str, user_id: int) -> Ed25519PrivateKey:
    """The private key, if ``password`` opens the seal and it is the key the seal says; else :class:`KeyWontOpen`."""
    try:
        raw = ChaCha20Poly1305(wrapping_key(password, sealed.salt, sealed.cost)).decrypt(
            sealed.nonce, sealed.sealed, _bound(user_id, sealed.public_key)
        )
    except InvalidTag:
        raise KeyWontOpen("this password does not open the signing key") from None
    private = Ed25519PrivateKey.from_private_bytes(raw)
    if public_bytes(private) != sealed.public_key:
        raise KeyWontOpen("the sealed key is not the key it claims to be")
    return private


def sign(private: Ed25519PrivateKey, message: str) -> bytes:
    """The 64-byte Ed25519 signature over ``message`` (UTF-8)."""
    return private.sign(message.encode("utf-8"))


def verifier(public_key: bytes) -> Ed25519PublicKey:
    """A public key ready to verify with (load once, verify many: ``check`` keeps one per key)."""
    return Ed25519PublicKey.from_public_bytes(public_key)


def verifies(public: Ed25519PublicKey, signature: bytes, message: str) -> bool:
    """True when ``signature`` is ``public``'s signature over ``message``."""
    try:
        public.verify(signature, message.encode("utf-8"))
    except InvalidSignature:
        return False
    return True
