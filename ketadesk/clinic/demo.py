"""A realistic demo clinic, written through the clinic API like a real day's work.

Patients with varied diagnoses (some with a substance-use history) whose names are written
in many scripts, courses at different stages, finished visits with complete vitals, scores,
notes and checklists, and today's visits in every phase — one of them mid-infusion — so
every screen has something true to show. Some past visits hold what a record must also
tell truly (:mod:`ketadesk.clinic.demo_stories`): corrections, an early stop, adverse events
with what was given for them, approvals and a countersigned telephone order. Each course
has its outcome measures, and the course watch its flags (:mod:`ketadesk.clinic.demo_outcomes`,
:mod:`ketadesk.clinic.demo_watch`); the visits and courses worth opening are listed as they
are written (:class:`Showcase`). Everything is attributed to demo staff, each acting with
their own password, and audited as real entries are. The same clock and seed give the same
clinic.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta

from ketadesk.clinic.api import Clinic
from ketadesk.clinic.demo_outcomes import FLAG_TODAY, SOONER, TEMPLATES, CourseMeasures, sooner_day
from ketadesk.clinic.demo_people import DISSOCIATION_NOTES, FEATURED, Story, demo_patient
from ketadesk.clinic.demo_stories import (
    ADDENDUM_SHOWS,
    REQUEST_SHOWS,
    RISK_SHOWS,
    SHOWS,
    STORIES,
    Showcase,
    ask_for_baseline_approval,
)
from ketadesk.clinic.demo_visit import DEMO_PASSWORDS, DemoStaff, DemoVisit, sign_in_staff
from ketadesk.clinic.demo_watch import record_watch, show_flags
from ketadesk.core.clock import FakeClock
from ketadesk.core.course import next_visit_date
from ketadesk.core.phases import Phase

__all__ = ["DEMO_PASSWORDS", "Showcase", "build_demo"]


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute)).astimezone().astimezone(UTC)


def build_demo(
    clinic: Clinic,
    *,
    patients: int = 24,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
    showcase: list[Showcase] | None = None,
) -> Iterator[None]:
    """Fill the clinic with demo data; yields once per patient so callers can show progress.

    ``clinic``'s own clock gives "now"; the demo's past is written on a fake clock that
    walks through each past visit, so every timestamp is as it would have been. The visits
    worth opening (a story's, the addendum's, today's waiting request) are appended to
    ``showcase`` as they are written.
    """
    rng = random.Random(seed)
    real_now = clinic.clock.now()
    clock = FakeClock(real_now - timedelta(days=120))
    base = clinic.with_clock(clock)
    writer = _Writer(base, clock, sign_in_staff(base), rng, real_now, [] if showcase is None else showcase, seed)
    today_plan = _today_plan(real_now, patients, clinic.protocol.chairs)
    for number in range(patients):
        with clinic.store.transaction():
            writer.patient(number, today_plan.get(number))
        if progress is not None:
            progress(number + 1, patients)
        yield
    clock.set(real_now)
    show_flags(writer.staff.physician, writer.courses, writer.showcase)


class _Writer:
    """Writes one patient after another: registration, course, past visits, today's visit."""

    def __init__(
        self,
        clinic: Clinic,
        clock: FakeClock,
        staff: DemoStaff,
        rng: random.Random,
        now: datetime,
        showcase: list[Showcase],
        seed: int,
    ) -> None:
        self.clinic = clinic
        self.clock = clock
        self.staff = staff
        self.rng = rng
        self.now = now
        self.today = now.astimezone().date()
        self.showcase = showcase
        self.made_addendum = False
        self.seed = seed  # the course watch draws each patient's screenings and requests from it
        self.courses: dict[int, tuple[int, str]] = {}
        """Each course's latest visit and patient, for the summary of what the course watch flags."""

    def patient(self, number: int, today_visit: tuple[Phase, int, int] | None) -> None:
        """One patient: featured (fixed name, course and story) or drawn at random."""
        rng, clock, nurse = self.rng, self.clock, self.staff.nurses[0]
        clock.set(max(clock.now(), self.now - timedelta(days=120)))
        featured = FEATURED.get(number)
        patient = featured.patient(number, self.today) if featured else demo_patient(rng, number, self.today)
        # Demo people are drawn at random: two with one name and birth date are two people, not asked about.
        patient_id = nurse.patients.register(patient, confirm_duplicate=True).created_id or 0
        if featured is not None:
            finished = featured.visits_done
        else:
            finished = rng.choice((0, 2, 3, 5, 7, 8, 8, 10)) if today_visit is None else rng.choice((1, 3, 6))
        template = self.clinic.protocol.template(TEMPLATES.get(number))
        days = _course_days(finished)
        if number in SOONER:  # the plan's induction, then the maintenance visits as they came
            induction = next_visit_date(template, self.today, template.induction_count) - self.today
            days = induction.days + sum(SOONER[number])
        start = self.today - timedelta(days=days + rng.randint(1, 6))
        clock.set(_local(start, 8, 0) - timedelta(days=7))
        course_id = nurse.scheduling.plan_course(patient_id, start, template.key).created_id or 0
        measures = CourseMeasures.plan(
            nurse, seed=self.seed, number=number, course_id=course_id, patient=patient,
            induction=template.induction_count,
        )  # fmt: skip
        previous: float | None = None
        weight = patient.weight_kg or 70.0
        visit_id, last_day = 0, start
        for index in range(finished):
            story = featured.story if featured is not None and index == featured.story_visit else None
            sooner = sooner_day(number, index - measures.induction, last_day)
            visit_id, previous, last_day = self._past_visit(
                patient_id, course_id, weight, previous, story, measures, sooner
            )
            if story is not None:
                self.showcase.append(Showcase(visit_id, patient.display_name, SHOWS[story]))
        last_past = visit_id
        record_watch(
            nurse,
            self.staff.physician,
            DEMO_PASSWORDS["doctor"],
            clock,
            seed=self.seed,
            number=number,
            patient_id=patient_id,
            course_id=course_id,
            substance_use=patient.substance_use,
        )
        if today_visit is not None:
            measures.today_index = finished
            visit_id = _today_visit(
                self.clinic, clock, self.staff, rng, patient_id, course_id, weight, previous, today_visit, self.now,
                measures,
            )  # fmt: skip
            flagged = FLAG_TODAY.get(number)
            if today_visit[0] is Phase.PRE_ASSESSMENT:
                text = REQUEST_SHOWS + ("" if flagged is None else f" and {RISK_SHOWS[flagged]}")
                self.showcase.append(Showcase(visit_id, patient.display_name, text))
            elif flagged is not None:
                self.showcase.append(Showcase(visit_id, patient.display_name, f"today: {RISK_SHOWS[flagged]}"))
        shows = measures.summary(nurse.outcomes.current(patient_id, course_id))
        if shows is not None and last_past:
            self.showcase.append(Showcase(last_past, patient.display_name, shows, course_id))
        if visit_id:
            self.courses[course_id] = (visit_id, patient.display_name)

    def _past_visit(
        self,
        patient_id: int,
        course_id: int,
        weight: float,
        previous: float | None,
        story: Story | None,
        measures: CourseMeasures,
        day: date | None,
    ) -> tuple[int, float, date]:
        """Book, walk and (when old enough) sign one past visit (on ``day``, else the plan's); its id, mg/kg, day."""
        rng, clock, staff, today = self.rng, self.clock, self.staff, self.today
        nurse = staff.nurses[0]
        if day is None:
            step = nurse.scheduling.next_visit(patient_id)
            day = step.day
        day = day if day < today else today - timedelta(days=1)
        clock.set(max(clock.now(), _local(day - timedelta(days=3), 9, 0)))
        chair = rng.randint(1, self.clinic.protocol.chairs)
        visit_id = nurse.scheduling.schedule_visit(patient_id, day, chair, course_id=course_id).created_id or 0
        clock.set(_local(day, rng.choice((8, 9, 10, 11, 13, 14)), rng.choice((0, 15, 30))))
        walk = DemoVisit(staff, clock, rng, visit_id, weight, previous)
        walk.measuring = measures
        observation = rng.choice((30, 45))
        if story is None:
            walk.routine(observation)
        else:
            STORIES[story](walk, observation)
        # The demo physician signs visits older than two days; the most recent wait for a signature.
        if day < today - timedelta(days=2):
            clock.advance(timedelta(hours=rng.choice((2, 3, 5))))
            staff.physician.signing.sign_visit(visit_id, DEMO_PASSWORDS["doctor"])
            if not self.made_addendum:
                clock.advance(timedelta(hours=20))
                staff.nurses[0].signing.add_addendum(
                    visit_id,
                    "Escort was the patient's brother, not her sister as charted at discharge.",
                    "Wrong relationship charted",
                    DEMO_PASSWORDS["nurse"],
                )
                self.made_addendum = True
                self.showcase.append(
                    Showcase(visit_id, nurse.visits.get(visit_id).detail.summary.patient_name, ADDENDUM_SHOWS)
                )
        return visit_id, walk.dose, day


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
    measures: CourseMeasures,
) -> int:
    """Book today's visit and walk it to the phase it is in right now, its questionnaires taken; its id."""
    phase, chair, minutes = plan
    nurse = staff.nurses[0]
    clock.set(max(clock.now(), now - timedelta(days=2)))
    visit_id = (
        nurse.scheduling.schedule_visit(patient_id, now.astimezone().date(), chair, course_id=course_id).created_id or 0
    )
    if phase is Phase.SCHEDULED:
        return visit_id
    clock.set(now - timedelta(minutes=minutes))
    walk = DemoVisit(staff, clock, rng, visit_id, weight, previous)
    walk.measuring = measures
    if phase is Phase.PRE_ASSESSMENT:
        walk.nurse.infusion.start_pre_assessment(visit_id)
        measures.at_check_in(walk)
        for item in clinic.protocol.pre_infusion_checklist[:4]:
            clock.advance(seconds=40)
            walk.nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
        walk.nurse.infusion.record_weight(visit_id, weight)
        ask_for_baseline_approval(walk)
        return visit_id
    walk.pre_assessment()
    if phase is Phase.INFUSING:
        elapsed = int((now - clock.now()).total_seconds() // 60)
        walk.infuse(minutes=max(elapsed - 1, 0))
        return visit_id
    walk.infuse()
    if phase is Phase.OBSERVATION:
        walk.nurse.infusion.stop_infusion(visit_id)
        clock.advance(minutes=1)
        walk.vitals(rise=0.4)
        walk.nurse.bedside.add_note(visit_id, "dissociation", rng.choice(DISSOCIATION_NOTES))
        return visit_id
    walk.observe(30)
    if phase is Phase.READY_FOR_DISCHARGE:
        walk.nurse.discharge.mark_ready(visit_id)
        walk.nurse.bedside.record_checklist(visit_id, "discharge", "steady_gait", True)
        return visit_id
    walk.discharge()
    return visit_id
