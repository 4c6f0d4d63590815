"""Outcome measures as stored: the instruments a course uses, the measures, and the risk flag's answers.

Every write appends its row and its audit entry in one transaction, with the payload built
here once (:func:`measure_payload` and its siblings), so ``check`` can rebuild each row from
its entry (:mod:`ketadesk.store.reconcile_outcomes`). Nothing is updated: a course's new
choice of instruments is a new row, a corrected measure a new row pointing at the one it
replaces, a strike a row that says so; the reads give every row, and core decides which count.
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from collections.abc import Mapping, Sequence

from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.instruments.measures import (
    EntryMode,
    Measure,
    scored_from_payload,
    scored_payload,
    status_from_payload,
)
from ketadesk.core.instruments.risk import RiskAssessment, RiskLevel, RiskOverride
from ketadesk.core.instruments.rules import OutcomeStatus
from ketadesk.core.instruments.types import InstrumentKey, Scored
from ketadesk.core.phases import Phase
from ketadesk.store import audit
from ketadesk.store.audit import canonical
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound


def instruments_text(instruments: Sequence[InstrumentKey]) -> str:
    """A course's instruments as the row keeps them: their keys joined by commas, in order."""
    return ",".join(i.value for i in instruments)


def choose_instruments(
    store: Store, course_id: int, instruments: Sequence[InstrumentKey], *, at: str, actor_id: int
) -> int:
    """Record which instruments a course uses from now on (the latest row of a course counts)."""
    text = instruments_text(instruments)
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO course_instruments (course_id, instruments, at, by) VALUES (?, ?, ?, ?)",
            (course_id, text, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.CHOOSE_INSTRUMENTS,
            entity=AuditEntity.COURSE,
            entity_id=course_id,
            after={"id": row_id, "instruments": text},
        )
    return row_id


def course_instruments(store: Store, course_id: int) -> tuple[InstrumentKey, ...] | None:
    """The instruments chosen for a course (None when none were: a course planned before 0016)."""
    row = store.one(
        "SELECT instruments FROM course_instruments WHERE course_id = ? ORDER BY id DESC LIMIT 1", (course_id,)
    )
    return None if row is None else tuple(InstrumentKey(k) for k in row[0].split(","))


def answers_payload(answers: Mapping[int, int]) -> dict[str, int]:
    """The answers as JSON keeps them: item numbers as text, in item order (canonical JSON sorts them as text)."""
    return {str(n): v for n, v in sorted(answers.items())}


def measure_payload(
    *,
    patient_id: int,
    course_id: int | None,
    visit_id: int | None,
    answers: Mapping[int, int],
    scored: Scored,
    status: OutcomeStatus,
    mode: EntryMode,
    corrects_id: int | None,
    entered_in_error: bool,
    reason: str,
) -> dict[str, object]:
    """A measure's audit payload: every column of its row but who and when (the entry's own actor and time)."""
    return {
        "patient_id": patient_id,
        "course_id": course_id,
        "visit_id": visit_id,
        "instrument": scored.instrument.value,
        "answers": answers_payload(answers),
        "scores": scored_payload(scored),
        "status": status.payload(),
        "total": scored.total,
        "scoring_version": scored.version,
        "rule_version": status.rule_version,
        "mode": mode.value,
        "corrects": corrects_id,
        "entered_in_error": entered_in_error,
        "reason": reason,
    }


def add_measure(
    store: Store,
    *,
    patient_id: int,
    course_id: int | None,
    visit_id: int | None,
    answers: Mapping[int, int],
    scored: Scored,
    status: OutcomeStatus,
    mode: EntryMode,
    at: str,
    actor_id: int,
    corrects_id: int | None = None,
    entered_in_error: bool = False,
    reason: str = "",
) -> int:
    """Save one measure (or a correction or strike of one) with its audit entry."""
    payload = measure_payload(
        patient_id=patient_id,
        course_id=course_id,
        visit_id=visit_id,
        answers=answers,
        scored=scored,
        status=status,
        mode=mode,
        corrects_id=corrects_id,
        entered_in_error=entered_in_error,
        reason=reason,
    )
    with store.transaction():
        row_id = store.insert(
            """INSERT INTO outcome_measures (patient_id, course_id, visit_id, instrument, answers, scores, status,
               total, scoring_version, rule_version, mode, entered_at, entered_by, corrects_id, entered_in_error,
               correction_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                patient_id,
                course_id,
                visit_id,
                scored.instrument.value,
                canonical(payload["answers"]),
                canonical(payload["scores"]),
                canonical(payload["status"]),
                scored.total,
                scored.version,
                status.rule_version,
                mode.value,
                at,
                actor_id,
                corrects_id,
                int(entered_in_error),
                reason,
            ),
        )
        action = (
            AuditAction.STRIKE_MEASURE
            if entered_in_error
            else AuditAction.CORRECT_MEASURE
            if corrects_id is not None
            else AuditAction.MEASURE
        )
        audit.append(
            store, at=at, actor_id=actor_id, action=action, entity=AuditEntity.MEASURE, entity_id=row_id, after=payload
        )
    return row_id


_MEASURES = "SELECT m.*, u.login FROM outcome_measures m JOIN users u ON u.id = m.entered_by"


class _Parsed:
    """The scorings and statuses already parsed in one read, by their stored text.

    A patient's measures repeat the same few: one scoring per total and band, one status
    per verdict. Parsed once each, a long course's hundreds of rows read in a fraction of
    the time; the values are immutable, so sharing them is safe.
    """

    def __init__(self) -> None:
        self.scored: dict[tuple[InstrumentKey, str], Scored] = {}
        self.status: dict[str, OutcomeStatus] = {}

    def measure(self, r: sqlite3.Row) -> Measure:
        instrument = InstrumentKey(r["instrument"])
        scores_text, status_text = r["scores"], r["status"]
        scored = self.scored.get((instrument, scores_text))
        if scored is None:
            scored = self.scored[instrument, scores_text] = scored_from_payload(instrument, json.loads(scores_text))
        status = self.status.get(status_text)
        if status is None:
            status = self.status[status_text] = status_from_payload(json.loads(status_text))
        return Measure(
            id=r["id"],
            patient_id=r["patient_id"],
            course_id=r["course_id"],
            visit_id=r["visit_id"],
            instrument=instrument,
            answers=tuple(sorted((int(k), int(v)) for k, v in json.loads(r["answers"]).items())),
            scored=scored,
            status=status,
            mode=EntryMode(r["mode"]),
            entered_at=from_utc_iso(r["entered_at"]),
            entered_by=r["login"],
            corrects_id=r["corrects_id"],
            entered_in_error=bool(r["entered_in_error"]),
            correction_reason=r["correction_reason"],
        )


# The last patient's measures read on each open store, with the revision they were read at: a screen
# that asks several times while it draws (the course view, its trend, the watch) reads and parses once.
# Any commit, here or by another connection, moves the revision, so a stale list is never given.
_last_read: weakref.WeakKeyDictionary[Store, tuple[int, tuple[int, int], tuple[Measure, ...]]] = (
    weakref.WeakKeyDictionary()
)


def forget_last_read() -> None:
    """Drop the remembered reads, so the next read parses afresh (a benchmark's cold open after no commit)."""
    _last_read.clear()


def measures(store: Store, patient_id: int) -> list[Measure]:
    """Every measure row of a patient, corrected and struck ones included, oldest first."""
    revision = store.revision()
    last = _last_read.get(store)
    if last is not None and last[0] == patient_id and last[1] == revision:
        return list(last[2])
    rows = store.all(f"{_MEASURES} WHERE m.patient_id = ? ORDER BY m.entered_at, m.id", (patient_id,))
    parsed = _Parsed()
    found = tuple(parsed.measure(r) for r in rows)
    _last_read[store] = (patient_id, revision, found)
    return list(found)


def measure(store: Store, measure_id: int) -> Measure:
    """One measure row."""
    row = store.one(f"{_MEASURES} WHERE m.id = ?", (measure_id,))
    if row is None:
        raise NotFound(f"no outcome measure with id {measure_id}")
    return _Parsed().measure(row)


def add_risk_assessment(
    store: Store, measure: Measure, level: RiskLevel, action: str, *, at: str, actor_id: int
) -> int:
    """A clinician's assessment of the risk ``measure`` raised."""
    fields: dict[str, object] = {"level": level.value, "action": action}
    return _answer_flag(
        store,
        "risk_assessments",
        measure,
        fields,
        AuditAction.RISK_ASSESSMENT,
        AuditEntity.RISK_ASSESSMENT,
        at,
        actor_id,
    )


def add_risk_override(
    store: Store, measure: Measure, reason: str, *, at: str, actor_id: int, entered_by: int | None
) -> int:
    """A physician's override of the flag ``measure`` raised (``actor_id`` the physician, typed in ``entered_by``'s)."""
    fields: dict[str, object] = {"reason": reason, "entered_by": entered_by}
    return _answer_flag(
        store,
        "risk_overrides",
        measure,
        fields,
        AuditAction.OVERRIDE_RISK_FLAG,
        AuditEntity.RISK_OVERRIDE,
        at,
        actor_id,
    )


def _answer_flag(
    store: Store,
    table: str,
    measure: Measure,
    fields: dict[str, object],
    action: AuditAction,
    entity: AuditEntity,
    at: str,
    actor_id: int,
) -> int:
    """One row answering the flag ``measure`` raised, with its audit entry in the same transaction.

    Assessments and overrides name the measure, its patient and visit, then their own fields;
    the audit entry carries the same values, which is what ``check`` reconciles them by.
    """
    after: dict[str, object] = {
        "measure_id": measure.id,
        "patient_id": measure.patient_id,
        "visit_id": measure.visit_id,
        **fields,
    }
    columns = [*after, "at", "by"]
    with store.transaction():
        row_id = store.insert(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            (*after.values(), at, actor_id),
        )
        audit.append(store, at=at, actor_id=actor_id, action=action, entity=entity, entity_id=row_id, after=after)
    return row_id


def assessments(store: Store, patient_id: int) -> list[RiskAssessment]:
    """Every risk assessment of a patient, oldest first."""
    rows = store.all(
        "SELECT a.*, u.login FROM risk_assessments a JOIN users u ON u.id = a.by WHERE a.patient_id = ? ORDER BY a.id",
        (patient_id,),
    )
    return [
        RiskAssessment(r["id"], r["measure_id"], RiskLevel(r["level"]), r["action"], from_utc_iso(r["at"]), r["login"])
        for r in rows
    ]


def overrides(store: Store, patient_id: int) -> list[RiskOverride]:
    """Every physician's override of a patient's flags, oldest first."""
    rows = store.all(
        "SELECT o.*, u.login, e.login AS entered_login FROM risk_overrides o JOIN users u ON u.id = o.by"
        " LEFT JOIN users e ON e.id = o.entered_by WHERE o.patient_id = ? ORDER BY o.id",
        (patient_id,),
    )
    return [
        RiskOverride(r["id"], r["measure_id"], r["reason"], from_utc_iso(r["at"]), r["login"], r["entered_login"])
        for r in rows
    ]


def replaced_by(store: Store, measure_id: int) -> tuple[str, str, bool] | None:
    """Who corrected or struck a measure (display name), when (UTC ISO) and whether it was struck; None if no one.

    Read inside the correcting transaction, under the write lock, so that a correction made
    meanwhile at another workstation is seen before a second one is written.
    """
    row = store.one(
        "SELECT u.display_name, m.entered_at, m.entered_in_error FROM outcome_measures m"
        " JOIN users u ON u.id = m.entered_by WHERE m.corrects_id = ?",
        (measure_id,),
    )
    return None if row is None else (str(row[0]), str(row[1]), bool(row[2]))


def first_infusion_at(store: Store, course_id: int) -> str | None:
    """When the course's first infusion started (the course baseline is the last score before it)."""
    row = store.one(
        "SELECT min(e.at) FROM visit_events e JOIN visits v ON v.id = e.visit_id WHERE v.course_id = ? AND e.phase = ?",
        (course_id, Phase.INFUSING.value),
    )
    return None if row is None else row[0]
