"""The generated staff's password hash and signing keys, fixed so the same spec gives the same file.

Each generated user gets the key pair the program would have issued with their first
password (``created``, by the program itself), but deterministic: the Ed25519 private key
comes from a seed derived from the login, sealed under :data:`BENCH_PASSWORD` with a fixed
salt (one argon2id derivation for all of them, at the program's own cost) and a nonce per
user. Signatures are then real Ed25519 signatures over the signature row, as
``signing.sign_visit`` makes them, so ``ketadesk check`` verifies them on a generated file.
"""

from __future__ import annotations

import hashlib
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.low_level import hash_secret
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.clinic_gen.vocabulary import BENCH_PASSWORD
from ketadesk.clinic.keys import KDF_COST
from ketadesk.core import signing_keys
from ketadesk.core.record_signing import SignedRecord, canonical_record
from ketadesk.core.signing import canonical_signature
from ketadesk.store import keys as store_keys
from ketadesk.store import payloads
from ketadesk.store import record_signatures as store_records
from ketadesk.store.bulk_insert import BulkWriter
from ketadesk.store.db import Store

BENCH_KEY_SALT = b"ketadesk-bench-k"
SigningKey = tuple[int, Ed25519PrivateKey]
"""A key's id and its private key, opened."""


@cache
def password_hash() -> str:
    """The bench password hashed as the program hashes (argon2id, its cost), with a fixed salt: one file per spec."""
    cost = PasswordHasher()
    return hash_secret(
        BENCH_PASSWORD.encode(),
        b"ketadesk-bench-1",
        time_cost=cost.time_cost,
        memory_cost=cost.memory_cost,
        parallelism=cost.parallelism,
        hash_len=cost.hash_len,
        type=Type.ID,
    ).decode()


@cache
def _wrapping() -> bytes:
    return signing_keys.wrapping_key(BENCH_PASSWORD, BENCH_KEY_SALT, KDF_COST)


def write_key(w: BulkWriter, user_id: int, login: str, at: str, actor: int) -> SigningKey:
    """Buffer a generated user's key, its seal and the audit row, as ``clinic.keys.issue`` writes them."""
    private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"ketadesk bench key|{login}".encode()).digest())
    sealed = signing_keys.seal_under(
        private, _wrapping(), user_id, KDF_COST, BENCH_KEY_SALT, nonce=user_id.to_bytes(12, "big")
    )
    key_id = w.add("signing_keys", (user_id, sealed.public_key, store_keys.CREATED, at, actor))
    w.audit(
        at,
        actor,
        store_keys.KEY_ACTION,
        "user",
        user_id,
        None,
        payloads.signing_key(key_id, sealed.public_key, store_keys.CREATED, user_id),
    )
    w.add("signing_key_seals", (key_id, sealed.cost.text(), sealed.salt, sealed.nonce, sealed.sealed, at))
    return key_id, private


def existing_key(store: Store, user_id: int) -> SigningKey | None:
    """The key of a user already in the file (made through the API with the bench password), opened."""
    found = store_keys.current(store, user_id)
    if found is None:
        return None
    key_id, sealed = found
    return key_id, signing_keys.open_key(sealed, BENCH_PASSWORD, user_id)


def sign_row(
    key: SigningKey, visit_id: int, signer_id: int, name: str, credentials: str, meaning: str, at: str, sealed: str
) -> bytes:
    """The Ed25519 signature ``signing.sign_visit`` would store for this visit signature row."""
    key_id, private = key
    message = canonical_signature(
        visit_id=visit_id,
        addendum_id=None,
        signer_id=signer_id,
        printed_name=name,
        credentials=credentials,
        meaning=meaning,
        signed_at=at,
        content_hash=sealed,
        key_id=key_id,
    )
    return signing_keys.sign(private, message)


def sign_acknowledgement(
    w: BulkWriter, key: SigningKey, visit_id: int, ack_id: int, values: tuple[object, ...], signer_id: int, at: str
) -> None:
    """Buffer the signature over a physician's approval and its audit row, as ``record_signing.sign_record`` does.

    ``values`` are the acknowledgement's subject, subject id, note, time and author.
    """
    key_id, private = key
    kind = SignedRecord.ACKNOWLEDGEMENT
    fields = dict(zip(store_records.covered(kind), (visit_id, *values, None), strict=True))
    digital = signing_keys.sign(
        private, canonical_record(kind, ack_id, fields, signer_id=signer_id, signed_at=at, key_id=key_id)
    )
    signed = w.add("record_signatures", (kind.value, ack_id, visit_id, signer_id, at, key_id, digital))
    payload = payloads.record_signature(kind.value, ack_id, signed, key_id, digital)
    w.audit(at, signer_id, "sign_record", "visit", visit_id, None, payload)
