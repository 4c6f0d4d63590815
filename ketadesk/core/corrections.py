"""Corrections of the record: an entry replaced by a corrected one, or struck as entered in error.

Nothing charted is overwritten or deleted. A correction is a new entry that takes the
original's place, plus a row saying who corrected it, when and why; a strike is only that
row, with nothing in the original's place. The original stays, and every screen and report
shows it struck through with that line, so a reader sees what was first written and why it
no longer counts. The rules for what may be corrected, and the words used for it, live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.scales import AldreteScore, Scale, cadss6_total, check_moaas, check_rass

REASON_LABEL = "Reason for the correction"


class Corrected(StrEnum):
    """What kind of entry a correction is about. The value is what the store keeps."""

    VITALS = "vitals"
    SCORE = "score"
    CHECKLIST = "checklist"
    NOTE = "note"

    @property
    def label(self) -> str:
        """The entry as a nurse names it: ``reading``, ``checklist answer``."""
        return _LABELS[self]


_LABELS = {
    Corrected.VITALS: "reading",
    Corrected.SCORE: "score",
    Corrected.CHECKLIST: "checklist answer",
    Corrected.NOTE: "note",
}


@dataclass(frozen=True, slots=True)
class Correction:
    """One entry corrected (``replacement_id`` is the entry now counting) or struck (``replacement_id`` None)."""

    id: int
    record: Corrected
    original_id: int
    replacement_id: int | None
    reason: str
    at: datetime
    by: str

    @property
    def struck(self) -> bool:
        """True when the entry was struck as entered in error (nothing replaces it)."""
        return self.replacement_id is None

    @property
    def status(self) -> str:
        """What happened to the original, in the words of the CSV's status column."""
        return "entered in error" if self.struck else "corrected"


def check_reason(reason: str) -> str:
    """The reason as typed, cleaned; a correction without one is refused, naming the field."""
    return clean_text("reason", reason, max_length=NOTE_MAX, required=True, label=REASON_LABEL)


def correction_line(correction: Correction | None, name: str, when: str) -> str:
    """The line under a struck original: what happened, by whom (``name``), when (``when``) and why.

    A reading corrected before corrections kept their own reason has no correction row;
    it is still shown struck, with a line that says so.
    """
    if correction is None:
        return "Replaced by a later correction"
    verb = "Struck as entered in error" if correction.struck else "Corrected"
    return f"{verb} by {name} at {when}: {correction.reason}"


def meanwhile_words(name: str, struck: bool, when: str, label: str, reason: str = "") -> str:
    """What someone is told whose correction met another person's, made meanwhile: who did what, when, and what next.

    A strike leaves nothing in the entry's place, so its words say to record it again if it was right.
    """
    done = "struck it as entered in error" if struck else "corrected it"
    why = f" ({reason})" if reason else ""
    then = (
        "it no longer counts; record it again if it was right"
        if struck
        else f"look at their correction, then correct the {label} that counts now if it still needs it"
    )
    return f"{name} already {done} at {when}{why}. Nothing was saved and what you typed is kept: {then}."


class CorrectedMeanwhile(ValidationError):
    """Someone else corrected or struck the entry after this correction began: nothing is saved, nothing replaced.

    Two workstations correcting one reading each read it as current; the second correction would
    stand beside the first without anyone seeing it. The second is told who did what and when,
    and keeps what they typed.
    """

    def __init__(self, correction: Correction, name: str, when: str) -> None:
        label = correction.record.label
        super().__init__(
            correction.record.value,
            correction.original_id,
            f"a current {label} of this visit (one no one has corrected or struck)",
            message=meanwhile_words(name, correction.struck, when, label, correction.reason),
        )
        self.correction = correction


class Identified(Protocol):
    @property
    def id(self) -> int: ...


def corrections_of(corrections: Iterable[Correction], record: Corrected) -> dict[int, Correction]:
    """The corrections of one kind of entry, by the id of the entry they correct."""
    return {c.original_id: c for c in corrections if c.record is record}


def require_current(record: Corrected, entry_id: int, current: Iterable[Identified]) -> None:
    """Only an entry that still counts can be corrected or struck (correct the correction instead)."""
    if all(e.id != entry_id for e in current):
        raise ValidationError(
            record.value,
            entry_id,
            f"a current {record.label} of this visit (an entry already corrected or struck is corrected "
            "through the entry that replaced it)",
            message=f"That {record.label} is not a current entry of this visit; correct the entry that replaced it.",
        )


def corrected_score(
    scale: str, level: int | None, items: Mapping[str, int] | None
) -> tuple[int, dict[str, int] | None]:
    """The total and items a corrected score is stored with, checked by its scale's own rules.

    MOAA/S and RASS take a ``level``; CADSS-6 and the Aldrete take their ``items`` (the
    total is always computed, never typed).
    """
    if scale in (Scale.MOAAS, Scale.RASS):
        if level is None:
            raise ValidationError(scale, "", f"the corrected {Scale(scale).label} level")
        return (check_moaas(level) if scale == Scale.MOAAS else check_rass(level)), None
    given = dict(items or {})
    if scale == Scale.CADSS6:
        numbered = {int(k): int(v) for k, v in given.items()}
        return cadss6_total(numbered), {str(k): v for k, v in sorted(numbered.items())}
    if scale == Scale.ALDRETE:
        try:
            score = AldreteScore(**{k: int(v) for k, v in given.items()})
        except TypeError:
            allowed = "the five Aldrete items, each 0, 1 or 2"
            raise ValidationError(Scale.ALDRETE.value, sorted(given), allowed) from None
        return score.total, score.items
    raise ValidationError("scale", scale, "a score the program knows (MOAA/S, RASS, CADSS-6, Aldrete)")


def require_change(field: str, before: object, after: object, record: Corrected) -> None:
    """A correction changes something: the same value again is refused (strike the entry if it should not be there)."""
    if before == after:
        raise ValidationError(
            field,
            after,
            f"a value different from the one recorded (strike the {record.label} if it was entered in error)",
            message=f"The corrected {record.label} is the same as the one recorded; change it, or strike it as "
            "entered in error.",
        )
