"""Bulk loading: a whole synthetic clinic written straight into the store, fast.

For the benchmarks (``python -m bench``) and for large demo data. It writes users,
patients with revisions, treatment courses, visits with their phase timelines, weights,
doses, vitals (with the alerts core classifies), sedation and Aldrete scores,
acknowledgements of alert readings and high baselines, a few adverse events with what was
given for them, physicians' signatures and, optionally, checklist answers — and for every
row the audit row the clinic API would have written, with the same action, entity and
JSON payload, hash-chained in id order, so ``verify_chain`` and ``Clinic.check()`` pass.

Signing: a physician signs each discharged visit the next working day (Monday to Friday)
after it, in one morning session, as :meth:`Clinic.seal_visit` would: a ``signatures`` row
sealing the visit's canonical content (:func:`canonical_visit`), the "signed" step, and
their audit rows. Visits discharged in the last :data:`UNSIGNED_DAYS` days (and any whose
signing would fall after "now") are left for the physician's worklist. Reading every visit
back to hash it would nearly double the load's time (the rows read, turned into records and
formatted back: some 1.3 ms a visit), so the generator gathers each visit's content in
:func:`canonical_visit`'s layout as it writes the rows (:class:`_Sealable`), and after every
commit reads back a sample of the visits it signed and hashes them exactly as
``ketadesk check`` does: if the two ever part, the load stops with a :class:`StoreError`.

Everything comes from a seeded :class:`random.Random`: the same :class:`BulkSpec` gives
the same database. Ids are assigned here, in time order (each day's events are sorted by
their timestamp before they get ids), and rows go in with ``executemany`` in large
transactions, parents before children.

Durability while loading: :func:`generate` switches the connection to
``PRAGMA synchronous = OFF`` (and a larger page cache) for the load and restores
``synchronous = FULL`` (and the cache size) when it finishes, fails or is closed early.
This module is the only place in KetaDesk that relaxes the storage rules, and only
because the data is synthetic: a power cut during a load can lose part of a synthetic
clinic, never a record someone typed. Each chunk still commits as one transaction, so a
load stopped half way leaves a shorter clinic with a valid audit chain.

Simplifications, on purpose: times of day are laid out in UTC; the clinic is open every
day; a visit has about ``vitals / visits`` readings (the manual ones on the protocol's
schedule — baseline, every 10 min infusing, every 15 min in observation — with a
monitor feed filling in between); the physician's password re-entry before each signature
is not written (as with the demo's signatures); no addenda; checklist answers are off by
default.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.course import CoursePosition, next_visit_date
from ketadesk.core.dosing import DosePlan, calculate_dose
from ketadesk.core.events import AdverseEventKind, Route
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.readiness import BASELINE_BP
from ketadesk.core.signing import VISIT_MEANING, canonical_json, canonical_visit, content_hash
from ketadesk.core.users import Role
from ketadesk.core.vitals import VitalSigns, baseline_needs_physician, classify
from ketadesk.store import audit
from ketadesk.store import visits as store_visits
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from ketadesk.store.patients import _snapshot
from ketadesk.store.visits import ALERT_SUBJECT

# Column lists exactly as in schema.py, parents before children (the order rows are flushed in).
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "login", "display_name", "credentials", "roles", "password_hash", "active", "created_at",
              "failed_attempts", "locked_until"),
    "patients": ("id", "mrn", "created_at", "created_by"),
    "patient_revisions": ("id", "patient_id", "revision", "family_name", "given_name", "date_of_birth", "sex",
                          "weight_kg", "diagnoses", "allergies", "medications", "substance_use",
                          "substance_use_note", "contraindications", "recorded_at", "recorded_by"),
    "courses": ("id", "patient_id", "template_key", "visits_per_week", "induction_count",
                "maintenance_interval_days", "start_date", "created_at", "created_by"),
    "visits": ("id", "patient_id", "course_id", "sequence", "scheduled_date", "chair", "created_at", "created_by"),
    "visit_events": ("id", "visit_id", "phase", "at", "by", "reason"),
    "checklist_entries": ("id", "visit_id", "checklist", "item_key", "checked", "note", "at", "by"),
    "weights": ("id", "visit_id", "weight_kg", "at", "by"),
    "doses": ("id", "visit_id", "drug", "route", "mg_per_kg", "weight_kg", "dose_mg", "concentration_mg_per_ml",
              "volume_ml", "duration_min", "rate_ml_per_h", "lot_number", "at", "by"),
    "vitals": ("id", "visit_id", "taken_at", "sbp", "dbp", "hr", "spo2", "rr", "temp_c", "source", "alerts",
               "is_baseline", "entered_at", "entered_by", "corrects_id", "entered_in_error"),
    "acknowledgements": ("id", "visit_id", "subject", "subject_id", "note", "at", "by"),
    "adverse_events": ("id", "visit_id", "kind", "description", "onset_at", "at", "by"),
    "interventions": ("id", "visit_id", "adverse_event_id", "drug", "dose", "route", "given_at", "note", "at", "by"),
    "scores": ("id", "visit_id", "scale", "total", "items", "taken_at", "by"),
    "signatures": ("id", "visit_id", "addendum_id", "signer_id", "printed_name", "credentials", "meaning",
                   "signed_at", "content_hash"),
    "audit": ("id", "at", "actor_id", "action", "entity", "entity_id", "before", "after", "prev_hash", "hash"),
}
_INSERT = {table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
           for table, cols in COLUMNS.items()}

FLUSH_ROWS = 250_000
BULK_CACHE_KIB = 256 * 1024
# Visits discharged this many days before "now" (and since) still wait for a signature, as in the demo.
UNSIGNED_DAYS = 2
# About this many of the visits signed since the last commit are read back and re-hashed (_Generator.flush).
SPOT_CHECKS = 20

NURSES = (("rn.ada", "Ada Okonkwo", "RN"), ("rn.bea", "Beatriz Lima", "RN"), ("rn.cal", "Callum Reid", "RN"),
          ("rn.dee", "Deepa Nair", "RN, BSN"), ("rn.eli", "Elías Romero", "RN"), ("rn.fay", "Fay Whitlock", "RN"))
PHYSICIANS = (("md.bo", "Bo Lindqvist", "MD"), ("md.chen", "Wei Chen", "MD"), ("md.diaz", "Lucía Díaz", "DO"))
ADMINS = (("admin.it", "Front Desk", ""),)

FAMILY = ("Okafor", "Núñez", "Smith", "Nguyen", "Kowalski", "García", "Müller", "O'Brien", "Johansson", "Haddad",
          "Kim", "Patel", "Rossi", "Dubois", "Yılmaz", "Cohen", "Nakamura", "Silva", "Ivanova", "Murphy", "Mensah",
          "Schmidt", "Andersson", "Chen", "Fernández", "Kaur", "Lefebvre", "Novak", "Popescu", "Wójcik", "Brown",
          "Lee", "Wilson", "Martin", "Thompson", "Walker", "Hernández", "Singh", "Ali", "Khan", "Zhang", "Søgaard")
GIVEN = ("Zoë", "Ada", "Chiamaka", "José", "Mia", "Liam", "Noah", "Emma", "Olivia", "Ava", "Lucas", "Sofía", "Mateo",
         "Hana", "Yusuf", "Amara", "Élodie", "Björn", "Priya", "Kenji", "Fatima", "Grace", "Oliver", "Isla", "Leo",
         "Maya", "Ethan", "Chloé", "Dmitri", "Aisha", "Tomás", "Ingrid", "Rafael", "Nora", "Samuel", "Leila", "Kai",
         "Ruth", "Omar", "Siobhán")
DIAGNOSES = ((Diagnosis.TREATMENT_RESISTANT_DEPRESSION, 40), (Diagnosis.GENERALISED_ANXIETY, 14),
             (Diagnosis.PTSD, 15), (Diagnosis.SOCIAL_ANXIETY, 8), (Diagnosis.BIPOLAR_DEPRESSION, 8),
             (Diagnosis.OCD, 8), (Diagnosis.OTHER, 7))
ALLERGIES = ("", "", "", "", "", "Penicillin", "Sulfonamides", "Latex", "Codeine (nausea)", "Shellfish")
MEDICATIONS = ("", "Sertraline 100 mg daily", "Escitalopram 10 mg daily", "Bupropion XL 300 mg daily",
               "Venlafaxine XR 150 mg daily", "Lithium 600 mg nightly", "Lamotrigine 200 mg daily",
               "Quetiapine 50 mg nightly", "Prazosin 2 mg nightly", "Fluoxetine 40 mg daily")
SUBSTANCE_NOTES = ("Alcohol use disorder, in remission 2 years", "Cannabis, weekly",
                   "Past opioid use, on buprenorphine", "Alcohol, 2-3 drinks most days",
                   "Past stimulant use, none for 5 years")
CANCEL_REASONS = ("Patient unwell (viral illness)", "No escort available", "Patient asked to reschedule",
                  "Ate within 4 h of the infusion", "Blood pressure uncontrolled at home; GP review first")
STOP_REASONS = ("Patient asked to stop: distressing dissociation", "Nausea and vomiting",
                "Sustained SBP above 180 despite slowing")
ALERT_NOTES = ("Rechecked in 5 min; back within limits", "Infusion rate slowed; physician informed",
               "Manual recheck; monitor artefact", "Oxygen 2 L/min by nasal cannula; resolved",
               "Patient reassured; rechecked at next interval")

DONE, CANCELLED, NO_SHOW = "done", "cancelled", "no_show"
# One thing that happened: (timestamp text, tie-break counter, kind, what the kind needs).
_Event = tuple[str, int, int, tuple[Any, ...]]
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Today's visits cycle through these phases so the board shows a real mid-day.
_TODAY_PHASES = (Phase.DISCHARGED, Phase.INFUSING, Phase.OBSERVATION, Phase.PRE_ASSESSMENT, Phase.DISCHARGED,
                 Phase.READY_FOR_DISCHARGE, Phase.SCHEDULED, Phase.INFUSING, Phase.DISCHARGED, Phase.OBSERVATION,
                 Phase.SCHEDULED, Phase.DISCHARGED)

# Adverse events during the infusion (kind, weight, what was given: drug, dose, route; None: nothing given).
ADVERSE = ((AdverseEventKind.NAUSEA, 50, ("Ondansetron", "4 mg", Route.IV)),
           (AdverseEventKind.ANXIETY_AGITATION, 18, ("Midazolam", "1 mg", Route.IV)),
           (AdverseEventKind.VOMITING, 10, ("Ondansetron", "4 mg", Route.IV)),
           (AdverseEventKind.HYPERTENSION, 10, ("Clonidine", "0.1 mg", Route.PO)),
           (AdverseEventKind.HALLUCINATIONS, 6, ("Midazolam", "1 mg", Route.IV)),
           (AdverseEventKind.TACHYCARDIA, 6, None))
ADVERSE_RATE = 0.06

# Event kinds, in rough order of how often they occur.
(_VITALS, _PHASE, _SCORE, _ACK, _WEIGHT, _DOSE, _CHECK, _BOOK, _REGISTER, _PLAN, _REVISE, _ADVERSE,
 _INTERVENTION, _SIGN) = range(14)


@dataclass(frozen=True, slots=True)
class BulkSpec:
    """How big a clinic to generate, and from which seed."""

    patients: int = 5_000
    visits: int = 100_000
    vitals: int = 2_500_000
    years: int = 10
    seed: int = 20261127
    now: datetime | None = None
    """The moment the history ends (aware); today's visits are laid out around it. None: the system time."""
    today_visits: int | None = None
    """How many visits are booked today; None: the clinic's average day."""
    checklists: bool = False
    """Also write every checklist answer (about 14 rows and audit rows more per visit)."""
    cancel_rate: float = 0.03
    no_show_rate: float = 0.02


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a load has come: visits written of those planned, and rows written per table."""

    done: int
    total: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows written so far, every table together."""
        return sum(self.counts.values())


@dataclass(slots=True)
class _Person:
    index: int
    plan_seed: int
    start: date
    n: int
    forced: bool
    attempts: list[_Attempt] = field(default_factory=list)
    capped: bool = False
    patient: Patient | None = None
    patient_id: int = 0
    course_id: int = 0
    revision: int = 0
    sbp: float = 0.0
    dbp: float = 0.0
    hr: float = 0.0
    spo2: int = 98
    rr: int = 14
    response: float = 1.0
    weight: float = 70.0
    mg_per_kg: float = 0.5


@dataclass(slots=True)
class _Attempt:
    day: date
    sequence: int
    outcome: str
    person: _Person
    chair: int = 1
    start: int = 0
    readings: int = 0
    visit_id: int = 0
    phase: str = Phase.SCHEDULED.value
    next: _Attempt | None = None
    discharged: int = 0
    """Seconds from the start of ``day`` to the discharge (for signing after it)."""
    sealable: _Sealable | None = None
    """The content a signature will cover, gathered while the visit is written (visits to be signed only)."""


@dataclass(slots=True)
class _Sealable:
    """One visit's signed content, gathered row by row in :func:`canonical_visit`'s layout.

    Each entry is what ``canonical_visit`` prints for a record, keyed where
    :func:`visits.details` sorts by something other than the order of writing (the time,
    then the id); values carry the types the store gives back (REAL columns as float).
    Entries are tuples, which JSON prints as arrays too: unlike lists, the garbage collector
    stops tracking them, and tracking a few days' readings cost a tenth of the load.
    """

    events: list[tuple[object, ...]] = field(default_factory=list)
    weight_kg: float | None = None
    dose: dict[str, object] | None = None
    vitals: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    checklist: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    acknowledgements: list[tuple[object, ...]] = field(default_factory=list)
    scores: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    adverse_events: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)
    interventions: list[tuple[str, int, tuple[object, ...]]] = field(default_factory=list)

    def text(self, attempt: _Attempt, induction_count: int) -> str:
        """The canonical JSON ``canonical_visit`` gives for this visit as stored."""
        patient = attempt.person.patient
        assert patient is not None
        return canonical_json({
            "visit": {"id": attempt.visit_id, "patient_id": attempt.person.patient_id, "mrn": patient.mrn,
                      "date": attempt.day.isoformat(), "chair": attempt.chair,
                      "position": CoursePosition(attempt.sequence, induction_count).label},
            "events": self.events,
            "weight_kg": self.weight_kg,
            "dose": self.dose,
            "vitals": _in_order(self.vitals),
            "checklist": _in_order(self.checklist),
            "notes": [],
            "acknowledgements": self.acknowledgements,
            "scores": _in_order(self.scores),
            "adverse_events": _in_order(self.adverse_events),
            "interventions": _in_order(self.interventions),
        })


def _in_order(keyed: list[tuple[str, int, tuple[object, ...]]]) -> list[tuple[object, ...]]:
    return [entry for _, _, entry in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _canonical(value: object) -> str | None:
    return audit._canonical(value)


def vitals_after(visit_id: int, taken_at: str, sbp: int, dbp: int, hr: int, spo2: int, rr: int,
                 temp_c: float | None, alerts: str, baseline: bool) -> str:
    """The audit payload of a new reading, as ``visits.add_vitals`` writes it (canonical JSON, built fast)."""
    temp = "null" if temp_c is None else repr(float(temp_c))
    return (f'{{"alerts":"{alerts}","baseline":{"true" if baseline else "false"},"corrects":null,"dbp":{dbp},'
            f'"entered_in_error":false,"hr":{hr},"rr":{rr},"sbp":{sbp},"spo2":{spo2},"taken_at":"{taken_at}",'
            f'"temp_c":{temp},"visit_id":{visit_id}}}')


class _Writer:
    """Buffers rows per table with ids assigned here, and seals each audit row to the one before."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: dict[str, list[tuple[object, ...]]] = {t: [] for t in COLUMNS}
        self.next_id = {t: self._max_id(t) + 1 for t in COLUMNS}
        self.counts = dict.fromkeys(COLUMNS, 0)
        last = store.one("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        self.prev_hash: str = last[0] if last else audit.GENESIS
        self.buffered = 0
        # "Signed" steps go in after every other row of their chunk: the signed-visit lock
        # refuses any row for a visit after its signed step, and one chunk can hold a visit's
        # readings and, days later, its signature.
        self.signed_steps: list[tuple[object, ...]] = []

    def _max_id(self, table: str) -> int:
        row = self.store.one(f"SELECT max(id) FROM {table}")
        return int(row[0]) if row and row[0] is not None else 0

    def add(self, table: str, values: tuple[object, ...]) -> int:
        row_id = self.next_id[table]
        self.next_id[table] = row_id + 1
        self.rows[table].append((row_id, *values))
        self.buffered += 1
        return row_id

    def add_signed_step(self, values: tuple[object, ...]) -> int:
        row_id = self.next_id["visit_events"]
        self.next_id["visit_events"] = row_id + 1
        self.signed_steps.append((row_id, *values))
        self.buffered += 1
        return row_id

    def audit(self, at: str, actor_id: int | None, action: str, entity: str, entity_id: int | None,
              before: str | None, after: str | None) -> None:
        prev = self.prev_hash
        digest = audit.row_hash(prev, at, actor_id, action, entity, entity_id, before, after)
        row_id = self.next_id["audit"]
        self.next_id["audit"] = row_id + 1
        self.rows["audit"].append((row_id, at, actor_id, action, entity, entity_id, before, after, prev, digest))
        self.prev_hash = digest
        self.buffered += 1

    def flush(self) -> None:
        if not self.buffered:
            return
        import sqlite3

        try:
            with self.store.transaction():
                for table, rows in self.rows.items():
                    if rows:
                        self.store.conn.executemany(_INSERT[table], rows)
                if self.signed_steps:
                    self.store.conn.executemany(_INSERT["visit_events"], self.signed_steps)
        except sqlite3.IntegrityError as error:
            raise StoreError(f"the bulk load was refused by the database: {error}") from error
        for table, rows in self.rows.items():
            self.counts[table] += len(rows)
            rows.clear()
        self.counts["visit_events"] += len(self.signed_steps)
        self.signed_steps.clear()
        self.buffered = 0


def _day_prefixes() -> Callable[[date, int], str]:
    cache: dict[date, str] = {}

    def at(day: date, sec: int) -> str:
        if 0 <= sec < 86_400:
            prefix = cache.get(day)
            if prefix is None:
                prefix = cache[day] = day.isoformat() + "T"
            hours, rest = divmod(sec, 3600)
            minutes, seconds = divmod(rest, 60)
            return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.000Z"
        return to_utc_iso(datetime.combine(day, time(), UTC) + timedelta(seconds=sec))

    return at


class _Generator:
    def __init__(self, store: Store, protocol: Protocol, spec: BulkSpec) -> None:
        if spec.patients < 1 or spec.visits < spec.patients or spec.vitals < 0 or spec.years < 1:
            raise ValueError("a bulk clinic needs ≥1 patient, at least one visit per patient and ≥1 year")
        self.store = store
        self.protocol = protocol
        self.spec = spec
        self.rng = random.Random(spec.seed)
        now = spec.now or datetime.now(UTC)
        if now.tzinfo is None:
            raise ValueError("BulkSpec.now must be timezone-aware")
        self.now = now.astimezone(UTC)
        self.today = now.astimezone().date()
        self.now_sec = int((self.now - datetime.combine(self.today, time(), UTC)).total_seconds())
        self.first_day = self.today - timedelta(days=round(365.25 * spec.years))
        self.template = protocol.template(None)
        self.chairs = max(1, protocol.chairs)
        self.at = _day_prefixes()
        self.w = _Writer(store)
        self.nurses: list[int] = []
        self.physicians: list[int] = []
        self.desk: list[int] = []
        # Each user's login, and the name and credentials they sign with (as Clinic.seal_visit takes them).
        self.logins: dict[int, str] = {}
        self.signs_as: dict[int, tuple[str, str]] = {}
        # Visits discharged before this day are signed, each on the day it is filed under here;
        # signing draws from its own generator so every other random choice of a seed stays as it was.
        self.sign_before = self.today - timedelta(days=UNSIGNED_DAYS)
        self.to_sign: dict[date, list[_Attempt]] = {}
        self.sign_rng = random.Random(f"{spec.seed}:signing")
        self.signed: list[tuple[int, str]] = []
        self._offsets: list[int] = [0]
        self._counter = 0

    # ------------------------------------------------------------------ planning

    def offset(self, sequence: int) -> int:
        """Days from a course's start to its visit number ``sequence``."""
        while len(self._offsets) <= sequence:
            n = len(self._offsets)
            self._offsets.append((next_visit_date(self.template, self.first_day, n) - self.first_day).days)
        return self._offsets[sequence]

    def build_attempts(self, person: _Person) -> None:
        rng = random.Random(person.plan_seed)
        spec = self.spec
        out: list[_Attempt] = []
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
            out.append(_Attempt(day, seq, outcome, person))
            if outcome == DONE:
                seq += 1
                earliest = day + timedelta(days=1)
            else:
                earliest = day + timedelta(days=rng.randint(2, 4))
        for before, after in itertools.pairwise(out):
            before.next = after
        person.attempts, person.capped = out, capped

    def plan(self) -> list[_Person]:
        spec, rng = self.spec, self.rng
        mean = spec.visits / spec.patients
        tail = max(0.5, (mean - 0.12 * 4) / 0.88 - 8)
        span = (self.today - self.first_day).days
        today_count = spec.today_visits
        if today_count is None:
            today_count = max(6, round(spec.visits / span))
        today_count = max(0, min(today_count, spec.patients // 2, self.chairs * 10))
        forced = set(rng.sample(range(spec.patients), today_count))
        people: list[_Person] = []
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
            person = _Person(index, plan_seed, start, n, index in forced)
            self.build_attempts(person)
            people.append(person)
        self._fit_total(people)
        return people

    def _fit_total(self, people: list[_Person]) -> None:
        """Grow or trim the patients' plans until there are exactly ``spec.visits`` visits."""
        rng, target = self.rng, self.spec.visits
        total = sum(len(p.attempts) for p in people)
        free = [p for p in people if not p.forced]
        while total != target:
            if total < target:
                room = [p for p in free if not p.capped]
                if not room:
                    raise StoreError(f"{target} visits do not fit in {self.spec.years} years for "
                                     f"{self.spec.patients} patients")
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

    def lay_out_days(self, people: list[_Person]) -> dict[date, list[_Attempt]]:
        """Chairs and start times for every visit, and how many readings each gets."""
        rng = self.rng
        by_day: dict[date, list[_Attempt]] = {}
        for person in people:
            for attempt in person.attempts:
                by_day.setdefault(attempt.day, []).append(attempt)
        done: list[_Attempt] = []
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

    def make_patient(self, person: _Person) -> None:
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
            mrn=f"KD{person.index + 1:06d}", family_name=rng.choice(FAMILY), given_name=rng.choice(GIVEN),
            date_of_birth=birth, sex=sex, weight_kg=person.weight, diagnoses=tuple(diagnoses),
            allergies=rng.choice(ALLERGIES), medications=rng.choice(MEDICATIONS), substance_use=substance,
            substance_use_note=rng.choice(SUBSTANCE_NOTES) if substance else "",
        )
        person.sbp = min(max(rng.gauss(121, 12), 100), 165)
        person.dbp = min(max(person.sbp * 0.62 + rng.gauss(0, 5), 55), 100)
        person.hr = min(max(rng.gauss(74, 10), 52), 108)
        person.spo2 = rng.choice((96, 97, 97, 98, 98, 98, 99, 99))
        person.rr = rng.randint(12, 18)
        person.response = rng.uniform(0.3, 1.3)

    # ------------------------------------------------------------------ events of one day

    def event(self, events: list[_Event], day: date, sec: int, kind: int, *payload: object) -> None:
        self._counter += 1
        events.append((self.at(day, sec), self._counter, kind, payload))

    def office_events(self, person: _Person, events: list[_Event], day: date) -> None:
        rng = self.rng
        self.make_patient(person)
        desk = rng.choice(self.desk + self.nurses)
        sec = rng.randint(8 * 3600, 17 * 3600)
        self.event(events, day, sec, _REGISTER, person, desk)
        self.event(events, day, sec + 40, _PLAN, person, desk)
        self.event(events, day, sec + 90, _BOOK, person.attempts[0], desk)

    def cancel_events(self, attempt: _Attempt, events: list[_Event], cutoff: int | None) -> None:
        rng = self.rng
        nurse = rng.choice(self.nurses)
        if attempt.outcome == CANCELLED:
            sec = max(6 * 3600, attempt.start - rng.randint(3600, 5 * 3600))
            phase, reason = Phase.CANCELLED.value, rng.choice(CANCEL_REASONS)
        else:
            sec, phase, reason = attempt.start + 1800, Phase.NO_SHOW.value, ""
        if cutoff is not None and sec > cutoff:
            return
        self.event(events, attempt.day, sec, _PHASE, attempt, phase, reason, nurse)
        if attempt.next is not None:
            self.event(events, attempt.day, sec + 60, _BOOK, attempt.next, nurse)

    def timeline(self) -> tuple[int, int, int, int, int]:
        """Offsets from the slot start: pre-assessment, infusion, observation, ready, discharged."""
        rng = self.rng
        pre = rng.randint(0, 600)
        infusing = pre + 900 + rng.randint(0, 300)
        observation = infusing + self.protocol.infusion_duration_min * 60 + rng.randint(0, 60)
        ready = observation + self.protocol.observation_minimum_min * 60 + rng.randint(60, 1500)
        discharged = ready + rng.randint(120, 900)
        return pre, infusing, observation, ready, discharged

    def visit_events(self, attempt: _Attempt, events: list[_Event], cutoff: int | None,
                     target: Phase | None) -> None:
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
            windows = {Phase.PRE_ASSESSMENT: (pre + 60, infusing - 60),
                       Phase.INFUSING: (infusing + 60, observation - 60),
                       Phase.OBSERVATION: (observation + 60, ready - 60),
                       Phase.READY_FOR_DISCHARGE: (ready + 60, discharged - 60),
                       Phase.DISCHARGED: (discharged + 60, discharged + 3 * 3600)}
            if target is Phase.SCHEDULED:
                return
            low, high = windows[target]
            s = self.now_sec - rng.randint(low, max(low, high))

        def add(offset: int, kind: int, *payload: object) -> None:
            if cutoff is None or s + offset <= cutoff:
                self.event(events, day, s + offset, kind, attempt, *payload)

        add(pre, _PHASE, Phase.PRE_ASSESSMENT.value, "", nurse)
        if self.spec.checklists:
            for i, item in enumerate(self.protocol.pre_infusion_checklist):
                if not item.automatic:
                    add(pre + 30 + 20 * i, _CHECK, "pre_infusion", item.key, nurse)
        weight = round(person.weight + rng.gauss(0, 0.8), 1)
        add(pre + 120, _WEIGHT, weight, nurse)
        if attempt.sequence in (3, 5) and person.mg_per_kg < 0.9 and rng.random() < 0.45:
            person.mg_per_kg = round(person.mg_per_kg + 0.1, 2)
        lot = f"KT-{day.year % 100:02d}{day.month:02d}-{rng.randint(1, 9)}"
        plan = calculate_dose(person.mg_per_kg, weight, concentration_mg_per_ml=self.protocol.concentration_mg_per_ml,
                              duration_min=self.protocol.infusion_duration_min, drug=self.protocol.drug,
                              route=self.protocol.route, lot_number=lot)
        add(pre + 660, _DOSE, plan, nurse)
        add(infusing, _PHASE, Phase.INFUSING.value, "", nurse)
        stop_reason = rng.choice(STOP_REASONS) if stopped_early else ""
        if stopped_early:
            add(observation - 60, _PHASE, Phase.STOPPED_EARLY.value, stop_reason, nurse)
        add(observation, _PHASE, Phase.OBSERVATION.value, stop_reason, nurse)
        if infusing + 1200 < observation:
            moaas = rng.choice((5, 4, 4, 3))
            add(infusing + 1200, _SCORE, "moaas", moaas, None, nurse)
            add(infusing + 1201, _SCORE, "rass", 0 if moaas == 5 else rng.choice((-1, -1, -2)), None, nurse)
        if rng.random() < ADVERSE_RATE:
            kind, _, given = rng.choices(ADVERSE, [weight for _, weight, _ in ADVERSE])[0]
            onset = infusing + rng.randint(300, max(301, observation - infusing - 60))
            charted = onset + rng.randint(120, 360)
            box = [0]
            add(charted, _ADVERSE, kind.value, "", s + onset, nurse, box)
            if given is not None:
                drug, dose, route = given
                handed = charted + rng.randint(60, 300)
                add(handed + rng.randint(60, 180), _INTERVENTION, drug, dose, route.value, s + handed, "", box, nurse)
        add(observation + 1500, _SCORE, "moaas", 5, None, nurse)
        add(observation + 1501, _SCORE, "rass", 0, None, nurse)
        aldrete = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2, "spo2": 2}
        if rng.random() < 0.2:
            aldrete["activity"] = 1
        add(observation + 1680, _SCORE, "aldrete", sum(aldrete.values()), aldrete, nurse)
        if self.spec.checklists:
            for i, item in enumerate(self.protocol.discharge_checklist):
                if not item.automatic:
                    add(ready + 20 + 20 * i, _CHECK, "discharge", item.key, nurse)
        add(ready, _PHASE, Phase.READY_FOR_DISCHARGE.value, "", nurse)
        add(discharged, _PHASE, Phase.DISCHARGED.value, "", nurse)
        attempt.discharged = s + discharged
        if cutoff is None and attempt.sealable is not None:
            self.to_sign.setdefault(_next_working_day(day), []).append(attempt)
        booked = s + discharged + 60
        if attempt.next is not None and (cutoff is None or booked <= cutoff):
            self.event(events, day, booked, _BOOK, attempt.next, nurse)
        self.vitals_events(attempt, add, nurse, s, (pre, infusing, observation, ready))

    def vitals_events(self, attempt: _Attempt, add: Callable[..., None], nurse: int, start: int,
                      marks: tuple[int, int, int, int]) -> None:
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
            entered = offset + (rng.randint(5, 90) if is_manual else 2)
            box = [0]
            add(entered, _VITALS, start + offset, sbp, dbp, hr, spo2, rr, temp, "manual" if is_manual else "monitor",
                alerts, baseline, nurse, box)
            if alerts:
                add(entered + rng.randint(60, 300), _ACK, ALERT_SUBJECT, box, rng.choice(ALERT_NOTES), nurse)
            if baseline and baseline_needs_physician(vitals, limits):
                add(pre + 600, _ACK, BASELINE_BP, None, "Reviewed; asymptomatic, proceed with recheck at 10 min",
                    rng.choice(self.physicians))
            first = False

    # ------------------------------------------------------------------ writing events

    def dispatch(self, events: list[_Event]) -> None:
        w = self.w
        add, write_audit = w.add, w.audit
        at_text = self.at
        login = self.logins
        for at, _, kind, payload in sorted(events):
            if kind == _VITALS:
                attempt, taken_sec, sbp, dbp, hr, spo2, rr, temp, source, alerts, baseline, by, box = payload
                taken = at_text(attempt.day, taken_sec)
                row_id = add("vitals", (attempt.visit_id, taken, sbp, dbp, hr, spo2, rr, temp, source, alerts,
                                        int(baseline), at, by, None, 0))
                box[0] = row_id
                write_audit(at, by, "vitals", "vitals", row_id, None,
                            vitals_after(attempt.visit_id, taken, sbp, dbp, hr, spo2, rr, temp, alerts, baseline))
                if (sealing := attempt.sealable) is not None:
                    sealing.vitals.append((taken, row_id, (row_id, taken, sbp, dbp, hr, spo2, rr, temp, source,
                                                           tuple(alerts.split(",")) if alerts else (), baseline,
                                                           login[by], None)))
            elif kind == _PHASE:
                attempt, phase, reason, by = payload
                add("visit_events", (attempt.visit_id, phase, at, by, reason))
                write_audit(at, by, "phase", "visit", attempt.visit_id, _canonical({"phase": attempt.phase}),
                            _canonical({"phase": phase, "reason": reason}))
                attempt.phase = phase
                if (sealing := attempt.sealable) is not None:
                    sealing.events.append((phase, at, login[by], reason))
            elif kind == _SCORE:
                attempt, scale, total, items, by = payload
                items_text = json.dumps(items, sort_keys=True) if items else ""
                row_id = add("scores", (attempt.visit_id, scale, total, items_text, at, by))
                write_audit(at, by, "score", "visit", attempt.visit_id, None,
                            _canonical({"scale": scale, "total": total, "items": items, "taken_at": at}))
                if (sealing := attempt.sealable) is not None:
                    listed = tuple(sorted(items.items())) if items else ()
                    sealing.scores.append((at, row_id, (row_id, scale, total, listed, at, login[by])))
            elif kind == _ACK:
                attempt, subject, box, note, by = payload
                subject_id = box[0] if box is not None else None
                row_id = add("acknowledgements", (attempt.visit_id, subject, subject_id, note, at, by))
                write_audit(at, by, "acknowledge", "visit", attempt.visit_id, None,
                            _canonical({"subject": subject, "subject_id": subject_id, "note": note}))
                if (sealing := attempt.sealable) is not None:
                    sealing.acknowledgements.append((row_id, subject, subject_id, note, at, login[by]))
            elif kind == _WEIGHT:
                attempt, kg, by = payload
                add("weights", (attempt.visit_id, kg, at, by))
                write_audit(at, by, "weight", "visit", attempt.visit_id, None, _canonical({"weight_kg": kg}))
                if (sealing := attempt.sealable) is not None:
                    sealing.weight_kg = float(kg)
            elif kind == _DOSE:
                attempt, plan, by = payload
                values = _dose_values(plan)
                row_id = add("doses", (attempt.visit_id, *values.values(), at, by))
                write_audit(at, by, "dose", "visit", attempt.visit_id, None, _canonical(values))
                if (sealing := attempt.sealable) is not None:
                    sealing.dose = {
                        "id": row_id, "mg_per_kg": float(plan.mg_per_kg), "weight_kg": float(plan.weight_kg),
                        "dose_mg": float(plan.dose_mg), "concentration": float(plan.concentration_mg_per_ml),
                        "volume_ml": float(plan.volume_ml), "duration_min": int(plan.duration_min),
                        "rate_ml_per_h": float(plan.rate_ml_per_h), "drug": plan.drug, "route": plan.route,
                        "lot": plan.lot_number, "at": at, "by": login[by]}
            elif kind == _ADVERSE:
                attempt, event_kind, description, onset_sec, by, box = payload
                onset_at = at_text(attempt.day, onset_sec)
                box[0] = add("adverse_events", (attempt.visit_id, event_kind, description, onset_at, at, by))
                write_audit(at, by, "adverse_event", "visit", attempt.visit_id, None,
                            _canonical({"id": box[0], "kind": event_kind, "description": description,
                                        "onset_at": onset_at}))
                if (sealing := attempt.sealable) is not None:
                    sealing.adverse_events.append((onset_at, box[0], (box[0], event_kind, description, onset_at,
                                                                      login[by])))
            elif kind == _INTERVENTION:
                attempt, drug, dose, route, given_sec, note, box, by = payload
                given_at = at_text(attempt.day, given_sec)
                row_id = add("interventions", (attempt.visit_id, box[0], drug, dose, route, given_at, note, at, by))
                write_audit(at, by, "intervention", "visit", attempt.visit_id, None,
                            _canonical({"id": row_id, "drug": drug, "dose": dose, "route": route,
                                        "given_at": given_at, "note": note, "adverse_event_id": box[0]}))
                if (sealing := attempt.sealable) is not None:
                    sealing.interventions.append((given_at, row_id, (row_id, drug, dose, route, given_at, note,
                                                                     box[0], login[by])))
            elif kind == _SIGN:
                attempt, by = payload
                sealing = attempt.sealable
                assert sealing is not None
                sealed = content_hash(sealing.text(attempt, self.template.induction_count))
                attempt.sealable = None
                name, credentials = self.signs_as[by]
                signature_id = add("signatures", (attempt.visit_id, None, by, name, credentials, VISIT_MEANING, at,
                                                  sealed))
                write_audit(at, by, "sign", "visit", attempt.visit_id, None,
                            _canonical({"signature_id": signature_id, "addendum_id": None, "meaning": VISIT_MEANING,
                                        "content_hash": sealed}))
                w.add_signed_step((attempt.visit_id, Phase.SIGNED.value, at, by, VISIT_MEANING))
                write_audit(at, by, "phase", "visit", attempt.visit_id, _canonical({"phase": attempt.phase}),
                            _canonical({"phase": Phase.SIGNED.value, "reason": VISIT_MEANING}))
                attempt.phase = Phase.SIGNED.value
                self.signed.append((attempt.visit_id, sealed))
            elif kind == _CHECK:
                attempt, checklist, item_key, by = payload
                row_id = add("checklist_entries", (attempt.visit_id, checklist, item_key, 1, "", at, by))
                write_audit(at, by, "checklist", "visit", attempt.visit_id, None,
                            _canonical({"checklist": checklist, "item": item_key, "checked": True, "note": ""}))
                if (sealing := attempt.sealable) is not None:
                    sealing.checklist.append((checklist, row_id, (checklist, item_key, True, "", at, login[by])))
            elif kind == _BOOK:
                attempt, by = payload
                person = attempt.person
                attempt.visit_id = add("visits", (person.patient_id, person.course_id, attempt.sequence,
                                                  attempt.day.isoformat(), attempt.chair, at, by))
                add("visit_events", (attempt.visit_id, Phase.SCHEDULED.value, at, by, ""))
                write_audit(at, by, "schedule", "visit", attempt.visit_id, None,
                            _canonical({"patient_id": person.patient_id, "course_id": person.course_id,
                                        "sequence": attempt.sequence, "date": attempt.day.isoformat(),
                                        "chair": attempt.chair}))
                if attempt.outcome == DONE and attempt.day < self.sign_before:
                    attempt.sealable = _Sealable(events=[(Phase.SCHEDULED.value, at, login[by], "")])
            elif kind == _REGISTER:
                person, by = payload
                patient = person.patient
                assert patient is not None
                person.patient_id = add("patients", (patient.mrn, at, by))
                self.revision_row(person, patient, at, by)
                write_audit(at, by, "register", "patient", person.patient_id, None, _canonical(_snapshot(patient)))
            elif kind == _PLAN:
                person, by = payload
                t = self.template
                start = person.attempts[0].day.isoformat()
                weeks = ",".join(str(n) for n in t.visits_per_week)
                person.course_id = add("courses", (person.patient_id, t.key, weeks,
                                                   t.induction_count, t.maintenance_interval_days, start, at, by))
                write_audit(at, by, "plan", "course", person.course_id, None,
                            _canonical({"patient_id": person.patient_id, "template": t.key, "start_date": start}))
            elif kind == _REVISE:
                person, changed, by = payload
                before = person.patient
                assert before is not None
                self.revision_row(person, changed, at, by)
                write_audit(at, by, "revise", "patient", person.patient_id, _canonical(_snapshot(before)),
                            _canonical(_snapshot(changed)))
                person.patient = changed

    def revision_row(self, person: _Person, patient: Patient, at: str, by: int) -> None:
        person.revision += 1
        self.w.add("patient_revisions", (
            person.patient_id, person.revision, patient.family_name, patient.given_name,
            patient.date_of_birth.isoformat(), patient.sex.value, patient.weight_kg,
            ",".join(d.value for d in patient.diagnoses), patient.allergies, patient.medications,
            int(patient.substance_use), patient.substance_use_note, patient.contraindications, at, by))

    def add_users(self, day: date) -> None:
        w = self.w
        at = self.at(day, 8 * 3600)
        existing = {row["login"]: row for row in self.store.all("SELECT id, login, display_name, credentials"
                                                                " FROM users")}

        def user(login: str, name: str, credentials: str, role: Role, actor: int | None) -> int:
            if login in existing:
                found = existing[login]
                user_id = int(found["id"])
                self.logins[user_id] = login
                self.signs_as[user_id] = (found["display_name"], found["credentials"])
                return user_id
            user_id = w.add("users", (login, name, credentials, role.value, None, 1, at, 0, None))
            self.logins[user_id] = login
            self.signs_as[user_id] = (name, credentials)
            w.audit(at, actor if actor is not None else user_id, "create", "user", user_id, None,
                    _canonical({"login": login, "display_name": name, "credentials": credentials,
                                "roles": role.value}))
            return user_id

        system = user("system", "KetaDesk", "", Role.SYSTEM, None)
        self.desk = [user(*a, Role.ADMINISTRATOR, system) for a in ADMINS]
        self.nurses = [user(*n, Role.NURSE, system) for n in NURSES]
        self.physicians = [user(*p, Role.PHYSICIAN, system) for p in PHYSICIANS]

    # ------------------------------------------------------------------ the load

    def run(self) -> Iterator[Progress]:
        if self.store.one("SELECT 1 FROM patients LIMIT 1"):
            raise StoreError("a bulk load fills a database without patients; this one has patients already")
        rng = self.rng
        people = self.plan()
        by_day = self.lay_out_days(people)
        office: dict[date, list[_Person]] = {}
        revisions: dict[date, list[_Person]] = {}
        for person in people:
            first = person.attempts[0].day
            office.setdefault(first - timedelta(days=rng.randint(1, 14)), []).append(person)
            if len(person.attempts) > 3 and rng.random() < 0.15:
                revisions.setdefault(rng.choice(person.attempts[1:-1]).day, []).append(person)
        busy = sorted(set(by_day) | set(office) | set(revisions))
        self.add_users(busy[0] - timedelta(days=30))
        # Every day up to today, not only the busy ones: a physician may sign on a day with no visits.
        days = [busy[0] + timedelta(days=n) for n in range((max(busy[-1], self.today) - busy[0]).days + 1)]
        total = self.spec.visits
        done = 0
        conn = self.store.conn
        old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            for day in days:
                events: list[_Event] = []
                signing = self.to_sign.pop(day, None)
                if signing:
                    self.sign_events(day, signing, events)
                for person in office.get(day, ()):
                    self.office_events(person, events, day)
                for person in revisions.get(day, ()):
                    self.revise_event(person, events, day)
                is_today = day == self.today
                cutoff = self.now_sec if is_today else None
                todays = 0
                for attempt in sorted(by_day.get(day, ()), key=lambda a: a.start):
                    if attempt.outcome == DONE:
                        target = None
                        if is_today:
                            target = _TODAY_PHASES[todays % len(_TODAY_PHASES)]
                            todays += 1
                        self.visit_events(attempt, events, cutoff, target)
                    else:
                        self.cancel_events(attempt, events, cutoff)
                    done += 1
                self.dispatch(events)
                if self.w.buffered >= FLUSH_ROWS:
                    self.flush()
                    yield Progress(done, total, dict(self.w.counts))
            self.flush()
        finally:
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA cache_size = {old_cache}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield Progress(done, total, dict(self.w.counts))

    def sign_events(self, day: date, attempts: list[_Attempt], events: list[_Event]) -> None:
        """The morning's signatures: one physician works through the waiting visits, oldest discharge first."""
        rng = self.sign_rng
        physician = rng.choice(self.physicians)
        sec = rng.randint(8 * 3600, 10 * 3600)
        for attempt in sorted(attempts, key=lambda a: (a.day, a.discharged, a.visit_id)):
            after_discharge = (attempt.day - day).days * 86_400 + attempt.discharged + 600
            sec = max(sec + rng.randint(60, 300), after_discharge)
            if day == self.today and sec > self.now_sec:
                break  # the rest of this morning's list is still on the worklist "now"
            self.event(events, day, sec, _SIGN, attempt, physician)

    def flush(self) -> None:
        """Commit what is buffered, then re-hash a sample of the visits just signed from the stored record.

        The signatures were sealed from the content gathered while writing (:class:`_Sealable`);
        reading a few back and hashing them as ``ketadesk check`` does makes any drift between
        that and :func:`canonical_visit` or :func:`visits.details` stop the load at once.
        """
        self.w.flush()
        signed, self.signed = self.signed, []
        if not signed:
            return
        sample = signed[:: max(1, len(signed) // SPOT_CHECKS)]
        rows = store_visits.rows_by_id(self.store, (visit_id for visit_id, _ in sample))
        stored = {detail.summary.id: content_hash(canonical_visit(detail))
                  for detail, _ in store_visits.details(self.store, rows)}
        for visit_id, sealed in sample:
            if stored[visit_id] != sealed:
                raise StoreError(f"visit {visit_id}: the bulk loader sealed content that differs from the stored "
                                 "record; its _Sealable no longer follows canonical_visit")

    def revise_event(self, person: _Person, events: list[_Event], day: date) -> None:
        rng = self.rng
        assert person.patient is not None
        if rng.random() < 0.5:
            person.weight = min(max(round(person.weight + rng.gauss(0, 4), 1), 40.0), 165.0)
            changed = replace(person.patient, weight_kg=person.weight)
        else:
            changed = replace(person.patient, medications=rng.choice(MEDICATIONS))
        self.event(events, day, 7 * 3600 + rng.randint(0, 1500), _REVISE, person, changed, rng.choice(self.nurses))


def _next_working_day(day: date) -> date:
    """The first Monday-to-Friday after ``day``: when the physician signs that day's discharges."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


def _dose_values(plan: DosePlan) -> dict[str, object]:
    return {
        "drug": plan.drug, "route": plan.route, "mg_per_kg": plan.mg_per_kg, "weight_kg": plan.weight_kg,
        "dose_mg": plan.dose_mg, "concentration_mg_per_ml": plan.concentration_mg_per_ml,
        "volume_ml": plan.volume_ml, "duration_min": plan.duration_min, "rate_ml_per_h": plan.rate_ml_per_h,
        "lot_number": plan.lot_number,
    }


def generate(store: Store, protocol: Protocol, spec: BulkSpec | None = None) -> Iterator[Progress]:
    """Fill an open store (with no patients yet) with a synthetic clinic, yielding progress as chunks commit.

    The last item has ``done == total`` and the row count of every table written. Closing
    the generator early leaves the chunks committed so far, consistent and audit-chained.
    """
    return _Generator(store, protocol, spec or BulkSpec()).run()


def load(store: Store, protocol: Protocol, spec: BulkSpec | None = None,
         progress: Callable[[Progress], None] | None = None) -> Progress:
    """Run :func:`generate` to the end and return its final progress (rows written per table)."""
    last = Progress(0, (spec or BulkSpec()).visits)
    for step in generate(store, protocol, spec):
        last = step
        if progress is not None:
            progress(step)
    return last
