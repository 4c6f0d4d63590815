"""The demo's staff and one visit walked through its phases, as the bedside would chart it.

Kept apart from :mod:`ketadesk.clinic.demo` (which decides who comes when) and
:mod:`ketadesk.clinic.demo_stories` (the visits where something happens) so each stays one
job: this module is the nurse's routine — check-in, baseline, dose, readings every ten
minutes, observation, discharge — in steps a story can interleave its own events with.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from ketadesk.clinic.api import Clinic
from ketadesk.clinic.demo_people import DISSOCIATION_NOTES, NURSING_NOTES
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.scales import AldreteScore
from ketadesk.core.users import Role


class Measuring(Protocol):
    """The course's questionnaires at a visit (:mod:`ketadesk.clinic.demo_outcomes`): at check-in, before home."""

    def at_check_in(self, walk: DemoVisit) -> None: ...

    def before_home(self, walk: DemoVisit) -> None: ...


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


def sign_in_staff(clinic: Clinic) -> DemoStaff:
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


def password_of(clinic: Clinic) -> str:
    """The demo password of the person signed in to ``clinic`` (they re-enter it to sign or approve)."""
    return DEMO_PASSWORDS[clinic.session.user.login]


class DemoVisit:
    """Walks one visit through its phases on a moving fake clock, one step a method."""

    def __init__(
        self,
        staff: DemoStaff,
        clock: FakeClock,
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
        self.measuring: Measuring | None = None
        """The course's questionnaires, taken at check-in (and, for some, again before going home)."""

    # ------------------------------------------------------------------ readings

    def chart(self, sbp: int, dbp: int, hr: int, spo2: int = 98, rr: int = 14, temp_c: float | None = None) -> int:
        """One set of vitals as typed; an alert is acknowledged a minute later. Returns the reading's id."""
        change = self.nurse.bedside.record_vitals(
            self.visit_id, sbp=sbp, dbp=dbp, hr=hr, spo2=spo2, rr=rr, temp_c=temp_c
        )
        reading = change.created_id or 0
        if change.warnings:
            self.clock.advance(minutes=1)
            self.nurse.bedside.acknowledge_alert(
                self.visit_id, reading, "Rechecked after 5 min; physician informed, rate reduced by half."
            )
        return reading

    def vitals(self, rise: float = 0.0, *, spike: bool = False) -> int:
        """One set of vitals near baseline, rising with ``rise`` (0–1) during the infusion."""
        r = self.rng
        sbp = self.base_sbp + int(rise * r.randint(8, 20)) + r.randint(-4, 4)
        dbp = self.base_dbp + int(rise * r.randint(5, 12)) + r.randint(-3, 3)
        if spike:
            sbp, dbp = r.randint(180, 192), r.randint(100, 112)
        hr = self.base_hr + int(rise * r.randint(2, 10)) + r.randint(-4, 4)
        spo2 = r.choice((96, 97, 97, 98, 98, 99, 100))
        temp = round(r.uniform(36.4, 37.1), 1) if r.random() < 0.2 else None
        return self.chart(sbp, min(dbp, sbp - 20), hr, spo2, r.randint(12, 18), temp)

    # ------------------------------------------------------------------ before the pump starts

    def check_in(self) -> None:
        """Pre-assessment begins: the questionnaires due, the checklist ticked item by item, today's weight."""
        n = self.nurse
        n.infusion.start_pre_assessment(self.visit_id)
        if self.measuring is not None:
            self.measuring.at_check_in(self)
        for item in n.protocol.pre_infusion_checklist:
            self.clock.advance(seconds=20)
            n.bedside.record_checklist(self.visit_id, "pre_infusion", item.key, True)
        n.infusion.record_weight(self.visit_id, self.weight)
        self.clock.advance(minutes=2)

    def prepare(self, mg_per_kg: float | None = None) -> None:
        """Prepare the dose: the previous visit's, stepped up now and then (or ``mg_per_kg`` when given)."""
        steps = {None: 0.5, 0.5: 0.5, 0.75: 0.75}
        self.dose = steps.get(self.previous_dose, self.previous_dose or 0.5)
        if self.previous_dose is not None and self.rng.random() < 0.25 and self.previous_dose < 0.75:
            self.dose = round(self.previous_dose + 0.25, 2)
        if mg_per_kg is not None:
            self.dose = mg_per_kg
        lot = f"KT{self.rng.randint(2300, 2399)}-{self.rng.randint(10, 99)}"
        self.nurse.infusion.prepare_dose(self.visit_id, self.dose, lot)

    def clear_baseline(self) -> None:
        """A baseline above the protocol's limit: the physician acknowledges it from their own session."""
        p = self.physician
        if any(b.gate is readiness.Gate.BASELINE_BP for b in self.nurse.infusion.blockers(self.visit_id)):
            p.bedside.acknowledge_override(
                self.visit_id,
                readiness.BASELINE_BP,
                "Reviewed: anxious on arrival, no symptoms; proceed with BP every 5 min.",
                password=password_of(p),
            )

    def pre_assessment(self) -> None:
        """Check-in, checklist, weight, baseline and dose, cleared to start."""
        self.check_in()
        self.vitals()
        self.prepare()
        self.clear_baseline()
        self.clock.advance(minutes=3)

    # ------------------------------------------------------------------ the infusion

    def infuse(self, minutes: int | None = None, *, then: Mapping[int, Callable[[], object]] | None = None) -> None:
        """Start the pump and chart every 10 minutes up to ``minutes`` (the whole infusion when None).

        ``then`` adds what else happens at a minute of the infusion (after that minute's routine
        reading, if it has one): an adverse event, a drug given, a reading corrected.
        """
        n = self.nurse
        n.infusion.start_infusion(self.visit_id)
        started = self.clock.now()
        duration = n.protocol.infusion_duration_min
        until = duration if minutes is None else minutes
        spike_at = 30 if self.rng.random() < 0.08 else -1
        extra = dict(then or {})
        for elapsed in sorted({*range(10, until + 1, 10), *(m for m in extra if m <= until)}):
            self.clock.set(max(self.clock.now(), started + timedelta(minutes=elapsed)))
            if elapsed % 10 == 0:
                self._routine(elapsed, duration, spike=elapsed == spike_at)
            if elapsed in extra:
                extra[elapsed]()
        self.clock.set(max(self.clock.now(), started + timedelta(minutes=until)))
        if minutes is None:
            self.clock.advance(seconds=30)

    def _routine(self, elapsed: int, duration: int, *, spike: bool) -> None:
        """The reading every ten minutes; sedation and CADSS-6 at 20, a dissociation note now and then at 30."""
        n = self.nurse
        self.vitals(rise=min(elapsed / duration, 1.0), spike=spike)
        if elapsed == 20:
            n.bedside.record_sedation(
                self.visit_id, moaas=self.rng.choice((4, 4, 5, 3)), rass=self.rng.choice((0, -1, -1, -2))
            )
            items = {k: self.rng.randint(0, 3) for k in (1, 2, 6, 7, 15, 22)}
            n.bedside.record_cadss6(self.visit_id, items)
        if elapsed == 30 and self.rng.random() < 0.6:
            n.bedside.add_note(self.visit_id, "dissociation", self.rng.choice(DISSOCIATION_NOTES))

    def stop_early(self, reason: str) -> None:
        """Stop the pump before its planned end; the nurse confirms the amount calculated from the time it ran."""
        estimate = self.nurse.infusion.estimate_given(self.visit_id)
        given = None if estimate is None else f"{estimate.calculated_mg:g}"
        self.nurse.infusion.stop_infusion(self.visit_id, early=True, reason=reason, given_mg=given)

    # ------------------------------------------------------------------ after the pump stops

    def recover(self, minutes: int) -> None:
        """Observation after the pump stopped: a reading at once, then every 15 minutes; sedation and Aldrete."""
        n = self.nurse
        self.clock.advance(minutes=1)
        self.vitals(rise=0.3)
        for _ in range(15, minutes + 1, 15):
            self.clock.advance(minutes=15)
            self.vitals(rise=0.1)
        n.bedside.record_sedation(self.visit_id, moaas=5, rass=0)
        n.discharge.record_aldrete(self.visit_id, AldreteScore(2, 2, 2, 2, 2))

    def observe(self, minutes: int) -> None:
        """Stop the pump at the planned end and observe."""
        self.nurse.infusion.stop_infusion(self.visit_id)
        self.recover(minutes)

    def ready(self) -> None:
        """Observation done: ready for discharge, and the discharge checklist ticked."""
        n = self.nurse
        n.discharge.mark_ready(self.visit_id)
        for item in n.protocol.discharge_checklist:
            if not item.automatic:
                self.clock.advance(seconds=15)
                n.bedside.record_checklist(self.visit_id, "discharge", item.key, True)

    def go_home(self) -> None:
        """A nursing note now and then, and the patient goes home."""
        if self.measuring is not None:
            self.measuring.before_home(self)
        if self.rng.random() < 0.5:
            self.nurse.bedside.add_note(self.visit_id, "nursing", self.rng.choice(NURSING_NOTES))
        self.clock.advance(minutes=2)
        self.nurse.discharge.discharge(self.visit_id)

    def discharge(self) -> None:
        """Ready for discharge, the checklist, and home."""
        self.ready()
        self.go_home()

    def routine(self, observation_min: int) -> None:
        """A visit where nothing out of the way happens, from check-in to home."""
        self.pre_assessment()
        self.infuse()
        self.observe(observation_min)
        self.discharge()
