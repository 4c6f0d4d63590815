"""PCL-5, the PTSD Checklist for DSM-5 (Weathers et al. 2013, US National Center for PTSD).

Twenty items over the past month, each 0–4, total 0–80, in four symptom clusters: B
(intrusion) items 1–5, C (avoidance) 6–7, D (negative changes in thinking and mood) 8–14,
E (arousal and reactivity) 15–20. A provisional PTSD diagnosis follows the DSM-5 rule: an
item counts as a symptom when rated 2 (moderately) or more, and it needs at least one B,
one C, two D and two E symptoms. The total cut-off for probable PTSD (31–33 in the
validation studies) is the clinic's (``[outcomes] pcl5_probable_at_or_above``). Public domain.
"""

from __future__ import annotations

from collections.abc import Mapping

from ketadesk.core.instruments.types import Band, Finding, Instrument, InstrumentKey, Item, Subscale, local_code, scale

SYMPTOM_AT_OR_ABOVE = 2
"""An item rated 2 (moderately) or more counts as a symptom endorsed (DSM-5 scoring of the PCL-5)."""
CLUSTERS: tuple[tuple[str, str, tuple[int, ...], int], ...] = (
    ("cluster_b", "Cluster B (intrusion)", (1, 2, 3, 4, 5), 1),
    ("cluster_c", "Cluster C (avoidance)", (6, 7), 1),
    ("cluster_d", "Cluster D (negative changes in thinking and mood)", (8, 9, 10, 11, 12, 13, 14), 2),
    ("cluster_e", "Cluster E (arousal and reactivity)", (15, 16, 17, 18, 19, 20), 2),
)
"""Each cluster: key, name, items, and how many of its symptoms a provisional diagnosis needs."""
PROVISIONAL = "provisional_ptsd"
NAME = "PCL-5"

SEVERITY = scale("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely")

_ITEMS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again (as if you were "
    "actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience (for example, "
    "heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, conversations, "
    "activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, having thoughts "
    "such as: I am bad, there is something seriously wrong with me, no one can be trusted, the world is "
    "completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving "
    "feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

TOTAL_HIGH = SEVERITY.high * len(_ITEMS)
"""The highest total: 80."""


def symptom_counts(answers: Mapping[int, int]) -> dict[str, int]:
    """How many items of each cluster count as a symptom (rated 2 or more)."""
    return {
        key: sum(1 for n in items if answers.get(n, 0) >= SYMPTOM_AT_OR_ABOVE) for key, _name, items, _need in CLUSTERS
    }


def provisional_ptsd(answers: Mapping[int, int], _total: int = 0) -> tuple[Finding, ...]:
    """The DSM-5 cluster rule: at least one B, one C, two D and two E symptoms."""
    counts = symptom_counts(answers)
    met = all(counts[key] >= need for key, _name, _items, need in CLUSTERS)
    detail = ", ".join(f"{key[-1].upper()} {counts[key]} (needs {need})" for key, _name, _items, need in CLUSTERS)
    return (Finding(PROVISIONAL, "Provisional PTSD (DSM-5 cluster rule)", met, detail),)


def pcl5(probable_at_or_above: int) -> Instrument:
    """The PCL-5 with the clinic's total cut-off for probable PTSD."""
    top = TOTAL_HIGH
    return Instrument(
        key=InstrumentKey.PCL5,
        name=NAME,
        title="PTSD Checklist for DSM-5",
        version="pcl5-1",
        stem="In the past month, how much were you bothered by:",
        items=tuple(Item(n, text, SEVERITY) for n, text in enumerate(_ITEMS, start=1)),
        total_label="Total",
        bands=(
            Band(0, probable_at_or_above - 1, "below the probable-PTSD cut-off"),
            Band(probable_at_or_above, top, "probable PTSD"),
        ),
        subscales=tuple(Subscale(key, name, items, SEVERITY.high) for key, name, items, _need in CLUSTERS),
        licence="PCL-5 (Weathers, Litz, Keane, Palmieri, Marx & Schnurr, 2013), National Center for PTSD: "
        "public domain.",
        source="Weathers FW et al. The PTSD Checklist for DSM-5 (PCL-5). National Center for PTSD, 2013.",
        panel=local_code(InstrumentKey.PCL5, "", "PTSD Checklist for DSM-5 (PCL-5)"),
        total_code=local_code(InstrumentKey.PCL5, "total", "PCL-5 total score"),
        judge=provisional_ptsd,
    )
