"""Each corrected or struck entry of a visit in words: what was first recorded, what counts now, who, when, why.

The review screen and the visit report list the corrections of a visit the same way, from
the record alone; times and names are formatted by the caller (a screen shows local clock
time and printed names, a report its own formats).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ketadesk.core.charting import note_label
from ketadesk.core.corrections import Corrected, Correction
from ketadesk.core.records import ChecklistEntry, NoteRecord, ScoreRecord, VisitDetail, VitalsRecord
from ketadesk.core.scales import scale_label

Clock = Callable[[datetime], str]


@dataclass(frozen=True, slots=True)
class CorrectedEntry:
    """One entry that no longer counts, in words."""

    record: Corrected
    original_id: int
    recorded: str
    """The entry as first recorded (shown struck through)."""
    now: str
    """What counts in its place: the corrected entry, or that nothing does (struck)."""
    correction: Correction | None
    """Who corrected it, when and why (None for a reading corrected before corrections kept their reason)."""
    at: datetime
    """When the entry was charted (the list is in this order)."""

    @property
    def status(self) -> str:
        """``corrected`` or ``entered in error``."""
        return self.correction.status if self.correction is not None else "corrected"


def reading_words(record: VitalsRecord) -> str:
    """``BP 182/84, HR 76, SpO2 98 %, RR 14`` (and the temperature when taken)."""
    v = record.vitals
    temp = f", Temp {v.temp_c:g} °C" if v.temp_c is not None else ""
    return f"BP {v.sbp}/{v.dbp}, HR {v.hr}, SpO2 {v.spo2} %, RR {v.rr}{temp}"


def score_words(score: ScoreRecord) -> str:
    """``MOAA/S 3`` or ``CADSS-6 4 (1: 1, 2: 1, …)``."""
    items = f" ({', '.join(f'{k}: {v}' for k, v in score.items)})" if score.items else ""
    return f"{scale_label(score.scale)} {score.total}{items}"


def answer_words(entry: ChecklistEntry, labels: dict[str, str]) -> str:
    """``“Escort present” ticked`` with its note."""
    state = "ticked" if entry.checked else "not ticked"
    note = f" — {entry.note}" if entry.note else ""
    return f"“{labels.get(entry.item_key, entry.item_key)}” {state}{note}"


def note_words(note: NoteRecord) -> str:
    """``Nursing note: …``."""
    return f"{note_label(note.kind)} note: {note.text}"


def corrected_entries(detail: VisitDetail, time: Clock, labels: dict[str, str]) -> list[CorrectedEntry]:
    """Every entry of the visit that no longer counts, in the order it was charted.

    ``time`` formats a moment for the reader; ``labels`` names the checklist items by key.
    """
    vitals = {r.id: r for r in (*detail.vitals, *detail.replaced_vitals)}
    scores = {x.id: x for x in (*detail.scores, *detail.replaced_scores)}
    answers = {c.id: c for c in (*detail.checklist, *detail.replaced_checklist)}
    notes = {n.id: n for n in (*detail.notes, *detail.replaced_notes)}
    replaced_by = {r.corrects_id: r for r in vitals.values() if r.corrects_id is not None and not r.entered_in_error}
    out: list[CorrectedEntry] = []
    for reading in detail.replaced_vitals:
        fix = detail.correction_of(Corrected.VITALS, reading.id)
        after = replaced_by.get(reading.id)
        now = "nothing (struck)" if after is None or (fix is not None and fix.struck) else reading_words(after)
        words = f"{time(reading.vitals.taken_at)} {reading_words(reading)}"
        out.append(CorrectedEntry(Corrected.VITALS, reading.id, words, now, fix, reading.vitals.taken_at))

    def add(record: Corrected, original_id: int, words: str, replacement: str | None, at: datetime) -> None:
        fix = detail.correction_of(record, original_id)
        now = "nothing (struck)" if replacement is None else replacement
        out.append(CorrectedEntry(record, original_id, words, now, fix, at))

    for score in detail.replaced_scores:
        fix = detail.correction_of(Corrected.SCORE, score.id)
        new = scores.get(fix.replacement_id) if fix is not None and fix.replacement_id is not None else None
        add(
            Corrected.SCORE,
            score.id,
            f"{time(score.taken_at)} {score_words(score)}",
            _or(new, score_words),
            score.taken_at,
        )
    for answer in detail.replaced_checklist:
        fix = detail.correction_of(Corrected.CHECKLIST, answer.id)
        new_answer = answers.get(fix.replacement_id) if fix is not None and fix.replacement_id is not None else None
        add(
            Corrected.CHECKLIST,
            answer.id,
            f"{time(answer.at)} {answer_words(answer, labels)}",
            None if new_answer is None else answer_words(new_answer, labels),
            answer.at,
        )
    for note in detail.replaced_notes:
        fix = detail.correction_of(Corrected.NOTE, note.id)
        new_note = notes.get(fix.replacement_id) if fix is not None and fix.replacement_id is not None else None
        add(Corrected.NOTE, note.id, f"{time(note.at)} {note_words(note)}", _or(new_note, note_words), note.at)
    return sorted(out, key=lambda e: (e.at, e.original_id))


def _or(entry: ScoreRecord | NoteRecord | None, words: Callable[..., str]) -> str | None:
    return None if entry is None else words(entry)
