"""Planning the clinic before anything is written: who comes, how often, on which day, in which chair.

Every patient's course is laid out first (visit dates from the protocol's schedule template,
cancellations and no-shows rebooked a few days later), then the plans are grown or trimmed
to exactly the spec's visit count, then each day's visits get chairs, start times and a
share of the readings. Writing follows day by day from this plan.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta

from bench.clinic_gen.model import CANCELLED, DONE, NO_SHOW, Attempt, Person
from bench.clinic_gen.state import GeneratorState
from ketadesk.core.course import next_visit_date
from ketadesk.store.errors import StoreError


class Planning(GeneratorState):
    """The plan of every patient's visits (see the module docstring)."""

    def offset(self, sequence: int) -> int:
        """Days from a course's start to its visit number ``sequence``."""
        while len(self._offsets) <= sequence:
            n = len(self._offsets)
            self._offsets.append((next_visit_date(self.template, self.first_day, n) - self.first_day).days)
        return self._offsets[sequence]

    def build_attempts(self, person: Person) -> None:
        """Lay out ``person.n`` attempts from the start of their course, from their own seed (replanning is cheap)."""
        rng = random.Random(person.plan_seed)
        spec = self.spec
        out: list[Attempt] = []
        seq, earliest = 1, person.start
        capped = False
        # Only the patients picked for today come today, so today is an average day of the clinic.
        last_day = self.today if person.forced else self.today - timedelta(days=1)
        while len(out) < person.n:
            day = max(person.start + timedelta(days=self.offset(seq)), earliest)
            if day > last_day:
                capped = True
                break
            roll = rng.random()
            outcome = DONE
            if not person.forced and roll < spec.cancel_rate:
                outcome = CANCELLED
            elif not person.forced and roll < spec.cancel_rate + spec.no_show_rate:
                outcome = NO_SHOW
            out.append(Attempt(day, seq, outcome, person))
            if outcome == DONE:
                seq += 1
                earliest = day + timedelta(days=1)
            else:
                earliest = day + timedelta(days=rng.randint(2, 4))
        for before, after in itertools.pairwise(out):
            before.next = after
        person.attempts, person.capped = out, capped

    def plan(self) -> list[Person]:
        """Every patient with their attempts, exactly ``spec.visits`` in all, some of them booked today."""
        spec, rng = self.spec, self.rng
        mean = spec.visits / spec.patients
        tail = max(0.5, (mean - 0.12 * 4) / 0.88 - 8)
        span = (self.today - self.first_day).days
        today_count = spec.today_visits
        if today_count is None:
            today_count = max(6, round(spec.visits / span))
        today_count = max(0, min(today_count, spec.patients // 2, self.chairs * 10))
        forced = set(rng.sample(range(spec.patients), today_count))
        people: list[Person] = []
        for index in range(spec.patients):
            # About one in eight stops during induction; the rest go on to maintenance.
            n = rng.randint(1, 7) if rng.random() < 0.12 else 8 + round(rng.expovariate(1 / tail))
            plan_seed = rng.getrandbits(48)
            if index in forced:
                n = rng.randint(2, 8) if rng.random() < 0.35 else max(9, min(n, 40))
                while n > 1 and self.offset(n) > span:
                    n -= 1
                start = self.today - timedelta(days=self.offset(n))
            else:
                start = self.first_day + timedelta(days=rng.randrange(span))
            person = Person(index, plan_seed, start, n, index in forced)
            self.build_attempts(person)
            people.append(person)
        self._fit_total(people)
        return people

    def _fit_total(self, people: list[Person]) -> None:
        """Grow or trim the patients' plans until there are exactly ``spec.visits`` visits."""
        rng, target = self.rng, self.spec.visits
        total = sum(len(p.attempts) for p in people)
        free = [p for p in people if not p.forced]
        while total != target:
            if total < target:
                room = [p for p in free if not p.capped]
                if not room:
                    raise StoreError(
                        f"{target} visits do not fit in {self.spec.years} years for {self.spec.patients} patients"
                    )
                rng.shuffle(room)
                step = max(1, (target - total) // len(room))
                for person in room:
                    if total >= target:
                        break
                    before = len(person.attempts)
                    person.n = before + min(step, target - total)
                    self.build_attempts(person)
                    total += len(person.attempts) - before
            else:
                shrink = [p for p in free if len(p.attempts) > 1]
                if not shrink:
                    raise StoreError(f"{target} visits are too few for {self.spec.patients} patients")
                rng.shuffle(shrink)
                step = max(1, (total - target) // len(shrink))
                for person in shrink:
                    if total <= target:
                        break
                    before = len(person.attempts)
                    person.n = max(1, before - min(step, total - target))
                    self.build_attempts(person)
                    total += len(person.attempts) - before

    def lay_out_days(self, people: list[Person]) -> dict[date, list[Attempt]]:
        """Chairs and start times for every visit, and how many readings each gets."""
        rng = self.rng
        by_day: dict[date, list[Attempt]] = {}
        for person in people:
            for attempt in person.attempts:
                by_day.setdefault(attempt.day, []).append(attempt)
        done: list[Attempt] = []
        for day in sorted(by_day):
            attempts = by_day[day]
            rng.shuffle(attempts)
            turns = math.ceil(len(attempts) / self.chairs)
            turn_sec = min(100 * 60, (12 * 3600) // turns)
            for slot, attempt in enumerate(attempts):
                attempt.chair = slot % self.chairs + 1
                turn = slot // self.chairs
                attempt.start = 7 * 3600 + 1800 + turn * turn_sec + (attempt.chair - 1) * 300 + rng.randint(0, 300)
                if attempt.outcome == DONE:
                    done.append(attempt)
        if done:
            base, extra = divmod(self.spec.vitals, len(done))
            for i, attempt in enumerate(done):
                attempt.readings = base + (1 if i < extra else 0)
            for first, second in zip(done[::2], done[1::2], strict=False):
                shift = rng.randint(0, min(4, max(0, second.readings - 1)))
                first.readings += shift
                second.readings -= shift
        return by_day
