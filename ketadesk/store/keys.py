"""Signing keys as stored: the public keys' history and each private key's seals.

Both tables are append-only (0012). A key is never replaced in place: an administrator's
reset adds a new key (``reset``), and a clinician changing their own password adds a new
seal of the same key; the newest of each is the one in use. Every key and every seal is
written with its audit row in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketadesk.core.audit import AuditAction
from ketadesk.core.signing_keys import KdfCost, SealedKey
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store

CREATED = "created"
RESET = "reset"
KEY_ACTION = AuditAction.SIGNING_KEY.value
SEAL_ACTION = AuditAction.SEAL_SIGNING_KEY.value


@dataclass(frozen=True, slots=True)
class PublicKey:
    """One row of the public keys' history."""

    id: int
    user_id: int
    public_key: bytes
    reason: str
    created_at: str


def add_key(store: Store, user_id: int, sealed: SealedKey, reason: str, *, at: str, actor_id: int) -> int:
    """Append a new key for ``user_id`` and its first seal, audited; the key's id."""
    with store.transaction():
        key_id = store.insert(
            "INSERT INTO signing_keys (user_id, public_key, reason, created_at, by) VALUES (?, ?, ?, ?, ?)",
            (user_id, sealed.public_key, reason, at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action=KEY_ACTION,
            entity="user",
            entity_id=user_id,
            after=payloads.signing_key(key_id, sealed.public_key, reason, user_id),
        )
        _add_seal(store, key_id, sealed, at=at)
    return key_id


def add_seal(store: Store, key_id: int, user_id: int, sealed: SealedKey, *, at: str, actor_id: int) -> int:
    """Seal an existing key again (its owner's new password), audited; the seal's id."""
    with store.transaction():
        seal_id = _add_seal(store, key_id, sealed, at=at)
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action=SEAL_ACTION,
            entity="user",
            entity_id=user_id,
            after=payloads.signing_key_sealed(key_id, seal_id),
        )
    return seal_id


def _add_seal(store: Store, key_id: int, sealed: SealedKey, *, at: str) -> int:
    return store.insert(
        "INSERT INTO signing_key_seals (key_id, kdf, salt, nonce, sealed, at) VALUES (?, ?, ?, ?, ?, ?)",
        (key_id, sealed.cost.text(), sealed.salt, sealed.nonce, sealed.sealed, at),
    )


def current(store: Store, user_id: int) -> tuple[int, SealedKey] | None:
    """The user's key in use (the newest) with its newest seal, or None if they have none yet."""
    row = store.one(
        """SELECT k.id, k.public_key, s.kdf, s.salt, s.nonce, s.sealed FROM signing_keys k
           JOIN signing_key_seals s ON s.key_id = k.id
           WHERE k.user_id = ? ORDER BY k.id DESC, s.id DESC LIMIT 1""",
        (user_id,),
    )
    if row is None:
        return None
    return int(row[0]), SealedKey(bytes(row[1]), KdfCost.from_text(row[2]), bytes(row[3]), bytes(row[4]), bytes(row[5]))


def history(store: Store) -> list[PublicKey]:
    """Every public key ever issued, oldest first (a few per clinician: ``check`` holds them all)."""
    rows = store.all("SELECT id, user_id, public_key, reason, created_at FROM signing_keys ORDER BY id")
    return [PublicKey(int(r[0]), int(r[1]), bytes(r[2]), r[3], r[4]) for r in rows]


def keyed_from(store: Store) -> int:
    """The first signature id that must carry a digital signature (rows before 0012 have none)."""
    row = store.one("SELECT min(first_id) FROM keyed_signatures_from")
    return int(row[0]) if row and row[0] is not None else 1


def unaudited(store: Store) -> list[str]:
    """Each key whose row does not match the audit row written with it (none, another user, another key, time).

    The key rows (a handful) against the key entries of their users, each row's payload built
    again by the function that wrote it (:func:`payloads.signing_key`), so a public key slipped
    into the table, swapped, or re-dated behind the program's back is named, on either engine;
    what the audit rows themselves are worth is the audit chain's check.
    """
    keys = store.all(
        "SELECT k.id, k.user_id, u.login, k.public_key, k.reason, k.created_at, k.by FROM signing_keys k"
        " LEFT JOIN users u ON u.id = k.user_id ORDER BY k.id"
    )
    entries = store.all(
        "SELECT entity_id, at, actor_id, after FROM audit WHERE entity = 'user' AND action = ?"
        " AND entity_id IN (SELECT user_id FROM signing_keys)",
        (KEY_ACTION,),
    )
    recorded = {tuple(entry) for entry in entries}
    return [
        f"key {k[0]} of {k[2] or f'user {k[1]}'} does not match the audit row it was written with"
        for k in keys
        if (k[1], k[5], k[6], payloads.signing_key(k[0], bytes(k[3]), k[4], k[1])) not in recorded
    ]
