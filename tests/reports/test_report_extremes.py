"""A confirmed extreme reading and the final-vitals criterion in the exports: the PDF and the CSV say what happened."""

from __future__ import annotations

import csv
import io

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient, ready_to_infuse
from tests.reports.report_builders import flat, pdf_pages

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _visit_with_an_extreme(nurse: Clinic, clock: FakeClock) -> int:
    """A visit whose 10-minute reading was SBP 262, confirmed by the nurse, then discharged after a final set."""
    patient = nurse.patients.register(make_patient("KD-30001")).created_id or 0
    nurse.scheduling.plan_course(patient, nurse.today())
    course = nurse.scheduling.courses(patient)[-1].id
    visit = nurse.scheduling.schedule_visit(patient, nurse.today(), 1, course_id=course).created_id or 0
    ready_to_infuse(nurse, visit)
    nurse.infusion.start_infusion(visit)
    clock.advance(minutes=10)
    spike = nurse.bedside.record_vitals(visit, sbp=262, dbp=140, hr=88, spo2=97, rr=16, confirmed_extreme=True)
    nurse.bedside.acknowledge_alert(visit, spike.created_id or 0, "Rechecked 258/138; rate halved, MD informed")
    clock.advance(minutes=30)
    nurse.infusion.stop_infusion(visit)
    clock.advance(minutes=31)
    nurse.bedside.record_vitals(visit, sbp=132, dbp=82, hr=74, spo2=98, rr=14)
    nurse.bedside.record_sedation(visit, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit, AldreteScore(2, 2, 2, 2, 2))
    nurse.discharge.mark_ready(visit)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic:
            nurse.bedside.record_checklist(visit, "discharge", item.key, True)
    nurse.discharge.discharge(visit)
    return visit


def test_the_pdf_marks_the_confirmed_extreme_and_judges_the_final_set(nurse: Clinic, clock: FakeClock) -> None:
    """The reading's row says 'confirmed extreme: systolic very high'; the discharge table has the final-vitals line."""
    visit = _visit_with_an_extreme(nurse, clock)
    text = flat(" ".join(pdf_pages(nurse.reports.visit_report_pdf(visit))))
    assert "confirmed extreme: systolic very high" in text
    assert text.count("confirmed extreme") == 1
    assert "Vital signs up to date Yes From the record: not overdue" in text


def test_the_csv_has_the_confirmation_in_its_own_column(nurse: Clinic, clock: FakeClock) -> None:
    """The vitals CSV's last column holds the confirmed kinds; every other reading has it empty."""
    visit = _visit_with_an_extreme(nurse, clock)
    rows = list(csv.DictReader(io.StringIO(nurse.reports.vitals_csv([visit]))))
    assert [r["confirmed_extremes"] for r in rows] == ["", "sbp_high", ""]
