"""Measures for the core tests, built the way the store reads them back (scored by the instrument itself)."""

from __future__ import annotations

from datetime import datetime

from ketadesk.core.instruments import PHQ9
from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.rules import outcome_status
from tests.core.conftest import T0


def phq9_answers(item9: int = 0, total: int = 0) -> dict[int, int]:
    """PHQ-9 answers with item 9 as given and the other eight items making up ``total`` (item 10 when above 0)."""
    rest = total - item9
    assert 0 <= rest <= 24, "the other eight items give 0-24"
    answers = {n: 0 for n in range(1, 9)}
    for n in range(1, 9):
        answers[n] = min(3, rest)
        rest -= answers[n]
    answers[9] = item9
    return answers | ({10: 1} if total > 0 else {})


def phq9(
    measure_id: int,
    *,
    item9: int = 0,
    total: int = 0,
    at: datetime = T0,
    corrects_id: int | None = None,
    entered_in_error: bool = False,
    patient_id: int = 1,
) -> Measure:
    """A PHQ-9 measure as recorded."""
    answers = phq9_answers(item9, total)
    scored = PHQ9.score(answers)
    return Measure(
        id=measure_id,
        patient_id=patient_id,
        course_id=1,
        visit_id=None,
        instrument=PHQ9.key,
        answers=tuple(sorted(answers.items())),
        scored=scored,
        status=outcome_status(PHQ9.key, scored.total, None),
        mode=EntryMode.NURSE,
        entered_at=at,
        entered_by="nurse",
        corrects_id=corrects_id,
        entered_in_error=entered_in_error,
        correction_reason="Mistyped" if corrects_id else "",
    )
