"""The course summary's watch read back with pypdf: each flag with its rule, version, inputs and acknowledgement;
the requests with their decisions; the screenings with when each is next due; the substance-use history; and every
suicide-risk flag with its assessment or override, or that it still waits for one."""

from __future__ import annotations

import io
from dataclasses import replace

from pypdf import PdfReader

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.watch.records import RequestDecision, RequestKind, ScreeningKind
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.outcome_steps import measured_course
from tests.reports.measure_builders import PHQ9_MODERATE, record_measure
from tests.reports.report_builders import flat, pdf_pages

pytestmark = BOTH_ENGINES  # on a file and on a server's database

PHQ9_ITEM9_TWO = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 2, 10: 1}  # total 10, item 9 at 2: high priority
ASKED = "Ζητά υψηλότερη δόση — «τη χρειάζομαι»"
WHY_REFUSED = "Responding at 0.5 mg/kg; no increase"
ACK_NOTE = "Проверено: скрининг назначен на следующий визит"


def _text(clinic: Clinic, course_id: int) -> str:
    return flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(course_id))))


def test_flags_requests_screenings_and_substance_use(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A refused request names who decided and why; an acknowledged flag names the physician, the time and the note
    (written in Cyrillic), the others say no physician has acknowledged them; each flag prints its rule, version and
    inputs; a screening prints its score and when it is due again; the substance-use history is in red words."""
    course = measured_course(nurse, clock)
    patient = clinic.patients.get(course.patient_id)
    nurse.patients.edit(
        course.patient_id, replace(patient, substance_use=True, substance_use_note="Alcohol use disorder, remission")
    )
    request = nurse.watch.record_request(course.course_id, RequestKind.HIGHER_DOSE, ASKED).created_id
    assert request is not None
    physician.watch.decide_request(request, RequestDecision.REFUSED, WHY_REFUSED)
    nurse.watch.record_screening(course.patient_id, ScreeningKind.AUDIT_C, score=2)
    state = clinic.watch.state(course.course_id)
    assert len(state.flags) >= 2, "the screenings never done are overdue"
    first = state.flags[0].flag
    physician.watch.acknowledge_flag(course.course_id, first.fingerprint, ACK_NOTE, password=PASSWORDS["doctor"])
    state = clinic.watch.state(course.course_id)
    text = _text(clinic, course.course_id)
    staff = clinic.reports.report_staff()
    doctor = staff[physician.user.login]
    assert "Tolerance and misuse watch" in text
    assert f"As evaluated at {clock.now():%Y-%m-%d %H:%M}." in text, "the flags are judged afresh: the paper says when"
    assert "Substance-use history: Alcohol use disorder, remission" in text
    for raised in state.flags:
        assert flat(raised.flag.text) in text
        assert all(flat(f"{i.name}: {i.value}") in text for i in raised.flag.inputs)
    assert f"{doctor}, " in text and ACK_NOTE in text
    assert text.count("not acknowledged by a physician") == len(state.flags) - 1
    assert ASKED in text and f"Refused by {doctor}" in text and WHY_REFUSED in text
    audit = next(d for d in state.screening if d.kind is ScreeningKind.AUDIT_C)
    assert "AUDIT-C 2" in text and f"{audit.status} (every {audit.every_days} days)" in text
    for due in state.screening:
        if due.latest is None:
            assert f"{due.kind.label} – never {due.status} (every {due.every_days} days)" in text


def test_suicide_risk_flags_with_their_assessment_or_waiting(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """Two PHQ-9s answer item 9 above 0: the one assessed prints the level, the action and who; the high-priority
    one not yet assessed says the infusion cannot start until it is; the watch's own flags follow."""
    course = measured_course(nurse, clock)
    visit_id = nurse.scheduling.schedule_visit(course.patient_id, nurse.today(), 1, course_id=course.course_id)
    assert visit_id.created_id is not None
    assessed = record_measure(nurse, visit_id.created_id, InstrumentKey.PHQ9, PHQ9_MODERATE)
    nurse.outcomes.record_risk_assessment(assessed, "moderate", "Safety plan reviewed; crisis line given")
    clock.advance(minutes=20)
    record_measure(nurse, visit_id.created_id, InstrumentKey.PHQ9, PHQ9_ITEM9_TWO)
    text = _text(clinic, course.course_id)
    nurse_name = clinic.reports.report_staff()[nurse.user.login]
    assert "Suicide-risk flags" in text
    assert f"Assessed: moderate risk by {nurse_name}" in text and "Safety plan reviewed; crisis line given" in text
    assert "high priority PHQ-9 item 9 answered 2 (2 or more)" in text
    assert "No risk assessment recorded: the infusion cannot start until one is" in text
    assert text.index("Suicide-risk flags") < text.index("Tolerance and misuse watch")


def test_a_course_without_a_risk_flag_says_so(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """The measured course's PHQ-9s leave item 9 at 0: the section says no flag was raised."""
    course = measured_course(nurse, clock)
    assert "No PHQ-9 of this course raised a suicide-risk flag." in _text(clinic, course.course_id)


def test_a_later_acknowledgement_is_a_later_file(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """The summary is stamped with the latest moment it prints: an acknowledgement made later moves the stamp, so two
    files of the same course tell which is newer; asked twice with nothing new, the bytes are the same."""
    course = measured_course(nurse, clock)
    before = clinic.reports.course_report_pdf(course.course_id)
    assert clinic.reports.course_report_pdf(course.course_id) == before
    clock.advance(minutes=30)
    flag = clinic.watch.state(course.course_id).flags[0].flag
    physician.watch.acknowledge_flag(course.course_id, flag.fingerprint, "Seen", password=PASSWORDS["doctor"])
    after = clinic.reports.course_report_pdf(course.course_id)
    created = [PdfReader(io.BytesIO(data)).metadata.creation_date for data in (before, after)]
    assert created[0] is not None and created[1] is not None and created[0] < created[1]
