"""Outcome measures for the report tests: recorded, corrected and struck through the clinic API.

The answers below are worked out by hand, so a test that reads a total back is checked
against arithmetic, not against the scoring it tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from ketadesk.clinic import Clinic
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.types import InstrumentKey

PHQ9_MODERATE = {1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1}  # total 13, item 9 answered 1
PHQ9_CORRECTED = {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 1, 8: 1, 9: 0, 10: 2}  # total 14
PHQ9_MILD = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 0, 8: 0, 9: 0, 10: 1}  # total 6
GAD7_SEVERE = {1: 3, 2: 3, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2}  # total 16
GAD7_MINIMAL = {1: 1, 2: 1, 3: 0, 4: 0, 5: 1, 6: 0, 7: 0}  # total 3
PCL5_PROVISIONAL = {n: v for n, v in enumerate([3, 2, 1, 1, 0, 2, 1, 2, 2, 1, 0, 1, 1, 0, 2, 0, 3, 1, 1, 1], 1)}
"""Total 25: clusters B 7, C 3, D 7, E 8; items at 2 or more B 2, C 1, D 2, E 2, so provisional PTSD is met."""
PCL5_CLUSTERS = {"cluster_b": 7, "cluster_c": 3, "cluster_d": 7, "cluster_e": 8}
FQ_ANSWERS = {1: 6, **{n: 2 for n in range(2, 17)}, 5: 6, 6: 5, 18: 3, 19: 2, 20: 1, 21: 0, 22: 4, 24: 5}
"""Items 2–16 rated 2 but agoraphobia items 5 and 6 at 6 and 5: total phobia 13 × 2 + 11 = 37; items 17, 23 left."""
FQ_SUBSCALES = {
    "agoraphobia": 6 + 5 + 2 + 2 + 2,
    "blood_injury": 10,
    "social": 10,
    "anxiety_depression": 10,
    "main_phobia": 6,
    "global": 5,
}


def record_measure(
    nurse: Clinic,
    visit_id: int,
    instrument: InstrumentKey,
    answers: Mapping[int, int],
    *,
    mode: EntryMode = EntryMode.NURSE,
) -> int:
    """One measure for the visit through the clinic API, entered now in ``nurse``'s session; its id."""
    created = nurse.outcomes.record_measure(visit_id, instrument, answers, mode=mode).created_id
    assert created is not None
    return created


def correct_measure(nurse: Clinic, measure_id: int, answers: Mapping[int, int], reason: str) -> int:
    """A correction of the measure through the clinic API: new answers, pointing at the one they replace."""
    created = nurse.outcomes.correct_measure(measure_id, answers, reason).created_id
    assert created is not None
    return created


def strike_measure(nurse: Clinic, measure_id: int, reason: str) -> int:
    """The measure struck as entered in error through the clinic API."""
    created = nurse.outcomes.strike_measure(measure_id, reason).created_id
    assert created is not None
    return created


def use_every_instrument(nurse: Clinic, visit_id: int) -> None:
    """Let the visit's course measure all four instruments (the protocol's default is PHQ-9 and GAD-7)."""
    course_id = nurse.visits.get(visit_id).detail.summary.course_id
    assert course_id is not None
    nurse.outcomes.choose_instruments(course_id, [k.value for k in InstrumentKey])
