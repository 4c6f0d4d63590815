"""The words a correction meets when someone else corrected or struck the entry meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from ketadesk.core.corrections import Corrected, CorrectedMeanwhile, Correction, meanwhile_words


def test_a_correction_meanwhile_says_who_when_why_and_to_correct_what_counts_now() -> None:
    words = meanwhile_words("Amara Okafor", False, "10:14", "reading", "Typed 182 for 128")
    assert words == (
        "Amara Okafor already corrected it at 10:14 (Typed 182 for 128). Nothing was saved and what you typed is "
        "kept: look at their correction, then correct the reading that counts now if it still needs it."
    )


def test_a_strike_meanwhile_says_nothing_counts_in_its_place() -> None:
    """Struck, nothing replaces the entry: the nurse is told to record it again if it was right, not to correct it."""
    struck = Correction(7, Corrected.NOTE, 3, None, "Wrong visit", datetime(2026, 11, 24, 9, 14, tzinfo=UTC), "nurse2")
    refusal = CorrectedMeanwhile(struck, "Amara Okafor", "10:14")
    assert (refusal.field, refusal.value) == ("note", 3)
    assert refusal.message == (
        "Amara Okafor already struck it as entered in error at 10:14 (Wrong visit). Nothing was saved and what you "
        "typed is kept: it no longer counts; record it again if it was right."
    )
