"""Outcome measures at the clinic: entering them, correcting them, and answering the suicide-risk flag.

A measure is entered at check-in by the nurse, or by the patient on the workstation in the
questionnaire mode the nurse opened (``mode=EntryMode.PATIENT``); either way it is written
in the nurse's session, which the record names, and says which. Core scores it and judges
it against the course baseline (:mod:`ketadesk.core.instruments`); the store keeps the
answers, the scoring and the status with the versions of the rules that made them.

A PHQ-9 whose item 9 is answered above 0 raises a flag that stops the infusion
(:mod:`ketadesk.core.readiness`) until a clinician records a risk assessment (the level and
the action taken) or a physician overrides it with a reason, typing their own login and
password: the override is the physician's act and names the session it was entered in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext

from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.approvals import named_physician
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.outcome_reads import (
    OutcomeMarks,
    counted_measures,
    course_instruments,
    patient_flags,
    visit_due,
    visit_marks,
)
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core.audit import AuditAction
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.corrections import meanwhile_words
from ketadesk.core.errors import ValidationError
from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.risk import RiskFlag, RiskLevel, raises_flag
from ketadesk.core.instruments.rules import OutcomeStatus, course_baseline, outcome_status
from ketadesk.core.instruments.schedule import MeasureDue
from ketadesk.core.instruments.types import Instrument, InstrumentKey, Scored
from ketadesk.core.local_time import clock_text
from ketadesk.core.patient import NOTE_MAX, choice, clean_text
from ketadesk.core.phases import NOTES_OPEN, Phase
from ketadesk.core.protocol_outcomes import checked_instruments
from ketadesk.core.users import CHARTING, SCHEDULING
from ketadesk.store import courses as store_courses
from ketadesk.store import outcomes as store_outcomes
from ketadesk.store import visits as store_visits
from ketadesk.store.errors import NotFound

ACTION_MAX = 1000


class Outcomes(Area):
    """Outcome measures: the instruments, what is due, the measures, and the suicide-risk flag."""

    def definition(self, key: InstrumentKey | str) -> Instrument:
        """One instrument as this clinic words it (items, answer scales, licence)."""
        wanted = choice("instrument", InstrumentKey, key, "Instrument")
        return self.session.protocol.outcomes.instrument(wanted)

    def instruments(self, course_id: int) -> tuple[Instrument, ...]:
        """The instruments a course uses (those chosen for it, else the protocol's default)."""
        store_courses.get(self.session.store, course_id)
        return course_instruments(self.session, course_id)

    @use_case("choose a course's outcome measures", roles=SCHEDULING, changes={Change.OUTCOMES})
    def choose_instruments(self, course_id: int, keys: Sequence[str]) -> Changes:
        """Choose which instruments the course uses from now on (one or more, in the clinic's order)."""
        s = self.session
        chosen = checked_instruments(keys)
        course = store_courses.get(s.store, course_id)
        row = store_outcomes.choose_instruments(s.store, course.id, chosen, at=s.stamp(), actor_id=s.user.id)
        return Changes.patient(course.patient_id, created_id=row)

    def due(self, visit_id: int) -> tuple[MeasureDue, ...]:
        """Each of the course's instruments for this visit: done, due, overdue, missed or not due."""
        return visit_due(self.session, store_visits.row(self.session.store, visit_id).summary)

    def marks(self, visit_id: int) -> OutcomeMarks:
        """What the chair tile and the banner show: measures due or overdue, and the patient's risk flags."""
        return visit_marks(self.session, visit_id)

    def measures(self, patient_id: int) -> list[Measure]:
        """Every measure row of the patient, corrected and struck ones included, oldest first."""
        return store_outcomes.measures(self.session.store, patient_id)

    def current(self, patient_id: int, course_id: int | None = None) -> list[Measure]:
        """The patient's measures that count (of one course when ``course_id`` is given), oldest first."""
        return counted_measures(self.session, patient_id, course_id)

    def risk_flags(self, patient_id: int) -> tuple[RiskFlag, ...]:
        """The patient's suicide-risk flags showing now, the ones still to assess and high priority first."""
        return patient_flags(self.session, patient_id)

    @use_case(
        "record outcome measures",
        roles=CHARTING,
        phases=NOTES_OPEN,
        phase_action="record an outcome measure",
        changes={Change.OUTCOMES},
    )
    def record_measure(
        self,
        visit_id: int,
        instrument: InstrumentKey | str,
        answers: Mapping[int, int],
        *,
        mode: EntryMode = EntryMode.NURSE,
    ) -> Changes:
        """Score and save one instrument's answers for the visit; ``created_id`` is the measure's id."""
        s = self.session
        entered = choice("mode", EntryMode, mode, "Entered by")
        visit = store_visits.row(s.store, visit_id).summary
        definition = self._course_definition(visit.course_id, instrument)
        scored = definition.score(answers)
        status = self._status(visit.patient_id, visit.course_id, definition.key, scored.total)
        row = self._add(visit.patient_id, visit.course_id, visit.id, entered, answers, scored, status)
        return Changes.visit(visit.id, created_id=row)

    @use_case("correct outcome measures", roles=CHARTING, changes={Change.OUTCOMES})
    def correct_measure(self, measure_id: int, answers: Mapping[int, int], reason: str) -> Changes:
        """Replace a measure's answers with the right ones, saying why; the original stays in the record."""
        s = self.session
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason")
        original = self._open_measure(measure_id)
        definition = s.protocol.outcomes.instrument(original.instrument)
        scored = definition.score(answers)
        status = self._status(original.patient_id, original.course_id, original.instrument, scored.total)
        # The corrected answers are the nurse's, typed in this session, whoever typed the original.
        patient_id, course_id, visit_id, _ = self._place(original)
        row = self._add(
            patient_id,
            course_id,
            visit_id,
            EntryMode.NURSE,
            answers,
            scored,
            status,
            corrects_id=original.id,
            reason=why,
        )
        return self._changed(original, row)

    @use_case("strike outcome measures", roles=CHARTING, changes={Change.OUTCOMES})
    def strike_measure(self, measure_id: int, reason: str) -> Changes:
        """Mark a measure as entered in error (the wrong patient, the wrong form), saying why."""
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason")
        original = self._open_measure(measure_id)
        row = self._add(
            *self._place(original),
            dict(original.answers),
            original.scored,
            original.status,
            corrects_id=original.id,
            entered_in_error=True,
            reason=why,
        )
        return self._changed(original, row)

    @use_case("record risk assessments", roles=CHARTING, changes={Change.OUTCOMES})
    def record_risk_assessment(self, measure_id: int, level: RiskLevel | str, action: str) -> Changes:
        """A clinician's assessment of the risk a flag raised: the level found and the action taken."""
        s = self.session
        found = choice("level", RiskLevel, level, "Risk level")
        taken = clean_text("action", action, max_length=ACTION_MAX, required=True, label="Action taken")
        measure = self._flagged(measure_id)
        row = store_outcomes.add_risk_assessment(s.store, measure, found, taken, at=s.stamp(), actor_id=s.user.id)
        return self._changed(measure, row)

    @use_case("enter a physician's override of a risk flag", roles=CHARTING, changes={Change.OUTCOMES})
    def override_risk_flag(self, measure_id: int, reason: str, *, physician_login: str, password: str) -> Changes:
        """A physician goes ahead without an assessment, with a reason, typing their own login and password.

        Everything is checked before the password, so a refused override leaves no password
        try behind; a wrong password counts towards the physician's lockout as a sign-in does.
        """
        s = self.session
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason")
        measure = self._flagged(measure_id)
        physician = named_physician(s, physician_login, "override this flag")
        Accounts(s).check_password(physician, password, AuditAction.OVERRIDE_RISK_FLAG)
        entered_by = None if physician.id == s.user.id else s.user.id
        row = store_outcomes.add_risk_override(
            s.store, measure, why, at=s.stamp(), actor_id=physician.id, entered_by=entered_by
        )
        return self._changed(measure, row)

    def _add(
        self,
        patient_id: int,
        course_id: int | None,
        visit_id: int | None,
        mode: EntryMode,
        answers: Mapping[int, int],
        scored: Scored,
        status: OutcomeStatus,
        *,
        corrects_id: int | None = None,
        entered_in_error: bool = False,
        reason: str = "",
    ) -> int:
        """Write one measure row (a new one, a correction or a strike) as the signed-in user, now.

        A correction or strike first looks, under the write lock, for one made meanwhile at another
        workstation: the second is refused naming who did it and when, and nothing is written.
        """
        s = self.session
        stamp = s.stamp()
        # A new measure is one write of its own (add_measure's transaction); only a correction reads first.
        with nullcontext() if corrects_id is None else s.store.transaction():
            refusal = None if corrects_id is None else self._replaced(corrects_id)
            if refusal is not None:
                raise refusal
            return store_outcomes.add_measure(
                s.store,
                patient_id=patient_id,
                course_id=course_id,
                visit_id=visit_id,
                answers=dict(answers),
                scored=scored,
                status=status,
                mode=mode,
                at=stamp,
                actor_id=s.user.id,
                corrects_id=corrects_id,
                entered_in_error=entered_in_error,
                reason=reason,
            )

    @staticmethod
    def _place(measure: Measure) -> tuple[int, int | None, int | None, EntryMode]:
        """Where a correction or strike of ``measure`` belongs: its patient, course, visit, and how it was entered."""
        return measure.patient_id, measure.course_id, measure.visit_id, measure.mode

    def _course_definition(self, course_id: int | None, instrument: InstrumentKey | str) -> Instrument:
        """The instrument, refused unless the visit's course uses it (a visit outside a course: the default set)."""
        wanted = choice("instrument", InstrumentKey, instrument, "Instrument")
        used = course_instruments(self.session, course_id)
        for definition in used:
            if definition.key is wanted:
                return definition
        names = ", ".join(d.name for d in used)
        raise ValidationError(
            "instrument",
            wanted.value,
            f"one of this course's instruments ({names})",
            message=f"{self.definition(wanted).name} is not one of this course's measures; it uses {names}.",
        )

    def _status(self, patient_id: int, course_id: int | None, key: InstrumentKey, total: int) -> OutcomeStatus:
        """The new total judged against the course baseline: the last of the instrument before the first infusion."""
        s = self.session
        if course_id is None:
            return outcome_status(key, total, None)
        first = store_outcomes.first_infusion_at(s.store, course_id)
        before_first = first is None
        earlier = [m.timed for m in self.current(patient_id, course_id) if m.instrument is key]
        baseline = course_baseline(earlier, None if first is None else from_utc_iso(first))
        return outcome_status(key, total, baseline, is_baseline=before_first)

    def _replaced(self, measure_id: int) -> ValidationError | None:
        """The refusal naming who corrected or struck the measure and when (a dialog left open meanwhile), if anyone."""
        s = self.session
        found = store_outcomes.replaced_by(s.store, measure_id)
        if found is None:
            return None
        name, at, struck = found
        when = clock_text(from_utc_iso(at), zone=s.protocol.zone)
        return ValidationError(
            "measure",
            measure_id,
            "a measure that counts (not already corrected or struck)",
            message=meanwhile_words(name, struck, when, "measure"),
        )

    def _open_measure(self, measure_id: int) -> Measure:
        """The measure to correct or strike: current, and of a visit not yet signed."""
        s = self.session
        measure = store_outcomes.measure(s.store, measure_id)
        if measure.id not in {m.id for m in self.current(measure.patient_id)}:
            raise self._replaced(measure_id) or ValidationError(
                "measure",
                measure_id,
                "a measure that counts (not already corrected or struck)",
                message="That measure was already corrected or struck; correct the one that replaced it.",
            )
        if measure.visit_id is not None and s.phase(measure.visit_id) is Phase.SIGNED:
            raise ValidationError(
                "measure",
                measure_id,
                "a measure of a visit not yet signed",
                message="The visit is signed, so its measures are locked; add an addendum instead.",
            )
        return measure

    def _flagged(self, measure_id: int) -> Measure:
        """The measure a flag was raised by: a current PHQ-9 with item 9 above 0."""
        try:
            measure = store_outcomes.measure(self.session.store, measure_id)
        except NotFound:
            raise ValidationError("measure", measure_id, "a measure that raised a suicide-risk flag") from None
        if not raises_flag(measure) or measure.id not in {m.id for m in self.current(measure.patient_id)}:
            raise ValidationError(
                "measure",
                measure_id,
                "a measure that raised a suicide-risk flag",
                message="That measure raised no suicide-risk flag (or was corrected since); nothing to assess.",
            )
        return measure

    @staticmethod
    def _changed(measure: Measure, row: int) -> Changes:
        """The visit the measure belongs to (or its patient, for a measure outside a visit) changed."""
        if measure.visit_id is not None:
            return Changes(
                visits=frozenset({measure.visit_id}), patients=frozenset({measure.patient_id}), created_id=row
            )
        return Changes.patient(measure.patient_id, created_id=row)


__all__ = ["OutcomeMarks", "Outcomes"]
