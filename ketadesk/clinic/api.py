"""The clinic's one API: every use case the screens and the CLI need.

Each call checks the user's role, validates through core, writes through the store in one
transaction (with its audit row) and returns a :class:`Changes`. Nothing above this layer
touches the store, and nothing here knows about widgets.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from ketadesk.clinic.accounts import AccountsMixin
from ketadesk.clinic.changes import Changes
from ketadesk.clinic.reporting import ReportingMixin
from ketadesk.core import readiness
from ketadesk.core.clock import Clock, to_utc_iso
from ketadesk.core.course import next_visit_date
from ketadesk.core.dosing import DosePlan, DoseReview, calculate_dose, review_dose
from ketadesk.core.errors import ValidationError
from ketadesk.core.events import AdverseEventKind, validate_event_description, validate_intervention
from ketadesk.core.patient import NOTE_MAX, Patient, clean_text, validate_patient
from ketadesk.core.phases import Phase, check_transition
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail, VisitSummary, VitalsRecord
from ketadesk.core.scales import AldreteScore, cadss6_total, check_moaas, check_rass
from ketadesk.core.signing import Addendum, Signature
from ketadesk.core.timers import VisitTimers, compute_timers, format_duration
from ketadesk.core.users import ADMIN_ONLY, CHARTING, PHYSICIAN_ONLY, SCHEDULING, User
from ketadesk.core.vitals import Source, classify, parse_decimal, validate_vitals
from ketadesk.store import audit as store_audit
from ketadesk.store import backup as store_backup
from ketadesk.store import courses as store_courses
from ketadesk.store import patients as store_patients
from ketadesk.store import signatures as store_signatures
from ketadesk.store import users as store_users
from ketadesk.store import visits as store_visits
from ketadesk.store.courses import CourseRecord
from ketadesk.store.db import Store, open_store

NOTE_KINDS = ("nursing", "dissociation", "adverse_event", "intervention", "physician")
# How far back a nurse may date a reading that is entered late.
LATE_ENTRY_LIMIT = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class VisitView:
    """One visit with its timers at the moment it was read."""

    detail: VisitDetail
    timers: VisitTimers


@dataclass(frozen=True, slots=True)
class PatientHistory:
    """A patient's whole record: courses and every visit in full."""

    patient: Patient
    courses: tuple[CourseRecord, ...]
    visits: tuple[VisitDetail, ...]


@dataclass(frozen=True, slots=True)
class NextVisit:
    """The suggested next booking for a patient's course."""

    course_id: int | None
    sequence: int | None
    day: date
    label: str


class Clinic(AccountsMixin, ReportingMixin):
    """The clinic's use cases over one open database, for one signed-in user."""

    def __init__(self, store: Store, clock: Clock, protocol: Protocol, user: User) -> None:
        self.store = store
        self.clock = clock
        self.protocol = protocol
        self.user = user

    @classmethod
    def open(cls, path: Path, clock: Clock, protocol: Protocol, user_login: str | None = None) -> Clinic:
        """Open the database at ``path`` and act as ``user_login`` (the program itself when None)."""
        store = open_store(path)
        stamp = to_utc_iso(clock.now())
        user = store_users.system_user(store, stamp)
        if user_login is not None:
            found = store_users.by_login(store, user_login)
            if found is None:
                store.close()
                raise ValidationError("user", user_login, "a registered login")
            user = found
        return cls(store, clock, protocol, user)

    @property
    def database_path(self) -> Path | None:
        """The file this clinic is working in."""
        return self.store.path

    def as_user(self, user: User) -> Clinic:
        """The same clinic acting for another user (switching at a shared workstation)."""
        return Clinic(self.store, self.clock, self.protocol, user)

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    # ------------------------------------------------------------------ helpers

    def _stamp(self) -> str:
        return to_utc_iso(self.clock.now())

    def today(self) -> date:
        """Today's date in the workstation's local time zone."""
        return self.clock.now().astimezone().date()

    def _phase(self, visit_id: int) -> Phase:
        return store_visits.current_phase(self.store, visit_id)

    def _require_phase(self, visit_id: int, action: str, *phases: Phase) -> Phase:
        phase = self._phase(visit_id)
        if phase not in phases:
            allowed = " or ".join(p.label.lower() for p in phases)
            raise ValidationError("phase", phase.label, f"{action} is possible only when the visit is {allowed}",
                                  message=f"Cannot {action}: the visit is {phase.label.lower()}; "
                                          f"this is possible only when it is {allowed}.")
        return phase

    def _move(self, visit_id: int, target: Phase, reason: str = "") -> None:
        check_transition(self._phase(visit_id), target, reason)
        store_visits.add_event(self.store, visit_id, target, at=self._stamp(), actor_id=self.user.id,
                               reason=reason.strip())

    # ------------------------------------------------------------------ users

    def add_user(self, login: str, display_name: str, credentials: str, roles: frozenset[object],
                 password_hash: str | None = None) -> Changes:
        """Create a user (administrators only)."""
        from ketadesk.core.users import Role

        self.user.require("add users", *ADMIN_ONLY)
        clean_login = login.strip().lower()
        if not clean_login or not all(c.isalnum() or c in "._-" for c in clean_login) or len(clean_login) > 40:
            raise ValidationError("login", login, "1–40 letters, digits, '.', '_' or '-'")
        name = clean_text("display_name", display_name, max_length=100, required=True, label="Printed name")
        user = store_users.create(self.store, login=clean_login, display_name=name, credentials=credentials.strip(),
                                  roles=frozenset(Role(str(r)) for r in roles), at=self._stamp(),
                                  actor_id=self.user.id, password_hash=password_hash)
        return Changes(tables=frozenset({"users"}), created_id=user.id)

    def users_with_role(self, role: object) -> list[User]:
        """Active users holding ``role``, by printed name."""
        from ketadesk.core.users import Role

        return store_users.with_role(self.store, Role(str(role)))

    def user_by_login(self, login: str) -> User | None:
        """Look a user up by login."""
        return store_users.by_login(self.store, login)

    # ------------------------------------------------------------------ patients

    def register_patient(self, patient: Patient) -> Changes:
        """Register a new patient after checking every field."""
        self.user.require("register patients", *SCHEDULING)
        clean = validate_patient(patient, self.today())
        if store_patients.by_mrn(self.store, clean.mrn) is not None:
            raise ValidationError("mrn", clean.mrn, "an MRN not registered to another patient",
                                  message=f"MRN {clean.mrn} is already registered to another patient; "
                                          "find that patient instead of registering again.")
        patient_id = store_patients.register(self.store, clean, at=self._stamp(), actor_id=self.user.id)
        return Changes(patients=frozenset({patient_id}), tables=frozenset({"patients"}), created_id=patient_id)

    def edit_patient(self, patient_id: int, patient: Patient) -> Changes:
        """Record an edit of a patient as a new revision."""
        self.user.require("edit patients", *SCHEDULING)
        clean = validate_patient(patient, self.today())
        store_patients.revise(self.store, patient_id, clean, at=self._stamp(), actor_id=self.user.id)
        return Changes(patients=frozenset({patient_id}), tables=frozenset({"patients"}))

    def patient(self, patient_id: int) -> Patient:
        """The current record of one patient."""
        return store_patients.get(self.store, patient_id)

    def patient_by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this MRN, if registered."""
        return store_patients.by_mrn(self.store, mrn)

    def patient_count(self) -> int:
        """How many patients are registered."""
        return store_patients.count(self.store)

    def find_patients(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients whose name contains, or whose MRN starts with, ``text``."""
        # Names are stored NFC; a search typed in decomposed form (combining accents) must still match.
        needle = unicodedata.normalize("NFC", text)
        if "\x00" in needle:  # SQLite's LIKE stops at NUL ("ab\0zz" would match as "ab"); no stored name has one
            return []
        return store_patients.find(self.store, needle, limit)

    # ------------------------------------------------------------------ courses and scheduling

    def plan_course(self, patient_id: int, start: date, template_key: str | None = None) -> Changes:
        """Start a treatment course for a patient from one of the protocol's templates."""
        self.user.require("plan courses", *SCHEDULING)
        try:
            template = self.protocol.template(template_key)
        except KeyError as error:
            raise ValidationError("template", template_key, str(error.args[0])) from None
        store_patients.get(self.store, patient_id)
        course_id = store_courses.create(self.store, patient_id, template, start, at=self._stamp(),
                                         actor_id=self.user.id)
        return Changes(patients=frozenset({patient_id}), tables=frozenset({"courses"}), created_id=course_id)

    def courses(self, patient_id: int) -> list[CourseRecord]:
        """A patient's courses, oldest first."""
        return store_courses.for_patient(self.store, patient_id)

    def next_visit(self, patient_id: int) -> NextVisit:
        """What to book next for this patient: the next visit of the latest course and its planned date."""
        courses = store_courses.for_patient(self.store, patient_id)
        if not courses:
            return NextVisit(None, None, self.today(), "No course planned")
        course = courses[-1]
        sequence = store_courses.next_sequence(self.store, course.id)
        planned = next_visit_date(course.template, course.start_date, sequence)
        from ketadesk.core.course import CoursePosition

        label = CoursePosition(sequence, course.template.induction_count).label
        return NextVisit(course.id, sequence, max(planned, self.today()), label)

    def schedule_visit(self, patient_id: int, day: date, chair: int | None, *, course_id: int | None = None,
                       sequence: int | None = None) -> Changes:
        """Book a visit into a chair; with a course, it takes the course's next number unless one is given."""
        self.user.require("schedule visits", *SCHEDULING)
        self._check_chair(chair)
        store_patients.get(self.store, patient_id)
        if course_id is not None:
            course = store_courses.get(self.store, course_id)
            if course.patient_id != patient_id:
                raise ValidationError("course", course_id, "a course of this patient")
            if sequence is None:
                sequence = store_courses.next_sequence(self.store, course_id)
        warnings = self._chair_clash(day, chair, None)
        visit_id = store_visits.schedule(self.store, patient_id=patient_id, course_id=course_id, sequence=sequence,
                                         day=day, chair=chair, at=self._stamp(), actor_id=self.user.id)
        return Changes(visits=frozenset({visit_id}), patients=frozenset({patient_id}), tables=frozenset({"visits"}),
                       created_id=visit_id, warnings=warnings)

    def _check_chair(self, chair: int | None) -> None:
        if chair is not None and not 1 <= chair <= self.protocol.chairs:
            raise ValidationError("chair", chair, f"chairs 1–{self.protocol.chairs}")

    def _chair_clash(self, day: date, chair: int | None, visit_id: int | None) -> tuple[str, ...]:
        if chair is None:
            return ()
        others = [r.summary for r in store_visits.on_date(self.store, day, with_readings=False)
                  if r.summary.chair == chair and r.summary.id != visit_id and not r.summary.phase.is_closed]
        return tuple(f"Chair {chair} also has {o.patient_name} on {day.isoformat()}" for o in others)

    def move_visit(self, visit_id: int, day: date, chair: int | None) -> Changes:
        """Change the date or chair of a visit that has not started."""
        self.user.require("move visits", *SCHEDULING)
        self._check_chair(chair)
        phase = self._phase(visit_id)
        if phase.is_closed:
            raise ValidationError("phase", phase.label, "only open visits can be moved")
        if phase is not Phase.SCHEDULED and day != store_visits.row(self.store, visit_id).summary.scheduled_date:
            raise ValidationError("date", day.isoformat(), "a visit under way stays on its day; only the chair moves")
        warnings = self._chair_clash(day, chair, visit_id)
        store_visits.move(self.store, visit_id, day=day, chair=chair, at=self._stamp(), actor_id=self.user.id)
        return Changes.visit(visit_id, "visits", warnings=warnings)

    def cancel_visit(self, visit_id: int, reason: str) -> Changes:
        """Cancel a visit that has not started its infusion."""
        self.user.require("cancel visits", *SCHEDULING)
        self._move(visit_id, Phase.CANCELLED, reason)
        return Changes.visit(visit_id, "visit_events")

    def record_no_show(self, visit_id: int) -> Changes:
        """The patient did not come."""
        self.user.require("record a no-show", *SCHEDULING)
        self._move(visit_id, Phase.NO_SHOW)
        return Changes.visit(visit_id, "visit_events")

    # ------------------------------------------------------------------ pre-assessment

    def start_pre_assessment(self, visit_id: int) -> Changes:
        """The patient is in the chair: begin the pre-infusion checks."""
        self.user.require("start a pre-assessment", *CHARTING)
        self._move(visit_id, Phase.PRE_ASSESSMENT)
        return Changes.visit(visit_id, "visit_events")

    def record_checklist(self, visit_id: int, checklist: str, item_key: str, checked: bool, note: str = "") -> Changes:
        """Tick or untick one checklist item (the latest answer counts; every answer is kept)."""
        self.user.require("chart checklist items", *CHARTING)
        items = {"pre_infusion": self.protocol.pre_infusion_checklist,
                 "discharge": self.protocol.discharge_checklist}.get(checklist)
        if items is None:
            raise ValidationError("checklist", checklist, "pre_infusion or discharge")
        item = next((i for i in items if i.key == item_key), None)
        if item is None:
            raise ValidationError("item", item_key, f"one of the {checklist.replace('_', '-')} checklist items")
        if item.automatic:
            raise ValidationError("item", item_key, "this criterion is judged from the record, not ticked")
        if checklist == "pre_infusion":
            self._require_phase(visit_id, "answer the pre-infusion checklist", Phase.PRE_ASSESSMENT)
        else:
            self._require_phase(visit_id, "answer the discharge checklist", Phase.STOPPED_EARLY, Phase.OBSERVATION,
                                Phase.READY_FOR_DISCHARGE)
        text = clean_text("note", note, max_length=NOTE_MAX, required=False, label="Checklist note")
        store_visits.add_checklist(self.store, visit_id, checklist, item_key, checked, text, at=self._stamp(),
                                   actor_id=self.user.id)
        return Changes.visit(visit_id, "checklist_entries")

    def record_weight(self, visit_id: int, weight: str | float) -> Changes:
        """Record today's weight (kg)."""
        self.user.require("record weight", *CHARTING)
        self._require_phase(visit_id, "record the weight", Phase.PRE_ASSESSMENT)
        kg = parse_decimal("weight_kg", weight)
        store_visits.add_weight(self.store, visit_id, kg, at=self._stamp(), actor_id=self.user.id)
        return Changes.visit(visit_id, "weights")

    def calculate_dose(self, visit_id: int, mg_per_kg: str | float, lot_number: str,
                       weight: str | float | None = None) -> tuple[DosePlan, DoseReview]:
        """Work out a dose for this visit without saving it (for the calculator on screen)."""
        detail, _ = store_visits.detail(self.store, visit_id)
        kg = weight if weight is not None else detail.weight_kg
        if kg is None:
            raise ValidationError("weight_kg", "", "record today's weight before calculating the dose",
                                  message="Record today's weight before calculating the dose.")
        plan = calculate_dose(mg_per_kg, kg, concentration_mg_per_ml=self.protocol.concentration_mg_per_ml,
                              duration_min=self.protocol.infusion_duration_min, drug=self.protocol.drug,
                              route=self.protocol.route, lot_number=lot_number)
        previous = store_visits.previous_dose_mg_per_kg(self.store, detail.summary.patient_id, visit_id)
        return plan, review_dose(plan.mg_per_kg, previous, self.protocol.dose)

    def prepare_dose(self, visit_id: int, mg_per_kg: str | float, lot_number: str) -> Changes:
        """Record the dose as prepared for today's weight; says in warnings if a physician must acknowledge it."""
        self.user.require("prepare a dose", *CHARTING)
        self._require_phase(visit_id, "prepare the dose", Phase.PRE_ASSESSMENT)
        plan, review = self.calculate_dose(visit_id, mg_per_kg, lot_number)
        dose_id = store_visits.add_dose(self.store, visit_id, plan, at=self._stamp(), actor_id=self.user.id)
        return Changes.visit(visit_id, "doses", created_id=dose_id, warnings=review.reasons)

    def previous_dose(self, visit_id: int) -> float | None:
        """The mg/kg of this patient's previous infusion, for the escalation rule."""
        row = store_visits.row(self.store, visit_id)
        return store_visits.previous_dose_mg_per_kg(self.store, row.summary.patient_id, visit_id)

    def acknowledge_override(self, visit_id: int, subject: str, reason: str) -> Changes:
        """A physician approves a protocol override (baseline BP, dose, discharge) with a written reason."""
        self.user.require("acknowledge a protocol override", *PHYSICIAN_ONLY)
        if subject not in (readiness.BASELINE_BP, readiness.DOSE_OVERRIDE, readiness.DISCHARGE_OVERRIDE):
            raise ValidationError("subject", subject, "baseline_bp, dose_override or discharge_override")
        text = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason")
        subject_id = None
        if subject == readiness.DOSE_OVERRIDE:
            detail, _ = store_visits.detail(self.store, visit_id)
            if detail.dose is None:
                raise ValidationError("dose", "", "prepare the dose before acknowledging it")
            subject_id = detail.dose.id
        store_visits.add_acknowledgement(self.store, visit_id, subject, subject_id, text, at=self._stamp(),
                                         actor_id=self.user.id)
        return Changes.visit(visit_id, "acknowledgements")

    def start_blockers(self, visit_id: int) -> list[str]:
        """What still stops the infusion from starting (empty when it may start)."""
        detail, _ = store_visits.detail(self.store, visit_id)
        previous = store_visits.previous_dose_mg_per_kg(self.store, detail.summary.patient_id, visit_id)
        return readiness.start_blockers(self.protocol, detail, previous)

    # ------------------------------------------------------------------ infusion and monitoring

    def start_infusion(self, visit_id: int) -> Changes:
        """Start the pump: only when every pre-infusion gate holds."""
        self.user.require("start an infusion", *CHARTING)
        self._require_phase(visit_id, "start the infusion", Phase.PRE_ASSESSMENT)
        blockers = self.start_blockers(visit_id)
        if blockers:
            raise ValidationError("start", "", "; ".join(blockers),
                                  message="The infusion cannot start yet: " + "; ".join(blockers) + ".")
        self._move(visit_id, Phase.INFUSING)
        return Changes.visit(visit_id, "visit_events")

    def stop_infusion(self, visit_id: int, *, early: bool = False, reason: str = "") -> Changes:
        """Stop the pump and begin observation; stopping before the planned end needs a reason."""
        self.user.require("stop an infusion", *CHARTING)
        self._require_phase(visit_id, "stop the infusion", Phase.INFUSING)
        timers = self.visit(visit_id).timers
        if not early and timers.stopping_now_is_early:
            left = format_duration(timers.infusion_remaining or timedelta(0))
            raise ValidationError("reason", "", "an early stop with a written reason",
                                  message=f"The infusion still has {left} to run: stopping now is an early stop "
                                          "and needs a written reason.")
        # One write: a crash between the two steps must not leave the visit stuck in "stopped early".
        with self.store.transaction():
            if early:
                self._move(visit_id, Phase.STOPPED_EARLY, reason)
            self._move(visit_id, Phase.OBSERVATION, reason if early else "")
        return Changes.visit(visit_id, "visit_events")

    def record_vitals(self, visit_id: int, *, sbp: str | int, dbp: str | int, hr: str | int, spo2: str | int,
                      rr: str | int, temp_c: str | float | None = None, taken_at: datetime | None = None,
                      baseline: bool | None = None, source: Source = Source.MANUAL) -> Changes:
        """Save a set of vitals; alerts are classified and stored with it.

        During pre-assessment a reading is the baseline unless said otherwise. The new
        reading's id is ``created_id``; its alerts are in ``warnings``.
        """
        self.user.require("chart vital signs", *CHARTING)
        phase = self._require_phase(visit_id, "record vital signs", Phase.PRE_ASSESSMENT, Phase.INFUSING,
                                    Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE)
        now = self.clock.now()
        when = self._past_time("taken_at", taken_at)
        vitals = validate_vitals(when, sbp, dbp, hr, spo2, rr, temp_c)
        alerts = classify(vitals, self.protocol.alerts)
        is_baseline = (phase is Phase.PRE_ASSESSMENT) if baseline is None else baseline
        row_id = store_visits.add_vitals(self.store, visit_id, vitals, source=source, alerts=alerts,
                                         is_baseline=is_baseline, at=to_utc_iso(now), actor_id=self.user.id)
        return Changes.visit(visit_id, "vitals", created_id=row_id, warnings=tuple(a.label for a in alerts))

    def correct_vitals(self, visit_id: int, vitals_id: int, *, reason: str, entered_in_error: bool = False,
                       sbp: str | int = "", dbp: str | int = "", hr: str | int = "", spo2: str | int = "",
                       rr: str | int = "", temp_c: str | float | None = None) -> Changes:
        """Replace a reading with corrected values, or strike it as entered in error; the original stays."""
        self.user.require("correct vital signs", *CHARTING)
        self._require_phase(visit_id, "correct vital signs", Phase.PRE_ASSESSMENT, Phase.INFUSING,
                            Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE, Phase.DISCHARGED)
        original = store_visits.vitals_by_id(self.store, vitals_id)
        if original.visit_id != visit_id:
            raise ValidationError("vitals", vitals_id, "a reading of this visit")
        why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="Reason for the correction")
        if entered_in_error:
            vitals = original.vitals
        else:
            vitals = validate_vitals(original.vitals.taken_at, sbp, dbp, hr, spo2, rr, temp_c)
        alerts = () if entered_in_error else classify(vitals, self.protocol.alerts)
        stamp = self._stamp()
        with self.store.transaction():
            row_id = store_visits.add_vitals(self.store, visit_id, vitals, source=original.source, alerts=alerts,
                                             is_baseline=original.is_baseline, at=stamp, actor_id=self.user.id,
                                             corrects_id=vitals_id, entered_in_error=entered_in_error)
            store_visits.add_note(self.store, visit_id, "correction", f"Reading {vitals_id} corrected: {why}",
                                  at=stamp, actor_id=self.user.id)
        return Changes.visit(visit_id, "vitals", "notes", created_id=row_id)

    def acknowledge_alert(self, visit_id: int, vitals_id: int, action_note: str) -> Changes:
        """A clinician saw an alert reading and says what was done."""
        self.user.require("acknowledge alerts", *CHARTING)
        record = store_visits.vitals_by_id(self.store, vitals_id)
        if record.visit_id != visit_id or not record.alerts:
            raise ValidationError("vitals", vitals_id, "an alert reading of this visit")
        text = clean_text("note", action_note, max_length=NOTE_MAX, required=True, label="Action taken")
        store_visits.add_acknowledgement(self.store, visit_id, store_visits.ALERT_SUBJECT, vitals_id, text,
                                         at=self._stamp(), actor_id=self.user.id)
        return Changes.visit(visit_id, "acknowledgements")

    def add_note(self, visit_id: int, kind: str, text: str, *, draft_field: str | None = None) -> Changes:
        """Save a time-stamped note (nursing, dissociation, adverse event, intervention, physician).

        With ``draft_field``, the draft it was typed in is cleared in the same transaction.
        """
        self.user.require("write notes", *CHARTING)
        if kind not in NOTE_KINDS:
            raise ValidationError("kind", kind, ", ".join(NOTE_KINDS))
        body = clean_text("text", text, max_length=NOTE_MAX, required=True, label="Note")
        phase = self._phase(visit_id)
        if phase in (Phase.SIGNED, Phase.CANCELLED, Phase.NO_SHOW):
            raise ValidationError("phase", phase.label, "notes on a closed visit are added as addenda")
        stamp = self._stamp()
        with self.store.transaction():
            note_id = store_visits.add_note(self.store, visit_id, kind, body, at=stamp, actor_id=self.user.id)
            if draft_field is not None:
                store_visits.save_draft(self.store, visit_id, self.user.id, draft_field, "", at=stamp)
        return Changes.visit(visit_id, "notes", created_id=note_id)

    def record_adverse_event(self, visit_id: int, kind: str, description: str = "",
                             onset_at: datetime | None = None) -> Changes:
        """Chart an adverse event (nausea, hypertension, agitation …) with when it began."""
        self.user.require("chart adverse events", *CHARTING)
        self._require_phase(visit_id, "chart an adverse event", Phase.PRE_ASSESSMENT, Phase.INFUSING,
                            Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE, Phase.DISCHARGED)
        try:
            event_kind = AdverseEventKind(kind)
        except ValueError:
            raise ValidationError("kind", kind, ", ".join(k.label.lower() for k in AdverseEventKind)) from None
        text = validate_event_description(event_kind, description)
        onset = self._past_time("onset_at", onset_at)
        row_id = store_visits.add_adverse_event(self.store, visit_id, event_kind, text, onset_at=to_utc_iso(onset),
                                                at=self._stamp(), actor_id=self.user.id)
        return Changes.visit(visit_id, "adverse_events", created_id=row_id)

    def record_intervention(self, visit_id: int, *, drug: str, dose: str, route: str,
                            given_at: datetime | None = None, note: str = "",
                            adverse_event_id: int | None = None) -> Changes:
        """Chart a medicine or measure given (drug, dose, route, time), optionally for an adverse event."""
        self.user.require("chart interventions", *CHARTING)
        self._require_phase(visit_id, "chart an intervention", Phase.PRE_ASSESSMENT, Phase.INFUSING,
                            Phase.STOPPED_EARLY, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE, Phase.DISCHARGED)
        clean_drug, clean_dose, clean_route = validate_intervention(drug, dose, route)
        text = clean_text("note", note, max_length=NOTE_MAX, required=False, label="Note")
        when = self._past_time("given_at", given_at)
        if adverse_event_id is not None:
            detail, _ = store_visits.detail(self.store, visit_id)
            if all(e.id != adverse_event_id for e in detail.adverse_events):
                raise ValidationError("adverse_event", adverse_event_id, "an adverse event of this visit")
        row_id = store_visits.add_intervention(self.store, visit_id, drug=clean_drug, dose=clean_dose,
                                               route=clean_route, given_at=to_utc_iso(when), note=text,
                                               adverse_event_id=adverse_event_id, at=self._stamp(),
                                               actor_id=self.user.id)
        return Changes.visit(visit_id, "interventions", created_id=row_id)

    def _past_time(self, field: str, moment: datetime | None) -> datetime:
        """A charted time: now when not given, never in the future, at most 12 hours back."""
        now = self.clock.now()
        when = moment or now
        if when.tzinfo is None:
            raise ValidationError(field, str(when), "a time with its time zone")
        if when > now + timedelta(minutes=1):
            raise ValidationError(field, to_utc_iso(when), "a time not in the future")
        if when < now - LATE_ENTRY_LIMIT:
            raise ValidationError(field, to_utc_iso(when), "within the last 12 hours")
        return when

    def save_draft(self, visit_id: int, field: str, text: str) -> None:
        """Keep what the user is typing in a note field, so an interruption loses nothing."""
        store_visits.save_draft(self.store, visit_id, self.user.id, field, text, at=self._stamp())

    def draft(self, visit_id: int, field: str) -> str:
        """The user's unsaved text for a note field."""
        return store_visits.draft(self.store, visit_id, self.user.id, field)

    def record_sedation(self, visit_id: int, *, moaas: int, rass: int) -> Changes:
        """Record MOAA/S and RASS together, as they are assessed together at the bedside."""
        self.user.require("record sedation scores", *CHARTING)
        self._require_phase(visit_id, "record sedation", Phase.INFUSING, Phase.STOPPED_EARLY, Phase.OBSERVATION,
                            Phase.READY_FOR_DISCHARGE)
        check_moaas(moaas)
        check_rass(rass)
        stamp = self._stamp()
        with self.store.transaction():
            store_visits.add_score(self.store, visit_id, "moaas", moaas, None, taken_at=stamp, at=stamp,
                                   actor_id=self.user.id)
            store_visits.add_score(self.store, visit_id, "rass", rass, None, taken_at=stamp, at=stamp,
                                   actor_id=self.user.id)
        return Changes.visit(visit_id, "scores")

    def record_cadss6(self, visit_id: int, items: dict[int, int]) -> Changes:
        """Record a CADSS-6 dissociation score from its six items."""
        self.user.require("record dissociation scores", *CHARTING)
        self._require_phase(visit_id, "record dissociation", Phase.INFUSING, Phase.STOPPED_EARLY, Phase.OBSERVATION,
                            Phase.READY_FOR_DISCHARGE)
        total = cadss6_total(items)
        stamp = self._stamp()
        store_visits.add_score(self.store, visit_id, "cadss6", total, {str(k): v for k, v in items.items()},
                               taken_at=stamp, at=stamp, actor_id=self.user.id)
        return Changes.visit(visit_id, "scores")

    def record_aldrete(self, visit_id: int, score: AldreteScore) -> Changes:
        """Record a modified Aldrete score for discharge."""
        self.user.require("record Aldrete scores", *CHARTING)
        self._require_phase(visit_id, "record the Aldrete score", Phase.STOPPED_EARLY, Phase.OBSERVATION,
                            Phase.READY_FOR_DISCHARGE)
        stamp = self._stamp()
        items = {"activity": score.activity, "respiration": score.respiration, "circulation": score.circulation,
                 "consciousness": score.consciousness, "spo2": score.spo2}
        store_visits.add_score(self.store, visit_id, "aldrete", score.total, items, taken_at=stamp, at=stamp,
                               actor_id=self.user.id)
        return Changes.visit(visit_id, "scores")

    # ------------------------------------------------------------------ discharge

    def discharge_criteria(self, visit_id: int) -> list[readiness.Criterion]:
        """Every discharge criterion and whether it holds now."""
        view = self.visit(visit_id)
        return readiness.discharge_criteria(self.protocol, view.detail, view.timers, self.clock.now())

    def mark_ready_for_discharge(self, visit_id: int) -> Changes:
        """Observation done: the patient may be assessed for discharge."""
        self.user.require("mark a visit ready for discharge", *CHARTING)
        # The phase first: otherwise an infusing or discharged visit is told its observation "has not passed".
        self._require_phase(visit_id, "mark the visit ready for discharge", Phase.OBSERVATION)
        view = self.visit(visit_id)
        if not view.timers.observation_complete:
            left = view.timers.observation_remaining
            shown = "" if left is None else f" ({math.ceil(left.total_seconds() / 60)} min left)"
            raise ValidationError("observation", "", f"the {self.protocol.observation_minimum_min} min minimum",
                                  message=f"The minimum observation of {self.protocol.observation_minimum_min} min "
                                          f"has not passed{shown}.")
        self._move(visit_id, Phase.READY_FOR_DISCHARGE)
        return Changes.visit(visit_id, "visit_events")

    def discharge(self, visit_id: int) -> Changes:
        """Discharge the patient: every criterion must hold, or a physician's written override must exist."""
        self.user.require("discharge patients", *CHARTING)
        self._require_phase(visit_id, "discharge", Phase.READY_FOR_DISCHARGE)
        unmet = [c for c in self.discharge_criteria(visit_id) if not c.met]
        view = self.visit(visit_id)
        # An override speaks for this recovery: it must be given after the infusion stopped.
        stopped = view.detail.event_time(Phase.OBSERVATION)
        overrides = [a for a in view.detail.acknowledgements
                     if a.subject == readiness.DISCHARGE_OVERRIDE and (stopped is None or a.at >= stopped)]
        listed = "; ".join(f"{c.label} ({c.detail})" for c in unmet)
        if unmet and not overrides:
            raise ValidationError("discharge", "", "every criterion met, or a physician's written override",
                                  message=f"Discharge is blocked: {listed}.")
        reason = ""
        if unmet:
            override = overrides[-1]
            reason = f"Physician override by {override.by}: {override.note} — criteria unmet: {listed}"
        self._move(visit_id, Phase.DISCHARGED, reason)
        return Changes.visit(visit_id, "visit_events")

    # ------------------------------------------------------------------ reads

    def _timers(self, row: store_visits.VisitRow) -> VisitTimers:
        return compute_timers(row.times, self.protocol, self.clock.now())

    def board(self, day: date | None = None) -> list[VisitSummary]:
        """Every visit of the day with its timers, latest reading and unacknowledged alerts."""
        rows = store_visits.on_date(self.store, day or self.today())
        return [replace(r.summary, timers=self._timers(r)) for r in rows]

    def visits_between(self, first: date, last: date) -> list[VisitSummary]:
        """Visits booked in a date range (no readings), for lists and exports."""
        return [r.summary for r in store_visits.between(self.store, first, last)]

    def visit(self, visit_id: int) -> VisitView:
        """Everything about one visit, with its timers now."""
        detail, times = store_visits.detail(self.store, visit_id)
        summary = replace(detail.summary, timers=compute_timers(times, self.protocol, self.clock.now()))
        detail = replace(detail, summary=summary)
        return VisitView(detail, summary.timers or compute_timers(times, self.protocol, self.clock.now()))

    def visit_signature(self, visit_id: int) -> Signature | None:
        """The physician's signature over the visit, if signed."""
        return store_signatures.visit_signature(self.store, visit_id)

    def addenda(self, visit_id: int) -> list[Addendum]:
        """The visit's addenda in order, each with its author's signature."""
        return store_signatures.addenda(self.store, visit_id)

    def unacknowledged_alerts(self, visit_id: int) -> list[VitalsRecord]:
        """Alert readings of a visit still waiting for an acknowledgement."""
        return store_visits.unacknowledged_alerts(self.store, visit_id)

    def patient_history(self, patient_id: int) -> PatientHistory:
        """A patient's whole record: every course and every visit in full."""
        patient = store_patients.get(self.store, patient_id)
        rows = store_visits.for_patient(self.store, patient_id)
        details = tuple(detail for detail, _ in store_visits.details(self.store, rows))
        return PatientHistory(patient, tuple(store_courses.for_patient(self.store, patient_id)), details)

    # ------------------------------------------------------------------ housekeeping

    def backup(self, destination: Path) -> Path:
        """Copy the database to ``destination`` through the online backup API, verified."""
        return store_backup.backup_to(self.store, destination, at=self._stamp(), actor_id=self.user.id)

    def daily_backup(self, folder: Path) -> Path | None:
        """Today's automatic backup, if not made yet; keeps the protocol's number of days."""
        return store_backup.daily_backup(self.store, folder, self.today(), self.protocol.backups_kept,
                                         at=self._stamp(), actor_id=self.user.id)

    def check(self) -> list[str]:
        """Integrity, foreign keys, schema version and the audit chain; empty when all hold."""
        from ketadesk.store.schema import SCHEMA_VERSION

        problems = store_backup.check(self.store)
        version = self.store.schema_version()
        if version != SCHEMA_VERSION:
            problems.append(f"schema version is {version}, expected {SCHEMA_VERSION}")
        broken = store_audit.verify_chain(self.store)
        if broken is not None:
            problems.append(f"audit chain: entry {broken.audit_id} {broken.reason}")
        problems.extend(f"signature: {p}" for p in self.signature_problems())
        problems.extend(f"signature worklist: visit {v} is out of step with its phase steps"
                        for v in store_signatures.worklist_out_of_step(self.store))
        return problems

    def schema_version(self) -> int:
        """The database's schema version."""
        return self.store.schema_version()

    def audit_count(self) -> int:
        """How many audit entries the database holds."""
        return store_audit.count(self.store)
