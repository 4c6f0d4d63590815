"""The course watch through the clinic API: flags from the record, requests, decisions, screenings, acknowledgements."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketadesk.clinic import Clinic, PermissionDenied, ValidationError
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.flags import WatchRule
from ketadesk.core.watch.records import RequestDecision, RequestKind, ScreeningKind, ScreeningResult
from tests.clinic.clinic_steps import Refused
from tests.clinic.watch_steps import given, on_day, prepared
from tests.engines import BOTH_ENGINES, sqlite_only
from tests.helpers import PASSWORDS, make_patient

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _course(nurse: Clinic, patient_id: int) -> int:
    return nurse.scheduling.courses(patient_id)[-1].id


def _rules(clinic: Clinic, course_id: int) -> list[WatchRule]:
    return [f.flag.rule for f in clinic.watch.flags(course_id)]


def test_dose_creep_shows_at_the_pre_assessment_of_the_visit_that_creeps(
    nurse: Clinic, clock: FakeClock, patient_id: int
) -> None:
    """0.5 mg/kg given, then 0.75 prepared a week later: the flag is up before the pump starts, naming its rule."""
    given(nurse, clock, patient_id, "0.5")
    on_day(clock, 7)
    prepared(nurse, patient_id, "0.75")
    course_id = _course(nurse, patient_id)
    creep = next(f.flag for f in nurse.watch.flags(course_id) if f.flag.rule is WatchRule.DOSE_CREEP)
    assert creep.text.startswith("Dose creep: 0.75 mg/kg on 2026-12-01 is 1.5× the first effective dose 0.5 mg/kg")
    assert creep.text.endswith("(rule dose-creep v1)")
    state = nurse.watch.state(course_id)
    assert all(rule is not WatchRule.DOSE_RISING_NO_BENEFIT for rule, _ in state.unjudged)  # two doses: no run
    assert any(rule is WatchRule.BENEFIT_WEARING_OFF for rule, _ in state.unjudged)  # no outcome scores stored yet


def test_the_substance_use_history_is_part_of_the_watch(nurse: Clinic, clock: FakeClock) -> None:
    """The patient's history of substance misuse stays visible: the watch's state carries it."""
    patient_id = nurse.patients.register(
        make_patient("KD-00042", substance_use=True, substance_use_note="Alcohol use disorder, in remission")
    ).created_id
    assert patient_id is not None
    nurse.scheduling.plan_course(patient_id, nurse.today())
    state = nurse.watch.state(_course(nurse, patient_id))
    assert state.substance_use and state.substance_text == "Substance-use history: Alcohol use disorder, in remission"


def test_screenings_are_due_at_the_start_and_flagged_once_overdue(
    nurse: Clinic, clock: FakeClock, patient_id: int
) -> None:
    """A new course: every screening due today; tomorrow each is overdue; an AUDIT-C today clears its own."""
    course_id = _course(nurse, patient_id)
    assert all(not d.overdue for d in nurse.watch.state(course_id).screening)
    on_day(clock, 1)
    assert _rules(nurse, course_id).count(WatchRule.SCREENING_OVERDUE) == len(ScreeningKind)
    changes = nurse.watch.record_screening(patient_id, ScreeningKind.AUDIT_C, score=2)
    assert changes.patients == frozenset({patient_id})
    due = {d.kind: d for d in nurse.watch.state(course_id).screening}
    assert (
        due[ScreeningKind.AUDIT_C].due_on == nurse.today() + timedelta(days=90)
        and not due[ScreeningKind.AUDIT_C].overdue
    )
    assert _rules(nurse, course_id).count(WatchRule.SCREENING_OVERDUE) == len(ScreeningKind) - 1


def test_a_positive_urine_screen_raises_a_flag(nurse: Clinic, patient_id: int) -> None:
    """A urine drug screen positive and not explained by a prescription is flagged with what was found."""
    course_id = _course(nurse, patient_id)
    nurse.watch.record_screening(
        patient_id, ScreeningKind.URINE_DRUG_SCREEN, result=ScreeningResult.POSITIVE, detail="Cocaine metabolite"
    )
    positive = [f.flag for f in nurse.watch.flags(course_id) if f.flag.rule is WatchRule.SCREENING_POSITIVE]
    assert len(positive) == 1 and "Urine drug screen: Positive" in positive[0].text
    assert "Cocaine metabolite" in positive[0].inputs_text


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"kind": ScreeningKind.AUDIT_C, "score": 13}, "score"),
        ({"kind": ScreeningKind.AUDIT_C, "score": None}, "score"),
        ({"kind": ScreeningKind.DAST_10, "score": 3, "result": ScreeningResult.NEGATIVE}, "result"),
        ({"kind": ScreeningKind.PRESCRIPTION_MONITORING, "result": ScreeningResult.NEGATIVE}, "result"),
        ({"kind": "audit-c", "score": 3}, "kind"),
        ({"kind": ScreeningKind.DAST_10, "score": 2, "detail": "x\u202e"}, "detail"),
    ],
)
def test_a_screening_core_does_not_allow_is_refused_and_nothing_is_stored(
    nurse: Clinic, patient_id: int, refused: Refused, arguments: dict[str, object], field: str
) -> None:
    """A total outside the instrument, a result where a score belongs, an unknown kind, deceiving text."""
    with refused(field=field):
        nurse.watch.record_screening(patient_id, **arguments)  # type: ignore[arg-type]


def test_a_screening_in_the_future_or_over_a_year_old_is_refused(
    nurse: Clinic, clock: FakeClock, patient_id: int, refused: Refused
) -> None:
    """When it was done: not ahead of the clock, not more than 365 days back."""
    for when in (clock.now() + timedelta(minutes=5), clock.now() - timedelta(days=366)):
        with refused(field="done_at"):
            nurse.watch.record_screening(patient_id, ScreeningKind.DAST_10, score=1, done_at=when)


def test_requests_are_written_by_the_nurse_and_decided_by_a_physician(
    nurse: Clinic, physician: Clinic, clock: FakeClock, patient_id: int, refused: Refused
) -> None:
    """The nurse writes the request down; she may not decide it; the physician refuses it with a reason."""
    course_id = _course(nurse, patient_id)
    request_id = nurse.watch.record_request(
        course_id, RequestKind.HIGHER_DOSE, "Asked for 1 mg/kg", clock.now() - timedelta(hours=3)
    ).created_id
    assert request_id is not None
    with refused(PermissionDenied):
        nurse.watch.decide_request(request_id, RequestDecision.REFUSED, "Not indicated")
    with refused(field="reason"):
        physician.watch.decide_request(request_id, RequestDecision.REFUSED, "   ")
    physician.watch.decide_request(request_id, RequestDecision.REFUSED, "Not indicated at this stage")
    request = nurse.watch.state(course_id).requests[0]
    assert request.entered_by == "nurse" and request.decision is not None
    assert (request.decision.decision, request.decision.decided_by) == (RequestDecision.REFUSED, "doctor")
    with refused(field="request"):
        physician.watch.decide_request(request_id, RequestDecision.GRANTED, "On reflection")


def test_two_refused_requests_raise_the_flag(
    nurse: Clinic, physician: Clinic, clock: FakeClock, patient_id: int
) -> None:
    """One refusal is a decision; the second within 90 days is a pattern the physician is shown."""
    course_id = _course(nurse, patient_id)
    for kind in (RequestKind.HIGHER_DOSE, RequestKind.EXTRA_INFUSION):
        created = nurse.watch.record_request(course_id, kind, "").created_id
        assert created is not None
        assert WatchRule.REFUSED_REQUESTS not in _rules(nurse, course_id)
        physician.watch.decide_request(created, RequestDecision.REFUSED, "Not now")
        clock.advance(timedelta(days=2))
    flag = next(f.flag for f in nurse.watch.flags(course_id) if f.flag.rule is WatchRule.REFUSED_REQUESTS)
    assert flag.text.startswith("Repeated refused requests: 2 requests refused in the last 90 days: a higher dose")


def test_a_request_asked_in_the_future_or_long_ago_is_refused(
    nurse: Clinic, clock: FakeClock, patient_id: int, refused: Refused
) -> None:
    """When the patient asked: not ahead of the clock, not more than 30 days back."""
    course_id = _course(nurse, patient_id)
    for when in (clock.now() + timedelta(minutes=5), clock.now() - timedelta(days=31)):
        with refused(field="requested_at"):
            nurse.watch.record_request(course_id, RequestKind.EARLIER_VISIT, "", when)


def test_a_physician_acknowledges_a_flag_with_a_note_and_their_password(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock, patient_id: int, refused: Refused
) -> None:
    """Acknowledged and signed; a second acknowledgement is refused; a higher dose raises a new, open flag."""
    given(nurse, clock, patient_id, "0.5")
    on_day(clock, 7)
    prepared(nurse, patient_id, "0.75")
    course_id = _course(nurse, patient_id)
    creep = next(f.flag for f in physician.watch.flags(course_id) if f.flag.rule is WatchRule.DOSE_CREEP)
    with refused(PermissionDenied):
        nurse.watch.acknowledge_flag(course_id, creep.fingerprint, "Seen", password=PASSWORDS["nurse"])
    with refused(field="note"):
        physician.watch.acknowledge_flag(course_id, creep.fingerprint, " ", password=PASSWORDS["doctor"])
    with refused(field="fingerprint"):
        physician.watch.acknowledge_flag(course_id, "0" * 64, "Seen", password=PASSWORDS["doctor"])
    with pytest.raises(ValidationError, match="password"):
        physician.watch.acknowledge_flag(course_id, creep.fingerprint, "Seen", password="wrong password!")
    physician.watch.acknowledge_flag(
        course_id, creep.fingerprint, "0.75 mg/kg is her effective dose; risks discussed", password=PASSWORDS["doctor"]
    )
    flag = next(f for f in physician.watch.flags(course_id) if f.flag.rule is WatchRule.DOSE_CREEP)
    assert flag.acknowledgement is not None and flag.acknowledgement.by == "doctor"
    assert flag.acknowledgement.inputs.startswith("Dose creep: 0.75 mg/kg")
    with refused(field="fingerprint", match="already acknowledged by doctor"):
        physician.watch.acknowledge_flag(course_id, creep.fingerprint, "Again", password=PASSWORDS["doctor"])
    assert clinic.maintenance.check() == []
    on_day(clock, 14)
    given(nurse, clock, patient_id, "0.75")
    on_day(clock, 21)
    prepared(nurse, patient_id, "0.9")
    again = next(f for f in physician.watch.flags(course_id) if f.flag.rule is WatchRule.DOSE_CREEP)
    assert again.open and again.flag.fingerprint != creep.fingerprint


@sqlite_only("raw SQL on the file; the server's planted edits: tests/store/test_store_pg_planted_edits.py")
def test_check_names_an_acknowledgement_edited_behind_the_programs_back(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock, patient_id: int
) -> None:
    """The note of a signed acknowledgement changed with raw SQL: its signature and its audit entry both disagree."""
    on_day(clock, 1)
    course_id = _course(nurse, patient_id)
    overdue = next(f.flag for f in physician.watch.flags(course_id) if f.flag.rule is WatchRule.SCREENING_OVERDUE)
    physician.watch.acknowledge_flag(course_id, overdue.fingerprint, "Booked for Friday", password=PASSWORDS["doctor"])
    conn = clinic.store.conn
    conn.execute("DROP TRIGGER flag_acknowledgements_no_update")
    conn.execute("UPDATE flag_acknowledgements SET note = 'Not needed'")
    problems = clinic.maintenance.check()
    assert any("acknowledgement 1 of a flag" in p and "does not verify" in p for p in problems)
    assert any(p.startswith("flag_acknowledgements: row 1 differs") for p in problems)
