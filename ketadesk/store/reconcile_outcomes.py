"""Outcome measures, course instruments and the risk flag's answers against their audit entries (0016).

The pairings :mod:`ketadesk.store.reconcile` runs with the others: each row projected onto
the values its write put into its entry's payload (:mod:`ketadesk.store.outcomes`), and the
entries projected onto the same values. A measure's answers, scores and status are compared
as JSON (``json()`` on the row's text, ``json_extract`` of the entry's object), so an edited
answer, a rescored total or a status changed behind the program's back shows as a difference.
"""

from __future__ import annotations

from ketadesk.store.reconcile_pairings import Pairing


def _j(*paths: str) -> str:
    return ", ".join(f"json_extract(after, '$.{p}')" for p in paths)


_MEASURE_COLUMNS = (
    "by",
    "at",
    "patient",
    "course",
    "visit",
    "instrument",
    "answers",
    "scores",
    "status",
    "total",
    "scoring_version",
    "rule_version",
    "mode",
    "corrects",
    "entered_in_error",
    "reason",
)

OUTCOME_PAIRINGS: tuple[Pairing, ...] = (
    Pairing(
        "outcome_measures",
        "row",
        _MEASURE_COLUMNS,
        "SELECT id, entered_by, entered_at, patient_id, course_id, visit_id, instrument, json(answers), json(scores),"
        " json(status), total, scoring_version, rule_version, mode, corrects_id, entered_in_error, correction_reason"
        " FROM outcome_measures",
        "SELECT entity_id, actor_id, at, "
        + _j(
            "patient_id",
            "course_id",
            "visit_id",
            "instrument",
            "answers",
            "scores",
            "status",
            "total",
            "scoring_version",
            "rule_version",
            "mode",
            "corrects",
            "entered_in_error",
            "reason",
        )
        + " FROM audit WHERE entity = 'measure' AND action IN ('measure', 'correct_measure', 'strike_measure')",
    ),
    Pairing(
        "course_instruments",
        "row",
        ("by", "at", "course", "instruments"),
        "SELECT id, by, at, course_id, instruments FROM course_instruments",
        "SELECT json_extract(after, '$.id'), actor_id, at, entity_id, "
        + _j("instruments")
        + " FROM audit WHERE id IN (SELECT id FROM temp.audit_by_action WHERE action = 'choose_instruments')"
        " AND entity = 'course'",
    ),
    Pairing(
        "risk_assessments",
        "row",
        ("by", "at", "measure", "patient", "visit", "level", "action"),
        "SELECT id, by, at, measure_id, patient_id, visit_id, level, action FROM risk_assessments",
        "SELECT entity_id, actor_id, at, "
        + _j("measure_id", "patient_id", "visit_id", "level", "action")
        + " FROM audit WHERE entity = 'risk_assessment' AND action = 'risk_assessment'",
    ),
    Pairing(
        "risk_overrides",
        "row",
        ("by", "at", "measure", "patient", "visit", "reason", "entered_by"),
        "SELECT id, by, at, measure_id, patient_id, visit_id, reason, entered_by FROM risk_overrides",
        "SELECT entity_id, actor_id, at, "
        + _j("measure_id", "patient_id", "visit_id", "reason", "entered_by")
        + " FROM audit WHERE entity = 'risk_override' AND action = 'override_risk_flag'",
    ),
)
