"""Outcome measures through the clinic API: entered, scored, due, corrected, and the suicide-risk flag answered."""

from __future__ import annotations

import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError
from ketadesk.clinic.changes import Change
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.risk import RiskLevel
from ketadesk.core.instruments.schedule import DueState
from tests.clinic.clinic_steps import Refused
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database

CALM = dict.fromkeys(range(1, 10), 0)
LOW_MOOD = {**dict.fromkeys(range(1, 9), 2), 9: 0, 10: 1}


def phq9(total_items: int = 1, item9: int = 0) -> dict[int, int]:
    """Answers with items 1–8 at ``total_items``, item 9 at ``item9`` and item 10 asked when the total is above 0."""
    answers = {**dict.fromkeys(range(1, 9), total_items), 9: item9}
    if sum(answers.values()) > 0:
        answers[10] = 1
    return answers


def patient_of(clinic: Clinic, visit_id: int) -> int:
    return clinic.visits.get(visit_id).detail.summary.patient_id


def test_a_measure_is_scored_by_core_and_names_who_entered_it(nurse: Clinic, visit_id: int) -> None:
    """The nurse enters a PHQ-9 at check-in: the total is core's, the record says the nurse entered it."""
    changes = nurse.outcomes.record_measure(visit_id, "phq9", LOW_MOOD)
    assert changes.touches(Change.OUTCOMES) and changes.touches_visit(visit_id)
    measure = nurse.outcomes.measures(patient_of(nurse, visit_id))[-1]
    assert measure.id == changes.created_id and measure.total == 16 and measure.scored.band is not None
    assert measure.entered_by == "nurse" and measure.mode is EntryMode.NURSE
    assert measure.status.response is None  # before the first infusion: a baseline, nothing to respond from


def test_the_patient_mode_is_recorded_as_the_patients_entry_in_the_nurses_session(nurse: Clinic, visit_id: int) -> None:
    nurse.outcomes.record_measure(visit_id, "gad7", dict.fromkeys(range(1, 8), 1), mode=EntryMode.PATIENT)
    measure = nurse.outcomes.measures(patient_of(nurse, visit_id))[-1]
    assert measure.mode is EntryMode.PATIENT and measure.entered_by == "nurse"


def test_a_missing_answer_names_the_item_and_stores_nothing(
    clinic: Clinic, nurse: Clinic, visit_id: int, refused: Refused
) -> None:
    answers = dict(CALM)
    del answers[4]
    with refused(field="phq9 item 4", match="item 4"):
        nurse.outcomes.record_measure(visit_id, "phq9", answers)
    with refused(field="phq9 item 3"):
        nurse.outcomes.record_measure(visit_id, "phq9", {**CALM, 3: 4})


def test_an_instrument_the_course_does_not_use_is_refused(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    with refused(field="instrument", match="not one of this course's measures"):
        nurse.outcomes.record_measure(visit_id, "pcl5", dict.fromkeys(range(1, 21), 0))


def test_induction_visits_ask_for_each_instrument_before_the_infusion(
    nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Due before the infusion; done once entered; missed when the pump started without it."""
    states = {d.instrument.value: d.state for d in nurse.outcomes.due(visit_id)}
    assert states == {"phq9": DueState.DUE, "gad7": DueState.DUE}
    nurse.outcomes.record_measure(visit_id, "phq9", CALM)
    states = {d.instrument.value: d.state for d in nurse.outcomes.due(visit_id)}
    assert states == {"phq9": DueState.DONE, "gad7": DueState.DUE}
    assert [d.instrument.value for d in nurse.outcomes.marks(visit_id).asks] == ["gad7"]
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    marks = nurse.outcomes.marks(visit_id)
    assert [(d.instrument.value, d.state) for d in marks.overdue] == [("gad7", DueState.MISSED)]


def test_item_9_above_0_blocks_the_infusion_until_a_clinician_assesses_it(
    nurse: Clinic, visit_id: int, refused: Refused
) -> None:
    ready_to_infuse(nurse, visit_id)
    made = nurse.outcomes.record_measure(visit_id, "phq9", phq9(1, item9=1))
    marks = nurse.outcomes.marks(visit_id)
    assert len(marks.blocking) == 1 and not marks.blocking[0].high_priority
    assert marks.lines[0].startswith("Suicide-risk flag (raised): PHQ-9 item 9 answered 1")
    assert any("Suicide-risk flag" in b for b in nurse.infusion.start_blockers(visit_id))
    with refused(field="start", match="Suicide-risk flag"):
        nurse.infusion.start_infusion(visit_id)
    assert made.created_id is not None
    nurse.outcomes.record_risk_assessment(made.created_id, RiskLevel.LOW, "Safety plan reviewed with the patient")
    flag = nurse.outcomes.marks(visit_id).flags[0]
    assert flag.cleared and flag.assessment is not None and flag.assessment.by == "nurse"
    assert nurse.infusion.start_blockers(visit_id) == []
    nurse.infusion.start_infusion(visit_id)


def test_high_priority_at_item_9_of_2_or_a_total_of_20(nurse: Clinic, visit_id: int) -> None:
    nurse.outcomes.record_measure(visit_id, "phq9", phq9(0, item9=2) | {10: 1})
    assert nurse.outcomes.marks(visit_id).flags[0].high_priority
    patient_id = patient_of(nurse, visit_id)
    measure_id = nurse.outcomes.current(patient_id)[-1].id
    nurse.outcomes.correct_measure(measure_id, phq9(3, item9=1), "Item 9 misread; the patient marked 1")
    flag = nurse.outcomes.risk_flags(patient_id)[0]
    assert flag.item9 == 1 and flag.measure.total == 25 and flag.high_priority and "total 25" in flag.summary


def test_a_physician_overrides_with_their_own_password_at_the_bedside(
    clinic: Clinic, nurse: Clinic, visit_id: int, refused: Refused
) -> None:
    made = nurse.outcomes.record_measure(visit_id, "phq9", phq9(1, item9=1)).created_id
    assert made is not None
    with pytest.raises(ValidationError, match="Wrong login or password") as wrong:
        nurse.outcomes.override_risk_flag(made, "Seen by me today", physician_login="doctor", password="wrong")
    assert (
        wrong.value.field == "password" and nurse.outcomes.risk_flags(patient_of(nurse, visit_id))[0].override is None
    )
    with refused(field="physician", match="not a physician"):
        nurse.outcomes.override_risk_flag(made, "Seen by me today", physician_login="nurse", password="x")
    with refused(field="reason"):
        nurse.outcomes.override_risk_flag(made, "  ", physician_login="doctor", password=PASSWORDS["doctor"])
    nurse.outcomes.override_risk_flag(
        made, "Assessed in clinic this morning; plan documented", physician_login="doctor", password=PASSWORDS["doctor"]
    )
    flag = nurse.outcomes.marks(visit_id).flags[0]
    assert flag.override is not None and flag.override.by == "doctor" and flag.override.entered_by == "nurse"


def test_a_measure_with_no_flag_has_nothing_to_assess(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    made = nurse.outcomes.record_measure(visit_id, "phq9", CALM).created_id
    assert made is not None
    with refused(field="measure", match="no suicide-risk flag"):
        nurse.outcomes.record_risk_assessment(made, "low", "nothing")


def test_a_struck_measure_no_longer_counts_and_cannot_be_struck_twice(
    nurse: Clinic, visit_id: int, refused: Refused
) -> None:
    made = nurse.outcomes.record_measure(visit_id, "phq9", phq9(1, item9=1)).created_id
    assert made is not None
    nurse.outcomes.strike_measure(made, "Entered for the wrong patient")
    patient_id = patient_of(nurse, visit_id)
    assert nurse.outcomes.current(patient_id) == [] and nurse.outcomes.risk_flags(patient_id) == ()
    assert len(nurse.outcomes.measures(patient_id)) == 2
    with refused(field="measure", match=r"Maria Santos already struck it as entered in error at \d\d:\d\d\. .*again"):
        nurse.outcomes.strike_measure(made, "again")


def test_response_is_judged_against_the_course_baseline(nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """A baseline of 16 before the first infusion; 8 after it is exactly a 50 % fall: a response."""
    nurse.outcomes.record_measure(visit_id, "phq9", LOW_MOOD)
    clock.advance(minutes=5)
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=30)
    nurse.outcomes.record_measure(visit_id, "phq9", phq9(1))
    measure = nurse.outcomes.current(patient_of(nurse, visit_id))[-1]
    assert measure.status.baseline_total == 16 and measure.total == 8 and measure.status.response is True


def test_only_scheduling_roles_choose_instruments_and_only_known_ones(
    nurse: Clinic, clinic: Clinic, patient_id: int, refused: Refused
) -> None:
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    nurse.outcomes.choose_instruments(course_id, ["pcl5", "phq9"])
    assert [i.key.value for i in nurse.outcomes.instruments(course_id)] == ["phq9", "pcl5"]
    with refused(field="instruments", match="not an instrument"):
        nurse.outcomes.choose_instruments(course_id, ["beck"])
    system = clinic
    with pytest.raises(PermissionDenied):
        system.outcomes.choose_instruments(course_id, ["phq9"])


def test_a_cancelled_visit_takes_no_measures(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """A visit that will not happen asks for nothing and takes nothing, the refusal naming the phase."""
    nurse.scheduling.cancel_visit(visit_id, "Patient unwell")
    assert nurse.outcomes.due(visit_id) == ()
    with refused(field="phase", match="record an outcome measure"):
        nurse.outcomes.record_measure(visit_id, "phq9", CALM)
