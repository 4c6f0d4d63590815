"""Bedside scales: sedation (MOAA/S, RASS), dissociation (CADSS-6) and discharge (Aldrete).

Definitions are the published ones (CLINICAL.md); they are encoded once here and every
screen and report reads them from this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketadesk.core.errors import ValidationError

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

# CADSS-6 short form: items 1, 2, 6, 7, 15, 22 of the CADSS (Bremner 1998), each 0-4.
# Item 22 is rated by the observer; its wording comes from the clinic's licensed form.
CADSS6_ITEMS: tuple[tuple[int, str], ...] = (
    (1, "Things seem to move in slow motion"),
    (2, "Things seem unreal or dreamlike"),
    (6, "Feels disconnected from own body"),
    (7, "Body size or shape feels changed"),
    (15, "Spacing out / losing track of what is happening"),
    (22, "Observer-rated item 22 (wording from the licensed form)"),
)
CADSS_ANCHORS = ("Not at all", "Slightly", "Moderately", "Considerably", "Extremely")


def check_moaas(value: int) -> int:
    """A MOAA/S level 0–5."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in MOAAS_LEVELS:
        raise ValidationError("moaas", value, "MOAA/S is 0–5")
    return value


def check_rass(value: int) -> int:
    """A RASS level −5 to +4."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in RASS_LEVELS:
        raise ValidationError("rass", value, "RASS is −5 to +4")
    return value


def cadss6_total(items: dict[int, int]) -> int:
    """Total of the six CADSS-6 items (0–24); every item must be scored 0–4."""
    expected = {number for number, _ in CADSS6_ITEMS}
    if set(items) != expected:
        missing = sorted(expected - set(items))
        raise ValidationError("cadss6", sorted(items), f"all six items; missing {missing}")
    for number, score in items.items():
        if not 0 <= score <= 4:
            raise ValidationError(f"cadss6 item {number}", score, "each item is 0–4")
    return sum(items.values())


ALDRETE_ITEMS: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("activity", ("Moves 0 extremities", "Moves 2 extremities", "Moves 4 extremities")),
    ("respiration", ("Apnoea", "Dyspnoea or limited breathing", "Breathes deeply and coughs freely")),
    ("circulation", ("BP ≥ 50 % from baseline", "BP 20–49 % from baseline", "BP within 20 % of baseline")),
    ("consciousness", ("Not responding", "Arousable on calling", "Fully awake")),
    ("spo2", ("< 90 % even with O2", "Needs O2 to stay > 90 %", "> 92 % on room air")),
)


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
                raise ValidationError(f"aldrete {name}", value, "each Aldrete item is 0, 1 or 2")

    @property
    def total(self) -> int:
        """Sum of the five items, 0–10."""
        return self.activity + self.respiration + self.circulation + self.consciousness + self.spo2

    def passes(self, threshold: int) -> bool:
        """True when the total reaches the clinic's pass mark."""
        return self.total >= threshold


def circulation_item(percent_from_baseline: float) -> int:
    """Aldrete circulation item from how far systolic BP is from baseline."""
    if percent_from_baseline < 20:
        return 2
    if percent_from_baseline < 50:
        return 1
    return 0
