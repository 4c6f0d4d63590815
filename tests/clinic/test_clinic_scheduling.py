"""Courses and booking through the clinic API: the induction plan, the next visit, chairs and clashes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.phases import Phase
from tests.clinic.clinic_steps import Refused
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient

pytestmark = BOTH_ENGINES  # on a file and on a server's database

# The leaflet's course: 3 infusions in week 1 (days 0, 2, 4), 2 in week 2 (days 7, 10), then weekly.
INDUCTION_8_DAYS = [0, 2, 4, 7, 10, 14, 21, 28]


def _new_patient(nurse: Clinic, mrn: str = "KD-20001") -> int:
    created = nurse.patients.register(make_patient(mrn=mrn)).created_id
    assert created is not None
    return created


def test_next_visit_without_a_course_says_so(nurse: Clinic) -> None:
    """A patient with no course gets 'No course planned' and today's date."""
    patient_id = _new_patient(nurse)
    step = nurse.scheduling.next_visit(patient_id)
    assert (step.course_id, step.sequence, step.day, step.label) == (None, None, nurse.today(), "No course planned")


def test_course_walks_the_3_2_1_1_1_template(nurse: Clinic) -> None:
    """Booking each suggested visit in turn gives 'Infusion n of 8' on days 0,2,4,7,10,14,21,28, then the taper."""
    patient_id = _new_patient(nurse)
    start = nurse.today() + timedelta(days=1)
    course_id = nurse.scheduling.plan_course(patient_id, start).created_id
    assert course_id is not None
    for number, offset in enumerate(INDUCTION_8_DAYS, start=1):
        step = nurse.scheduling.next_visit(patient_id)
        assert step.label == f"Infusion {number} of 8"
        assert (step.course_id, step.sequence) == (course_id, number)
        assert step.day == start + timedelta(days=offset)
        visit = nurse.scheduling.schedule_visit(patient_id, step.day, 1 + number % 4, course_id=course_id).created_id
        assert visit is not None
        summary = nurse.visits.get(visit).detail.summary
        assert summary.position is not None and summary.position.label == f"Infusion {number} of 8"
    step = nurse.scheduling.next_visit(patient_id)
    assert step.label == "Maintenance 1"
    assert step.day == start + timedelta(days=28 + 14)  # the protocol's taper: 14, then 21, then every 28 days


def test_next_visit_is_never_in_the_past(nurse: Clinic) -> None:
    """A course that began ten days ago with nothing booked suggests today, not a date gone by."""
    patient_id = _new_patient(nurse)
    nurse.scheduling.plan_course(patient_id, nurse.today() - timedelta(days=10))
    step = nurse.scheduling.next_visit(patient_id)
    assert step.label == "Infusion 1 of 8"
    assert step.day == nurse.today()


def test_cancelled_visits_do_not_use_up_a_course_number(nurse: Clinic, patient_id: int, visit_id: int) -> None:
    """After the first visit is cancelled (with a reason), the next suggestion is infusion 1 again."""
    assert nurse.scheduling.next_visit(patient_id).sequence == 2
    nurse.scheduling.cancel_visit(visit_id, "Patient unwell, rebooking")
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.CANCELLED
    assert nurse.scheduling.next_visit(patient_id).label == "Infusion 1 of 8"


def test_cancel_needs_a_reason(nurse: Clinic, visit_id: int, refused: Refused) -> None:
    """Cancelling without a written reason is refused and changes nothing."""
    with refused(field="reason"):
        nurse.scheduling.cancel_visit(visit_id, "   ")
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.SCHEDULED


def test_six_visit_template_is_labelled_of_6(nurse: Clinic) -> None:
    """A course from the induction-6 template counts 'of 6'."""
    patient_id = _new_patient(nurse)
    nurse.scheduling.plan_course(patient_id, nurse.today(), "induction-6")
    assert nurse.scheduling.next_visit(patient_id).label == "Infusion 1 of 6"


def test_unknown_template_is_refused(nurse: Clinic, refused: Refused) -> None:
    """A template the protocol does not have raises ValidationError naming 'template'; no course is stored."""
    patient_id = _new_patient(nurse)
    with refused(field="template") as caught:
        nurse.scheduling.plan_course(patient_id, nurse.today(), "induction-99")
    assert "induction-8" in str(caught.value)
    assert nurse.scheduling.courses(patient_id) == []


@pytest.mark.parametrize("chair", [0, 5, -1, 99])
def test_chair_out_of_range_is_refused(nurse: Clinic, patient_id: int, refused: Refused, chair: int) -> None:
    """Only chairs 1–4 of the protocol exist; another number is refused naming 'chair' and nothing is booked."""
    with refused(field="chair") as caught:
        nurse.scheduling.schedule_visit(patient_id, nurse.today(), chair)
    assert "1–4" in str(caught.value)


def test_visit_without_a_chair_is_allowed(nurse: Clinic, patient_id: int) -> None:
    """A visit may be booked before a chair is chosen."""
    change = nurse.scheduling.schedule_visit(patient_id, nurse.today(), None)
    assert change.warnings == ()
    assert change.created_id is not None
    assert nurse.visits.get(change.created_id).detail.summary.chair is None


def test_second_open_visit_in_a_chair_warns(nurse: Clinic, patient_id: int, visit_id: int) -> None:
    """Booking a second open visit into the same chair that day succeeds with a warning naming the other patient."""
    other = nurse.patients.register(make_patient(mrn="KD-30003", family_name="Haddad", given_name="Karim")).created_id
    assert other is not None
    clash = nurse.scheduling.schedule_visit(other, nurse.today(), 1)
    assert clash.created_id is not None
    assert len(clash.warnings) == 1
    assert "Chair 1" in clash.warnings[0]
    assert "NÚÑEZ, Zoë" in clash.warnings[0]
    assert nurse.scheduling.schedule_visit(other, nurse.today(), 2).warnings == ()
    assert nurse.scheduling.schedule_visit(other, nurse.today() + timedelta(days=1), 1).warnings == ()


def test_closed_visit_does_not_clash(nurse: Clinic, patient_id: int, visit_id: int) -> None:
    """A cancelled visit no longer holds its chair."""
    nurse.scheduling.cancel_visit(visit_id, "Rebooked")
    assert nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1).warnings == ()


def test_moving_into_an_occupied_chair_warns(nurse: Clinic, patient_id: int, visit_id: int, refused: Refused) -> None:
    """Moving a visit to a chair with another open visit warns; moving to chair 9 is refused."""
    second = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 2).created_id
    assert second is not None
    change = nurse.scheduling.move_visit(second, nurse.today(), 1)
    assert change.warnings and "Chair 1" in change.warnings[0]
    assert nurse.visits.get(second).detail.summary.chair == 1
    with refused(field="chair"):
        nurse.scheduling.move_visit(second, nurse.today(), 9)
