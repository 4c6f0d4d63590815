"""What each row of the course watch (0017) is compared on with the audit entry written with it.

Used by :mod:`ketadesk.store.reconcile` beside its own pairings: requests, decisions and
acknowledgements are entries about their course, screenings about their patient; each
entry carries its row's id (a decision, its request's), so a row is compared as (id,
values) and a row changed, added or removed behind the program's back is named.
"""

from __future__ import annotations

from ketadesk.store.reconcile_pairings import Pairing, _audit, _j

WATCH_PAIRINGS: tuple[Pairing, ...] = (
    Pairing(
        "patient_requests",
        "row",
        ("by", "at", "course", "kind", "detail", "requested_at"),
        "SELECT id, by, at, course_id, kind, detail, requested_at FROM patient_requests",
        _audit(
            "'patient_request'",
            "course",
            "json_extract(after, '$.request')",
            "at, entity_id, " + _j("kind", "detail", "requested_at"),
        ),
    ),
    Pairing(
        "request_decisions",
        "request",
        ("by", "at", "course", "decision", "reason"),
        "SELECT d.request_id, d.by, d.at, r.course_id, d.decision, d.reason FROM request_decisions d"
        " LEFT JOIN patient_requests r ON r.id = d.request_id",
        _audit(
            "'decide_request'",
            "course",
            "json_extract(after, '$.request')",
            "at, entity_id, " + _j("decision", "reason"),
        ),
    ),
    Pairing(
        "screenings",
        "row",
        ("by", "at", "patient", "kind", "score", "result", "detail", "done_at"),
        "SELECT id, by, at, patient_id, kind, score, result, detail, done_at FROM screenings",
        _audit(
            "'screening'",
            "patient",
            "json_extract(after, '$.screening')",
            "at, entity_id, " + _j("kind", "score", "result", "detail", "done_at"),
        ),
    ),
    Pairing(
        "flag_acknowledgements",
        "row",
        ("by", "at", "course", "rule", "version", "fingerprint", "inputs", "note", "key_id", "digital_signature"),
        "SELECT id, by, at, course_id, rule, rule_version, fingerprint, inputs, note, key_id, lower(hex(signature))"
        " FROM flag_acknowledgements",
        _audit(
            "'acknowledge_flag'",
            "course",
            "json_extract(after, '$.acknowledgement')",
            "at, entity_id, " + _j("rule", "version", "fingerprint", "inputs", "note", "key_id", "digital_signature"),
        ),
    ),
)
