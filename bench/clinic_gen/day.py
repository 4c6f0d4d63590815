"""One day of the clinic as events: registrations, bookings, each visit's timeline and readings, signatures.

Nothing is written here: each act becomes an :data:`Event` (its timestamp, a tie-break
counter, its kind and what writing it needs), and :mod:`bench.clinic_gen.writing` writes a
whole day's events in time order, which is also the order their ids are assigned in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bench.clinic_gen.model import (
    ACK,
    ADVERSE,
    BOOK,
    CANCELLED,
    CHECK,
    DOSE,
    INTERVENTION,
    PHASE,
    PLAN,
    REGISTER,
    REVISE,
    SCORE,
    SIGN,
    VITALS,
    WEIGHT,
    Attempt,
    Event,
    Person,
)
from bench.clinic_gen.outcomes import OutcomeEvents
from bench.clinic_gen.vocabulary import (
    ADVERSE_EVENTS,
    ADVERSE_RATE,
    ALERT_NOTES,
    ALLERGIES,
    CANCEL_REASONS,
    DIAGNOSES,
    FAMILY,
    GIVEN,
    MEDICATIONS,
    STOP_REASONS,
    SUBSTANCE_NOTES,
)
from ketadesk.core.dosing import calculate_dose
from ketadesk.core.patient import Patient, Sex
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import BASELINE_BP
from ketadesk.core.vitals import VitalSigns, baseline_needs_physician, classify, extremes
from ketadesk.store.visits import ALERT_SUBJECT

# A reading's time does not matter to the alert rules; one fixed instant saves building a datetime per reading.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def next_working_day(day: date) -> date:
    """The first Monday-to-Friday after ``day``: when the physician signs that day's discharges."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


class DayEvents(OutcomeEvents):
    """Turns the plan of one day into its events (see the module docstring)."""

    def make_patient(self, person: Person) -> None:
        """Draw the patient's demographics and vital-sign baseline, on the day they are registered."""
        rng = self.rng
        age = rng.randint(18, 78)
        birth = self.today - timedelta(days=age * 365 + rng.randrange(365))
        sex = rng.choices((Sex.FEMALE, Sex.MALE, Sex.OTHER, Sex.UNKNOWN), (55, 43, 1.5, 0.5))[0]
        weight = round(rng.gauss(82 if sex is Sex.MALE else 70, 14), 1)
        person.weight = min(max(weight, 42.0), 160.0)
        kinds = [d for d, _ in DIAGNOSES]
        weights = [w for _, w in DIAGNOSES]
        diagnoses = [rng.choices(kinds, weights)[0]]
        if rng.random() < 0.25:
            second = rng.choices(kinds, weights)[0]
            if second not in diagnoses:
                diagnoses.append(second)
        substance = rng.random() < 0.10
        person.patient = Patient(
            mrn=f"KD{person.index + 1:06d}",
            family_name=rng.choice(FAMILY),
            given_name=rng.choice(GIVEN),
            date_of_birth=birth,
            sex=sex,
            weight_kg=person.weight,
            diagnoses=tuple(diagnoses),
            allergies=rng.choice(ALLERGIES),
            medications=rng.choice(MEDICATIONS),
            substance_use=substance,
            substance_use_note=rng.choice(SUBSTANCE_NOTES) if substance else "",
        )
        person.sbp = min(max(rng.gauss(121, 12), 100), 165)
        person.dbp = min(max(person.sbp * 0.62 + rng.gauss(0, 5), 55), 100)
        person.hr = min(max(rng.gauss(74, 10), 52), 108)
        person.spo2 = rng.choice((96, 97, 97, 98, 98, 98, 99, 99))
        person.rr = rng.randint(12, 18)
        person.response = rng.uniform(0.3, 1.3)

    def office_events(self, person: Person, events: list[Event], day: date) -> None:
        """The front desk registers the patient, plans the course and books the first visit."""
        rng = self.rng
        self.make_patient(person)
        desk = rng.choice(self.desk + self.nurses)
        sec = rng.randint(8 * 3600, 17 * 3600)
        self.event(events, day, sec, REGISTER, person, desk)
        self.event(events, day, sec + 40, PLAN, person, desk)
        self.choose_event(person, events, day, sec + 40, desk)  # with the course, as plan_course records it
        self.event(events, day, sec + 90, BOOK, person.attempts[0], desk)

    def cancel_events(self, attempt: Attempt, events: list[Event], cutoff: int | None) -> None:
        """A cancellation (hours before) or a no-show (half an hour after the slot), and the rebooking."""
        rng = self.rng
        nurse = rng.choice(self.nurses)
        if attempt.outcome == CANCELLED:
            sec = max(6 * 3600, attempt.start - rng.randint(3600, 5 * 3600))
            phase, reason = Phase.CANCELLED.value, rng.choice(CANCEL_REASONS)
        else:
            sec, phase, reason = attempt.start + 1800, Phase.NO_SHOW.value, ""
        if cutoff is not None and sec > cutoff:
            return
        self.event(events, attempt.day, sec, PHASE, attempt, phase, reason, nurse)
        if attempt.next is not None:
            self.event(events, attempt.day, sec + 60, BOOK, attempt.next, nurse)

    def timeline(self) -> tuple[int, int, int, int, int]:
        """Offsets from the slot start: pre-assessment, infusion, observation, ready, discharged."""
        rng = self.rng
        pre = rng.randint(0, 600)
        infusing = pre + 900 + rng.randint(0, 300)
        observation = infusing + self.protocol.infusion_duration_min * 60 + rng.randint(0, 60)
        ready = observation + self.protocol.observation_minimum_min * 60 + rng.randint(60, 1500)
        discharged = ready + rng.randint(120, 900)
        return pre, infusing, observation, ready, discharged

    def visit_events(self, attempt: Attempt, events: list[Event], cutoff: int | None, target: Phase | None) -> None:
        """A visit from pre-assessment to discharge; today's stop at ``cutoff`` ("now") in the ``target`` phase."""
        rng, person, day = self.rng, attempt.person, attempt.day
        nurse = rng.choice(self.nurses)
        pre, infusing, observation, ready, discharged = self.timeline()
        stopped_early = target is None and rng.random() < 0.015
        if stopped_early:
            observation = infusing + rng.randint(8, 35) * 60
            ready = observation + self.protocol.observation_minimum_min * 60 + rng.randint(300, 1800)
            discharged = ready + rng.randint(120, 900)
        s = attempt.start
        if target is not None:
            windows = {
                Phase.PRE_ASSESSMENT: (pre + 60, infusing - 60),
                Phase.INFUSING: (infusing + 60, observation - 60),
                Phase.OBSERVATION: (observation + 60, ready - 60),
                Phase.READY_FOR_DISCHARGE: (ready + 60, discharged - 60),
                Phase.DISCHARGED: (discharged + 60, discharged + 3 * 3600),
            }
            if target is Phase.SCHEDULED:
                return
            low, high = windows[target]
            s = self.now_sec - rng.randint(low, max(low, high))

        def add(offset: int, kind: int, *payload: object) -> None:
            if cutoff is None or s + offset <= cutoff:
                self.event(events, day, s + offset, kind, attempt, *payload)

        add(pre, PHASE, Phase.PRE_ASSESSMENT.value, "", nurse)
        self.measure_events(attempt, add, nurse, pre)
        if self.spec.checklists:
            for i, item in enumerate(self.protocol.pre_infusion_checklist):
                if not item.automatic:
                    add(pre + 30 + 20 * i, CHECK, "pre_infusion", item.key, nurse)
        weight = round(person.weight + rng.gauss(0, 0.8), 1)
        add(pre + 120, WEIGHT, weight, nurse)
        if attempt.sequence in (3, 5) and person.mg_per_kg < 0.9 and rng.random() < 0.45:
            person.mg_per_kg = round(person.mg_per_kg + 0.1, 2)
        lot = f"KT-{day.year % 100:02d}{day.month:02d}-{rng.randint(1, 9)}"
        plan = calculate_dose(
            person.mg_per_kg,
            weight,
            concentration_mg_per_ml=self.protocol.concentration_mg_per_ml,
            duration_min=self.protocol.infusion_duration_min,
            drug=self.protocol.drug,
            route=self.protocol.route,
            lot_number=lot,
        )
        add(pre + 660, DOSE, plan, nurse)
        add(infusing, PHASE, Phase.INFUSING.value, "", nurse)
        stop_reason = rng.choice(STOP_REASONS) if stopped_early else ""
        if stopped_early:
            add(observation - 60, PHASE, Phase.STOPPED_EARLY.value, stop_reason, nurse)
        add(observation, PHASE, Phase.OBSERVATION.value, stop_reason, nurse)
        if infusing + 1200 < observation:
            moaas = rng.choice((5, 4, 4, 3))
            add(infusing + 1200, SCORE, "moaas", moaas, None, nurse)
            add(infusing + 1201, SCORE, "rass", 0 if moaas == 5 else rng.choice((-1, -1, -2)), None, nurse)
        if rng.random() < ADVERSE_RATE:
            kind, _, given = rng.choices(ADVERSE_EVENTS, [weight for _, weight, _ in ADVERSE_EVENTS])[0]
            onset = infusing + rng.randint(300, max(301, observation - infusing - 60))
            charted = onset + rng.randint(120, 360)
            box = [0]
            add(charted, ADVERSE, kind.value, "", s + onset, nurse, box)
            if given is not None:
                drug, dose, route = given
                handed = charted + rng.randint(60, 300)
                add(handed + rng.randint(60, 180), INTERVENTION, drug, dose, route.value, s + handed, "", box, nurse)
        add(observation + 1500, SCORE, "moaas", 5, None, nurse)
        add(observation + 1501, SCORE, "rass", 0, None, nurse)
        aldrete = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2, "spo2": 2}
        if rng.random() < 0.2:
            aldrete["activity"] = 1
        add(observation + 1680, SCORE, "aldrete", sum(aldrete.values()), aldrete, nurse)
        if self.spec.checklists:
            for i, item in enumerate(self.protocol.discharge_checklist):
                if not item.automatic:
                    add(ready + 20 + 20 * i, CHECK, "discharge", item.key, nurse)
        add(ready, PHASE, Phase.READY_FOR_DISCHARGE.value, "", nurse)
        add(discharged, PHASE, Phase.DISCHARGED.value, "", nurse)
        attempt.discharged = s + discharged
        if cutoff is None and attempt.sealable is not None:
            self.to_sign.setdefault(next_working_day(day), []).append(attempt)
        booked = s + discharged + 60
        if attempt.next is not None and (cutoff is None or booked <= cutoff):
            self.event(events, day, booked, BOOK, attempt.next, nurse)
        self.vitals_events(attempt, add, nurse, s, (pre, infusing, observation, ready))

    def vitals_events(
        self, attempt: Attempt, add: Callable[..., None], nurse: int, start: int, marks: tuple[int, int, int, int]
    ) -> None:
        """The visit's readings (manual on the protocol's schedule, the monitor between) and their acknowledgements."""
        rng, person = self.rng, attempt.person
        pre, infusing, observation, ready = marks
        manual = [pre + 240]
        manual += [infusing + 600 * j - 30 for j in range(1, 10) if infusing + 600 * j - 30 < observation]
        manual += [observation + 900 * j for j in range(1, 10) if observation + 900 * j < ready]
        manual.append(ready + 60)
        manual = manual[: attempt.readings]
        monitor = max(0, attempt.readings - len(manual))
        gap = (ready - infusing) / (monitor + 1)
        times = [(t, True) for t in manual] + [(infusing + int(gap * (j + 1)), False) for j in range(monitor)]
        day_sbp = rng.gauss(0, 6)
        day_hr = rng.gauss(0, 4)
        limits = self.protocol.alerts
        infusion_min = max(1.0, (observation - infusing) / 60)
        peak = person.response * min(1.0, infusion_min / 15)
        first = True
        for offset, is_manual in times:
            if offset < infusing:
                effect = 0.0
            elif offset < observation:
                effect = person.response * min(1.0, (offset - infusing) / 900)
            else:
                effect = peak * math.exp(-(offset - observation) / 900)
            sbp = round(person.sbp + day_sbp + 20 * effect + rng.gauss(0, 5))
            dbp = round(person.dbp + day_sbp * 0.5 + 9 * effect + rng.gauss(0, 4))
            hr = round(person.hr + day_hr + 10 * effect + rng.gauss(0, 4))
            spo2 = person.spo2 - (1 if rng.random() < 0.2 * effect else 0)
            rr = person.rr + rng.randint(-2, 2)
            if rng.random() < 0.002:
                spo2 = rng.randint(88, 91)
            if rng.random() < 0.001:
                rr = rng.randint(7, 9)
            sbp = min(max(sbp, 70), 240)
            dbp = min(max(dbp, 40), sbp - 15)
            hr = min(max(hr, 40), 170)
            spo2 = min(max(spo2, 85), 100)
            baseline = first and offset < infusing
            temp = round(rng.uniform(36.2, 37.3), 1) if baseline else None
            vitals = VitalSigns(_EPOCH, sbp, dbp, hr, spo2, rr, temp)
            kinds = classify(vitals, limits)
            alerts = ",".join(k.value for k in kinds)
            # An extreme value is saved only confirmed by the nurse entering it, as the clinic would store it.
            confirmed = ",".join(e.kind.value for e in extremes(vitals, self.protocol.extremes))
            entered = offset + (rng.randint(5, 90) if is_manual else 2)
            box = [0]
            add(
                entered,
                VITALS,
                start + offset,
                sbp,
                dbp,
                hr,
                spo2,
                rr,
                temp,
                "manual" if is_manual else "monitor",
                alerts,
                baseline,
                nurse,
                box,
                confirmed,
            )
            if alerts:
                add(entered + rng.randint(60, 300), ACK, ALERT_SUBJECT, box, rng.choice(ALERT_NOTES), nurse)
            if baseline and baseline_needs_physician(vitals, limits):
                add(
                    pre + 600,
                    ACK,
                    BASELINE_BP,
                    None,
                    "Reviewed; asymptomatic, proceed with recheck at 10 min",
                    rng.choice(self.physicians),
                )
            first = False

    def sign_events(self, day: date, attempts: list[Attempt], events: list[Event]) -> None:
        """The morning's signatures: one physician works through the waiting visits, oldest discharge first."""
        rng = self.sign_rng
        physician = rng.choice(self.physicians)
        sec = rng.randint(8 * 3600, 10 * 3600)
        for attempt in sorted(attempts, key=lambda a: (a.day, a.discharged, a.visit_id)):
            after_discharge = (attempt.day - day).days * 86_400 + attempt.discharged + 600
            sec = max(sec + rng.randint(60, 300), after_discharge)
            if day == self.today and sec > self.now_sec:
                break  # the rest of this morning's list is still on the worklist "now"
            self.event(events, day, sec, SIGN, attempt, physician)

    def revise_event(self, person: Person, events: list[Event], day: date) -> None:
        """A nurse updates a patient's weight or medications before a visit: a new revision."""
        rng = self.rng
        assert person.patient is not None
        if rng.random() < 0.5:
            person.weight = min(max(round(person.weight + rng.gauss(0, 4), 1), 40.0), 165.0)
            changed = replace(person.patient, weight_kg=person.weight)
        else:
            changed = replace(person.patient, medications=rng.choice(MEDICATIONS))
        self.event(events, day, 7 * 3600 + rng.randint(0, 1500), REVISE, person, changed, rng.choice(self.nurses))
