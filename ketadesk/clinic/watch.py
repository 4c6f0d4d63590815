"""The tolerance and misuse watch over a course: its flags, patients' requests, screenings, acknowledgements.

The flags are advisory: evaluated afresh from the record each time they are asked for
(the course's visits and the doses given, the requests and their decisions, the
screenings, the outcome scores through :func:`~ketadesk.clinic.watch_scores.outcome_scores`)
by the rules in :mod:`ketadesk.core.watch`, under the protocol's ``[watch]`` settings. None
stops a visit. What is recorded here:

- a patient's **request** for an extra infusion, a higher dose or an earlier visit, by the
  nurse or physician who heard it (:meth:`Watch.record_request`), and the **decision** on
  it, by a physician in their own session (:meth:`Watch.decide_request`): the record names
  who asked, who wrote it down, who decided and why;
- a **screening** (AUDIT-C, DAST-10, urine drug screen, prescription-monitoring check),
  by the clinician who did it (:meth:`Watch.record_screening`);
- a physician's **acknowledgement** of one flag as raised now, with a note, their password
  re-entered and their digital signature over it (:meth:`Watch.acknowledge_flag`).
"""

from __future__ import annotations

from datetime import datetime

from ketadesk.clinic import keys
from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.clinic.watch_scores import outcome_scores
from ketadesk.clinic.watch_signing import write_signed
from ketadesk.core.audit import AuditAction
from ketadesk.core.clock import from_utc_iso, to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.local_time import clock_text, local_date
from ketadesk.core.patient import NOTE_MAX, choice, clean_text
from ketadesk.core.users import CHARTING, PHYSICIAN_ONLY
from ketadesk.core.watch.evaluate import RaisedFlag, WatchInputs, WatchState, evaluate, watch_state
from ketadesk.core.watch.records import (
    REQUEST_ENTRY_LIMIT,
    SCREENING_ENTRY_LIMIT,
    RequestDecision,
    RequestKind,
    ScreeningKind,
    ScreeningResult,
    check_past,
    check_screening,
)
from ketadesk.store import courses as store_courses
from ketadesk.store import patients as store_patients
from ketadesk.store import watch as store_watch
from ketadesk.store.errors import NotFound

DETAIL_MAX = 1000


class Watch(Area):
    """The course watch: read its flags; record requests, decisions, screenings and acknowledgements."""

    def state(self, course_id: int) -> WatchState:
        """The course's watch now: substance-use history, every flag with its acknowledgement, requests, screenings."""
        s = self.session
        course = store_courses.get(s.store, course_id)
        patient = store_patients.get(s.store, course.patient_id)
        zone = s.protocol.zone
        now = s.now()
        inputs = WatchInputs(
            course_id=course.id,
            start_date=course.start_date,
            induction_count=course.template.induction_count,
            infusions=tuple(store_watch.course_infusions(s.store, course.id)),
            scores=outcome_scores(s, course),
            requests=tuple(store_watch.requests_for_course(s.store, course.id)),
            screenings=tuple(store_watch.screenings_for_patient(s.store, course.patient_id)),
            sex=patient.sex,
            today=local_date(now, zone),
            now=now,
            zone=zone,
        )
        evaluation = evaluate(inputs, s.protocol.watch, s.protocol.dose.max_mg_per_kg)
        return watch_state(
            inputs,
            evaluation,
            store_watch.acknowledgements_for_course(s.store, course.id),
            patient_id=course.patient_id,
            substance_use=patient.substance_use,
            substance_use_note=patient.substance_use_note,
        )

    def flags(self, course_id: int) -> tuple[RaisedFlag, ...]:
        """The course's flags raised now, each with the physician's acknowledgement of it once given."""
        return self.state(course_id).flags

    @use_case("record patients' requests", roles=CHARTING, changes={Change.WATCH})
    def record_request(
        self, course_id: int, kind: RequestKind, detail: str = "", requested_at: datetime | None = None
    ) -> Changes:
        """Write down what the patient asked for (more, sooner or stronger), when they asked; decided separately."""
        s = self.session
        asked = choice("kind", RequestKind, kind, "Request")
        text = clean_text("detail", detail, max_length=DETAIL_MAX, required=False, label="What the patient asked")
        when = check_past("requested_at", requested_at or s.now(), s.now(), REQUEST_ENTRY_LIMIT, "When asked")
        course = store_courses.get(s.store, course_id)
        row = store_watch.add_request(
            s.store, course.id, asked, text, to_utc_iso(when), at=s.stamp(), actor_id=s.user.id
        )
        return Changes.patient(course.patient_id, created_id=row)

    @use_case("decide patients' requests", roles=PHYSICIAN_ONLY, changes={Change.WATCH})
    def decide_request(self, request_id: int, decision: RequestDecision, reason: str) -> Changes:
        """Grant or refuse a patient's request, saying why: the decision is the signed-in physician's."""
        s = self.session
        decided = choice("decision", RequestDecision, decision, "Decision")
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Why")
        with s.store.transaction():  # read and decided under the write lock: one decision, at any workstation
            request = store_watch.request_by_id(s.store, request_id)
            if request is None:
                raise NotFound(f"No patient request {request_id}.")
            if request.decision is not None:
                raise ValidationError(
                    "request",
                    request_id,
                    "a request not yet decided",
                    message=f"This request was already {request.decision.decision.value} by "
                    f"{request.decision.decided_by}.",
                )
            store_watch.add_decision(s.store, request, decided, why, at=s.stamp(), actor_id=s.user.id)
        course = store_courses.get(s.store, request.course_id)
        return Changes.patient(course.patient_id, created_id=request.id)

    @use_case("record screenings", roles=CHARTING, changes={Change.WATCH})
    def record_screening(
        self,
        patient_id: int,
        kind: ScreeningKind,
        *,
        score: int | None = None,
        result: ScreeningResult | None = None,
        detail: str = "",
        done_at: datetime | None = None,
    ) -> Changes:
        """Record a substance-use screening: a questionnaire's total, or a screen's result, and when it was done."""
        s = self.session
        screening = choice("kind", ScreeningKind, kind, "Screening")
        found = None if result is None else choice("result", ScreeningResult, result, "Result")
        check_screening(screening, score, found)
        text = clean_text("detail", detail, max_length=DETAIL_MAX, required=False, label="Detail")
        when = check_past("done_at", done_at or s.now(), s.now(), SCREENING_ENTRY_LIMIT, "When it was done")
        store_patients.get(s.store, patient_id)
        row = store_watch.add_screening(
            s.store, patient_id, screening, score, found, text, to_utc_iso(when), at=s.stamp(), actor_id=s.user.id
        )
        return Changes.patient(patient_id, created_id=row)

    @use_case("acknowledge the watch's flags", roles=PHYSICIAN_ONLY, changes={Change.WATCH})
    def acknowledge_flag(self, course_id: int, fingerprint: str, note: str, *, password: str) -> Changes:
        """Acknowledge one flag raised now on the course, with a note, re-entering my password; signed by me.

        The flag is named by its fingerprint, so the acknowledgement is of that occurrence:
        a new occurrence of the same rule is a new flag. Everything is checked before the
        password is, so a refused acknowledgement leaves no password try behind.
        """
        s = self.session
        text = clean_text("note", note, max_length=NOTE_MAX, required=True, label="Note")
        raised = {f.flag.fingerprint: f for f in self.state(course_id).flags}
        flag = raised.get(fingerprint)
        if flag is None or flag.acknowledgement is not None:
            already = "" if flag is None or flag.acknowledgement is None else flag.acknowledgement.by
            raise ValidationError(
                "fingerprint",
                fingerprint[:16],
                "a flag raised now on this course and not yet acknowledged",
                message=f"That flag was already acknowledged by {already}."
                if already
                else "That flag is not raised on this course now.",
            )
        Accounts(s).confirm_password(password, AuditAction.REAUTHENTICATE_TO_SIGN)
        key = keys.unlock(s, password)
        found = flag.flag
        fields: dict[str, object] = {
            "course_id": course_id,
            "rule": found.rule.value,
            "rule_version": found.version,
            "fingerprint": found.fingerprint,
            "inputs": f"{found.text}\n{found.inputs_text}",
            "note": text,
            "at": s.stamp(),
            "by": s.user.id,
        }
        with s.store.transaction():  # under the write lock: acknowledged meanwhile at another workstation?
            meanwhile = store_watch.acknowledged_by(s.store, course_id, found.rule.value, found.fingerprint)
            if meanwhile is not None:
                name, at = meanwhile
                when = clock_text(from_utc_iso(at), zone=s.protocol.zone)
                raise ValidationError(
                    "fingerprint",
                    fingerprint[:16],
                    "a flag raised now on this course and not yet acknowledged",
                    message=f"That flag was acknowledged by {name} at {when} while you were writing your note. "
                    "Nothing was saved; your note is kept.",
                )
            row = write_signed(s.store, fields, key)
        patient_id = store_courses.get(s.store, course_id).patient_id
        return Changes.patient(patient_id, created_id=row)
