"""Finding visits to open again: a patient's visits newest first with their signer, and a search by date and patient."""

from __future__ import annotations

from datetime import timedelta

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient
from tests.ui.review_steps import discharge

pytestmark = BOTH_ENGINES  # on a file and on a server's database

DOCTOR_PASSWORD = "doctor-password-1"


def _signed_yesterday(
    nurse: Clinic, physician: Clinic, administrator: Clinic, clock: FakeClock, patient_id: int
) -> int:
    """A visit of the patient's course booked today, charted to discharge and signed; then the clock moves a day."""
    administrator.accounts.set_password("doctor", DOCTOR_PASSWORD)
    course = nurse.scheduling.courses(patient_id)[-1]
    visit = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 2, course_id=course.id).created_id or 0
    discharge(nurse, visit, clock)
    physician.signing.sign_visit(visit, DOCTOR_PASSWORD)
    clock.advance(minutes=24 * 60)
    return visit


def test_a_patients_visits_come_newest_first_with_the_signer(
    nurse: Clinic, physician: Clinic, administrator: Clinic, clock: FakeClock, patient_id: int
) -> None:
    """Every course and none, newest first; the signed one names its physician, the others no one."""
    signed = _signed_yesterday(nurse, physician, administrator, clock, patient_id)
    course = nurse.scheduling.courses(patient_id)[-1]
    today = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course.id).created_id or 0
    later = nurse.scheduling.schedule_visit(patient_id, nurse.today() + timedelta(days=7), 3).created_id or 0
    other = nurse.patients.register(make_patient("KD-00077", family_name="Berg")).created_id or 0
    nurse.scheduling.schedule_visit(other, nurse.today(), 4)

    listed = nurse.visits.of_patient(patient_id)
    assert [v.summary.id for v in listed] == [later, today, signed]
    assert [v.summary.phase for v in listed] == [Phase.SCHEDULED, Phase.SCHEDULED, Phase.SIGNED]
    assert [v.summary.chair for v in listed] == [3, 1, 2]
    assert [v.signed_by for v in listed] == ["", "", "Samuel Okonkwo, MD"]
    assert listed[2].signature is not None and listed[2].signature.signed_at == clock.now() - timedelta(days=1)


def test_search_by_mrn_name_and_dates(
    nurse: Clinic, physician: Clinic, administrator: Clinic, clock: FakeClock, patient_id: int
) -> None:
    """The MRN's start or part of a name, and a date range with either end open; nothing bad is an error."""
    signed = _signed_yesterday(nurse, physician, administrator, clock, patient_id)
    other = nurse.patients.register(make_patient("KD-00077", family_name="Berg")).created_id or 0
    berg = nurse.scheduling.schedule_visit(other, nurse.today(), 4).created_id or 0
    yesterday = nurse.today() - timedelta(days=1)

    assert [v.summary.id for v in nurse.visits.search("KD-00001")] == [signed]
    assert [v.summary.id for v in nurse.visits.search("kd-0007")] == [berg]
    assert [v.summary.id for v in nurse.visits.search("berg")] == [berg]
    assert [v.summary.id for v in nurse.visits.search("", yesterday, yesterday)] == [signed]
    assert [v.summary.id for v in nurse.visits.search("", first=nurse.today())] == [berg]
    assert [v.summary.id for v in nurse.visits.search("")] == [berg, signed]
    assert nurse.visits.search("", last=yesterday - timedelta(days=1)) == []
    assert nurse.visits.search("%") == [] and nurse.visits.search("a\x00b") == []
    assert len(nurse.visits.search("", limit=1)) == 1
