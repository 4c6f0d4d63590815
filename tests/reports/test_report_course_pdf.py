"""The course summary read back with pypdf: every visit of the course with its date, dose, peak BP, lowest SpO2,
highest CADSS-6 and adverse events, the patient on every page, and a dose chart drawn as vectors."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.reports.course_pdf import CourseInfo, course_report
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.reports.record_builders import STOP_REASON, record_visit
from tests.reports.report_builders import flat, pdf_pages, walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _course(nurse: Clinic, physician: Clinic, clock: FakeClock) -> tuple[int, int, list[int]]:
    first = walk_visit(nurse, physician, clock, readings=12)
    clock.advance(timedelta(days=2))
    second = walk_visit(nurse, physician, clock, readings=10, patient_id=first.patient_id)
    clock.advance(timedelta(days=2))
    booked = nurse.scheduling.schedule_visit(first.patient_id, nurse.today(), 1, course_id=first.course_id).created_id
    assert booked is not None
    return first.patient_id, first.course_id, [first.visit_id, second.visit_id, booked]


def test_course_summary_lists_every_visit_with_its_figures(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """Each visit's row: date, position, dose, peak BP, lowest SpO2, highest CADSS-6, adverse events, signed or not."""
    patient_id, course_id, visits = _course(nurse, physician, clock)
    data = clinic.reports.course_report_pdf(course_id)
    pages = pdf_pages(data)
    text = flat(" ".join(pages))
    for number, visit_id in enumerate(visits, start=1):
        detail = clinic.visits.get(visit_id).detail
        assert detail.summary.scheduled_date.isoformat() in text
        assert f"Infusion {number} of 8" in text
    assert text.count("186/104") == 2, "peak BP of both infused visits"
    assert text.count("97 %") == 2 and text.count("Nausea") == 2
    assert "0.5 26.7" not in text  # the dose is for 70 kg: 35 mg
    assert text.count("0.5 35") == 2
    assert text.count("not signed") == 2
    assert "2 infusions given" in text and "3 visits booked" in text and "70 mg in 2 infusions" in text
    patient = clinic.patients.get(patient_id)
    for number, page in enumerate(pages, start=1):
        assert patient.display_name in page and f"MRN {patient.mrn}" in page
        assert f"Page {number} of {len(pages)}" in page
    assert all(not page.images for page in PdfReader(io.BytesIO(data)).pages)
    assert "Dose over time" in text and "mg/kg" in text


def test_course_summary_is_repeatable_and_builds_from_core_values(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """The same course gives the same bytes; the builder takes plain values, so it needs no database."""
    patient_id, course_id, visits = _course(nurse, physician, clock)
    assert clinic.reports.course_report_pdf(course_id) == clinic.reports.course_report_pdf(course_id)
    info = CourseInfo(course_id, "induction-8", "Induction", nurse.today(), 8, 28)
    details = [clinic.visits.get(v).detail for v in visits]
    built = course_report(info, clinic.patients.get(patient_id), clinic.protocol, details)
    assert "Course summary" in pdf_pages(built)[0]


def test_course_without_infusions(nurse: Clinic, clinic: Clinic, patient_id: int, visit_id: int) -> None:
    """A course with only a booked visit says no infusion has been given yet."""
    course_id = clinic.scheduling.courses(patient_id)[-1].id
    text = flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(course_id))))
    assert "No infusion has been given in this course yet." in text


def test_a_signed_visit_names_its_signer_and_counts_agree_with_their_nouns(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """The Signed column names who signed and when; one infusion is "1 infusion", never "1 infusions"."""
    first = walk_visit(nurse, physician, clock, readings=6)
    physician.signing.sign_visit(first.visit_id, PASSWORDS["doctor"])
    text = flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(first.course_id))))
    signed = clinic.signing.signature(first.visit_id)
    assert signed is not None and signed.printed_name in text
    assert "1 visit booked, 1 infusion given" in text and " mg in 1 infusion" in text
    assert "1 infusions" not in text and "not signed" not in text


def test_early_stops_show_the_amount_given_their_reason_and_are_counted(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A visit stopped at 3 of 40 min and a completed one: the row gives 2.6 mg (not 35) marked stopped at 3 of 40
    min, the early stops list names its reason and what the amount rests on, the total adds what was given, and a
    line counts the early stops."""
    early = record_visit(nurse, physician, clock, run_min=3)
    clock.advance(timedelta(days=2))
    walk_visit(nurse, physician, clock, readings=6, patient_id=early.patient_id)
    text = flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(early.course_id))))
    assert "0.5 2.6* stopped at 3 of 40 min" in text  # the row: amount given, marked, when it stopped
    assert "Early stops 1 of 2 infusions stopped early" in text  # the count in the course block
    assert "Early stops: 1 of 2 infusions stopped early" in text
    day = clinic.visits.get(early.visit_id).detail.summary.scheduled_date.isoformat()
    assert f"1 {day} stopped at 3 of 40 min {STOP_REASON} 2.6 mg*: calculated from the times" in text
    assert "Total given 37.6 mg in 2 infusions" in text  # 2.6 + 35, never 35 + 35
    assert "70 mg" not in text


def test_a_course_without_early_stops_says_so(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """Every infusion ran its planned time: the count says none, and no early-stop list is printed."""
    first = walk_visit(nurse, physician, clock, readings=6)
    text = flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(first.course_id))))
    assert "Early stops None: every infusion ran its planned time" in text and "Early stops:" not in text
