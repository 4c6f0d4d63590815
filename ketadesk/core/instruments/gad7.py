"""GAD-7, the Generalized Anxiety Disorder scale (Spitzer, Kroenke, Williams & Löwe 2006).

Seven items over the last two weeks, each 0–3, total 0–21; bands 0–4 minimal, 5–9 mild,
10–14 moderate, 15–21 severe. The published English wording needs no permission to reproduce.
"""

from __future__ import annotations

from ketadesk.core.instruments.types import LOINC, Band, Code, Instrument, InstrumentKey, Item, scale

FREQUENCY = scale("Not at all", "Several days", "More than half the days", "Nearly every day")

_ITEMS = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)

GAD7 = Instrument(
    key=InstrumentKey.GAD7,
    name="GAD-7",
    title="Generalized Anxiety Disorder 7-item scale",
    version="gad7-1",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=tuple(Item(n, text, FREQUENCY) for n, text in enumerate(_ITEMS, start=1)),
    total_label="Total",
    bands=(Band(0, 4, "minimal"), Band(5, 9, "mild"), Band(10, 14, "moderate"), Band(15, 21, "severe")),
    subscales=(),
    licence=(
        "Developed by Drs. Robert L. Spitzer, Janet B. W. Williams, Kurt Kroenke and colleagues, with an "
        "educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
    ),
    source="Spitzer RL, Kroenke K, Williams JBW, Löwe B. Arch Intern Med 2006;166:1092-1097.",
    panel=Code(LOINC, "69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
    total_code=Code(LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
)
