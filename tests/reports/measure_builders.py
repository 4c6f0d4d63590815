"""Outcome measures written for the report tests: recorded, corrected and struck as the clinic records them.

The answers below are worked out by hand, so a test that reads a total back is checked
against arithmetic, not against the scoring it tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from ketadesk.clinic import Clinic
from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.rules import outcome_status
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.store import outcomes as store_outcomes

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


def _visit_course(nurse: Clinic, visit_id: int) -> tuple[int, int | None]:
    summary = nurse.visits.get(visit_id).detail.summary
    return summary.patient_id, summary.course_id


def record_measure(
    nurse: Clinic,
    visit_id: int,
    instrument: InstrumentKey,
    answers: Mapping[int, int],
    *,
    mode: EntryMode = EntryMode.NURSE,
    corrects_id: int | None = None,
    entered_in_error: bool = False,
    reason: str = "",
) -> int:
    """One measure for the visit, scored as the clinic's definition scores it, entered now in ``nurse``'s session."""
    patient_id, course_id = _visit_course(nurse, visit_id)
    scored = nurse.protocol.outcomes.instrument(instrument).score(answers)
    return store_outcomes.add_measure(
        nurse.store,
        patient_id=patient_id,
        course_id=course_id,
        visit_id=visit_id,
        answers=answers,
        scored=scored,
        status=outcome_status(instrument, scored.total, None),
        mode=mode,
        at=nurse.session.stamp(),
        actor_id=nurse.user.id,
        corrects_id=corrects_id,
        entered_in_error=entered_in_error,
        reason=reason,
    )


def measure(nurse: Clinic, measure_id: int) -> Measure:
    """One stored measure row."""
    return store_outcomes.measure(nurse.store, measure_id)


def correct_measure(nurse: Clinic, measure_id: int, answers: Mapping[int, int], reason: str) -> int:
    """A correction of the measure: new answers, pointing at the one they replace."""
    old = measure(nurse, measure_id)
    assert old.visit_id is not None
    return record_measure(nurse, old.visit_id, old.instrument, answers, corrects_id=measure_id, reason=reason)


def strike_measure(nurse: Clinic, measure_id: int, reason: str) -> int:
    """The measure struck as entered in error (a row that says so, with the struck answers)."""
    old = measure(nurse, measure_id)
    assert old.visit_id is not None
    answers = dict(old.answers)
    return record_measure(
        nurse, old.visit_id, old.instrument, answers, corrects_id=measure_id, entered_in_error=True, reason=reason
    )
