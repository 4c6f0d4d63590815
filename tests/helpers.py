"""Builders shared by the tests: a valid patient, a visit walked to the point of infusing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from ketadesk.clinic import Clinic
from ketadesk.core.clock import Clock
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import Role

# The test clinic's staff passwords (conftest gives each fixture user theirs; nurse2 is made by sign_in_steps).
PASSWORDS = {
    "nurse": "nurse-password-1",
    "nurse2": "nurse2-password-1",
    "doctor": "doctor-password-1",
    "admin": "admin-password-1",
    "doctor2": "second-doctor-password-1",
}


def password_of(clinic: Clinic) -> str:
    """The password the signed-in test user was given: re-entered to sign an approval or an answer.

    A user a test made with a password of its own gets one that is not theirs (the test
    expects a refusal before the password is tried).
    """
    return PASSWORDS.get(clinic.session.user.login, "not-this-users-password")


def set_up_staff(clinic: Clinic) -> None:
    """Set ``clinic`` up as a real one is: its administrator first, who adds a nurse and a physician."""
    admin = clinic.setup_clinic(
        login="admin", display_name="Rita Lindgren", credentials="", password=PASSWORDS["admin"]
    )
    admin.accounts.create_user("nurse", "Maria Santos", "RN", frozenset({Role.NURSE}), PASSWORDS["nurse"])
    admin.accounts.create_user("doctor", "Samuel Okonkwo", "MD", frozenset({Role.PHYSICIAN}), PASSWORDS["doctor"])


def make_patient(mrn: str = "KD-00001", **changes: object) -> Patient:
    """A valid patient, with any field changed by keyword.

    Patients of different MRNs are born on different days (from 9 March 1984, a day later per
    number of the MRN, within the year), so that a test registering several is not asked
    whether they are one person (a name and a birth date registered twice is refused unless
    confirmed).
    """
    digits = "".join(c for c in mrn if c.isdigit())
    later = (int(digits) - 1) % 259 if digits else 0
    fields: dict[str, object] = {
        "mrn": mrn,
        "family_name": "Núñez",
        "given_name": "Zoë",
        "date_of_birth": date(1984, 3, 9) + timedelta(days=later),
        "sex": Sex.FEMALE,
        "weight_kg": 70.0,
        "diagnoses": (Diagnosis.PTSD,),
        "allergies": "Penicillin",
        "medications": "Sertraline 100 mg",
        "substance_use": False,
        "substance_use_note": "",
        "contraindications": "",
    }
    fields.update(changes)
    return Patient(**fields)  # type: ignore[arg-type]


def visit_today(nurse: Clinic, mrn: str, chair: int) -> int:
    """A new patient ``mrn`` with a planned course and its first visit booked today in ``chair``."""
    patient = nurse.patients.register(make_patient(mrn)).created_id
    assert patient is not None
    nurse.scheduling.plan_course(patient, nurse.today())
    course = nurse.scheduling.courses(patient)[-1]
    visit = nurse.scheduling.schedule_visit(patient, nurse.today(), chair, course_id=course.id).created_id
    assert visit is not None
    return visit


def ready_to_infuse(nurse: Clinic, visit_id: int, *, sbp: int = 128, dbp: int = 80) -> None:
    """Walk a scheduled visit through pre-assessment until the pump may start."""
    nurse.infusion.start_pre_assessment(visit_id)
    for item in nurse.protocol.pre_infusion_checklist:
        nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
    nurse.infusion.record_weight(visit_id, "70")
    nurse.bedside.record_vitals(visit_id, sbp=sbp, dbp=dbp, hr=72, spo2=98, rr=14)
    nurse.infusion.prepare_dose(visit_id, "0.5", "KT2301-15")


@contextmanager
def read_only_clinic(db_path: Path, clock: Clock, protocol: Protocol) -> Iterator[Clinic]:
    """The clinic's file made read-only (a copy on a read-only share) and opened as the program; made writable after.

    Close every other connection to the file first.
    """
    db_path.chmod(0o444)
    looking = Clinic.open(db_path, clock, protocol)
    try:
        assert looking.read_only
        yield looking
    finally:
        looking.close()
        db_path.chmod(0o644)
