"""Who may do what in a visit: an administrator registers and books but never charts, a physician charts,
and a clinic acts for a person only after their password."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, NotFound, PermissionDenied, ValidationError
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.errors import SessionEnded
from ketadesk.core.users import Role
from tests.clinic.clinic_steps import Refused
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS, make_patient, password_of, ready_to_infuse

pytestmark = BOTH_ENGINES  # on a file and on a server's database

# ----------------------------------------------------------------------------- roles


def test_administrator_cannot_chart_vitals(
    administrator: Clinic, nurse: Clinic, visit_id: int, refused: Refused
) -> None:
    """An administrator recording vitals gets PermissionDenied saying who, what, and which role is needed."""
    nurse.infusion.start_pre_assessment(visit_id)
    with refused(PermissionDenied) as caught:
        administrator.bedside.record_vitals(visit_id, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    message = str(caught.value)
    assert "Rita Lindgren" in message
    assert "chart vital signs" in message
    assert "nurse" in message and "physician" in message


@pytest.mark.parametrize(
    "action",
    [
        lambda c, v: c.infusion.start_pre_assessment(v),
        lambda c, v: c.bedside.record_sedation(v, moaas=5, rass=0),
        lambda c, v: c.bedside.add_note(v, "nursing", "Hello"),
        lambda c, v: c.bedside.acknowledge_override(v, readiness.BASELINE_BP, "OK", password=password_of(c)),
        lambda c, v: c.discharge.discharge(v),
    ],
)
def test_administrator_cannot_do_bedside_work(
    administrator: Clinic, visit_id: int, refused: Refused, action: Callable[[Clinic, int], object]
) -> None:
    """Charting, scoring, notes, overrides and discharge are refused to an administrator before anything is read."""
    with refused(PermissionDenied):
        action(administrator, visit_id)


def test_administrator_may_register_and_book(administrator: Clinic) -> None:
    """Front-desk work (register, plan, book) is open to an administrator."""
    patient_id = administrator.patients.register(make_patient(mrn="KD-40004")).created_id
    assert patient_id is not None
    administrator.scheduling.plan_course(patient_id, administrator.today())
    assert administrator.scheduling.schedule_visit(patient_id, administrator.today(), 4).created_id is not None


def test_only_an_administrator_adds_users(nurse: Clinic, administrator: Clinic, refused: Refused) -> None:
    """A nurse adding a user is refused; an administrator may, and the login is normalised."""
    with refused(PermissionDenied):
        nurse.accounts.add_user("rn.bo", "Bo Berg", "RN", frozenset({Role.NURSE}))
    administrator.accounts.add_user(" RN.Bo ", "Bo Berg", "RN", frozenset({Role.NURSE}))
    user = administrator.accounts.by_login("rn.bo")
    assert user is not None and user.roles == frozenset({Role.NURSE})
    with refused(field="login"):
        administrator.accounts.add_user("bad login!", "X", "", frozenset({Role.NURSE}))


def test_physician_may_chart(physician: Clinic, visit_id: int) -> None:
    """A physician can do a nurse's charting."""
    ready_to_infuse(physician, visit_id)
    physician.infusion.start_infusion(visit_id)
    assert physician.visits.get(visit_id).detail.events[-1].by == "doctor"


def test_a_clinic_opens_as_the_program_and_acts_for_a_person_only_after_their_password(
    clinic: Clinic, clinic_target: Path | str, clock: FakeClock
) -> None:
    """Opening gives the program itself; an unknown login or a wrong password is refused naming 'login'/'password'."""
    opened = Clinic.open(clinic_target, clock, clinic.protocol)
    try:
        assert opened.user.login == "system"
        with pytest.raises(ValidationError) as caught:
            opened.sign_in("nobody", PASSWORDS["nurse"])
        assert caught.value.field == "login"
        with pytest.raises(ValidationError) as caught:
            opened.sign_in("nurse", "not-her-password")
        assert caught.value.field == "password"
        assert opened.sign_in("nurse", PASSWORDS["nurse"]).user.login == "nurse"
    finally:
        opened.close()


def test_a_charting_write_by_a_login_locked_elsewhere_is_refused_before_anything_is_read(
    clinic: Clinic, nurse: Clinic, infusing: int
) -> None:
    """Five wrong passwords for the nurse's login at another keyboard: her next reading is refused, nothing stored."""
    before = len(nurse.visits.get(infusing).detail.vitals)
    for _ in range(5):
        with pytest.raises(ValidationError):
            clinic.sign_in("nurse", "not-her-password")
    with pytest.raises(SessionEnded, match="was locked after wrong passwords"):
        nurse.bedside.record_vitals(infusing, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
    assert len(nurse.visits.get(infusing).detail.vitals) == before


def test_a_write_on_a_visit_that_does_not_exist_names_it(nurse: Clinic) -> None:
    """The standing and the phase are read together; a visit id nobody booked is refused by name."""
    with pytest.raises(NotFound, match="no visit with id 9999"):
        nurse.bedside.record_vitals(9999, sbp=120, dbp=80, hr=70, spo2=98, rr=14)
