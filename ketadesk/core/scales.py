"""Bedside scales: sedation (MOAA/S, RASS), dissociation (CADSS-6) and discharge (Aldrete).

Definitions are the published ones (CLINICAL.md); they are encoded once here and every
screen and report reads them from this module: the scale's key as the store keeps it
(:class:`Scale`), its name, its range, its level definitions, how a total is written, the
Aldrete items and what counts as a pass, and when sedation has resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ketadesk.core.cadss6 import CADSS6_NUMBERS
from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import Protocol

MINUS = "−"
"""The minus sign a signed level is shown with on screen (U+2212, as on the published RASS)."""


class Scale(StrEnum):
    """A bedside scale. The value is what the store keeps in ``scores.scale``."""

    MOAAS = "moaas"
    RASS = "rass"
    CADSS6 = "cadss6"
    ALDRETE = "aldrete"

    @property
    def label(self) -> str:
        """The scale's name as clinicians write it: ``MOAA/S``, ``Modified Aldrete``."""
        return _LABELS[self]

    @property
    def short_label(self) -> str:
        """The name in a narrow column: ``Aldrete`` for the modified Aldrete score."""
        return "Aldrete" if self is Scale.ALDRETE else self.label

    @property
    def range(self) -> tuple[int, int]:
        """The lowest and highest total (RASS −5 to +4, CADSS-6 0–24, Aldrete 0–10)."""
        return _RANGES[self]

    @property
    def signed(self) -> bool:
        """True for a scale whose levels carry a sign (RASS: agitation above 0, sedation below)."""
        return self is Scale.RASS

    @property
    def range_text(self) -> str:
        """The range as a heading or a refusal says it: ``0–5``, ``−5 to +4``."""
        low, high = self.range
        if self.signed:
            return f"{self.show(low)} to {self.show(high)}"
        return f"{low}–{high}"

    @property
    def levels(self) -> Mapping[int, str]:
        """Each level with its published definition (MOAA/S and RASS; empty for scales scored by items)."""
        return _LEVELS.get(self, {})

    def show(self, total: int, *, minus: str = MINUS, zero: str = "0") -> str:
        """A total as written: RASS with its sign (``+1``, ``0``, ``−2``), other scales as the number.

        (Not ``format``: a :class:`StrEnum` member is a ``str`` and keeps ``str.format``.)
        ``minus`` and ``zero`` let a printed record keep the ASCII ``-1`` and a criterion's ``+0``.
        """
        if not self.signed:
            return str(total)
        if total > 0:
            return f"+{total}"
        if total < 0:
            return f"{minus}{-total}"
        return zero

    def definition(self, total: int) -> str:
        """The level's published definition, or ``""`` when the scale has none for ``total``."""
        return self.levels.get(total, "")


def scale_label(key: str) -> str:
    """A stored scale key in words (an unknown key as stored, so nothing is hidden)."""
    try:
        return Scale(key).label
    except ValueError:
        return key


# MOAA/S: Modified Observer's Assessment of Alertness/Sedation.
MOAAS_LEVELS: dict[int, str] = {
    5: "Responds readily to name spoken in normal tone",
    4: "Lethargic response to name spoken in normal tone",
    3: "Responds only after name is called loudly and/or repeatedly",
    2: "Responds only after mild prodding or shaking",
    1: "Responds only after painful trapezius squeeze",
    0: "No response to painful trapezius squeeze",
}

# RASS: Richmond Agitation-Sedation Scale.
RASS_LEVELS: dict[int, str] = {
    4: "Combative",
    3: "Very agitated",
    2: "Agitated",
    1: "Restless",
    0: "Alert and calm",
    -1: "Drowsy (awakens to voice, eye contact > 10 s)",
    -2: "Light sedation (awakens to voice, eye contact < 10 s)",
    -3: "Moderate sedation (movement but no eye contact to voice)",
    -4: "Deep sedation (movement only to physical stimulation)",
    -5: "Unarousable",
}

# CADSS-6 short form: items 1, 2, 6, 7, 15, 22 of the CADSS (Bremner 1998, core/cadss6.py), each 0-4;
# the words for each item are the clinic's, in the protocol file ([scales.cadss6]).
CADSS_ANCHORS = ("Not at all", "Slightly", "Moderately", "Considerably", "Extremely")
CADSS_ITEM_MAX = len(CADSS_ANCHORS) - 1
"""Each CADSS item is scored 0 (not at all) to 4 (extremely)."""
CADSS6_MAX = CADSS_ITEM_MAX * len(CADSS6_NUMBERS)

ALDRETE_ITEMS: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("activity", ("Moves 0 extremities", "Moves 2 extremities", "Moves 4 extremities")),
    ("respiration", ("Apnoea", "Dyspnoea or limited breathing", "Breathes deeply and coughs freely")),
    ("circulation", ("BP ≥ 50 % from baseline", "BP 20–49 % from baseline", "BP within 20 % of baseline")),
    ("consciousness", ("Not responding", "Arousable on calling", "Fully awake")),
    ("spo2", ("< 90 % even with O2", "Needs O2 to stay > 90 %", "> 92 % on room air")),
)
ALDRETE_ITEM_LABELS: dict[str, str] = {
    "activity": "Activity",
    "respiration": "Respiration",
    "circulation": "Circulation",
    "consciousness": "Consciousness",
    "spo2": "SpO2",
}
"""Each Aldrete item's name as a heading shows it."""
ALDRETE_MAX = 2 * len(ALDRETE_ITEMS)

_LABELS = {Scale.MOAAS: "MOAA/S", Scale.RASS: "RASS", Scale.CADSS6: "CADSS-6", Scale.ALDRETE: "Modified Aldrete"}
_RANGES = {
    Scale.MOAAS: (min(MOAAS_LEVELS), max(MOAAS_LEVELS)),
    Scale.RASS: (min(RASS_LEVELS), max(RASS_LEVELS)),
    Scale.CADSS6: (0, CADSS6_MAX),
    Scale.ALDRETE: (0, ALDRETE_MAX),
}
_LEVELS: dict[Scale, Mapping[int, str]] = {Scale.MOAAS: MOAAS_LEVELS, Scale.RASS: RASS_LEVELS}

SEDATION_SCALES = (Scale.MOAAS, Scale.RASS)
"""Sedation is assessed on both scales together at the bedside."""
BEDSIDE_SCALES = (Scale.MOAAS, Scale.RASS, Scale.CADSS6)
"""The scales scored during the visit (sedation and dissociation); the Aldrete is the discharge score."""
SEDATION_RESOLVED: Mapping[Scale, int] = {Scale.MOAAS: 5, Scale.RASS: 0}
"""Sedation has resolved at MOAA/S 5 (responds readily) and RASS 0 (alert and calm): CLINICAL.md, discharge."""


def sedation_resolved(moaas: int, rass: int) -> bool:
    """True when a MOAA/S and a RASS taken together show no sedation left."""
    return moaas == SEDATION_RESOLVED[Scale.MOAAS] and rass == SEDATION_RESOLVED[Scale.RASS]


def sedation_resolved_text() -> str:
    """What resolved sedation is, in words: ``MOAA/S 5 and RASS 0``."""
    return " and ".join(f"{scale.label} {scale.show(level)}" for scale, level in SEDATION_RESOLVED.items())


def _check_level(scale: Scale, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in scale.levels:
        raise ValidationError(scale.value, value, f"{scale.label} is {scale.range_text}")
    return value


def check_moaas(value: int) -> int:
    """A MOAA/S level 0–5."""
    return _check_level(Scale.MOAAS, value)


def check_rass(value: int) -> int:
    """A RASS level −5 to +4."""
    return _check_level(Scale.RASS, value)


def cadss6_total(items: dict[int, int]) -> int:
    """Total of the six CADSS-6 items (0–24); every item must be scored 0–4."""
    expected = set(CADSS6_NUMBERS)
    if set(items) != expected:
        missing = sorted(expected - set(items))
        raise ValidationError(Scale.CADSS6.value, sorted(items), f"all six items; missing {missing}")
    for number, score in items.items():
        if not 0 <= score <= CADSS_ITEM_MAX:
            raise ValidationError(f"{Scale.CADSS6.value} item {number}", score, "each item is 0–4")
    return sum(items.values())


@dataclass(frozen=True, slots=True)
class AldreteScore:
    """A modified Aldrete score, item by item."""

    activity: int
    respiration: int
    circulation: int
    consciousness: int
    spo2: int

    def __post_init__(self) -> None:
        for name, _ in ALDRETE_ITEMS:
            value = getattr(self, name)
            if value not in (0, 1, 2):
                raise ValidationError(f"{Scale.ALDRETE.value} {name}", value, "each Aldrete item is 0, 1 or 2")

    @property
    def total(self) -> int:
        """Sum of the five items, 0–10."""
        return self.activity + self.respiration + self.circulation + self.consciousness + self.spo2

    @property
    def items(self) -> dict[str, int]:
        """Each item's score by its key, in the scale's order (as the store keeps them)."""
        return {name: int(getattr(self, name)) for name, _ in ALDRETE_ITEMS}

    def passes(self, threshold: int) -> bool:
        """True when the total reaches the clinic's pass mark."""
        return self.total >= threshold


@dataclass(frozen=True, slots=True)
class AldreteVerdict:
    """An Aldrete total judged against the clinic's pass mark."""

    total: int
    pass_mark: int

    @property
    def passed(self) -> bool:
        """True when the total reaches the pass mark."""
        return self.total >= self.pass_mark


def aldrete_verdict(total: int, protocol: Protocol) -> AldreteVerdict:
    """Whether an Aldrete total passes; the pass mark is the clinic's (``[discharge] aldrete_pass``, default 9)."""
    return AldreteVerdict(total, protocol.aldrete_pass)


def circulation_item(percent_from_baseline: float) -> int:
    """Aldrete circulation item from how far systolic BP is from baseline."""
    if percent_from_baseline < 20:
        return 2
    if percent_from_baseline < 50:
        return 1
    return 0
