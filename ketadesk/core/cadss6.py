"""Which CADSS items make the CADSS-6 short form (Bremner 1998; CLINICAL.md).

The six items and their order are the instrument's definition, so they live here; the words
shown for each item are the clinic's (``[scales.cadss6]`` in the protocol file: plain
paraphrases by default, the licensed wording where a clinic holds the licence).
"""

from __future__ import annotations

CADSS6_NUMBERS: tuple[int, ...] = (1, 2, 6, 7, 15, 22)
"""CADSS items 1, 2, 6, 7 and 15 are asked of the patient about "right now"; 22 is the observer's rating."""
OBSERVER_ITEM = 22
