"""Writing a day's events through the store's bulk seam, each row with the audit row the clinic API writes.

Every audit payload comes from :mod:`ketadesk.store.payloads`, the functions the store's
own writes use, so a generated record is byte for byte what the clinic would have stored
(``tests/bench_smoke/test_clinic_gen_differential.py`` replays a generated clinic through
the normal writes to prove it). Visits to be signed also gather their signed content here
(:class:`Sealable`) as their rows are written.
"""

from __future__ import annotations

import json
from datetime import date

from bench.clinic_gen import credentials as bench_keys
from bench.clinic_gen.model import (
    ACK,
    ADVERSE,
    BOOK,
    CHECK,
    DONE,
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
    Event,
    Person,
    Sealable,
)
from bench.clinic_gen.outcomes import OutcomeEvents
from bench.clinic_gen.vocabulary import ADMINS, NURSES, PHYSICIANS
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.record_signing import SIGNED_SUBJECTS
from ketadesk.core.signing import VISIT_MEANING, content_hash
from ketadesk.core.users import Role
from ketadesk.store import payloads
from ketadesk.store import users as store_users


class Writing(OutcomeEvents):
    """Writes events into the bulk writer (see the module docstring)."""

    def dispatch(self, events: list[Event]) -> None:
        """Write one day's events in time order: rows, their audit rows, and the content signatures will seal."""
        w = self.w
        add, write_audit = w.add, w.audit
        at_text = self.at
        login = self.logins
        vitals_after = payloads.vitals
        for at, _, kind, payload in sorted(events):
            if kind == VITALS:
                attempt, taken_sec, sbp, dbp, hr, spo2, rr, temp, source, alerts, baseline, by, box, confirmed = payload
                taken = at_text(attempt.day, taken_sec)
                row_id = add(
                    "vitals",
                    (
                        attempt.visit_id,
                        taken,
                        sbp,
                        dbp,
                        hr,
                        spo2,
                        rr,
                        temp,
                        source,
                        alerts,
                        int(baseline),
                        at,
                        by,
                        None,
                        0,
                        confirmed,
                    ),
                )
                box[0] = row_id
                write_audit(
                    at,
                    by,
                    "vitals",
                    "vitals",
                    row_id,
                    None,
                    vitals_after(
                        attempt.visit_id, taken, sbp, dbp, hr, spo2, rr, temp, alerts, baseline, None, False, confirmed
                    ),
                )
                if (sealing := attempt.sealable) is not None:
                    sealing.vitals.append(
                        (
                            taken,
                            row_id,
                            (
                                row_id,
                                taken,
                                sbp,
                                dbp,
                                hr,
                                spo2,
                                rr,
                                temp,
                                source,
                                tuple(alerts.split(",")) if alerts else (),
                                baseline,
                                login[by],
                                None,
                                *((tuple(confirmed.split(",")),) if confirmed else ()),
                            ),
                        )
                    )
            elif kind == PHASE:
                attempt, phase, reason, by = payload
                add("visit_events", (attempt.visit_id, phase, at, by, reason))
                write_audit(
                    at,
                    by,
                    "phase",
                    "visit",
                    attempt.visit_id,
                    payloads.phase_before(attempt.phase),
                    payloads.phase_after(phase, reason),
                )
                attempt.phase = phase
                if (sealing := attempt.sealable) is not None:
                    sealing.events.append((phase, at, login[by], reason))
            elif kind == SCORE:
                attempt, scale, total, items, by = payload
                items_text = json.dumps(items, sort_keys=True) if items else ""
                row_id = add("scores", (attempt.visit_id, scale, total, items_text, at, by))
                write_audit(at, by, "score", "visit", attempt.visit_id, None, payloads.score(scale, total, items, at))
                if (sealing := attempt.sealable) is not None:
                    listed = tuple(sorted(items.items())) if items else ()
                    sealing.scores.append((at, row_id, (row_id, scale, total, listed, at, login[by])))
            elif kind == ACK:
                attempt, subject, box, note, by = payload
                subject_id = box[0] if box is not None else None
                row_id = add("acknowledgements", (attempt.visit_id, subject, subject_id, note, at, by, None))
                ack = payloads.acknowledgement(subject, subject_id, note)
                write_audit(at, by, "acknowledge", "visit", attempt.visit_id, None, ack)
                if subject in SIGNED_SUBJECTS:  # a physician's approval, signed with their key
                    approval = (subject, subject_id, note, at, by)
                    bench_keys.sign_acknowledgement(w, self.keys[by], attempt.visit_id, row_id, approval, by, at)
                if (sealing := attempt.sealable) is not None:
                    sealing.acknowledgements.append((row_id, subject, subject_id, note, at, login[by]))
            elif kind == WEIGHT:
                attempt, kg, by = payload
                add("weights", (attempt.visit_id, kg, at, by))
                write_audit(at, by, "weight", "visit", attempt.visit_id, None, payloads.weight(kg))
                if (sealing := attempt.sealable) is not None:
                    sealing.weight_kg = float(kg)
            elif kind == DOSE:
                attempt, plan, by = payload
                values = payloads.dose_values(plan)
                row_id = add("doses", (attempt.visit_id, *values.values(), at, by))
                write_audit(at, by, "dose", "visit", attempt.visit_id, None, payloads.dose(plan))
                if (sealing := attempt.sealable) is not None:
                    sealing.dose = {
                        "id": row_id,
                        "mg_per_kg": float(plan.mg_per_kg),
                        "weight_kg": float(plan.weight_kg),
                        "dose_mg": float(plan.dose_mg),
                        "concentration": float(plan.concentration_mg_per_ml),
                        "volume_ml": float(plan.volume_ml),
                        "duration_min": int(plan.duration_min),
                        "rate_ml_per_h": float(plan.rate_ml_per_h),
                        "drug": plan.drug,
                        "route": plan.route,
                        "lot": plan.lot_number,
                        "at": at,
                        "by": login[by],
                    }
            elif kind == ADVERSE:
                attempt, event_kind, description, onset_sec, by, box = payload
                onset_at = at_text(attempt.day, onset_sec)
                box[0] = add("adverse_events", (attempt.visit_id, event_kind, description, onset_at, at, by))
                write_audit(
                    at,
                    by,
                    "adverse_event",
                    "visit",
                    attempt.visit_id,
                    None,
                    payloads.adverse_event(box[0], event_kind, description, onset_at),
                )
                if (sealing := attempt.sealable) is not None:
                    sealing.adverse_events.append(
                        (onset_at, box[0], (box[0], event_kind, description, onset_at, login[by]))
                    )
            elif kind == INTERVENTION:
                attempt, drug, dose, route, given_sec, note, box, by = payload
                given_at = at_text(attempt.day, given_sec)
                row_id = add("interventions", (attempt.visit_id, box[0], drug, dose, route, given_at, note, at, by))
                write_audit(
                    at,
                    by,
                    "intervention",
                    "visit",
                    attempt.visit_id,
                    None,
                    payloads.intervention(row_id, drug, dose, route, given_at, note, box[0]),
                )
                if (sealing := attempt.sealable) is not None:
                    sealing.interventions.append(
                        (given_at, row_id, (row_id, drug, dose, route, given_at, note, box[0], login[by]))
                    )
            elif kind == SIGN:
                attempt, by = payload
                sealing = attempt.sealable
                assert sealing is not None
                sealed = content_hash(sealing.text(attempt, self.template.induction_count))
                attempt.sealable = None
                name, credentials = self.signs_as[by]
                key = self.keys[by]
                digital = bench_keys.sign_row(key, attempt.visit_id, by, name, credentials, VISIT_MEANING, at, sealed)
                row = (attempt.visit_id, None, by, name, credentials, VISIT_MEANING, at, sealed, key[0], digital)
                signature_id = add("signatures", row)
                write_audit(
                    at,
                    by,
                    "sign",
                    "visit",
                    attempt.visit_id,
                    None,
                    payloads.signature(signature_id, None, VISIT_MEANING, sealed, key_id=key[0], digital=digital),
                )
                w.add_last("visit_events", (attempt.visit_id, Phase.SIGNED.value, at, by, VISIT_MEANING))
                write_audit(
                    at,
                    by,
                    "phase",
                    "visit",
                    attempt.visit_id,
                    payloads.phase_before(attempt.phase),
                    payloads.phase_after(Phase.SIGNED.value, VISIT_MEANING),
                )
                attempt.phase = Phase.SIGNED.value
                self.signed.append((attempt.visit_id, sealed))
            elif kind == CHECK:
                attempt, checklist, item_key, by = payload
                row_id = add("checklist_entries", (attempt.visit_id, checklist, item_key, 1, "", at, by))
                write_audit(
                    at,
                    by,
                    "checklist",
                    "visit",
                    attempt.visit_id,
                    None,
                    payloads.checklist_answer(checklist, item_key, True, ""),
                )
                if (sealing := attempt.sealable) is not None:
                    sealing.checklist.append((checklist, row_id, (checklist, item_key, True, "", at, login[by])))
            elif kind == BOOK:
                attempt, by = payload
                person = attempt.person
                attempt.visit_id = add(
                    "visits",
                    (
                        person.patient_id,
                        person.course_id,
                        attempt.sequence,
                        attempt.day.isoformat(),
                        attempt.chair,
                        at,
                        by,
                    ),
                )
                add("visit_events", (attempt.visit_id, Phase.SCHEDULED.value, at, by, ""))
                write_audit(
                    at,
                    by,
                    "schedule",
                    "visit",
                    attempt.visit_id,
                    None,
                    payloads.visit_scheduled(
                        person.patient_id, person.course_id, attempt.sequence, attempt.day.isoformat(), attempt.chair
                    ),
                )
                if attempt.outcome == DONE and attempt.day < self.sign_before:
                    attempt.sealable = Sealable(events=[(Phase.SCHEDULED.value, at, login[by], "")])
            elif kind == REGISTER:
                person, by = payload
                patient = person.patient
                assert patient is not None
                person.patient_id = add("patients", (patient.mrn, at, by))
                self.revision_row(person, patient, at, by)
                write_audit(at, by, "register", "patient", person.patient_id, None, payloads.patient(patient))
            elif kind == PLAN:
                person, by = payload
                t = self.template
                start = person.attempts[0].day.isoformat()
                weeks = ",".join(str(n) for n in t.visits_per_week)
                person.course_id = add(
                    "courses",
                    (person.patient_id, t.key, weeks, t.induction_count, t.maintenance_interval_days, start, at, by),
                )
                write_audit(
                    at,
                    by,
                    "plan",
                    "course",
                    person.course_id,
                    None,
                    payloads.course_planned(person.patient_id, t.key, start),
                )
            elif kind == REVISE:
                person, changed, by = payload
                before = person.patient
                assert before is not None
                self.revision_row(person, changed, at, by)
                write_audit(
                    at, by, "revise", "patient", person.patient_id, payloads.patient(before), payloads.patient(changed)
                )
                person.patient = changed
            else:
                self.write_outcome(at, kind, payload)

    def revision_row(self, person: Person, patient: Patient, at: str, by: int) -> None:
        """The patient's next revision row (registration is revision 1)."""
        person.revision += 1
        self.w.add(
            "patient_revisions",
            (
                person.patient_id,
                person.revision,
                patient.family_name,
                patient.given_name,
                patient.date_of_birth.isoformat(),
                patient.sex.value,
                patient.weight_kg,
                ",".join(d.value for d in patient.diagnoses),
                patient.allergies,
                patient.medications,
                int(patient.substance_use),
                patient.substance_use_note,
                patient.contraindications,
                at,
                by,
            ),
        )

    def add_users(self, day: date) -> None:
        """The clinic's staff, created by the system user a month before the first visit (kept if already there)."""
        w = self.w
        at = self.at(day, 8 * 3600)

        password = bench_keys.password_hash()

        def user(login: str, name: str, credentials: str, role: Role, actor: int | None) -> int:
            found = store_users.by_login(self.store, login)
            if found is not None:
                self.logins[found.id] = login
                self.signs_as[found.id] = (found.display_name, found.credentials)
                if role is Role.PHYSICIAN and (key := bench_keys.existing_key(self.store, found.id)) is not None:
                    self.keys[found.id] = key
                return found.id
            hashed = None if role is Role.SYSTEM else password
            user_id = w.add("users", (login, name, credentials, role.value, hashed, 1, at, 0, None))
            self.logins[user_id] = login
            self.signs_as[user_id] = (name, credentials)
            w.audit(
                at,
                actor if actor is not None else user_id,
                "create",
                "user",
                user_id,
                None,
                payloads.user_created(login, name, credentials, role.value, hashed),
            )
            if hashed is not None:  # a first password comes with its signing key, as create_user issues it
                self.keys[user_id] = bench_keys.write_key(
                    w, user_id, login, at, actor if actor is not None else user_id
                )
            return user_id

        system = user("system", "KetaDesk", "", Role.SYSTEM, None)
        self.desk = [user(*a, Role.ADMINISTRATOR, system) for a in ADMINS]
        self.nurses = [user(*n, Role.NURSE, system) for n in NURSES]
        self.physicians = [user(*p, Role.PHYSICIAN, system) for p in PHYSICIANS]
