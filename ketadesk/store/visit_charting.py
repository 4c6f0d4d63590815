"""Charting during a visit, written: notes, acknowledgements, scores, adverse events, interventions, drafts.

Each row is appended with its audit row in the same transaction (payloads from
:mod:`ketadesk.store.payloads`); :mod:`ketadesk.store.visits` re-exports these names, so
callers keep one module per aggregate.
"""

from __future__ import annotations

import json

from ketadesk.core.events import AdverseEventKind, Route
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store


def add_note(
    store: Store,
    visit_id: int,
    kind: str,
    text: str,
    *,
    at: str,
    actor_id: int,
    corrects_id: int | None = None,
    noted_at: str | None = None,
) -> int:
    """Save a time-stamped note (``noted_at``: a corrected note keeps the time of the one it replaces)."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO notes (visit_id, kind, text, at, by, corrects_id) VALUES (?, ?, ?, ?, ?, ?)",
            (visit_id, kind, text, noted_at or at, actor_id, corrects_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action="note",
            entity="note",
            entity_id=row_id,
            after={"visit_id": visit_id, "kind": kind, "text": text, "corrects": corrects_id},
        )
    return row_id


def add_acknowledgement(
    store: Store,
    visit_id: int,
    subject: str,
    subject_id: int | None,
    note: str,
    *,
    at: str,
    actor_id: int,
    entered_by: int | None = None,
) -> int:
    """Record that a clinician saw an alert or approved an override, and what they did.

    ``actor_id`` is whose act it is; ``entered_by`` the user whose session it was typed in,
    when that is someone else (a physician approving at a nurse's workstation).
    """
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO acknowledgements (visit_id, subject, subject_id, note, at, by, entered_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (visit_id, subject, subject_id, note, at, actor_id, entered_by),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="acknowledge",
            entity="visit",
            entity_id=visit_id,
            after=payloads.acknowledgement(subject, subject_id, note, entered_by),
        )
    return row_id


def add_score(
    store: Store,
    visit_id: int,
    scale: str,
    total: int,
    items: dict[str, int] | None,
    *,
    taken_at: str,
    at: str,
    actor_id: int,
) -> int:
    """Save a bedside scale score (MOAA/S, RASS, CADSS-6, Aldrete)."""
    items_text = json.dumps(items, sort_keys=True) if items else ""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO scores (visit_id, scale, total, items, taken_at, by) VALUES (?, ?, ?, ?, ?, ?)",
            (visit_id, scale, total, items_text, taken_at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="score",
            entity="visit",
            entity_id=visit_id,
            after=payloads.score(scale, total, items, taken_at),
        )
    return row_id


def add_adverse_event(
    store: Store, visit_id: int, kind: AdverseEventKind, description: str, *, onset_at: str, at: str, actor_id: int
) -> int:
    """Record an adverse event."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO adverse_events (visit_id, kind, description, onset_at, at, by) VALUES (?, ?, ?, ?, ?, ?)",
            (visit_id, kind.value, description, onset_at, at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="adverse_event",
            entity="visit",
            entity_id=visit_id,
            after=payloads.adverse_event(row_id, kind.value, description, onset_at),
        )
    return row_id


def add_intervention(
    store: Store,
    visit_id: int,
    *,
    drug: str,
    dose: str,
    route: Route,
    given_at: str,
    note: str,
    adverse_event_id: int | None,
    at: str,
    actor_id: int,
) -> int:
    """Record a medicine or measure given during the visit."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO interventions (visit_id, adverse_event_id, drug, dose, route, given_at, note, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (visit_id, adverse_event_id, drug, dose, route.value, given_at, note, at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="intervention",
            entity="visit",
            entity_id=visit_id,
            after=payloads.intervention(row_id, drug, dose, route.value, given_at, note, adverse_event_id),
        )
    return row_id


def save_draft(store: Store, visit_id: int, user_id: int, field: str, text: str, *, at: str) -> None:
    """Keep what a nurse is typing, replacing the previous draft (scratch, not record: not audited)."""
    with store.transaction():
        if text:
            store.execute(
                "INSERT INTO drafts (visit_id, user_id, field, text, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (visit_id, user_id, field) DO UPDATE SET text = excluded.text,"
                " updated_at = excluded.updated_at",
                (visit_id, user_id, field, text, at),
            )
        else:
            store.execute(
                "DELETE FROM drafts WHERE visit_id = ? AND user_id = ? AND field = ?", (visit_id, user_id, field)
            )
