"""A row in each outcome table (0016) through the store's own writes, for the store tests."""

from __future__ import annotations

from ketadesk.core.instruments import PHQ9, InstrumentKey
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.risk import RiskLevel
from ketadesk.core.instruments.rules import outcome_status
from ketadesk.store import outcomes
from ketadesk.store.db import Store

ANSWERS = {1: 2, 2: 2, 3: 1, 4: 1, 5: 0, 6: 1, 7: 0, 8: 0, 9: 1, 10: 1}
"""A PHQ-9 with item 9 answered 1: total 8, a flag to assess."""


def add_outcome_rows(store: Store, *, patient_id: int, course_id: int, visit_id: int, actor_id: int, at: str) -> int:
    """A course's instruments, a PHQ-9 at the visit with its assessment and an override: the measure's id."""
    outcomes.choose_instruments(store, course_id, (InstrumentKey.PHQ9, InstrumentKey.GAD7), at=at, actor_id=actor_id)
    scored = PHQ9.score(ANSWERS)
    measure_id = outcomes.add_measure(
        store,
        patient_id=patient_id,
        course_id=course_id,
        visit_id=visit_id,
        answers=ANSWERS,
        scored=scored,
        status=outcome_status(PHQ9.key, scored.total, None),
        mode=EntryMode.NURSE,
        at=at,
        actor_id=actor_id,
    )
    measure = outcomes.measure(store, measure_id)
    outcomes.add_risk_assessment(store, measure, RiskLevel.LOW, "Safety plan reviewed", at=at, actor_id=actor_id)
    outcomes.add_risk_override(store, measure, "Seen this morning", at=at, actor_id=actor_id, entered_by=None)
    return measure_id


def add_outcome_rows_by_sql(
    store: Store, *, patient_id: int, course_id: int, visit_id: int, actor_id: int, at: str
) -> int:
    """The same four rows by plain INSERTs, for PostgreSQL until store.outcomes writes through Store.insert.

    The guards' tests need a row in every table, not the outcome writes (tested on SQLite in test_store_outcomes).
    """
    store.execute(
        "INSERT INTO course_instruments (course_id, instruments, at, by) VALUES (?, 'phq9,gad7', ?, ?)",
        (course_id, at, actor_id),
    )
    measure_id = store.insert(
        "INSERT INTO outcome_measures (patient_id, course_id, visit_id, instrument, answers, scores, status, total,"
        " scoring_version, rule_version, mode, entered_at, entered_by)"
        " VALUES (?, ?, ?, 'phq9', '{}', '{}', '{}', 8, '1', '1', 'nurse', ?, ?)",
        (patient_id, course_id, visit_id, at, actor_id),
    )
    store.execute(
        "INSERT INTO risk_assessments (measure_id, patient_id, visit_id, level, action, at, by)"
        " VALUES (?, ?, ?, 'low', 'Safety plan reviewed', ?, ?)",
        (measure_id, patient_id, visit_id, at, actor_id),
    )
    store.execute(
        "INSERT INTO risk_overrides (measure_id, patient_id, visit_id, reason, at, by)"
        " VALUES (?, ?, ?, 'Seen this morning', ?, ?)",
        (measure_id, patient_id, visit_id, at, actor_id),
    )
    return measure_id
