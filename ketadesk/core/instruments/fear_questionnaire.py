"""The Fear Questionnaire (Marks & Mathews 1979): its structure and scoring; the wording is the clinic's.

24 items, each rated 0–8. Item 1 is the main phobia the patient names; items 2–16 are the
fifteen situations whose sum is the total phobia score (0–120), in three subscales of five
items each (0–40): agoraphobia 5, 6, 8, 12, 15; blood-injury 2, 4, 10, 13, 16; social 3, 7,
9, 11, 14. Item 17 is any other situation the patient names. Items 18–22 make the
anxiety-depression score (0–40); item 23 is any other feeling the patient names; the last,
item 24, is the global phobic rating. The FQ has no formal bands. The ketamine GAD/SAD
studies the clinic's practice started from used it (Glue 2017, 2018).

Whether the form's wording may be reproduced is not settled (CLINICAL.md), so this module
holds no wording of the form: the item labels come from the clinic's protocol
(``[scales.fear_questionnaire]``: by default neutral labels that point to the clinic's copy).
The numbering here follows CLINICAL.md; a clinic checks it against its copy of the form.
"""

from __future__ import annotations

from collections.abc import Mapping

from ketadesk.core.instruments.types import (
    Anchor,
    AnswerScale,
    Asked,
    Instrument,
    InstrumentKey,
    Item,
    Subscale,
    local_code,
)

NAME = "FQ"
ITEM_COUNT = 24
MAIN_PHOBIA = 1
TOTAL_PHOBIA_ITEMS = tuple(range(2, 17))
OTHER_SITUATION = 17
ANXIETY_DEPRESSION_ITEMS = (18, 19, 20, 21, 22)
OTHER_FEELING = 23
GLOBAL_RATING = 24
OPTIONAL_ITEMS = (OTHER_SITUATION, OTHER_FEELING)
"""The "other" items: asked, but left blank when the patient names no other situation or feeling."""

# Neutral words for the even points of the 0-8 scale (the form's own anchors are the clinic's wording).
RATING = AnswerScale(
    0,
    8,
    (Anchor(0, "None"), Anchor(2, "Slight"), Anchor(4, "Definite"), Anchor(6, "Marked"), Anchor(8, "Very severe")),
)
SUBSCALES = (
    Subscale("agoraphobia", "Agoraphobia", (5, 6, 8, 12, 15), RATING.high),
    Subscale("blood_injury", "Blood-injury", (2, 4, 10, 13, 16), RATING.high),
    Subscale("social", "Social", (3, 7, 9, 11, 14), RATING.high),
    Subscale("anxiety_depression", "Anxiety-depression", ANXIETY_DEPRESSION_ITEMS, RATING.high),
    Subscale("main_phobia", "Main phobia", (MAIN_PHOBIA,), RATING.high),
    Subscale("global", "Global phobic rating", (GLOBAL_RATING,), RATING.high),
)
STEM = "Each item is rated 0 to 8 as on the clinic's Fear Questionnaire form."


def fear_questionnaire(labels: Mapping[int, str]) -> Instrument:
    """The Fear Questionnaire worded by the clinic: ``labels`` has a label for every item 1–24."""
    missing = [n for n in range(1, ITEM_COUNT + 1) if not labels.get(n)]
    if missing:
        raise KeyError(f"no label for Fear Questionnaire items {missing}")
    return Instrument(
        key=InstrumentKey.FQ,
        name=NAME,
        title="Fear Questionnaire",
        version="fq-1",
        stem=STEM,
        items=tuple(
            Item(
                n,
                labels[n],
                RATING,
                in_total=n in TOTAL_PHOBIA_ITEMS,
                asked=Asked.OPTIONAL if n in OPTIONAL_ITEMS else Asked.ALWAYS,
            )
            for n in range(1, ITEM_COUNT + 1)
        ),
        total_label="Total phobia",
        bands=(),
        subscales=SUBSCALES,
        licence=(
            "Fear Questionnaire (Marks & Mathews, 1979): structure and scoring. The item wording is the "
            "clinic's, from its own copy of the form."
        ),
        source="Marks IM, Mathews AM. Brief standard self-rating for phobic patients. Behav Res Ther 1979;17:263-267.",
        panel=local_code(InstrumentKey.FQ, "", "Fear Questionnaire (Marks & Mathews)"),
        total_code=local_code(InstrumentKey.FQ, "total_phobia", "Fear Questionnaire total phobia score"),
    )
