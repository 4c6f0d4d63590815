"""Rows of the visit's record tables turned into core's values, once, for every read that needs them.

The full visit read (:mod:`ketadesk.store.visit_details`) and the read of corrected entries
(:mod:`ketadesk.store.corrections`) build the same records from the same columns.
"""

from __future__ import annotations

import json
import sqlite3

from ketadesk.core.clock import from_utc_iso
from ketadesk.core.corrections import Corrected, Correction
from ketadesk.core.records import ChecklistEntry, NoteRecord, ScoreRecord


def checklist_entry(r: sqlite3.Row) -> ChecklistEntry:
    """A ``checklist_entries`` row joined with its author's ``login``."""
    return ChecklistEntry(
        r["checklist"], r["item_key"], bool(r["checked"]), r["note"], from_utc_iso(r["at"]), r["login"], r["id"]
    )


def note_record(r: sqlite3.Row) -> NoteRecord:
    """A ``notes`` row joined with its author's ``login``."""
    return NoteRecord(r["id"], r["kind"], r["text"], from_utc_iso(r["at"]), r["login"], r["corrects_id"])


def score_record(r: sqlite3.Row) -> ScoreRecord:
    """A ``scores`` row joined with its author's ``login``."""
    items = tuple(sorted((str(k), int(v)) for k, v in json.loads(r["items"]).items())) if r["items"] else ()
    return ScoreRecord(r["id"], r["scale"], r["total"], items, from_utc_iso(r["taken_at"]), r["login"])


def correction(r: sqlite3.Row) -> Correction:
    """A ``corrections`` row joined with its author's ``login``."""
    return Correction(
        r["id"],
        Corrected(r["record"]),
        r["original_id"],
        r["replacement_id"],
        r["reason"],
        from_utc_iso(r["at"]),
        r["login"],
    )
