"""The course watch as stored (0017): patients' requests and decisions, screenings, acknowledged flags.

Every row is appended with its audit row in the same transaction; a decision is a row of
its own pointing at its request (one each, by a unique index), so a request is never
updated. A flag's acknowledgement carries its physician's signature in the row: its id is
chosen inside the write's transaction (the next after the last), so the signature can
cover it before the row is inserted. Reads hand back :mod:`ketadesk.core.watch.records`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.phases import Phase
from ketadesk.core.watch.records import (
    CourseInfusion,
    FlagAcknowledgement,
    PatientRequest,
    RequestDecision,
    RequestDecisionRecord,
    RequestKind,
    ScreeningKind,
    ScreeningRecord,
    ScreeningResult,
)
from ketadesk.store import audit
from ketadesk.store.db import Store

ACKNOWLEDGEMENT_FIELDS = ("course_id", "rule", "rule_version", "fingerprint", "inputs", "note", "at", "by")
"""The columns a physician's signature over an acknowledgement covers (with its id and key)."""


def add_request(
    store: Store, course_id: int, kind: RequestKind, detail: str, requested_at: str, *, at: str, actor_id: int
) -> int:
    """A patient's request, written down by the nurse or physician who heard it."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO patient_requests (course_id, kind, detail, requested_at, at, by) VALUES (?, ?, ?, ?, ?, ?)",
            (course_id, kind.value, detail, requested_at, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.PATIENT_REQUEST,
            entity=AuditEntity.COURSE,
            entity_id=course_id,
            after={"request": row_id, "kind": kind.value, "detail": detail, "requested_at": requested_at},
        )
    return row_id


def add_decision(
    store: Store, request: PatientRequest, decision: RequestDecision, reason: str, *, at: str, actor_id: int
) -> int:
    """The physician's decision on a request, in their own session."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO request_decisions (request_id, decision, reason, at, by) VALUES (?, ?, ?, ?, ?)",
            (request.id, decision.value, reason, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.DECIDE_REQUEST,
            entity=AuditEntity.COURSE,
            entity_id=request.course_id,
            after={"request": request.id, "decision": decision.value, "reason": reason},
        )
    return row_id


def add_screening(
    store: Store,
    patient_id: int,
    kind: ScreeningKind,
    score: int | None,
    result: ScreeningResult | None,
    detail: str,
    done_at: str,
    *,
    at: str,
    actor_id: int,
) -> int:
    """One substance-use screening of a patient, as the clinician who entered it recorded it."""
    value = result.value if result is not None else None
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO screenings (patient_id, kind, score, result, detail, done_at, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (patient_id, kind.value, score, value, detail, done_at, at, actor_id),
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.SCREENING,
            entity=AuditEntity.PATIENT,
            entity_id=patient_id,
            after={
                "screening": row_id,
                "kind": kind.value,
                "score": score,
                "result": value,
                "detail": detail,
                "done_at": done_at,
            },
        )
    return row_id


def next_acknowledgement_id(store: Store) -> int:
    """The id the next acknowledgement takes (read inside the write's transaction, which holds the write lock)."""
    row = store.one("SELECT coalesce(max(id), 0) + 1 FROM flag_acknowledgements")
    return int(row[0]) if row else 1


def add_acknowledgement(
    store: Store, acknowledgement_id: int, fields: dict[str, object], *, key_id: int, digital: bytes
) -> int:
    """A physician's signed acknowledgement of a flag, with the id and the columns its signature covers."""
    values = [fields[c] for c in ACKNOWLEDGEMENT_FIELDS]
    with store.transaction():
        store.execute(
            f"INSERT INTO flag_acknowledgements (id, {', '.join(ACKNOWLEDGEMENT_FIELDS)}, key_id, signature)"
            f" VALUES (?, {', '.join('?' for _ in ACKNOWLEDGEMENT_FIELDS)}, ?, ?)",
            (acknowledgement_id, *values, key_id, digital),
        )
        audit.append(
            store,
            at=str(fields["at"]),
            actor_id=int(str(fields["by"])),
            action=AuditAction.ACKNOWLEDGE_FLAG,
            entity=AuditEntity.COURSE,
            entity_id=int(str(fields["course_id"])),
            after={
                "acknowledgement": acknowledgement_id,
                "rule": fields["rule"],
                "version": fields["rule_version"],
                "fingerprint": fields["fingerprint"],
                "inputs": fields["inputs"],
                "note": fields["note"],
                "key_id": key_id,
                "digital_signature": digital.hex(),
            },
        )
    return acknowledgement_id


# ------------------------------------------------------------------ reads

_INFUSIONS = """SELECT v.id, v.sequence, v.scheduled_date, d.mg_per_kg, d.at AS prepared_at,
    (SELECT phase FROM visit_events e WHERE e.visit_id = v.id ORDER BY e.id DESC LIMIT 1) AS phase,
    (SELECT at FROM visit_events e WHERE e.visit_id = v.id AND e.phase = ? ORDER BY e.id LIMIT 1) AS started_at,
    EXISTS (SELECT 1 FROM visit_events e WHERE e.visit_id = v.id AND e.phase = ?) AS stopped_early
    FROM visits v JOIN doses d ON d.id = (SELECT max(id) FROM doses WHERE visit_id = v.id)
    WHERE v.course_id = ? ORDER BY v.scheduled_date, v.id"""


def course_infusions(store: Store, course_id: int) -> list[CourseInfusion]:
    """The course's visits with a dose prepared (the latest preparation), not cancelled and not a no-show."""
    rows = store.all(_INFUSIONS, (Phase.INFUSING.value, Phase.STOPPED_EARLY.value, course_id))
    found: list[CourseInfusion] = []
    for row in rows:
        if row["phase"] in (Phase.CANCELLED.value, Phase.NO_SHOW.value):
            continue
        started = row["started_at"]
        found.append(
            CourseInfusion(
                visit_id=row["id"],
                sequence=row["sequence"],
                day=date.fromisoformat(row["scheduled_date"]),
                mg_per_kg=float(row["mg_per_kg"]),
                at=from_utc_iso(started or row["prepared_at"]),
                started=started is not None,
                stopped_early=bool(row["stopped_early"]),
            )
        )
    return found


_REQUESTS = """SELECT r.*, u.login AS by_login, d.decision, d.reason, d.at AS decided_at, du.login AS decided_by
    FROM patient_requests r JOIN users u ON u.id = r.by
    LEFT JOIN request_decisions d ON d.request_id = r.id LEFT JOIN users du ON du.id = d.by"""


def _request(row: sqlite3.Row) -> PatientRequest:
    decision = None
    if row["decision"] is not None:
        decision = RequestDecisionRecord(
            RequestDecision(row["decision"]), row["reason"], from_utc_iso(row["decided_at"]), row["decided_by"]
        )
    return PatientRequest(
        row["id"],
        row["course_id"],
        RequestKind(row["kind"]),
        row["detail"],
        from_utc_iso(row["requested_at"]),
        from_utc_iso(row["at"]),
        row["by_login"],
        decision,
    )


def requests_for_course(store: Store, course_id: int) -> list[PatientRequest]:
    """The course's requests with their decisions, in the order they were written down."""
    return [_request(r) for r in store.all(f"{_REQUESTS} WHERE r.course_id = ? ORDER BY r.id", (course_id,))]


def request_by_id(store: Store, request_id: int) -> PatientRequest | None:
    """One request with its decision, or None."""
    row = store.one(f"{_REQUESTS} WHERE r.id = ?", (request_id,))
    return None if row is None else _request(row)


def screenings_for_patient(store: Store, patient_id: int) -> list[ScreeningRecord]:
    """The patient's screenings, oldest first."""
    rows = store.all(
        "SELECT s.*, u.login FROM screenings s JOIN users u ON u.id = s.by WHERE s.patient_id = ?"
        " ORDER BY s.done_at, s.id",
        (patient_id,),
    )
    return [
        ScreeningRecord(
            r["id"],
            r["patient_id"],
            ScreeningKind(r["kind"]),
            r["score"],
            None if r["result"] is None else ScreeningResult(r["result"]),
            r["detail"],
            from_utc_iso(r["done_at"]),
            from_utc_iso(r["at"]),
            r["login"],
        )
        for r in rows
    ]


def acknowledgements_for_course(store: Store, course_id: int) -> list[FlagAcknowledgement]:
    """The physicians' acknowledgements of the course's flags, oldest first."""
    rows = store.all(
        "SELECT a.*, u.login FROM flag_acknowledgements a JOIN users u ON u.id = a.by WHERE a.course_id = ?"
        " ORDER BY a.id",
        (course_id,),
    )
    return [
        FlagAcknowledgement(
            r["id"],
            r["course_id"],
            r["rule"],
            r["rule_version"],
            r["fingerprint"],
            r["inputs"],
            r["note"],
            from_utc_iso(r["at"]),
            r["login"],
        )
        for r in rows
    ]


def acknowledged_by(store: Store, course_id: int, rule: str, fingerprint: str) -> tuple[str, str] | None:
    """Who acknowledged this occurrence of a flag (display name) and when (UTC ISO); None while it waits.

    Read inside the acknowledging transaction, under the write lock, so that an acknowledgement
    made meanwhile at another workstation is seen before a second one is written.
    """
    row = store.one(
        "SELECT u.display_name, a.at FROM flag_acknowledgements a JOIN users u ON u.id = a.by"
        " WHERE a.course_id = ? AND a.rule = ? AND a.fingerprint = ?",
        (course_id, rule, fingerprint),
    )
    return None if row is None else (str(row[0]), str(row[1]))


@dataclass(frozen=True, slots=True)
class StoredAcknowledgement:
    """One acknowledgement's row as ``check`` verifies it: the columns signed, the signer, the key, the signature."""

    id: int
    fields: dict[str, object]
    signer_id: int
    signer: str
    key_id: int
    digital: bytes


def stored_acknowledgements(store: Store, after: int = 0) -> Iterator[StoredAcknowledgement]:
    """Every acknowledgement as stored (``after``: with a higher id), in order (``ketadesk check``)."""
    rows = store.all(
        f"SELECT a.id, {', '.join(f'a.{c}' for c in ACKNOWLEDGEMENT_FIELDS)}, a.key_id, a.signature, u.login"
        " FROM flag_acknowledgements a LEFT JOIN users u ON u.id = a.by WHERE a.id > ? ORDER BY a.id",
        (after,),
    )
    for row in rows:
        yield StoredAcknowledgement(
            row["id"],
            {c: row[c] for c in ACKNOWLEDGEMENT_FIELDS},
            row["by"],
            row["login"] or f"user {row['by']}",
            row["key_id"],
            bytes(row["signature"]),
        )
