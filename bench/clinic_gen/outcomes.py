"""Outcome measures in the generated clinic: each course's instruments, its measures and the risk flag's answers.

When a course is planned the desk records which instruments it uses (PHQ-9 and GAD-7 as the
protocol has it, PCL-5 beside the PHQ-9 for PTSD, the Fear Questionnaire beside the GAD-7 for
social anxiety) and the course draws how it will go: most respond, some remit, some relapse
after induction, some do not respond. The nurse takes every instrument before each induction
infusion and, after induction, at the first visit 14 days or more after the last (the
protocol's schedule), a quarter of them typed in by the patient in the questionnaire mode.
A few PHQ-9s answer item 9 above 0; a clinician records a risk assessment minutes later,
before the infusion.

Each measure is scored by core as the clinic scores it (``protocol.outcomes.instrument(key).score``),
judged against the course baseline by :func:`~ketadesk.core.instruments.rules.outcome_status`,
and written with the audit payload the store's own write builds
(:func:`ketadesk.store.outcomes.measure_payload`, its text joined from remembered parts by
:func:`measure_text`), so ``ketadesk check`` reconciles every row.
Every draw comes from a random stream of its own, so the rest of a seed's clinic is as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime

from bench.clinic_gen.model import ASSESS, CHOOSE, MEASURE, Attempt, Event, MeasuredCourse, Person
from bench.clinic_gen.state import GeneratorState, Scoring
from bench.clinic_gen.vocabulary import RISK_ACTIONS
from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.instruments import ORDER
from ketadesk.core.instruments.measures import EntryMode, scored_payload
from ketadesk.core.instruments.phq9 import DIFFICULTY_ITEM, ITEM_9
from ketadesk.core.instruments.risk import RiskLevel
from ketadesk.core.instruments.rules import OutcomeStatus, Timed, outcome_status
from ketadesk.core.instruments.types import Asked, InstrumentKey
from ketadesk.core.patient import Diagnosis
from ketadesk.store.audit import canonical
from ketadesk.store.outcomes import answers_payload, instruments_text

# How courses go, with how often: (trajectory, share, lowest and highest fraction of the baseline it falls to).
TRAJECTORIES = (
    ("responds", 0.32, 0.32, 0.48),
    ("remits", 0.28, 0.06, 0.2),
    ("relapses", 0.15, 0.25, 0.4),
    ("no_response", 0.25, 0.72, 0.95),
)
PATIENT_MODE_RATE = 0.25
"""Measures the patient types in on the workstation (the rest the nurse enters)."""
RISK_COURSE_RATE = 0.06
"""Courses in which a PHQ-9 may answer item 9 above 0 (while the score is still high)."""
SKIP_RATE = 0.02
"""Maintenance measures not taken when due (the next visit asks again)."""
SCORED_KEPT = 100_000
"""Scorings remembered at most (then forgotten all at once): bounds the load's memory at any size."""
# A stored measure's entry time does not matter to the status, only its id and total.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class OutcomeEvents(GeneratorState):
    """Plans, times and writes the outcome measures (see the module docstring)."""

    def plan_outcomes(self, person: Person) -> MeasuredCourse:
        """Choose the course's instruments for its diagnoses and draw how the course will go."""
        rng = self.outcome_rng
        assert person.patient is not None
        diagnoses = person.patient.diagnoses
        chosen = set(self.protocol.outcomes.default_instruments)
        if Diagnosis.PTSD in diagnoses:
            chosen = {InstrumentKey.PHQ9, InstrumentKey.PCL5}
        elif Diagnosis.SOCIAL_ANXIETY in diagnoses:
            chosen = {InstrumentKey.GAD7, InstrumentKey.FQ}
        roll, trajectory, floor = rng.random(), "responds", 0.4
        for name, share, low, high in TRAJECTORIES:
            if roll < share:
                trajectory, floor = name, rng.uniform(low, high)
                break
            roll -= share
        induction = self.template.induction_count
        course = MeasuredCourse(
            instruments=tuple(k for k in ORDER if k in chosen),
            trajectory=trajectory,
            floor=floor,
            relapse_after=induction + rng.randint(1, 5),
            risk=rng.random() < RISK_COURSE_RATE,
        )
        for key in course.instruments:
            severity = rng.uniform(0.5, 0.85)
            items = []
            for item in self.definitions[key].items:
                if item.asked is not Asked.ALWAYS or (key is InstrumentKey.PHQ9 and item.number == ITEM_9):
                    continue  # item 9 is answered only in a risk episode; left or derived items are not drawn
                high = item.scale.high
                items.append((item.number, min(max(rng.gauss(severity * high, 0.2 * high), 0.0), high), high))
            course.levels[key] = tuple(items)
        person.measured = course
        return course

    def choose_event(self, person: Person, events: list[Event], day: date, sec: int, by: int) -> None:
        """The course's instruments, recorded with it as plan_course does (and how the course will go drawn)."""
        self.plan_outcomes(person)
        self.event(events, day, sec, CHOOSE, person, by)

    def fraction(self, course: MeasuredCourse, sequence: int) -> float:
        """Where the course stands at visit ``sequence``: the share of the baseline's answers the patient gives."""
        f = course.floor + (1 - course.floor) * math.exp(-(sequence - 1) / 2.5)
        if course.trajectory == "relapses" and sequence > course.relapse_after:
            f = min(0.95, f + 0.14 * (sequence - course.relapse_after))
        return f

    def measure_events(self, attempt: Attempt, add: Callable[..., None], nurse: int, pre: int) -> None:
        """The measures due at this visit, taken at check-in, and a risk assessment after an item-9 answer."""
        course = attempt.person.measured
        if course is None:
            return
        rng = self.outcome_rng
        settings = self.protocol.outcomes.schedule
        in_induction = attempt.sequence <= self.template.induction_count
        due = (
            (in_induction and settings.before_each_induction_infusion)
            or course.last_on is None
            or (attempt.day - course.last_on).days >= settings.every_days_after_induction
        )
        if not due or (not in_induction and rng.random() < SKIP_RATE):
            return
        course.last_on = attempt.day
        f = self.fraction(course, attempt.sequence)
        mode = EntryMode.PATIENT if rng.random() < PATIENT_MODE_RATE else EntryMode.NURSE
        offset = pre + 30
        for key in course.instruments:
            wobble = f + rng.gauss(0, 0.06)
            answers = {n: min(high, int(level * wobble + rng.random())) for n, level, high in course.levels[key]}
            item9 = 0
            if key is InstrumentKey.PHQ9:
                if course.risk and f > 0.45 and rng.random() < 0.3:
                    item9 = 2 if rng.random() < 0.3 else 1
                answers[ITEM_9] = item9
                total = sum(answers.values())
                if total > 0:
                    answers[DIFFICULTY_ITEM] = min(3, (total + 4) // 8)
            box = [0]
            add(offset, MEASURE, key, answers, mode, nurse, box)
            if item9:
                level = RiskLevel.MODERATE if item9 >= 2 else RiskLevel.LOW
                assessor = rng.choice(self.physicians) if item9 >= 2 else nurse
                add(pre + 420 + rng.randint(0, 240), ASSESS, box, level, rng.choice(RISK_ACTIONS), assessor)
            offset += 100 if key in (InstrumentKey.PHQ9, InstrumentKey.GAD7) else 180

    def write_outcome(self, at: str, kind: int, payload: tuple[object, ...]) -> None:
        """Write one outcome event as the store's outcome writes would, with its audit row."""
        w = self.w
        if kind == CHOOSE:
            person, by = payload
            assert isinstance(person, Person) and isinstance(by, int) and person.measured is not None
            text = instruments_text(person.measured.instruments)
            row_id = w.add("course_instruments", (person.course_id, text, at, by))
            after = canonical({"id": row_id, "instruments": text})
            w.audit(at, by, AuditAction.CHOOSE_INSTRUMENTS, AuditEntity.COURSE, person.course_id, None, after)
        elif kind == MEASURE:
            self._write_measure(at, *payload)
        elif kind == ASSESS:
            attempt, box, level, action, by = payload
            assert isinstance(attempt, Attempt) and isinstance(box, list) and isinstance(level, RiskLevel)
            assert isinstance(by, int)
            fields = {
                "measure_id": box[0],
                "patient_id": attempt.person.patient_id,
                "visit_id": attempt.visit_id,
                "level": level.value,
                "action": action,
            }
            row_id = w.add("risk_assessments", (*fields.values(), at, by))
            w.audit(at, by, AuditAction.RISK_ASSESSMENT, AuditEntity.RISK_ASSESSMENT, row_id, None, canonical(fields))

    def _write_measure(self, at: str, *payload: object) -> None:
        attempt, key, answers, mode, by, box = payload
        assert isinstance(attempt, Attempt) and isinstance(key, InstrumentKey) and isinstance(answers, dict)
        assert isinstance(mode, EntryMode) and isinstance(by, int) and isinstance(box, list)
        person = attempt.person
        course = person.measured
        assert course is not None
        w = self.w
        scored, scores_text, answers_text, fixed = self._scoring(key, answers)
        # As clinic.outcomes judges it: before the course's first infusion a measure is (for now) the
        # baseline, judged against any earlier one; after it, against the last one taken before it.
        before_first = attempt.sequence == 1
        status = outcome_status(key, scored.total, course.baseline.get(key), is_baseline=before_first)
        if before_first:
            course.baseline[key] = Timed(w.next_id["outcome_measures"], _EPOCH, scored.total)
        status_text, rule_text = self._status_text(status)
        row = (
            person.patient_id,
            person.course_id,
            attempt.visit_id,
            key.value,
            answers_text,
            scores_text,
            status_text,
            scored.total,
            scored.version,
            status.rule_version,
            mode.value,
            at,
            by,
            None,
            0,
            "",
        )
        box[0] = w.add("outcome_measures", row)
        fields = {
            "answers": answers_text,
            "course_id": str(person.course_id),
            "corrects": "null",
            "entered_in_error": "false",
            "instrument": fixed[0],
            "mode": _MODE_TEXT[mode],
            "patient_id": str(person.patient_id),
            "reason": '""',
            "rule_version": rule_text,
            "scores": scores_text,
            "scoring_version": fixed[1],
            "status": status_text,
            "total": str(scored.total),
            "visit_id": str(attempt.visit_id),
        }
        w.audit(at, by, AuditAction.MEASURE, AuditEntity.MEASURE, box[0], None, measure_text(fields))

    def _scoring(self, key: InstrumentKey, answers: dict[int, int]) -> Scoring:
        """Core's scoring of one set of answers with the texts a measure stores of it, remembered.

        Two answer sets in three repeat one seen before, so each is scored (and its texts
        made) once.
        """
        wanted = (key, tuple(answers.items()))
        found = self.scorings.get(wanted)
        if found is None:
            if len(self.scorings) >= SCORED_KEPT:
                self.scorings.clear()
            scored = self.definitions[key].score(answers)
            found = (
                scored,
                canonical(scored_payload(scored)),
                canonical(answers_payload(answers)),
                (canonical(key.value), canonical(scored.version)),
            )
            self.scorings[wanted] = found
        return found

    def _status_text(self, status: OutcomeStatus) -> tuple[str, str]:
        """A status as the row stores it, and its rule's version as JSON (statuses repeat from measure to measure)."""
        texts = self.status_texts.get(status)
        if texts is None:
            texts = self.status_texts[status] = (canonical(status.payload()), canonical(status.rule_version))
        return texts


_MODE_TEXT = {mode: canonical(mode.value) for mode in EntryMode}
MEASURE_KEYS = (
    "answers",
    "corrects",
    "course_id",
    "entered_in_error",
    "instrument",
    "mode",
    "patient_id",
    "reason",
    "rule_version",
    "scores",
    "scoring_version",
    "status",
    "total",
    "visit_id",
)
"""The keys of :func:`~ketadesk.store.outcomes.measure_payload`, in the order canonical JSON sorts them."""


def measure_text(fields: dict[str, str]) -> str:
    """A measure's audit payload as ``canonical(measure_payload(...))`` gives it, from each value's JSON text.

    Joined rather than dumped: most of a payload's parts (scores, answers, status) repeat and
    their texts are remembered, and dumping the whole payload was the largest part of writing
    a measure. ``tests/bench_smoke/test_clinic_gen_outcomes.py`` holds it to the canonical text.
    """
    return "{" + ",".join(f'"{k}":{fields[k]}' for k in MEASURE_KEYS) + "}"
