"""The visit PDF read back with pypdf, as a records clerk would check it: who it is about on every page,
every reading, the alerts, the draft mark or the signature, page numbers, and the same bytes every time."""

from __future__ import annotations

import io
import multiprocessing
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest
from pypdf import PdfReader

from ketadesk.clinic import Clinic
from ketadesk.clinic.report_jobs import VisitJob as _VisitJob
from ketadesk.clinic.report_jobs import render as _render
from ketadesk.core.clock import FakeClock
from ketadesk.core.signing import ADDENDUM_MEANING, VISIT_MEANING, Addendum, Signature, canonical_visit, content_hash
from ketadesk.reports.layout import DRAFT_MARK
from ketadesk.reports.visit_pdf import visit_report
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient
from tests.reports.conftest import ReportInputs
from tests.reports.report_builders import ALERT_AT, GREEK_NOTE, WalkedVisit, flat, pdf_pages

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _build(inputs: ReportInputs, **kwargs: object) -> bytes:
    return visit_report(inputs.visit, inputs.patient, inputs.protocol, staff=inputs.staff, **kwargs)  # type: ignore[arg-type]


def _signature(inputs: ReportInputs, *, hours: int = 3) -> Signature:
    signed_at = inputs.visit.events[-1].at + timedelta(hours=hours)
    return Signature(
        "Samuel Okonkwo", "MD", VISIT_MEANING, signed_at, content_hash(canonical_visit(inputs.visit)), "doctor"
    )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_patient_identifiers_and_page_numbers_on_every_page(inputs: ReportInputs) -> None:
    """Every page names the patient (name, MRN, date of birth) and says "Page n of N" with the true N."""
    pages = pdf_pages(_build(inputs))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = _nfc(page)
        assert inputs.patient.display_name in text
        assert f"MRN {inputs.patient.mrn}" in text
        assert f"DOB {inputs.patient.date_of_birth.isoformat()}" in text
        assert f"Page {number} of {len(pages)}" in text
        assert inputs.protocol.clinic_name in text


def test_every_reading_is_printed_with_its_time_and_values(inputs: ReportInputs, walked: WalkedVisit) -> None:
    """All 30 readings appear as table rows — time, SBP, DBP, HR, SpO2, RR and temperature — not only the first."""
    text = flat(" ".join(pdf_pages(_build(inputs))))
    assert len(inputs.visit.vitals) == walked.readings == 30
    assert f"Vital signs ({walked.readings} readings)" in text
    for record in inputs.visit.vitals:
        vs = record.vitals
        temp = rf"\s+{vs.temp_c:g}" if vs.temp_c is not None else ""
        row = rf"{vs.taken_at.astimezone():%H:%M}\s+{vs.sbp}\s+{vs.dbp}\s+{vs.hr}\s+{vs.spo2}\s+{vs.rr}{temp}\s+Maria"
        assert re.search(row, text), f"reading at {vs.taken_at:%H:%M} missing"


def test_alert_reading_is_marked_and_its_acknowledgement_printed(inputs: ReportInputs) -> None:
    """The reading over SBP 180 carries an alert mark in its row, and the alerts section shows who acknowledged it."""
    text = flat(" ".join(pdf_pages(_build(inputs))))
    alert = inputs.visit.vitals[ALERT_AT - 1]
    assert alert.alerts
    assert re.search(rf"{alert.vitals.taken_at.astimezone():%H:%M}\s+186\s+104\s+.*?⚠ SBP high", text)
    assert "Systolic BP high" in text
    assert "Rechecked after 5 min; rate halved, MD informed." in text
    assert "NOT ACKNOWLEDGED" not in text


def test_visit_dose_scores_events_notes_and_discharge_are_printed(inputs: ReportInputs) -> None:
    """The visit block, checklist with who ticked, dose and lot, scores over time, events, notes and discharge."""
    text = _nfc(flat(" ".join(pdf_pages(_build(inputs)))))
    v = inputs.visit
    assert "Infusion 1 of 8" in text and "Chair 2" in text
    assert "Identity and allergies confirmed with the patient Yes Maria Santos, RN" in text
    assert "0.5 mg/kg × 70 kg = 35 mg" in text and "KT2301-15" in text and "52.5 mL/h over 40 min" in text
    assert "4 — Lethargic response" in text and "-1 — Drowsy" in text and "9 (item 1: 2, item 2: 3" in text
    assert "Nausea" in text and "Ondansetron" in text and "4 mg" in text
    assert _nfc(GREEK_NOTE) in text
    assert "Escort (brother) in the waiting room." in text
    notes = [text.index(_nfc(n.text.split("\n")[0])) for n in v.notes]
    assert notes == sorted(notes), "notes are printed in time order"
    assert "Total at" in text and "pass (pass mark 9 of 10)" in text
    discharged = v.event_time(v.summary.phase)
    assert discharged is not None
    assert f"Discharged at {discharged.astimezone():%Y-%m-%d %H:%M}" in text
    assert "Dissociation resolved; mental status at baseline Yes Ticked by Maria Santos, RN" in text


def test_unsigned_visit_is_a_draft_on_every_page(inputs: ReportInputs) -> None:
    """Without a signature every page says DRAFT — NOT SIGNED."""
    pages = pdf_pages(_build(inputs))
    assert all(DRAFT_MARK in page for page in pages)


def test_signed_visit_prints_the_signature_and_addenda_and_no_draft_mark(inputs: ReportInputs) -> None:
    """A signature prints its manifestation (name, credentials, time, meaning); each addendum follows with its own."""
    signature = _signature(inputs)
    later = signature.signed_at + timedelta(days=1)
    addendum_sig = Signature("Maria Santos", "RN", ADDENDUM_MEANING, later, "ab" * 32, "nurse")
    addenda = (
        Addendum(7, "Escort was the patient's brother.", "Wrong relationship charted", later, "nurse", addendum_sig),
        Addendum(8, "Second thought, unsigned.", "Clarification", later + timedelta(hours=1), "doctor", None),
    )
    pages = pdf_pages(_build(inputs, signature=signature, addenda=addenda))
    assert not any(DRAFT_MARK in page for page in pages)
    text = flat(" ".join(pages))
    assert flat(signature.manifestation) in text
    assert "Credentials: MD" in text and VISIT_MEANING in text
    assert "matches the signed content" in text
    first, second = text.index("Escort was the patient's brother."), text.index("Second thought, unsigned.")
    assert text.index(flat(signature.manifestation)) < first < second
    assert flat(addendum_sig.manifestation) in text[first:second]
    assert "Addendum not signed" in text[second:]


def test_signature_over_other_content_is_flagged(inputs: ReportInputs) -> None:
    """If the record no longer matches the signed hash, the report says so under the signature."""
    signature = replace(_signature(inputs), content_hash="0" * 64)
    text = flat(" ".join(pdf_pages(_build(inputs, signature=signature))))
    assert "differs from the content that was signed" in text


def test_same_visit_gives_identical_bytes(inputs: ReportInputs) -> None:
    """Building the same report twice gives the same bytes (reportlab's invariant mode)."""
    assert _build(inputs) == _build(inputs)
    signature = _signature(inputs)
    assert _build(inputs, signature=signature) == _build(inputs, signature=signature)


def test_same_bytes_from_another_process(inputs: ReportInputs) -> None:
    """A report built in a fresh process (as the batch export's workers do) has the same bytes."""
    job = _VisitJob(inputs.visit, inputs.patient, inputs.protocol, None, (), inputs.staff)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        elsewhere = pool.submit(_render, job).result(timeout=60)
    assert elsewhere == _render(job)


def test_page_size_follows_the_protocol(inputs: ReportInputs) -> None:
    """Letter by default; A4 when the clinic's protocol says so."""
    letter = PdfReader(io.BytesIO(_build(inputs))).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    a4_inputs = replace(inputs, protocol=replace(inputs.protocol, page_size="A4"))
    a4 = PdfReader(io.BytesIO(_build(a4_inputs))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)


def test_chart_is_vector_and_marks_the_infusion(inputs: ReportInputs) -> None:
    """The vitals chart is drawn, not pasted as an image, and shows the infusion start and stop."""
    data = _build(inputs)
    reader = PdfReader(io.BytesIO(data))
    assert all(not page.images for page in reader.pages)
    text = flat(" ".join(pdf_pages(data)))
    start = inputs.visit.event_time(inputs.visit.events[2].phase)
    assert start is not None
    assert f"Infusion start {start.astimezone():%H:%M}" in text and "Infusion stop" in text
    assert "SBP ≥ 180" in text and "SpO2 < 92" in text


@pytest.mark.parametrize(
    ("family", "given"),
    [
        ("Łukasik Żelazny", "Zoë"),
        ("Nguyễn", "Thị Minh Khai"),
        ("Ødegaard", "Åse"),
        ("Παπαδοπούλου", "Ελένη"),
        ("Кузнецова", "Дарья"),
    ],
)
def test_names_in_any_script_survive_extraction(nurse: Clinic, clinic: Clinic, family: str, given: str) -> None:
    """Latin with diacritics, Vietnamese, Greek and Cyrillic names print (and read back) exactly, on every page."""
    patient_id = nurse.patients.register(make_patient("KD-30001", family_name=family, given_name=given)).created_id
    assert patient_id is not None
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1).created_id
    assert visit_id is not None
    nurse.infusion.start_pre_assessment(visit_id)
    nurse.bedside.add_note(visit_id, "nursing", f"{given} {family} arrived with her sister.")
    patient = clinic.patients.get(patient_id)
    data = visit_report(clinic.visits.get(visit_id).detail, patient, clinic.protocol)
    pages = [_nfc(p) for p in pdf_pages(data)]
    for page in pages:
        assert _nfc(patient.display_name) in page
    assert _nfc(f"{given} {family} arrived with her sister.") in flat(" ".join(pages))


def test_visit_without_readings_still_reports(nurse: Clinic, clinic: Clinic, patient_id: int, visit_id: int) -> None:
    """A visit just checked in (no vitals, no dose) gives a short draft that says what is missing."""
    nurse.infusion.start_pre_assessment(visit_id)
    data = visit_report(clinic.visits.get(visit_id).detail, clinic.patients.get(patient_id), clinic.protocol)
    text = flat(" ".join(pdf_pages(data)))
    assert "No vital signs were recorded." in text and "No dose was prepared." in text
    assert "Not answered" in text and DRAFT_MARK in text


def test_long_notes_split_across_pages(nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """Notes and table cells of the maximum length (4,000 characters) flow onto further pages without error."""
    from tests.reports.report_builders import walk_visit

    walked = walk_visit(nurse, physician, clock, readings=8, discharge=False)
    long_text = ("Patient describes a long and vivid experience. " * 90)[:3990]
    nurse.bedside.add_note(walked.visit_id, "dissociation", long_text)
    reading = nurse.bedside.record_vitals(walked.visit_id, sbp=190, dbp=100, hr=80, spo2=97, rr=14).created_id
    assert reading is not None
    nurse.bedside.acknowledge_alert(walked.visit_id, reading, long_text)
    data = visit_report(
        clinic.visits.get(walked.visit_id).detail, clinic.patients.get(walked.patient_id), clinic.protocol
    )
    pages = pdf_pages(data)
    assert len(pages) >= 3
    assert flat(" ".join(pages)).count("Patient describes a long and vivid experience.") >= 2 * 80
