"""One of every kind of store write, on a registered patient with a booked visit: what the audit tests audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ketadesk.core.dosing import DosePlan
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ScheduleTemplate
from ketadesk.core.users import Role, User
from ketadesk.core.vitals import AlertKind, Source, VitalSigns
from ketadesk.store import courses, patients, users, visits
from ketadesk.store.db import Store


@dataclass
class Ctx:
    """What a write needs: the store, who writes, and a registered patient with a booked visit."""

    store: Store
    nurse: User
    patient_id: int
    visit_id: int
    at: Callable[[float], str]
    reading: Callable[..., VitalSigns]
    dose_plan: Callable[..., DosePlan]
    make_patient: Callable[..., Patient]
    tmp_path: Path


def create_user(c: Ctx) -> int:
    return users.create(
        c.store,
        login="dr.osei",
        display_name="Kwame Osei",
        credentials="MD",
        roles=frozenset({Role.PHYSICIAN}),
        at=c.at(10),
        actor_id=c.nurse.id,
    ).id


def register(c: Ctx) -> int:
    return patients.register(
        c.store, c.make_patient(mrn="KD-0002", family_name="Ngata"), at=c.at(10), actor_id=c.nurse.id
    )


def revise(c: Ctx) -> int:
    patients.revise(
        c.store, c.patient_id, c.make_patient(allergies="Penicillin, latex"), at=c.at(10), actor_id=c.nurse.id
    )
    return c.patient_id


def plan_course(c: Ctx) -> int:
    template = ScheduleTemplate("induction-6", "Six over two weeks", (3, 3), 28)
    return courses.create(c.store, c.patient_id, template, date(2025, 3, 3), at=c.at(10), actor_id=c.nurse.id)


def schedule(c: Ctx) -> int:
    return visits.schedule(
        c.store,
        patient_id=c.patient_id,
        course_id=None,
        sequence=None,
        day=date(2025, 3, 5),
        chair=3,
        at=c.at(10),
        actor_id=c.nurse.id,
    )


def move(c: Ctx) -> int:
    visits.move(c.store, c.visit_id, day=date(2025, 3, 4), chair=2, at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def add_event(c: Ctx) -> int:
    visits.add_event(c.store, c.visit_id, Phase.PRE_ASSESSMENT, at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def add_checklist(c: Ctx) -> int:
    visits.add_checklist(
        c.store, c.visit_id, "pre_infusion", "fasting", True, "last meal 07:00", at=c.at(10), actor_id=c.nurse.id
    )
    return c.visit_id


def add_weight(c: Ctx) -> int:
    visits.add_weight(c.store, c.visit_id, 67.9, at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def add_dose(c: Ctx) -> int:
    visits.add_dose(c.store, c.visit_id, c.dose_plan(0.5, 67.9), at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id


def add_vitals(c: Ctx) -> int:
    return visits.add_vitals(
        c.store,
        c.visit_id,
        c.reading(10, sbp=184, dbp=96),
        source=Source.MANUAL,
        alerts=[AlertKind.SBP_HIGH],
        is_baseline=False,
        at=c.at(10),
        actor_id=c.nurse.id,
    )


def correct_vitals(c: Ctx) -> int:
    first = visits.add_vitals(
        c.store,
        c.visit_id,
        c.reading(9),
        source=Source.MANUAL,
        alerts=[],
        is_baseline=True,
        at=c.at(9),
        actor_id=c.nurse.id,
    )
    return visits.add_vitals(
        c.store,
        c.visit_id,
        c.reading(9, sbp=132),
        source=Source.MANUAL,
        alerts=[],
        is_baseline=True,
        at=c.at(10),
        actor_id=c.nurse.id,
        corrects_id=first,
    )


def add_note(c: Ctx) -> int:
    return visits.add_note(
        c.store, c.visit_id, "observation", "Calm, eyes closed, answers to voice", at=c.at(10), actor_id=c.nurse.id
    )


def add_acknowledgement(c: Ctx) -> int:
    visits.add_acknowledgement(
        c.store, c.visit_id, "baseline_bp", None, "Rechecked 138/88 after rest", at=c.at(10), actor_id=c.nurse.id
    )
    return c.visit_id


def add_score(c: Ctx) -> int:
    visits.add_score(c.store, c.visit_id, "moaas", 4, None, taken_at=c.at(9), at=c.at(10), actor_id=c.nurse.id)
    return c.visit_id
