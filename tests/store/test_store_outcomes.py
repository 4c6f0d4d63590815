"""Outcome measures as stored (0016): round trips, corrections as new rows, the guards, and check's reconciliation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from ketadesk.core.clock import from_utc_iso
from ketadesk.core.instruments import GAD7, PHQ9, InstrumentKey
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.risk import RiskLevel
from ketadesk.core.instruments.rules import RULES_VERSION, Timed, outcome_status
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ScheduleTemplate
from ketadesk.core.users import User
from ketadesk.store import courses, outcomes, visits
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from ketadesk.store.reconcile import records_problems
from tests.behind import REFUSED, guard_triggers, past_the_store
from tests.engines import BOTH_ENGINES
from tests.store.outcome_rows import ANSWERS, add_outcome_rows

pytestmark = BOTH_ENGINES  # on a file and on a server's database

At = Callable[[float], str]
BASELINE_AT = from_utc_iso("2025-03-03T09:00:00.000Z")
TEMPLATE = ScheduleTemplate("induction-6", "Six over two weeks", (3, 3), 28)


@pytest.fixture
def course_id(store: Store, nurse: User, patient_id: int, at: At) -> int:
    """A course for the patient."""
    return courses.create(store, patient_id, TEMPLATE, date(2025, 3, 3), at=at(1), actor_id=nurse.id)


@pytest.fixture
def measure_id(store: Store, nurse: User, patient_id: int, course_id: int, visit_id: int, at: At) -> int:
    """A PHQ-9 with its assessment and override, and the course's instruments."""
    visits.add_event(store, visit_id, Phase.PRE_ASSESSMENT, at=at(2), actor_id=nurse.id)
    return add_outcome_rows(
        store, patient_id=patient_id, course_id=course_id, visit_id=visit_id, actor_id=nurse.id, at=at(3)
    )


def _gad7(store: Store, patient_id: int, nurse: User, at: str, *, corrects: int | None = None, reason: str = "") -> int:
    """A GAD-7 the patient entered, judged against a baseline of 14 (or a correction of one)."""
    answers = {n: 1 for n in range(1, 8)}
    scored = GAD7.score(answers)
    return outcomes.add_measure(
        store,
        patient_id=patient_id,
        course_id=None,
        visit_id=None,
        answers=answers,
        scored=scored,
        status=outcome_status(GAD7.key, scored.total, Timed(1, BASELINE_AT, 14)),
        mode=EntryMode.PATIENT,
        at=at,
        actor_id=nurse.id,
        corrects_id=corrects,
        reason=reason,
    )


def test_a_measure_reads_back_as_it_was_scored(store: Store, measure_id: int, nurse: User) -> None:
    """Answers, total, band, status with its rule version, mode and who entered it all read back."""
    measure = outcomes.measure(store, measure_id)
    assert measure.answers == tuple(sorted(ANSWERS.items()))
    assert measure.scored == PHQ9.score(ANSWERS) and measure.total == 8 and measure.scored.band.name == "mild"  # type: ignore[union-attr]
    assert measure.status.rule_version == RULES_VERSION and measure.status.response is None
    assert (measure.mode, measure.entered_by) == (EntryMode.NURSE, nurse.login)
    [assessment] = outcomes.assessments(store, measure.patient_id)
    [override] = outcomes.overrides(store, measure.patient_id)
    assert (assessment.measure_id, override.measure_id, override.entered_by) == (measure_id, measure_id, None)


def test_the_latest_choice_of_instruments_counts(store: Store, nurse: User, course_id: int, at: At) -> None:
    """No row: None (a course planned before 0016); the newest row is the course's choice."""
    assert outcomes.course_instruments(store, course_id) is None
    outcomes.choose_instruments(store, course_id, (InstrumentKey.PHQ9,), at=at(1), actor_id=nurse.id)
    outcomes.choose_instruments(store, course_id, (InstrumentKey.GAD7, InstrumentKey.PCL5), at=at(2), actor_id=nurse.id)
    assert outcomes.course_instruments(store, course_id) == (InstrumentKey.GAD7, InstrumentKey.PCL5)


def test_a_correction_is_a_new_row_made_once_with_its_reason(
    store: Store, nurse: User, patient_id: int, at: At
) -> None:
    """The replacement points at the original with a reason; a second correction of it is refused."""
    first = _gad7(store, patient_id, nurse, at(1))
    second = _gad7(store, patient_id, nurse, at(2), corrects=first, reason="Patient meant item 3")
    assert outcomes.measure(store, second).corrects_id == first
    with pytest.raises(StoreError):
        _gad7(store, patient_id, nurse, at(3), corrects=first, reason="Again")
    with pytest.raises(StoreError):
        _gad7(store, patient_id, nurse, at(3), corrects=second)  # a correction without a reason
    assert [m.id for m in outcomes.measures(store, patient_id)] == [first, second]


def test_the_table_refuses_what_the_program_never_writes(store: Store, nurse: User, patient_id: int, at: At) -> None:
    """Another mode, a strike that strikes nothing, answers that are not JSON: refused by the schema itself."""
    row = (patient_id, "gad7", "{}", "{}", "{}", 0, "v", "v", at(1), nurse.id)
    insert = (
        "INSERT INTO outcome_measures (patient_id, instrument, answers, scores, status, total, scoring_version,"
        " rule_version, entered_at, entered_by, mode, entered_in_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    raw = past_the_store(store)
    for mode, struck in (("robot", 0), ("nurse", 1)):
        with pytest.raises(REFUSED):
            raw.execute(insert, (*row, mode, struck))
    with pytest.raises(REFUSED):
        raw.execute(insert, (patient_id, "gad7", "{not json", "{}", "{}", 0, "v", "v", at(1), nurse.id, "nurse", 0))


def test_a_signed_visit_accepts_no_measure_assessment_or_override(
    store: Store, nurse: User, measure_id: int, visit_id: int, at: At
) -> None:
    """Once the visit is signed, raw SQL cannot add a measure, an assessment or an override to it."""
    for phase in (Phase.INFUSING, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE, Phase.DISCHARGED, Phase.SIGNED):
        visits.add_event(store, visit_id, phase, at=at(30), actor_id=nurse.id)
    measure = outcomes.measure(store, measure_id)
    for write in (
        lambda: outcomes.add_risk_override(store, measure, "late", at=at(40), actor_id=nurse.id, entered_by=None),
        lambda: outcomes.add_risk_assessment(store, measure, RiskLevel.HIGH, "late", at=at(40), actor_id=nurse.id),
    ):
        with pytest.raises(StoreError, match="signed and locked"):
            write()
    with pytest.raises(REFUSED, match="signed and locked"):
        past_the_store(store).execute(
            "INSERT INTO outcome_measures (patient_id, visit_id, instrument, answers, scores, status, total,"
            " scoring_version, rule_version, mode, entered_at, entered_by) SELECT patient_id, visit_id, instrument,"
            " answers, scores, status, total, scoring_version, rule_version, mode, entered_at, entered_by"
            " FROM outcome_measures WHERE id = ?",
            (measure_id,),
        )


def _outcome_lines(store: Store) -> list[str]:
    return [p for p in records_problems(store) if any(t in p for t in ("outcome", "risk_", "course_instruments"))]


def test_check_finds_nothing_in_rows_written_by_the_program(store: Store, measure_id: int) -> None:
    """Every outcome row matches its audit entry exactly."""
    assert _outcome_lines(store) == []


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        # A tenth answer (key 9) added to the JSON text, in words both engines have.
        (
            """UPDATE outcome_measures SET answers = replace(answers, '}', ',"9":0}')""",
            "differs from its audit entry: answers",
        ),
        ("UPDATE outcome_measures SET total = 2", "differs from its audit entry: total 2 in the table"),
        ("UPDATE outcome_measures SET mode = 'patient'", "mode 'patient' in the table, 'nurse' in the audit trail"),
        ("UPDATE risk_assessments SET level = 'high'", "risk_assessments: row 1 differs from its audit entry: level"),
        ("DELETE FROM risk_overrides", "audit: an entry records risk_overrides"),
        ("UPDATE course_instruments SET instruments = 'gad7'", "course_instruments: row 1 differs"),
        (
            "INSERT INTO outcome_measures (patient_id, instrument, answers, scores, status, total, scoring_version,"
            " rule_version, mode, entered_at, entered_by) SELECT patient_id, instrument, answers, scores, status, 0,"
            " scoring_version, rule_version, mode, entered_at, entered_by FROM outcome_measures",
            "outcome_measures: row 2",
        ),
    ],
)
def test_check_names_an_edit_behind_the_programs_back(
    store: Store, measure_id: int, edit: str, expect: str, engine: str
) -> None:
    """With the guard triggers dropped, as an insider would, each edit shows as a line naming the row."""
    raw = past_the_store(store)
    for name in guard_triggers(raw, engine):
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute(edit)
    lines = _outcome_lines(store)
    assert any(expect in line for line in lines), lines
