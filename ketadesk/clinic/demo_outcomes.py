"""The demo clinic's outcome measures: each course's instruments and questionnaires, as check-in takes them.

A course is measured with PHQ-9 and GAD-7 as the protocol has it, or, chosen for the course
by the nurse who planned it, PHQ-9 with PCL-5 for PTSD and GAD-7 with the Fear
Questionnaire for social anxiety. At check-in the nurse takes what
``clinic.outcomes.due`` says is due (before each induction infusion, then every 14 days),
now and then the patient types it in the questionnaire mode the nurse opened. How each
course goes is one :class:`Trajectory`: most respond, some remit, one relapses after
responding, one does not respond, and one responds to each maintenance infusion for less
time than the last (measured again before going home, and coming back sooner each time:
:data:`SOONER`), so the course watch has benefit wearing off and intervals shortening to
show. Today one patient's PHQ-9 answers item 9 above 0 and waits for a risk assessment;
another's was assessed before the infusion. Its own random numbers (from the demo's seed
and the patient's number), so the rest of the demo draws as it did.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ketadesk.clinic.api import Clinic
from ketadesk.clinic.demo_visit import DemoVisit
from ketadesk.core.instruments import ORDER, instrument_label
from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.phq9 import DIFFICULTY_ITEM, ITEM_9
from ketadesk.core.instruments.risk import RiskLevel
from ketadesk.core.instruments.rules import RESPONSE_FALL_PERCENT
from ketadesk.core.instruments.types import Asked, InstrumentKey
from ketadesk.core.patient import Diagnosis, Patient


class Trajectory(StrEnum):
    """How a demo course's scores go, visit by visit."""

    RESPONDS = "responds"
    REMITS = "remits"
    RELAPSES = "relapses"
    NO_RESPONSE = "no_response"
    WEARS_OFF = "wears_off"


# The share of the baseline's answers each course falls to, and (relapse) the visit it climbs back from.
_FLOOR = {
    Trajectory.RESPONDS: 0.4,
    Trajectory.REMITS: 0.1,
    Trajectory.RELAPSES: 0.25,
    Trajectory.NO_RESPONSE: 0.9,
    Trajectory.WEARS_OFF: 0.55,
}
RELAPSE_FROM_VISIT = 5
"""Relapse: from this visit (0 the first) the scores climb back."""
AFTER_INFUSION = 0.3
"""Wearing off: the share of the baseline's answers on the day of a maintenance infusion, before going home."""

FIXED: dict[int, Trajectory] = {
    2: Trajectory.RESPONDS,
    3: Trajectory.NO_RESPONSE,
    6: Trajectory.RESPONDS,
    7: Trajectory.REMITS,
    9: Trajectory.RELAPSES,
    23: Trajectory.WEARS_OFF,
}
"""The courses whose story is fixed, by the patient's place in the demo's list (the rest are drawn)."""
SOONER: dict[int, tuple[int, ...]] = {23: (21, 16, 12)}
"""Days between the maintenance visits of a course whose patient comes back sooner each time."""
TEMPLATES: dict[int, str] = {23: "induction-6"}
"""Courses planned on another of the protocol's templates than its default (the shorter induction)."""
FLAG_TODAY = {2: False, 0: True}
"""Today's PHQ-9 answers item 9 above 0 for these patients: True when it was assessed before the infusion."""

SHOWS = {
    Trajectory.RESPONDS: f"responds: {{series}}, a fall of {RESPONSE_FALL_PERCENT} % or more",
    Trajectory.REMITS: "remits: {series}",
    Trajectory.RELAPSES: "relapses: responded, then {series} climbed back",
    Trajectory.NO_RESPONSE: "does not respond: {series}, the dose stepped up at the bedside",
    Trajectory.WEARS_OFF: "{series} better after each maintenance infusion and back up sooner each time",
}
"""What each fixed course shows in the demo's summary (``{series}``: its first instrument, first → latest)."""


def instruments_for(patient: Patient, protocol_default: tuple[InstrumentKey, ...]) -> tuple[InstrumentKey, ...]:
    """The instruments a course is measured with for the patient's diagnoses, in the clinic's order."""
    chosen = set(protocol_default)
    if Diagnosis.PTSD in patient.diagnoses:
        chosen = {InstrumentKey.PHQ9, InstrumentKey.PCL5}
    elif Diagnosis.SOCIAL_ANXIETY in patient.diagnoses:
        chosen = {InstrumentKey.GAD7, InstrumentKey.FQ}
    return tuple(k for k in ORDER if k in chosen)


@dataclass(slots=True)
class CourseMeasures:
    """One demo course's questionnaires: what it is measured with, how it goes, and its visits counted."""

    number: int
    course_id: int
    instruments: tuple[InstrumentKey, ...]
    trajectory: Trajectory
    rng: random.Random
    levels: dict[InstrumentKey, tuple[tuple[int, float, int], ...]]
    induction: int
    visits: int = 0
    """Visits checked in so far."""
    today_index: int = -1
    """The index today's visit has (0 the course's first), so today's item-9 answer falls on it."""

    @classmethod
    def plan(
        cls, nurse: Clinic, *, seed: int, number: int, course_id: int, patient: Patient, induction: int
    ) -> CourseMeasures:
        """Choose the course's instruments (through ``clinic.outcomes``) and draw the answers it starts from."""
        rng = random.Random(seed * 1013 + number)
        default = nurse.protocol.outcomes.default_instruments
        chosen = instruments_for(patient, default)
        if chosen != default:
            nurse.outcomes.choose_instruments(course_id, [k.value for k in chosen])
        drawn = rng.choice((Trajectory.RESPONDS, Trajectory.RESPONDS, Trajectory.REMITS, Trajectory.NO_RESPONSE))
        levels = {}
        for key in chosen:
            severity = rng.uniform(0.55, 0.85)
            items = []
            for item in nurse.outcomes.definition(key).items:
                if item.asked is not Asked.ALWAYS or (key is InstrumentKey.PHQ9 and item.number == ITEM_9):
                    continue  # item 9 only today's flag answers; items that may be left are left
                high = item.scale.high
                items.append((item.number, min(max(rng.gauss(severity * high, 0.6), 0.0), float(high)), high))
            levels[key] = tuple(items)
        return cls(
            number,
            course_id,
            chosen,
            FIXED.get(number, drawn),
            rng,
            levels,
            induction,
        )

    def share(self, index: int) -> float:
        """The share of the baseline's answers given at visit ``index`` (0 the first), before its infusion."""
        floor = _FLOOR[self.trajectory]
        share = floor + (1 - floor) * math.exp(-index / 1.8)
        if self.trajectory is Trajectory.RELAPSES and index >= RELAPSE_FROM_VISIT:
            share = min(0.95, share + 0.2 * (index - RELAPSE_FROM_VISIT + 1))
        if self.trajectory is Trajectory.WEARS_OFF and index >= self.induction:
            share = 0.8  # back before each maintenance infusion
        return share

    def answers(self, key: InstrumentKey, share: float, item9: int = 0) -> dict[int, int]:
        """One set of answers at ``share`` of the baseline's, each item rounded at random."""
        rng = self.rng
        answers = {n: min(high, int(level * share + rng.random())) for n, level, high in self.levels[key]}
        if key is InstrumentKey.PHQ9:
            answers[ITEM_9] = item9
            total = sum(answers.values())
            if total > 0:
                answers[DIFFICULTY_ITEM] = min(3, (total + 4) // 8)
        return answers

    def at_check_in(self, walk: DemoVisit) -> None:
        """Take what is due before the infusion (every visit, for the course whose benefit wears off)."""
        index = self.visits
        self.visits += 1
        due = {d.instrument for d in walk.nurse.outcomes.due(walk.visit_id) if d.state.asks}
        flag = FLAG_TODAY.get(self.number) if index == self.today_index else None
        mode = EntryMode.PATIENT if self.rng.random() < 0.25 else EntryMode.NURSE
        for key in self.instruments:
            if key not in due and self.trajectory is not Trajectory.WEARS_OFF:
                continue
            item9 = 1 if flag is not None and key is InstrumentKey.PHQ9 else 0
            walk.clock.advance(minutes=2)
            made = walk.nurse.outcomes.record_measure(
                walk.visit_id, key, self.answers(key, self.share(index), item9), mode=mode
            )
            if item9 and flag:
                walk.clock.advance(minutes=4)
                walk.nurse.outcomes.record_risk_assessment(
                    made.created_id or 0,
                    RiskLevel.LOW,
                    "Asked directly: passive thoughts last week, none now, no plan or intent; "
                    "safety plan reviewed and the crisis line given. Proceed.",
                )

    def before_home(self, walk: DemoVisit) -> None:
        """Wearing off: from the last induction infusion on, the patient answers again before going home, better."""
        if self.trajectory is Trajectory.WEARS_OFF and self.visits >= self.induction:
            for key in self.instruments:
                walk.clock.advance(minutes=2)
                walk.nurse.outcomes.record_measure(walk.visit_id, key, self.answers(key, AFTER_INFUSION))

    def summary(self, measures: list[Measure]) -> str | None:
        """What the course shows, for a fixed story (None for a drawn course)."""
        if self.number not in FIXED:
            return None
        first = self.instruments[0]
        totals = [m.total for m in measures if m.instrument is first and m.course_id == self.course_id]
        series = instrument_label(first)
        if totals and self.trajectory is not Trajectory.WEARS_OFF:
            series = f"{series} {totals[0]} → {totals[-1]}"
        others = ", ".join(instrument_label(k) for k in self.instruments[1:])
        return SHOWS[self.trajectory].format(series=series) + (f" (with {others})" if others else "")


def sooner_day(number: int, maintenance_index: int, last_day: date) -> date | None:
    """The day of a maintenance visit of a course whose patient comes back sooner (None: the plan's day)."""
    days = SOONER.get(number, ())
    if 0 <= maintenance_index < len(days):
        return last_day + timedelta(days=days[maintenance_index])
    return None
