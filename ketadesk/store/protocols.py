"""The protocol in force at each visit, kept once per distinct text and named by its SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from ketadesk.core.protocol import Protocol
from ketadesk.store import audit
from ketadesk.store.audit import canonical
from ketadesk.store.db import Store


def protocol_text(protocol: Protocol) -> str:
    """The protocol as it was in force: every setting, as canonical JSON (the same settings, the same text)."""
    return canonical(asdict(protocol))


def digest(text: str) -> str:
    """The content hash a visit's protocol is known by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_in_force(store: Store, visit_id: int, text: str, *, at: str, actor_id: int) -> None:
    """Note the protocol a visit starts under (once per visit); a text not seen before is kept, audited."""
    sha = digest(text)
    with store.transaction():
        if store.one("SELECT 1 FROM visit_protocols WHERE visit_id = ?", (visit_id,)):
            return
        row = store.one("SELECT id FROM protocols WHERE sha256 = ?", (sha,))
        if row is None:
            protocol_id = store.insert(
                "INSERT INTO protocols (sha256, text, at, by) VALUES (?, ?, ?, ?)", (sha, text, at, actor_id)
            )
            audit.append(
                store,
                at=at,
                actor_id=actor_id,
                action="protocol",
                entity="protocol",
                entity_id=protocol_id,
                after={"sha256": sha},
            )
        else:
            protocol_id = int(row[0])
        store.execute(
            "INSERT INTO visit_protocols (visit_id, protocol_id, at, by) VALUES (?, ?, ?, ?)",
            (visit_id, protocol_id, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action="protocol",
            entity="visit",
            entity_id=visit_id,
            after={"protocol_id": protocol_id, "sha256": sha},
        )


def altered(store: Store) -> list[str]:
    """Each kept protocol whose text no longer hashes to the SHA-256 it was recorded under."""
    return [
        f"protocols: row {r['id']}'s text has changed since it was recorded (sha256 {r['sha256'][:12]}…)"
        for r in store.all("SELECT id, sha256, text FROM protocols ORDER BY id")
        if digest(r["text"]) != r["sha256"]
    ]
