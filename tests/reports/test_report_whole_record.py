"""The visit PDF tells the whole record, read back with pypdf: every reading (struck and corrected ones struck
through, each correction in full), every preparation, the amount an early stop gave, the events and what was given
for them, approvals and orders with their countersignatures, discharge, signature and addenda — and nothing is
drawn beyond the page's right margin, however long a remark or a name."""

from __future__ import annotations

import re

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.corrections import Corrected
from ketadesk.core.users import Role
from ketadesk.reports.layout import MARGIN_X, PAGE_SIZES, hm, ymd_hm
from ketadesk.reports.visit_corrections import HEADING
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.reports.fhir_checks import resources
from tests.reports.record_builders import (
    ADDENDUM,
    LONG_REMARK,
    LONG_WORD,
    ORDER_TEXT,
    STOP_REASON,
    STRUCK_REASON,
    drawn_text,
    record_visit,
)
from tests.reports.report_builders import flat, pdf_pages

pytestmark = BOTH_ENGINES  # on a file and on a server's database

LONG_NAME = "Maria-Fernanda Anastasopoulou-Wojciechowska Konstantinopoulou-Brzęczyszczykiewicz de la Trinidad"
"""A printed name near its 100-character limit, longer than any column it prints in."""


def _text(clinic: Clinic, visit_id: int) -> str:
    return flat(" ".join(pdf_pages(clinic.reports.visit_report_pdf(visit_id))))


assert 90 <= len(LONG_NAME) <= 100


def test_struck_and_corrected_readings_print_in_place_and_each_correction_in_full(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """The vitals table keeps the corrected original and the struck reading where they were taken, with who and
    when; the Corrections section gives the old value, the new one, who corrected, when and the whole reason."""
    walked = record_visit(nurse, physician, clock)
    detail = clinic.visits.get(walked.visit_id).detail
    text = _text(clinic, walked.visit_id)
    old = next(r for r in detail.replaced_vitals if r.id == walked.corrected_id)
    gone = next(r for r in detail.replaced_vitals if r.id == walked.struck_id)
    new = next(r for r in detail.vitals if r.corrects_id == walked.corrected_id)
    fixed = detail.correction_of(Corrected.VITALS, old.id)
    struck = detail.correction_of(Corrected.VITALS, gone.id)
    assert fixed is not None and struck is not None and struck.struck
    table = text[text.index("Vital signs (") : text.index("Alerts and acknowledgements")]
    assert "1 reading corrected and 1 reading struck as entered in error" in table
    assert (
        f"{hm(old.vitals.taken_at)} 130 80 96 97 14 Maria Santos, RN corrected {hm(fixed.at)} by Maria Santos" in table
    )
    assert f"{hm(new.vitals.taken_at)} 130 80 69 97 14 Maria Santos, RN correction of the reading entered" in table
    assert f"{hm(gone.vitals.taken_at)} 131 81 75 97 14 Maria Santos, RN struck as entered in error" in table
    assert table.index("130 80 96") < table.index("130 80 69") < table.index("131 81 75")  # in the order taken
    section = text[text.index(HEADING) :]
    assert "Reading — Corrected" in section and "BP 130/80, HR 96, SpO2 97 %, RR 14" in section  # old value
    assert "BP 130/80, HR 69, SpO2 97 %, RR 14" in section  # new value
    assert f"Maria Santos, RN, {ymd_hm(fixed.at)}" in section  # who and when
    assert "".join(LONG_REMARK.split()) in "".join(section.split())  # why, every character of it
    assert "Reading — Struck as entered in error" in section and f"Reason: {STRUCK_REASON}" in section
    assert "nothing (struck)" in section


def test_a_long_remark_and_a_long_name_wrap_inside_the_page(
    nurse: Clinic, physician: Clinic, clinic: Clinic, administrator: Clinic, clock: FakeClock
) -> None:
    """A 600-character remark with a 200-character word, entered by a nurse whose printed name is 100 characters:
    every piece of text on every page ends inside the right margin, and the long word is all there."""
    administrator.accounts.create_user("nurse2", LONG_NAME, "RN", frozenset({Role.NURSE}), PASSWORDS["nurse2"])
    nurse2 = clinic.sign_in("nurse2", PASSWORDS["nurse2"])
    walked = record_visit(nurse, physician, clock, corrector=nurse2)
    data = clinic.reports.visit_report_pdf(walked.visit_id)
    drawn = drawn_text(data)
    assert {d.font for d in drawn} <= {"DejaVuSans", "DejaVuSans-Bold"}
    page_width = PAGE_SIZES[clinic.protocol.page_size][0]
    right = page_width - MARGIN_X + 0.5
    beyond = [(d.page, round(d.x1, 1), d.text) for d in drawn if d.x1 > right]
    assert not beyond, beyond
    left = [(d.page, round(d.x0, 1), d.text) for d in drawn if d.x0 < MARGIN_X - 0.5]
    assert not left, left
    text = "".join("".join(d.text for d in drawn).split())
    assert LONG_WORD in text and "".join(LONG_NAME.split()) in text
    # The long word was broken across lines: no single drawn piece holds it.
    assert not any(LONG_WORD in d.text for d in drawn)


def test_every_part_of_the_record_is_in_the_pdf(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """Adverse event and the rescue drug (drug, dose, route, time), notes, both checklists with who ticked, the
    approval answered, the telephone order countersigned, the discharge, the signature and the addendum."""
    walked = record_visit(nurse, physician, clock)
    detail = clinic.visits.get(walked.visit_id).detail
    text = _text(clinic, walked.visit_id)
    (event,) = detail.adverse_events
    (given,) = detail.interventions
    assert f"{hm(event.onset_at)} Nausea Nausea, no vomiting Maria Santos, RN" in text
    assert f"{hm(given.given_at)} Ondansetron 4 mg IV Nausea ({hm(event.onset_at)}) Settled in 10 min" in text
    assert "Calm after the stop; escort in the waiting room." in text
    assert "Consent for off-label ketamine on file Yes Maria Santos, RN" in text  # pre-infusion: who ticked
    assert "Steady gait Yes Ticked by Maria Santos, RN at" in text  # discharge: who ticked
    (request,) = detail.approval_requests
    assert request.answer is not None
    assert f"approved by Samuel Okonkwo, MD at {ymd_hm(request.answer.at)}" in text
    (order,) = detail.verbal_orders
    assert order.review is not None
    assert f"“{ORDER_TEXT}”" in text and f"countersigned by Samuel Okonkwo, MD at {ymd_hm(order.review.at)}" in text
    assert "Baseline BP above the protocol limit Samuel Okonkwo, MD Proceed" in text  # the physician's approval
    assert re.search(r"Discharged at \S+ \S+ by Maria Santos, RN\.", text)
    assert "Electronically signed by Samuel Okonkwo, MD" in text
    assert "Addendum 1" in text and ADDENDUM in text and "Reason: Follow-up call" in text
    assert f"Stopped early {hm(detail.early_stop.at if detail.early_stop else None)}" in text
    assert f"reason: {STOP_REASON}" in text
    assert "2.6 mg of 35 mg prepared — stopped early at 3 of 40 min" in text


@pytest.mark.parametrize("run_min", [3, 5])
def test_a_short_infusion_gives_its_given_dose_in_every_export(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock, run_min: int
) -> None:
    """Stopped at 3 or 5 of 40 minutes: the visit PDF, the course summary and FHIR all give the share of the time
    it ran (2.6 or 4.4 mg), never the planned 35 mg."""
    walked = record_visit(nurse, physician, clock, run_min=run_min, sign=False)
    given = round(35 * run_min / 40, 1)
    assert f"{given:g} mg of 35 mg prepared — stopped early at {run_min} of 40 min" in _text(clinic, walked.visit_id)
    course = flat(" ".join(pdf_pages(clinic.reports.course_report_pdf(walked.course_id))))
    assert f"{given:g}* stopped at {run_min} of 40 min" in course and f"Total given {given:g} mg" in course
    bundle = clinic.reports.visit_fhir(walked.visit_id)
    (ketamine,) = [m for m in resources(bundle, "MedicationAdministration") if "medicationReference" in m]
    assert ketamine["status"] == "stopped" and ketamine["dosage"]["dose"]["value"] == given
    assert ketamine["statusReason"][0]["text"] == STOP_REASON
