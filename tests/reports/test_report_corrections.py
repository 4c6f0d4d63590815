"""Corrections in the visit PDF, read back with pypdf: the struck original, what replaced it, who, when and why."""

from __future__ import annotations

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import Scale
from ketadesk.reports.visit_corrections import HEADING
from ketadesk.reports.visit_pdf import visit_report
from tests.engines import BOTH_ENGINES
from tests.reports.report_builders import flat, pdf_pages, walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _pdf(clinic: Clinic, visit_id: int) -> str:
    detail = clinic.visits.get(visit_id).detail
    patient = clinic.patients.get(detail.summary.patient_id)
    data = visit_report(detail, patient, clinic.protocol, staff=clinic.reports.report_staff())
    return flat(" ".join(pdf_pages(data)))


def test_struck_and_corrected_entries_are_printed_with_the_reason(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A corrected reading, a struck note and a corrected score each print as first recorded, with who and why."""
    walked = walk_visit(nurse, physician, clock, readings=6, discharge=False)
    visit_id = walked.visit_id
    detail = clinic.visits.get(visit_id).detail
    wrong = detail.vitals[-1]
    nurse.bedside.correct_vitals(
        visit_id,
        wrong.id,
        reason="Typed HR 96 for 69",
        sbp=str(wrong.vitals.sbp),
        dbp=str(wrong.vitals.dbp),
        hr="69",
        spo2=str(wrong.vitals.spo2),
        rr=str(wrong.vitals.rr),
    )
    note = detail.notes[0]
    nurse.corrections.correct_note(visit_id, note.id, reason="Belongs to chair 3", entered_in_error=True)
    moaas = detail.latest_score(Scale.MOAAS.value)
    assert moaas is not None
    nurse.corrections.correct_score(visit_id, moaas.id, reason="Picked the line above", level=moaas.total - 1)
    text = _pdf(clinic, visit_id)
    assert HEADING in text
    section = text[text.index(HEADING) :]
    assert f"BP {wrong.vitals.sbp}/{wrong.vitals.dbp}, HR {wrong.vitals.hr}" in section  # the original, kept
    assert "HR 69" in section and "Typed HR 96 for 69" in section
    assert "Reading — Corrected" in section and "Maria Santos" in section
    assert "Note — Struck as entered in error" in section and "Belongs to chair 3" in section
    assert flat(note.text)[:20] in section and "nothing (struck)" in section
    assert f"MOAA/S {moaas.total}" in section and f"MOAA/S {moaas.total - 1}" in section
    assert "Picked the line above" in section


def test_a_visit_without_corrections_prints_no_such_section(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """No correction, no section: the report of an uncorrected visit is as it was."""
    walked = walk_visit(nurse, physician, clock, readings=3, discharge=False)
    assert HEADING not in _pdf(clinic, walked.visit_id)
