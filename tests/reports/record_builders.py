"""A visit with everything a record can hold, walked through the clinic API, and reading text positions back.

The visit: a baseline above the BP limit approved on request and by a countersigned
telephone order, a dose prepared three times, a reading corrected (with a long remark) and
one struck as entered in error, nausea treated with ondansetron, an infusion stopped early,
notes, the discharge checklist, discharge, the physician's signature and an addendum.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from ketadesk.clinic import Clinic
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from ketadesk.reports.layout import prepare
from tests.helpers import PASSWORDS, make_patient, ready_to_infuse

LONG_WORD = "X" * 200
LONG_REMARK = (
    "Typed HR 96 for 69: the monitor still showed the previous patient's heart rate when the reading was "
    "keyed in, and the value was copied across before the monitor had settled on this patient's own rhythm; "
    "rechecked by palpation at the wrist over a full minute and against the monitor once it had settled. "
    + LONG_WORD
    + " Recorded here in full so that anyone reading the printed record later understands why the first value "
    "no longer counts."
)
"""A correction remark of about 600 characters with one word of 200 (it must wrap inside the page)."""
assert 550 <= len(LONG_REMARK) <= 650
STRUCK_REASON = "Belongs to the patient in chair 3"
STOP_REASON = "Distressing dissociation"
ORDER_TEXT = "Proceed; recheck BP at 10 min"
ADDENDUM = "Phoned the patient next morning: slept well, no nausea."


@dataclass(frozen=True, slots=True)
class RecordVisit:
    """The visit and the ids of what was charted on it."""

    visit_id: int
    patient_id: int
    course_id: int
    corrected_id: int
    struck_id: int
    request_id: int
    order_id: int


def record_visit(
    nurse: Clinic,
    physician: Clinic,
    clock: FakeClock,
    *,
    mrn: str = "KD-50001",
    family: str = "Lindqvist",
    given: str = "Maja",
    run_min: int = 3,
    remark: str = LONG_REMARK,
    corrector: Clinic | None = None,
    sign: bool = True,
) -> RecordVisit:
    """Walk the whole-record visit: the infusion stops early after ``run_min`` minutes (at least 3).

    ``corrector`` makes the correction and the strike (the nurse when None).
    """
    assert run_min >= 3
    patient_id = nurse.patients.register(make_patient(mrn, family_name=family, given_name=given)).created_id
    assert patient_id is not None
    nurse.scheduling.plan_course(patient_id, nurse.today())
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course_id).created_id
    assert visit_id is not None
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)  # the first preparation: 0.5 mg/kg, lot KT2301-15
    request_id = nurse.orders.request_approval(
        visit_id, readiness.BASELINE_BP, "Baseline 152/96, calm", "BP 152/96", physician_login="doctor"
    ).created_id
    assert request_id is not None
    physician.orders.approve_request(request_id, "Proceed", password=PASSWORDS["doctor"])
    order_id = nurse.orders.record_verbal_order(
        visit_id, readiness.BASELINE_BP, ORDER_TEXT, "BP 152/96",
        physician_login="doctor", mode="telephone", read_back=True,
    ).created_id  # fmt: skip
    assert order_id is not None
    clock.advance(minutes=2)
    nurse.infusion.prepare_dose(visit_id, "0.4", "KT2301-14")
    clock.advance(minutes=2)
    nurse.infusion.prepare_dose(visit_id, "0.5", "KT2301-15")
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=1)
    corrected = nurse.bedside.record_vitals(visit_id, sbp=130, dbp=80, hr=96, spo2=97, rr=14).created_id
    clock.advance(minutes=1)
    struck = nurse.bedside.record_vitals(visit_id, sbp=131, dbp=81, hr=75, spo2=97, rr=14).created_id
    assert corrected is not None and struck is not None
    fixer = corrector or nurse
    fixer.bedside.correct_vitals(visit_id, corrected, reason=remark, sbp="130", dbp="80", hr="69", spo2="97", rr="14")
    fixer.bedside.correct_vitals(visit_id, struck, reason=STRUCK_REASON, entered_in_error=True)
    event = nurse.bedside.record_adverse_event(visit_id, "nausea", "Nausea, no vomiting").created_id
    nurse.bedside.record_intervention(
        visit_id, drug="Ondansetron", dose="4 mg", route="IV", adverse_event_id=event, note="Settled in 10 min"
    )
    clock.advance(minutes=run_min - 2)
    nurse.infusion.stop_infusion(visit_id, early=True, reason=STOP_REASON, given_mg=None)
    clock.advance(minutes=3)
    nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=68, spo2=98, rr=14)
    nurse.bedside.add_note(visit_id, "nursing", "Calm after the stop; escort in the waiting room.")
    clock.advance(minutes=30)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=68, spo2=98, rr=14)
    nurse.discharge.mark_ready(visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
    nurse.discharge.discharge(visit_id)
    physician.orders.countersign_order(order_id, password=PASSWORDS["doctor"])
    if sign:
        physician.signing.sign_visit(visit_id, PASSWORDS["doctor"])
        clock.advance(minutes=30)
        physician.signing.add_addendum(visit_id, ADDENDUM, "Follow-up call", PASSWORDS["doctor"])
    return RecordVisit(visit_id, patient_id, course_id, corrected, struck, request_id, order_id)


@dataclass(frozen=True, slots=True)
class DrawnText:
    """A piece of text as drawn on a page: where it starts and ends (points), its font and the text."""

    page: int
    x0: float
    x1: float
    font: str
    text: str


def drawn_text(data: bytes) -> list[DrawnText]:
    """Every piece of text of the PDF with its start and end x, measured with the font reportlab drew it in.

    pypdf's visitor gives each text run's position and font; the run's width comes from the
    same font's metrics in reportlab (the subset's name less its ``ABCDEF+`` tag).
    """
    prepare()
    found: list[DrawnText] = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float, page: int = number) -> None:
            if not text.strip() or not isinstance(font, dict):
                return
            name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            scale = tm[0] * cm[0] + tm[1] * cm[2]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            width = stringWidth(text.rstrip("\n"), name, size) * scale
            found.append(DrawnText(page, x, x + width, name, text))

        page.extract_text(visitor_text=visit)
    return found
