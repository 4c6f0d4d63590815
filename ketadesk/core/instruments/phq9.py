"""PHQ-9, the Patient Health Questionnaire depression module (Kroenke, Spitzer & Williams 2001).

Nine items over the last two weeks, each 0–3, total 0–27, with the published severity bands
at 5, 10, 15 and 20. Item 10 (how difficult the problems made life) is asked only when the
total is above 0 and is not added. Item 9 (thoughts of being better off dead or of self-harm)
above 0 calls for a suicide-risk assessment whatever the total (CLINICAL.md; the flag's
priority and how long it stays are the clinic's, :mod:`ketadesk.core.instruments.risk`).
The wording is the published English form, which needs no permission to reproduce.
"""

from __future__ import annotations

from ketadesk.core.instruments.types import LOINC, Asked, Band, Code, Instrument, InstrumentKey, Item, scale

ITEM_9 = 9
"""Thoughts that you would be better off dead or of hurting yourself in some way."""
DIFFICULTY_ITEM = 10

FREQUENCY = scale("Not at all", "Several days", "More than half the days", "Nearly every day")
DIFFICULTY = scale("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult")

_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
    "or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
_DIFFICULTY_TEXT = (
    "If you checked off any problems, how difficult have these problems made it for you to do your work, "
    "take care of things at home, or get along with other people?"
)

PHQ9 = Instrument(
    key=InstrumentKey.PHQ9,
    name="PHQ-9",
    title="Patient Health Questionnaire-9",
    version="phq9-1",
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=(
        *(Item(n, text, FREQUENCY) for n, text in enumerate(_ITEMS, start=1)),
        Item(DIFFICULTY_ITEM, _DIFFICULTY_TEXT, DIFFICULTY, in_total=False, asked=Asked.WHEN_TOTAL_ABOVE_ZERO),
    ),
    total_label="Total",
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 27, "severe"),
    ),
    subscales=(),
    licence=(
        "Developed by Drs. Robert L. Spitzer, Janet B. W. Williams, Kurt Kroenke and colleagues, with an "
        "educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
    ),
    source="Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606-613.",
    panel=Code(LOINC, "44249-1", "PHQ-9 quick depression assessment panel"),
    total_code=Code(LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
)
