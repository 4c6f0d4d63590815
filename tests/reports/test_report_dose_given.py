"""The dose in the reports is the amount given: the visit PDF (read back with pypdf) says how much of the prepared
dose an early stop gave and shows the superseded preparation struck out; FHIR, CSV and the course summary agree."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.reports.layout import hm
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient, ready_to_infuse
from tests.reports.report_builders import flat, pdf_pages, walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _early_visit(nurse: Clinic, clock: FakeClock, *, given_mg: str | None = "20") -> tuple[int, int, int]:
    """A visit whose dose was prepared three times and whose pump stopped at 26 of 40 min: (visit, patient, course)."""
    patient_id = nurse.patients.register(make_patient("KD-30001")).created_id
    assert patient_id is not None
    nurse.scheduling.plan_course(patient_id, nurse.today())
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course_id).created_id
    assert visit_id is not None
    ready_to_infuse(nurse, visit_id)  # 0.5 mg/kg for 70 kg: 35 mg, lot KT2301-15
    clock.advance(minutes=2)
    nurse.infusion.prepare_dose(visit_id, "0.4", "KT2301-14")  # 28 mg …
    clock.advance(minutes=2)
    nurse.infusion.prepare_dose(visit_id, "0.5", "KT2301-15")  # … and back to 35 mg: two preparations superseded
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=26)
    nurse.infusion.stop_infusion(visit_id, early=True, reason="Distressing dissociation", given_mg=given_mg)
    return visit_id, patient_id, course_id


def _medication(bundle: dict[str, Any]) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationAdministration"
    ]
    assert len(found) == 1
    return found[0]


def test_visit_pdf_gives_the_amount_given_and_the_early_stop(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """The dose block: 20 mg given of 35 prepared, stopped early at 26 of 40 min (when, by whom, why), corrected by
    the nurse; and all three preparations, in the order made, the first two superseded with who and when."""
    visit_id, _, _ = _early_visit(nurse, clock)
    detail = clinic.visits.get(visit_id).detail
    text = flat(" ".join(pdf_pages(clinic.reports.visit_report_pdf(visit_id))))
    assert "20 mg of 35 mg prepared — stopped early at 26 of 40 min" in text
    assert "corrected by Maria Santos, RN (calculated from the times: 35 mg × 26 ÷ 40 min = 22.8 mg)" in text
    stop = detail.early_stop
    assert stop is not None
    assert f"Stopped early {hm(stop.at)} by Maria Santos, RN — reason: Distressing dissociation" in text
    assert "Preparations (3), in the order they were made" in text
    chain = (*detail.earlier_doses, detail.dose)
    assert len(chain) == 3
    section = text[text.index("Preparations (3)") :]
    found = [
        section.index(
            f"{n} {hm(d.at)} by Maria Santos, RN {d.mg_per_kg:g} mg/kg × 70 kg = {d.dose_mg:g} mg {d.lot_number}"
        )
        for n, d in enumerate(chain, start=1)
        if d is not None
    ]
    assert found == sorted(found) and len(found) == 3  # each preparation, in the order made
    assert text.count("Superseded") == 2 and "Current: the dose run" in section
    for _, new in detail.superseded_doses:
        assert f"Superseded at {hm(new.at)} by Maria Santos, RN" in text


def test_visit_pdf_strikes_out_the_superseded_preparation(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """The superseded preparation is drawn with a line through it: a stroke runs across its text on the page."""
    from pypdf import PdfReader

    visit_id, _, _ = _early_visit(nurse, clock)
    reader = PdfReader(io.BytesIO(clinic.reports.visit_report_pdf(visit_id)))
    page = next(p for p in reader.pages if "Superseded" in (p.extract_text() or ""))
    content = page.get_contents()
    assert content is not None
    # reportlab draws <strike> as a line: a move-to and line-to pair stroked in the page's content stream.
    assert b" l" in content.get_data() and b" m" in content.get_data()


def test_visit_pdf_of_an_unconfirmed_early_stop_says_calculated(
    nurse: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """No amount was confirmed: the PDF gives the amount from the times and says nobody confirmed it."""
    visit_id, _, _ = _early_visit(nurse, clock, given_mg=None)
    text = flat(" ".join(pdf_pages(clinic.reports.visit_report_pdf(visit_id))))
    assert "22.8 mg of 35 mg prepared — stopped early at 26 of 40 min; calculated from the times" in text
    assert "not confirmed by a nurse" in text


def test_fhir_dose_is_the_amount_given(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """MedicationAdministration: stopped, with dosage.dose the 20 mg given (not the 35 mg prepared)."""
    visit_id, _, _ = _early_visit(nurse, clock)
    bundle = clinic.reports.visit_fhir(visit_id)
    given = _medication(bundle)
    assert given["status"] == "stopped"
    assert given["dosage"]["dose"]["value"] == 20.0 and given["dosage"]["dose"]["code"] == "mg"
    assert "20 mg given of 35 mg prepared — stopped early at 26 of 40 min" in given["dosage"]["text"]
    (procedure,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"]
    assert procedure["status"] == "stopped" and procedure["statusReason"]["text"]
    sections = {s["title"]: s["text"]["div"] for s in bundle["entry"][0]["resource"]["section"]}
    assert "20 mg given of 35 mg prepared" in sections["Medications administered"]
    assert "Stopped early at" in sections["Infusion"]


def test_fhir_claims_no_dose_while_the_pump_runs(nurse: Clinic, clinic: Clinic, visit_id: int) -> None:
    """An infusion in progress has given no amount the record can state: no dosage.dose, status in-progress."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    given = _medication(clinic.reports.visit_fhir(visit_id))
    assert given["status"] == "in-progress" and "dose" not in given["dosage"]


def test_csv_rows_carry_the_amount_given(nurse: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """Each reading's row names its visit's amount given and what it rests on."""
    visit_id, _, _ = _early_visit(nurse, clock)
    rows = list(csv.DictReader(io.StringIO(clinic.reports.vitals_csv([visit_id]))))
    assert rows and {(r["dose_given_mg"], r["dose_given_basis"]) for r in rows} == {("20", "corrected")}


@pytest.mark.parametrize("early_given", ["20", None], ids=["corrected", "unconfirmed"])
def test_course_total_uses_the_amounts_given(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock, early_given: str | None
) -> None:
    """An early stop (20 mg corrected, or 22.8 mg from the times) and a completed 35 mg: the total is their sum."""
    _, patient_id, course_id = _early_visit(nurse, clock, given_mg=early_given)
    clock.advance(timedelta(days=2))
    walk_visit(nurse, physician, clock, readings=6, patient_id=patient_id)
    text = flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(course_id))))
    if early_given == "20":
        assert "Total given 55 mg in 2 infusions" in text and "0.5 20† " in text
    else:
        assert "Total given 57.8 mg in 2 infusions" in text and "0.5 22.8* " in text
    assert "70 mg" not in text, "the planned amounts were added"
