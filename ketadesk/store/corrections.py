"""Corrections written and read: who replaced or struck an entry, when and why, and the entries that no longer count.

Writing a correction appends the corrected entry to its own table (through the same write
as a first entry) and a ``corrections`` row pointing from the original to it, in one
transaction, each with its audit row; a strike appends only the ``corrections`` row.
Nothing is updated or deleted. Reading gives, per visit, the corrections and the original
entries they took out of the current record, so screens and reports can show them struck.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.corrections import Corrected, Correction
from ketadesk.core.records import ChecklistEntry, NoteRecord, ScoreRecord, VitalsRecord
from ketadesk.store import audit
from ketadesk.store.db import Store
from ketadesk.store.record_rows import checklist_entry, correction, note_record, score_record
from ketadesk.store.visit_reads import IN_IDS, vitals_record

# An entry of ``alias`` in ``table`` that a correction or strike took out of the current record.
NOT_CORRECTED = "NOT EXISTS (SELECT 1 FROM corrections k WHERE k.record = '{record}' AND k.original_id = {alias}.id)"


def not_corrected(record: Corrected, alias: str) -> str:
    """The SQL condition that an entry (``alias``.id) of kind ``record`` still counts."""
    return NOT_CORRECTED.format(record=record.value, alias=alias)


def add_correction(
    store: Store,
    visit_id: int,
    record: Corrected,
    original_id: int,
    replacement_id: int | None,
    reason: str,
    *,
    at: str,
    actor_id: int,
) -> int:
    """Record that ``original_id`` was corrected by ``replacement_id`` (or struck, when None), and why."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO corrections (visit_id, record, original_id, replacement_id, reason, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (visit_id, record.value, original_id, replacement_id, reason, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.STRIKE if replacement_id is None else AuditAction.CORRECT,
            entity=AuditEntity.CORRECTION,
            entity_id=row_id,
            after={
                "visit_id": visit_id,
                "record": record.value,
                "original": original_id,
                "replacement": replacement_id,
                "reason": reason,
            },
        )
    return row_id


def correction_of(store: Store, record: Corrected, original_id: int) -> tuple[Correction, str] | None:
    """The correction or strike of one entry, with its author's display name; None while the entry still counts.

    Read inside the correcting transaction (under the write lock), so a correction made meanwhile
    at another workstation is seen before a second one is written.
    """
    row = store.one(
        "SELECT k.*, u.login, u.display_name FROM corrections k JOIN users u ON u.id = k.by"
        " WHERE k.record = ? AND k.original_id = ?",
        (record.value, original_id),
    )
    return None if row is None else (correction(row), str(row["display_name"]))


@dataclass(frozen=True, slots=True)
class History:
    """One visit's corrections and the entries they took out of the current record."""

    corrections: tuple[Correction, ...] = ()
    vitals: tuple[VitalsRecord, ...] = ()
    scores: tuple[ScoreRecord, ...] = ()
    checklist: tuple[ChecklistEntry, ...] = ()
    notes: tuple[NoteRecord, ...] = ()


def _grouped(store: Store, sql: str, ids: str) -> dict[int, list[sqlite3.Row]]:
    groups: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for found in store.all(sql, (ids,)):
        groups[found["visit_id"]].append(found)
    return groups


def histories(store: Store, ids: str) -> dict[int, History]:
    """The correction history of every visit in the JSON id list ``ids`` (visits with none are left out)."""
    fixed = _grouped(
        store,
        f"SELECT k.*, u.login FROM corrections k JOIN users u ON u.id = k.by WHERE k.visit_id {IN_IDS} ORDER BY k.id",
        ids,
    )
    # Readings keep their own pointer (older corrections of readings have no corrections row).
    vitals = _grouped(
        store,
        f"""SELECT v.*, u.login AS by_login FROM vitals v JOIN users u ON u.id = v.entered_by
        WHERE v.visit_id {IN_IDS} AND v.entered_in_error = 0
        AND EXISTS (SELECT 1 FROM vitals c WHERE c.corrects_id = v.id) ORDER BY v.taken_at, v.id""",
        ids,
    )
    if not fixed and not vitals:
        return {}

    def replaced(table: str, record: Corrected, order: str) -> dict[int, list[sqlite3.Row]]:
        return _grouped(
            store,
            f"""SELECT e.*, u.login FROM {table} e JOIN users u ON u.id = e.by WHERE e.visit_id {IN_IDS}
            AND NOT {not_corrected(record, "e")} ORDER BY {order}""",
            ids,
        )

    scores = replaced("scores", Corrected.SCORE, "e.taken_at, e.id")
    checklist = replaced("checklist_entries", Corrected.CHECKLIST, "e.id")
    notes = replaced("notes", Corrected.NOTE, "e.at, e.id")
    result: dict[int, History] = {}
    for visit_id in set(fixed) | set(vitals):
        result[visit_id] = History(
            corrections=tuple(correction(r) for r in fixed.get(visit_id, ())),
            vitals=tuple(vitals_record(r) for r in vitals.get(visit_id, ())),
            scores=tuple(score_record(r) for r in scores.get(visit_id, ())),
            checklist=tuple(checklist_entry(r) for r in checklist.get(visit_id, ())),
            notes=tuple(note_record(r) for r in notes.get(visit_id, ())),
        )
    return result
