"""Visits walked through the clinic API for the report tests, and reading PDFs back (plain functions)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from pypdf import PdfReader

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from tests.helpers import make_patient, ready_to_infuse

UNICODE_FAMILY = "Łukasik Żelazny"
UNICODE_GIVEN = "Nguyễn Ødegaard"
GREEK_NOTE = "Ο ασθενής ένιωσε ήρεμος· Пациент спокоен, жалоб нет."
ALERT_AT = 7  # the reading (1-based, baseline included) that crosses SBP ≥ 180


@dataclass(frozen=True, slots=True)
class WalkedVisit:
    """A visit walked from check-in to discharge, and what was charted on it."""

    visit_id: int
    patient_id: int
    course_id: int
    readings: int


def walk_visit(
    nurse: Clinic,
    physician: Clinic,
    clock: FakeClock,
    *,
    mrn: str = "KD-20001",
    family: str = UNICODE_FAMILY,
    given: str = UNICODE_GIVEN,
    readings: int = 30,
    discharge: bool = True,
    patient_id: int | None = None,
) -> WalkedVisit:
    """Walk one visit today: ``readings`` vitals sets in all (the 7th crosses SBP ≥ 180 and is
    acknowledged), sedation and CADSS-6, nausea treated with ondansetron, notes in three
    scripts, Aldrete, the discharge checklist and discharge (with a final set of vitals as the
    last reading when none was taken after the stop).

    Without ``patient_id`` a new patient is registered and a course planned; with it, the
    visit is the next of that patient's course.
    """
    if patient_id is None:
        patient_id = nurse.patients.register(make_patient(mrn, family_name=family, given_name=given)).created_id
        assert patient_id is not None
        nurse.scheduling.plan_course(patient_id, nurse.today())
    course_id = nurse.scheduling.courses(patient_id)[-1].id
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 2, course_id=course_id).created_id
    assert visit_id is not None
    ready_to_infuse(nurse, visit_id)  # the baseline is reading 1
    nurse.infusion.start_infusion(visit_id)
    during = min(13, readings - 1)
    after = readings - 1 - during
    # Few readings after the stop leave the last one overdue at discharge: one of them becomes the final set.
    final = discharge and max(0, 31 - 3 * after) + 2 > 15
    if final:
        during, after = (during - 1, after) if after == 0 else (during, after - 1)
    count = 1
    for minute in range(3, 3 * during + 1, 3):
        clock.advance(minutes=3)
        count += 1
        spike = count == ALERT_AT
        change = nurse.bedside.record_vitals(
            visit_id,
            sbp=186 if spike else 128 + minute // 3,
            dbp=104 if spike else 80,
            hr=70 + minute // 4,
            spo2=97,
            rr=14,
            temp_c="36.8" if minute == 9 else None,
        )
        if spike:
            clock.advance(minutes=1)
            nurse.bedside.acknowledge_alert(
                visit_id, change.created_id or 0, "Rechecked after 5 min; rate halved, MD informed."
            )
        if minute == 12:
            nurse.bedside.record_sedation(visit_id, moaas=4, rass=-1)
            nurse.bedside.record_cadss6(visit_id, {1: 2, 2: 3, 6: 1, 7: 0, 15: 2, 22: 1})
            event = nurse.bedside.record_adverse_event(visit_id, "nausea", "Nausea, no vomiting").created_id
            nurse.bedside.record_intervention(
                visit_id,
                drug="Ondansetron",
                dose="4 mg",
                route="IV",
                adverse_event_id=event,
                note="Settled within 10 min",
            )
        if minute == 21:
            nurse.bedside.add_note(visit_id, "dissociation", GREEK_NOTE)
    # Stop at the planned end (40 min after the start).
    view = nurse.visits.get(visit_id)
    assert view.timers.infusion_remaining is not None
    clock.advance(view.timers.infusion_remaining)
    nurse.infusion.stop_infusion(visit_id)
    for _ in range(after):
        clock.advance(minutes=3)
        count += 1
        nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=68, spo2=98, rr=14)
    clock.advance(timedelta(minutes=max(0, 31 - 3 * after)))
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    nurse.bedside.add_note(visit_id, "nursing", "Tolerated well.\nEscort (brother) in the waiting room.")
    if discharge:
        nurse.discharge.mark_ready(visit_id)
        for item in nurse.protocol.discharge_checklist:
            if not item.automatic:
                nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
        clock.advance(minutes=2)
        if final:
            count += 1
            nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=68, spo2=98, rr=14)
        nurse.discharge.discharge(visit_id)
    return WalkedVisit(visit_id, patient_id, course_id, count)


def pdf_pages(data: bytes) -> list[str]:
    """The text of every page, as pypdf extracts it."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Text with runs of whitespace made single spaces (extraction breaks lines where the layout does)."""
    return " ".join(text.split())
