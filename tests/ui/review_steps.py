"""Builders for the review and worklist tests: staff with passwords, and visits walked to discharge."""

from __future__ import annotations

from ketadesk.clinic import Clinic
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from ketadesk.core.users import Role
from tests.helpers import PASSWORDS, make_patient, password_of, ready_to_infuse

PASSWORD = "correct horse battery"
STAFF_LOGINS = ("ann", "sam")
"""The logins :func:`staff` adds, each with :data:`PASSWORD`."""
NOTE = "Felt detached from body around 20 min; calm throughout, eyeshade helped."
ALERT_ACTION = "Rechecked after 5 min: 158/92, physician informed"


def staff(clinic: Clinic) -> None:
    """The test clinic's administrator adds a nurse (ann) and a physician (sam), both with passwords."""
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    admin.accounts.create_user("ann", "Ann Rivers", "RN", frozenset({Role.NURSE}), PASSWORD)
    admin.accounts.create_user("sam", "Samuel Okonkwo", "MD", frozenset({Role.PHYSICIAN}), PASSWORD)


def second_visit(nurse: Clinic, mrn: str = "KD-00002", chair: int = 2) -> int:
    """Another patient with a course, booked today in ``chair``."""
    patient_id = nurse.patients.register(make_patient(mrn, family_name="Berg", given_name="Ola")).created_id or 0
    course_id = nurse.scheduling.plan_course(patient_id, nurse.today()).created_id
    return nurse.scheduling.schedule_visit(patient_id, nurse.today(), chair, course_id=course_id).created_id or 0


def discharge(
    nurse: Clinic,
    visit_id: int,
    clock: FakeClock,
    *,
    acknowledge: bool = True,
    leave_unticked: str | None = None,
    physician: Clinic | None = None,
) -> None:
    """Walk a booked visit through a full infusion to discharge, with something in every part of the record.

    Readings every 10 min with one SBP alert (acknowledged unless told otherwise), sedation and
    CADSS-6 scores, a dissociation note, nausea treated with ondansetron, observation, Aldrete
    and the checklist. ``leave_unticked`` leaves one item open; ``physician`` then overrides it.
    """
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    nurse.bedside.record_vitals(visit_id, sbp=142, dbp=86, hr=80, spo2=97, rr=15)
    clock.advance(minutes=10)
    alert = nurse.bedside.record_vitals(visit_id, sbp=186, dbp=104, hr=88, spo2=96, rr=16).created_id or 0
    if acknowledge:
        nurse.bedside.acknowledge_alert(visit_id, alert, ALERT_ACTION)
    nurse.bedside.record_sedation(visit_id, moaas=4, rass=-1)
    nurse.bedside.record_cadss6(visit_id, {1: 1, 2: 2, 6: 1, 7: 0, 15: 1, 22: 0})
    nurse.bedside.add_note(visit_id, "dissociation", NOTE)
    event = nurse.bedside.record_adverse_event(visit_id, "nausea", "Mild nausea after 20 min").created_id
    nurse.bedside.record_intervention(visit_id, drug="Ondansetron", dose="4 mg", route="IV", adverse_event_id=event)
    clock.advance(minutes=20)
    nurse.infusion.stop_infusion(visit_id)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    clock.advance(minutes=31)
    nurse.bedside.record_vitals(visit_id, sbp=126, dbp=80, hr=72, spo2=98, rr=14)  # the final set before discharge
    nurse.discharge.mark_ready(visit_id)
    for item in nurse.protocol.discharge_checklist:
        if not item.automatic and item.key != leave_unticked:
            nurse.bedside.record_checklist(visit_id, "discharge", item.key, True)
    if physician is not None:
        physician.bedside.acknowledge_override(
            visit_id,
            readiness.DISCHARGE_OVERRIDE,
            "Escort arrives in 10 min; patient waits in the lounge with staff.",
            password=PASSWORD if physician.session.user.login in STAFF_LOGINS else password_of(physician),
        )
    clock.advance(minutes=2)
    nurse.discharge.discharge(visit_id)
