"""Correcting the record: a score, a checklist answer or a note replaced by a corrected one, or struck.

Readings are corrected at the bedside (``clinic.bedside.correct_vitals``) the same way.
Every correction needs a reason, keeps the original (it is shown struck through with who
corrected it, when and why), and writes a new entry plus a correction row, each audited;
a strike as entered in error writes the correction row alone. Only entries that still count
can be corrected (a second correction corrects the replacement). A signed visit takes no
corrections: after signing, the way to correct the record is an addendum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.corrections import (
    Corrected,
    CorrectedMeanwhile,
    Identified,
    check_reason,
    corrected_score,
    require_change,
    require_current,
)
from ketadesk.core.local_time import clock_text
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.phases import CHARTED_UNSIGNED
from ketadesk.core.records import VisitDetail
from ketadesk.core.users import CHARTING
from ketadesk.store import corrections as store_corrections
from ketadesk.store import visits as store_visits

if TYPE_CHECKING:
    from ketadesk.clinic.session import Session

# How a correction is refused on a visit not being charted (signed, or not started).
CORRECTION_REFUSAL = "entries are corrected until the visit is signed; after signing, add an addendum"
CORRECTION_REFUSAL_MESSAGE = (
    "Cannot correct the record: the visit is {phase}. Entries are corrected until the visit is signed; "
    "after signing, add an addendum instead."
)


def still_current(s: Session, record: Corrected, entry_id: int) -> None:
    """Refuse, first thing under the write lock, an entry corrected or struck since this correction read it.

    The use case checked the entry against the visit it read; another workstation may have
    corrected it since (two nurses fixing one mistyped reading): the second is told who did what
    and when (:class:`CorrectedMeanwhile`), and nothing is written.
    """
    found = store_corrections.correction_of(s.store, record, entry_id)
    if found is not None:
        correction, name = found
        raise CorrectedMeanwhile(correction, name, clock_text(correction.at, zone=s.protocol.zone))


def require_current_entry(s: Session, record: Corrected, entry_id: int, current: Iterable[Identified]) -> None:
    """Refuse an entry that no longer counts: naming who corrected or struck it, and when, if someone did.

    The usual way to meet one is a correction dialog left open while another workstation corrected
    the same entry; the nurse is told by whom and why, not only that it is no longer current.
    """
    if any(e.id == entry_id for e in current):
        return
    still_current(s, record, entry_id)
    require_current(record, entry_id, current)  # not an entry of this visit at all


class Corrections(Area):
    """Corrections and strikes of scores, checklist answers and notes."""

    def _detail(self, visit_id: int) -> VisitDetail:
        return self.session.visit_view(visit_id).detail

    def _strike(self, visit_id: int, record: Corrected, entry_id: int, why: str) -> Changes:
        s = self.session
        stamp = s.stamp()
        with s.store.transaction():
            still_current(s, record, entry_id)
            row_id = store_corrections.add_correction(
                s.store, visit_id, record, entry_id, None, why, at=stamp, actor_id=s.user.id
            )
        return Changes.visit(visit_id, created_id=row_id)

    @use_case(
        "correct scores",
        roles=CHARTING,
        phases=CHARTED_UNSIGNED,
        refusal=CORRECTION_REFUSAL,
        refusal_message=CORRECTION_REFUSAL_MESSAGE,
        changes={Change.SCORES},
    )
    def correct_score(
        self,
        visit_id: int,
        score_id: int,
        *,
        reason: str,
        entered_in_error: bool = False,
        level: int | None = None,
        items: Mapping[str, int] | None = None,
    ) -> Changes:
        """Replace a score with a corrected one (a level, or the items of CADSS-6 or Aldrete), or strike it."""
        why = check_reason(reason)
        detail = self._detail(visit_id)
        require_current_entry(self.session, Corrected.SCORE, score_id, detail.scores)
        if entered_in_error:
            return self._strike(visit_id, Corrected.SCORE, score_id, why)
        original = next(x for x in detail.scores if x.id == score_id)
        total, stored_items = corrected_score(original.scale, level, items)
        field = "level" if stored_items is None else "items"
        require_change(field, (original.total, dict(original.items)), (total, stored_items or {}), Corrected.SCORE)
        s = self.session
        stamp = s.stamp()
        with s.store.transaction():
            still_current(s, Corrected.SCORE, score_id)
            new_id = store_visits.add_score(
                s.store,
                visit_id,
                original.scale,
                total,
                stored_items,
                taken_at=to_utc_iso(original.taken_at),
                at=stamp,
                actor_id=s.user.id,
            )
            store_corrections.add_correction(
                s.store, visit_id, Corrected.SCORE, score_id, new_id, why, at=stamp, actor_id=s.user.id
            )
        return Changes.visit(visit_id, created_id=new_id)

    @use_case(
        "correct checklist answers",
        roles=CHARTING,
        phases=CHARTED_UNSIGNED,
        refusal=CORRECTION_REFUSAL,
        refusal_message=CORRECTION_REFUSAL_MESSAGE,
        changes={Change.CHECKLIST},
    )
    def correct_checklist(
        self,
        visit_id: int,
        entry_id: int,
        *,
        reason: str,
        entered_in_error: bool = False,
        checked: bool | None = None,
        note: str | None = None,
    ) -> Changes:
        """Replace the current answer to a checklist item (ticked or not, its note), or strike it.

        Struck, the item's answer before it counts again (or none, if there was none).
        """
        why = check_reason(reason)
        detail = self._detail(visit_id)
        require_current_entry(self.session, Corrected.CHECKLIST, entry_id, detail.checklist)
        if entered_in_error:
            return self._strike(visit_id, Corrected.CHECKLIST, entry_id, why)
        original = next(c for c in detail.checklist if c.id == entry_id)
        now_checked = (not original.checked) if checked is None else checked
        text = (
            original.note
            if note is None
            else clean_text("note", note, max_length=NOTE_MAX, required=False, label="Checklist note")
        )
        require_change("checked", (original.checked, original.note), (now_checked, text), Corrected.CHECKLIST)
        s = self.session
        stamp = s.stamp()
        with s.store.transaction():
            still_current(s, Corrected.CHECKLIST, entry_id)
            new_id = store_visits.add_checklist(
                s.store,
                visit_id,
                original.checklist,
                original.item_key,
                now_checked,
                text,
                at=stamp,
                actor_id=s.user.id,
                answered_at=to_utc_iso(original.at),
            )
            store_corrections.add_correction(
                s.store, visit_id, Corrected.CHECKLIST, entry_id, new_id, why, at=stamp, actor_id=s.user.id
            )
        return Changes.visit(visit_id, created_id=new_id)

    @use_case(
        "correct notes",
        roles=CHARTING,
        phases=CHARTED_UNSIGNED,
        refusal=CORRECTION_REFUSAL,
        refusal_message=CORRECTION_REFUSAL_MESSAGE,
        changes={Change.NOTES},
    )
    def correct_note(
        self, visit_id: int, note_id: int, *, reason: str, entered_in_error: bool = False, text: str = ""
    ) -> Changes:
        """Replace a note's text with a corrected one (same kind, same time), or strike it."""
        why = check_reason(reason)
        detail = self._detail(visit_id)
        require_current_entry(self.session, Corrected.NOTE, note_id, detail.notes)
        if entered_in_error:
            return self._strike(visit_id, Corrected.NOTE, note_id, why)
        original = next(n for n in detail.notes if n.id == note_id)
        body = clean_text("text", text, max_length=NOTE_MAX, required=True, label="Corrected note")
        require_change("text", original.text, body, Corrected.NOTE)
        s = self.session
        stamp = s.stamp()
        with s.store.transaction():
            still_current(s, Corrected.NOTE, note_id)
            new_id = store_visits.add_note(
                s.store,
                visit_id,
                original.kind,
                body,
                at=stamp,
                actor_id=s.user.id,
                corrects_id=note_id,
                noted_at=to_utc_iso(original.at),
            )
            store_corrections.add_correction(
                s.store, visit_id, Corrected.NOTE, note_id, new_id, why, at=stamp, actor_id=s.user.id
            )
        return Changes.visit(visit_id, created_id=new_id)
