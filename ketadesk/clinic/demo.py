"""A realistic demo clinic, written through the clinic API like a real day's work.

Patients with varied diagnoses (some with a substance-use history), courses at different
stages, finished visits with complete vitals, scores, notes and checklists, and today's
visits in every phase — one of them mid-infusion — so every screen has something true
to show. Everything is attributed to demo staff and audited as real entries are.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ketadesk.clinic.api import Clinic
from ketadesk.clinic.demo_people import DISSOCIATION_NOTES, NURSING_NOTES, demo_patient
from ketadesk.clinic.demo_watch import record_watch
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.scales import AldreteScore
from ketadesk.core.users import Role


@dataclass(frozen=True, slots=True)
class DemoStaff:
    """The demo clinic's people, each signed in with their own demo password."""

    nurses: tuple[Clinic, ...]
    physician: Clinic
    administrator: Clinic


# Demo logins and passwords (listed in the README). Only a demo database ever gets them:
# the demo refuses a database that has patients or anyone who can sign in.
DEMO_PASSWORDS = {
    "nurse": "nurse-demo-pass",
    "nurse2": "nurse2-demo-pass",
    "doctor": "doctor-demo-pass",
    "admin": "admin-demo-pass",
}


def _staff(clinic: Clinic) -> DemoStaff:
    """Set the demo clinic up as a real one is: its administrator first, who adds the others; each then signs in.

    Nobody acts for anyone, in the demo too: every visit is written in the session of the
    nurse or physician it names, opened with their own password.
    """
    admin = clinic.setup_clinic(
        login="admin", display_name="Rita Lindgren", credentials="", password=DEMO_PASSWORDS["admin"]
    )
    people = [
        ("nurse", "Maria Santos", "RN", Role.NURSE),
        ("nurse2", "Tom Achterberg", "RN", Role.NURSE),
        ("doctor", "Samuel Okonkwo", "MD", Role.PHYSICIAN),
    ]
    for login, name, credentials, role in people:
        admin.accounts.create_user(login, name, credentials, frozenset({role}), DEMO_PASSWORDS[login])
    signed = {login: clinic.sign_in(login, DEMO_PASSWORDS[login]) for login, *_ in people}
    return DemoStaff((signed["nurse"], signed["nurse2"]), signed["doctor"], admin)


class _Visit:
    """Walks one visit through its phases on a moving fake clock."""

    def __init__(
        self,
        clinic: Clinic,
        clock: FakeClock,
        staff: DemoStaff,
        rng: random.Random,
        visit_id: int,
        weight: float,
        previous_dose: float | None,
    ) -> None:
        self.rng = rng
        self.clock = clock
        self.visit_id = visit_id
        self.weight = weight
        self.previous_dose = previous_dose
        self.nurse = rng.choice(staff.nurses)
        self.physician = staff.physician
        self.base_sbp = rng.randint(112, 146)
        self.base_dbp = rng.randint(68, 92)
        self.base_hr = rng.randint(62, 92)
        self.dose = 0.5

    def vitals(self, rise: float = 0.0, *, spike: bool = False) -> None:
        """One set of vitals near baseline, rising with ``rise`` (0–1) during the infusion."""
        r = self.rng
        sbp = self.base_sbp + int(rise * r.randint(8, 20)) + r.randint(-4, 4)
        dbp = self.base_dbp + int(rise * r.randint(5, 12)) + r.randint(-3, 3)
        if spike:
            sbp, dbp = r.randint(180, 192), r.randint(100, 112)
        hr = self.base_hr + int(rise * r.randint(2, 10)) + r.randint(-4, 4)
        change = self.nurse.bedside.record_vitals(
            self.visit_id,
            sbp=sbp,
            dbp=min(dbp, sbp - 20),
            hr=hr,
            spo2=r.choice((96, 97, 97, 98, 98, 99, 100)),
            rr=r.randint(12, 18),
            temp_c=round(r.uniform(36.4, 37.1), 1) if r.random() < 0.2 else None,
        )
        if change.warnings:
            self.clock.advance(minutes=1)
            self.nurse.bedside.acknowledge_alert(
                self.visit_id,
                change.created_id or 0,
                "Rechecked after 5 min; physician informed, rate reduced by half.",
            )

    def pre_assessment(self) -> None:
        """Check-in, checklist, weight, baseline and dose."""
        n, p = self.nurse, self.physician
        n.infusion.start_pre_assessment(self.visit_id)
        for item in n.protocol.pre_infusion_checklist:
            self.clock.advance(seconds=20)
            n.bedside.record_checklist(self.visit_id, "pre_infusion", item.key, True)
        n.infusion.record_weight(self.visit_id, self.weight)
        self.clock.advance(minutes=2)
        self.vitals()
        steps = {None: 0.5, 0.5: 0.5, 0.75: 0.75}
        self.dose = steps.get(self.previous_dose, self.previous_dose or 0.5)
        if self.previous_dose is not None and self.rng.random() < 0.25 and self.previous_dose < 0.75:
            self.dose = round(self.previous_dose + 0.25, 2)
        n.infusion.prepare_dose(
            self.visit_id, self.dose, f"KT{self.rng.randint(2300, 2399)}-{self.rng.randint(10, 99)}"
        )
        if any(b.gate is readiness.Gate.BASELINE_BP for b in n.infusion.blockers(self.visit_id)):
            p.bedside.acknowledge_override(
                self.visit_id,
                readiness.BASELINE_BP,
                "Reviewed: anxious on arrival, no symptoms; proceed with BP every 5 min.",
                password=DEMO_PASSWORDS[p.session.user.login],
            )
        self.clock.advance(minutes=3)

    def infuse(self, minutes: int | None = None) -> None:
        """Start the pump and chart every 10 minutes up to ``minutes`` (the whole infusion when None)."""
        n = self.nurse
        n.infusion.start_infusion(self.visit_id)
        duration = n.protocol.infusion_duration_min
        until = duration if minutes is None else minutes
        spike_at = 30 if self.rng.random() < 0.08 else -1
        for elapsed in range(10, until + 1, 10):
            self.clock.advance(minutes=10)
            self.vitals(rise=min(elapsed / duration, 1.0), spike=elapsed == spike_at)
            if elapsed == 20:
                n.bedside.record_sedation(
                    self.visit_id, moaas=self.rng.choice((4, 4, 5, 3)), rass=self.rng.choice((0, -1, -1, -2))
                )
                items = {k: self.rng.randint(0, 3) for k in (1, 2, 6, 7, 15, 22)}
                n.bedside.record_cadss6(self.visit_id, items)
            if elapsed == 30 and self.rng.random() < 0.6:
                n.bedside.add_note(self.visit_id, "dissociation", self.rng.choice(DISSOCIATION_NOTES))
        if minutes is None:
            self.clock.advance(seconds=30)

    def observe(self, minutes: int) -> None:
        """Stop the pump and observe, charting every 15 minutes."""
        n = self.nurse
        n.infusion.stop_infusion(self.visit_id)
        self.clock.advance(minutes=1)
        self.vitals(rise=0.3)
        for _ in range(15, minutes + 1, 15):
            self.clock.advance(minutes=15)
            self.vitals(rise=0.1)
        n.bedside.record_sedation(self.visit_id, moaas=5, rass=0)
        n.discharge.record_aldrete(self.visit_id, AldreteScore(2, 2, 2, 2, 2))

    def discharge(self) -> None:
        """Ready for discharge, the checklist, and home."""
        n = self.nurse
        n.discharge.mark_ready(self.visit_id)
        for item in n.protocol.discharge_checklist:
            if not item.automatic:
                self.clock.advance(seconds=15)
                n.bedside.record_checklist(self.visit_id, "discharge", item.key, True)
        if self.rng.random() < 0.5:
            n.bedside.add_note(self.visit_id, "nursing", self.rng.choice(NURSING_NOTES))
        self.clock.advance(minutes=2)
        n.discharge.discharge(self.visit_id)


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute)).astimezone().astimezone(UTC)


def build_demo(
    clinic: Clinic, *, patients: int = 24, seed: int = 7, progress: Callable[[int, int], None] | None = None
) -> Iterator[None]:
    """Fill the clinic with demo data; yields once per patient so callers can show progress.

    ``clinic``'s own clock gives "now"; the demo's past is written on a fake clock that
    walks through each past visit, so every timestamp is as it would have been.
    """
    rng = random.Random(seed)
    real_now = clinic.clock.now()
    today = real_now.astimezone().date()
    clock = FakeClock(real_now - timedelta(days=120))
    base = clinic.with_clock(clock)
    staff = _staff(base)
    nurse = staff.nurses[0]
    today_plan = _today_plan(real_now, patients, clinic.protocol.chairs)
    made_addendum = False
    for number in range(patients):
        with clinic.store.transaction():
            clock.set(max(clock.now(), real_now - timedelta(days=120)))
            patient = demo_patient(rng, number, today)
            # Demo people are drawn at random: two with one name and birth date are two people, not asked about.
            patient_id = nurse.patients.register(patient, confirm_duplicate=True).created_id or 0
            finished = rng.choice((0, 2, 3, 5, 7, 8, 8, 10)) if number not in today_plan else rng.choice((1, 3, 6))
            start = today - timedelta(days=_course_days(finished) + rng.randint(1, 6))
            clock.set(_local(start, 8, 0) - timedelta(days=7))
            course_id = nurse.scheduling.plan_course(patient_id, start).created_id or 0
            previous: float | None = None
            for _ in range(finished):
                step = nurse.scheduling.next_visit(patient_id)
                day = step.day if step.day < today else today - timedelta(days=1)
                clock.set(max(clock.now(), _local(day - timedelta(days=3), 9, 0)))
                visit_id = (
                    nurse.scheduling.schedule_visit(
                        patient_id, day, rng.randint(1, clinic.protocol.chairs), course_id=course_id
                    ).created_id
                    or 0
                )
                clock.set(_local(day, rng.choice((8, 9, 10, 11, 13, 14)), rng.choice((0, 15, 30))))
                walk = _Visit(base, clock, staff, rng, visit_id, patient.weight_kg or 70.0, previous)
                walk.pre_assessment()
                walk.infuse()
                walk.observe(rng.choice((30, 45)))
                walk.discharge()
                previous = walk.dose
                # The demo physician signs visits older than two days; the most recent wait for a signature.
                if day < today - timedelta(days=2):
                    clock.advance(timedelta(hours=rng.choice((2, 3, 5))))
                    staff.physician.signing.sign_visit(visit_id, DEMO_PASSWORDS["doctor"])
                    if not made_addendum:
                        clock.advance(timedelta(hours=20))
                        staff.nurses[0].signing.add_addendum(
                            visit_id,
                            "Escort was the patient's brother, not her sister as charted at discharge.",
                            "Wrong relationship charted",
                            DEMO_PASSWORDS["nurse"],
                        )
                        made_addendum = True
            record_watch(
                nurse,
                staff.physician,
                DEMO_PASSWORDS["doctor"],
                clock,
                seed=seed,
                number=number,
                patient_id=patient_id,
                course_id=course_id,
                substance_use=patient.substance_use,
            )
            if number in today_plan:
                _today_visit(
                    base,
                    clock,
                    staff,
                    rng,
                    patient_id,
                    course_id,
                    patient.weight_kg or 70.0,
                    previous,
                    today_plan[number],
                    real_now,
                )
        if progress is not None:
            progress(number + 1, patients)
        yield


def _course_days(visits_done: int) -> int:
    """Roughly how many days ago a course began that has ``visits_done`` visits behind it."""
    return {0: 0, 1: 2, 2: 3, 3: 6, 4: 9, 5: 14, 6: 21, 7: 28, 8: 35}.get(visits_done, 35 + 28 * (visits_done - 8))


# What today's visits are doing now: (phase, chair, minutes since the visit began).
_TODAY = (
    (Phase.INFUSING, 2, 28),
    (Phase.OBSERVATION, 3, 70),
    (Phase.PRE_ASSESSMENT, 1, 6),
    (Phase.READY_FOR_DISCHARGE, 4, 100),
    (Phase.DISCHARGED, 1, 180),
    (Phase.SCHEDULED, 2, -60),
)


def _today_plan(now: datetime, patients: int, chairs: int) -> dict[int, tuple[Phase, int, int]]:
    plan: dict[int, tuple[Phase, int, int]] = {}
    for index, (phase, chair, minutes) in enumerate(_TODAY[: max(1, min(len(_TODAY), patients))]):
        plan[index] = (phase, min(chair, chairs), minutes)
    return plan


def _today_visit(
    clinic: Clinic,
    clock: FakeClock,
    staff: DemoStaff,
    rng: random.Random,
    patient_id: int,
    course_id: int,
    weight: float,
    previous: float | None,
    plan: tuple[Phase, int, int],
    now: datetime,
) -> None:
    """Book today's visit and walk it to the phase it is in right now."""
    phase, chair, minutes = plan
    nurse = staff.nurses[0]
    clock.set(max(clock.now(), now - timedelta(days=2)))
    visit_id = (
        nurse.scheduling.schedule_visit(patient_id, now.astimezone().date(), chair, course_id=course_id).created_id or 0
    )
    if phase is Phase.SCHEDULED:
        return
    clock.set(now - timedelta(minutes=minutes))
    walk = _Visit(clinic, clock, staff, rng, visit_id, weight, previous)
    if phase is Phase.PRE_ASSESSMENT:
        walk.nurse.infusion.start_pre_assessment(visit_id)
        for item in clinic.protocol.pre_infusion_checklist[:4]:
            clock.advance(seconds=40)
            walk.nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
        walk.nurse.infusion.record_weight(visit_id, weight)
        walk.vitals()
        return
    walk.pre_assessment()
    if phase is Phase.INFUSING:
        elapsed = int((now - clock.now()).total_seconds() // 60)
        walk.infuse(minutes=max(elapsed - 1, 0))
        return
    walk.infuse()
    if phase is Phase.OBSERVATION:
        walk.nurse.infusion.stop_infusion(visit_id)
        clock.advance(minutes=1)
        walk.vitals(rise=0.4)
        walk.nurse.bedside.add_note(visit_id, "dissociation", rng.choice(DISSOCIATION_NOTES))
        return
    walk.observe(30)
    if phase is Phase.READY_FOR_DISCHARGE:
        walk.nurse.discharge.mark_ready(visit_id)
        walk.nurse.bedside.record_checklist(visit_id, "discharge", "steady_gait", True)
        return
    walk.discharge()
