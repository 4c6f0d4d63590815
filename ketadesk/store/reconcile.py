"""Every clinical row against the audit entry written with it, in SQL, both ways.

Each store write inserts its row and, in the same transaction, an audit row whose ``after``
is the payload built from the same values (:mod:`ketadesk.store.payloads`). So the table,
projected onto those values, and the audit trail, projected onto the same values with
``json_extract``, must hold exactly the same rows: a row inserted by raw SQL has no audit
entry, a value changed in place no longer matches its entry, and an entry whose row was
deleted matches nothing. The comparison is one grouping query per kind of record (rows
and entries sorted together; every group of equal values must hold as many of each), so
it runs as set work inside SQLite rather than one lookup per row, and a duplicated row
shows as well as a missing one.

A kind whose audit entry is keyed by the visit (a checklist answer, a weight …) is
compared as (visit, values); one whose entry is keyed by the row (a reading, a note) or
carries the row's id (a signature, an adverse event) as (row id, values).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ketadesk.store import protocols
from ketadesk.store.db import Store

MAX_PER_KIND = 5  # differences reported per kind and direction


@dataclass(frozen=True, slots=True)
class Pairing:
    """One kind of clinical row and the audit entries that record it (the same columns, in order)."""

    table: str
    key: str  # what the first column is: "row", "visit", "patient" …
    columns: tuple[str, ...]  # names for the report, after the key
    rows: str  # SELECT key, value… FROM the table
    entries: str  # SELECT entity_id or payload id, value… FROM audit
    suspects: str = ""  # a quicker query for the keys that may differ; only those are compared value by value


def _j(*paths: str) -> str:
    return ", ".join(f"json_extract(after, '$.{p}')" for p in paths)


def _audit(actions: str, entity: str, key: str, values: str) -> str:
    # Through the one-pass list of entries by action (:func:`records_problems`): the audit has no index on action.
    return (
        f"SELECT {key}, actor_id, {values} FROM audit WHERE id IN"
        f" (SELECT id FROM temp.audit_by_action WHERE action IN ({actions})) AND entity = '{entity}'"
    )


_VITALS_TAIL = ("corrects", "entered_in_error", "confirmed_extremes")
_BOOL = "CASE {} WHEN 1 THEN 'true' ELSE 'false' END"
# The reading's payload as :func:`payloads.vitals` writes it, rebuilt from its row (a REAL as text is Python's repr).
_VITALS_TEXT = (
    """'{"alerts":"' || v.alerts || '","baseline":' || """
    + _BOOL.format("v.is_baseline")
    + """ || ',' || CASE WHEN v.confirmed_extremes != '' THEN '"confirmed_extremes":"' || v.confirmed_extremes"""
    + """ || '",' ELSE '' END || '"corrects":' || coalesce(v.corrects_id, 'null') || ',"dbp":' || v.dbp"""
    + """ || ',"entered_in_error":' || """
    + _BOOL.format("v.entered_in_error")
    + """ || ',"hr":' || v.hr || ',"rr":' || v.rr || ',"sbp":' || v.sbp || ',"spo2":' || v.spo2"""
    + """ || ',"taken_at":"' || v.taken_at || '","temp_c":' || coalesce(CAST(v.temp_c AS TEXT), 'null')"""
    + """ || ',"visit_id":' || v.visit_id || '}'"""
)
# Readings are the most numerous rows: each is joined to its entry by the entity index and compared as
# text; only a reading whose entry differs (or is missing, or doubled), and an entry with no reading,
# is then compared value by value.
_VITALS_SUSPECTS = (
    "SELECT v.id FROM vitals v LEFT JOIN audit a ON a.entity = 'vitals' AND a.entity_id = v.id"
    " WHERE a.id IS NULL OR a.action NOT IN ('vitals', 'correct_vitals') OR a.actor_id IS NOT v.entered_by"
    f" OR a.at IS NOT v.entered_at OR a.after IS NOT ({_VITALS_TEXT})"
    " UNION SELECT a.entity_id FROM audit a WHERE a.entity = 'vitals'"
    " AND NOT EXISTS (SELECT 1 FROM vitals WHERE id = a.entity_id)"
)
_FIRST_EVENT = "SELECT min(id) FROM visit_events GROUP BY visit_id"
_DOSE = ("drug", "route", "mg_per_kg", "weight_kg", "dose_mg", "concentration_mg_per_ml", "volume_ml")
_DOSE_ALL = (*_DOSE, "duration_min", "rate_ml_per_h", "lot_number")
_PATIENT = (
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "weight_kg",
    "allergies",
    "medications",
    "substance_use",
    "substance_use_note",
    "contraindications",
)
_DIAGNOSES = "(SELECT coalesce(group_concat(value, ','), '') FROM json_each(audit.after, '$.diagnoses'))"

PAIRINGS: tuple[Pairing, ...] = (
    Pairing(
        "vitals",
        "row",
        (
            "by",
            "at",
            "visit",
            "taken_at",
            "sbp",
            "dbp",
            "hr",
            "spo2",
            "rr",
            "temp_c",
            "alerts",
            "baseline",
            *_VITALS_TAIL,
        ),
        "SELECT id, entered_by, entered_at, visit_id, taken_at, sbp, dbp, hr, spo2, rr, temp_c, alerts, is_baseline,"
        " corrects_id, entered_in_error, confirmed_extremes FROM vitals",
        "SELECT entity_id, actor_id, at, "
        + _j("visit_id", "taken_at", "sbp", "dbp", "hr", "spo2", "rr", "temp_c", "alerts", "baseline", "corrects")
        + ", "
        + _j("entered_in_error")
        + ", coalesce(json_extract(after, '$.confirmed_extremes'), '')"
        " FROM audit WHERE entity = 'vitals' AND action IN ('vitals', 'correct_vitals')",
        _VITALS_SUSPECTS,
    ),
    Pairing(
        "notes",
        "row",
        ("by", "visit", "kind", "text", "corrects"),
        "SELECT id, by, visit_id, kind, text, corrects_id FROM notes",
        _audit("'note'", "note", "entity_id", _j("visit_id", "kind", "text", "corrects")),
    ),
    Pairing(
        "checklist_entries",
        "visit",
        ("by", "checklist", "item", "checked", "note"),
        "SELECT visit_id, by, checklist, item_key, checked, note FROM checklist_entries",
        _audit("'checklist'", "visit", "entity_id", _j("checklist", "item", "checked", "note")),
    ),
    Pairing(
        "weights",
        "visit",
        ("by", "at", "weight_kg"),
        "SELECT visit_id, by, at, weight_kg FROM weights",
        _audit("'weight'", "visit", "entity_id", "at, " + _j("weight_kg")),
    ),
    Pairing(
        "doses",
        "visit",
        ("by", "at", *_DOSE_ALL),
        f"SELECT visit_id, by, at, {', '.join(_DOSE_ALL)} FROM doses",
        _audit("'dose'", "visit", "entity_id", "at, " + _j(*_DOSE_ALL)),
    ),
    Pairing(
        "doses_given",
        "visit",
        ("by", "at", "dose_id", "given_mg", "calculated_mg", "minutes_run", "basis"),
        "SELECT visit_id, by, at, dose_id, given_mg, calculated_mg, minutes_run, basis FROM doses_given",
        _audit(
            "'dose_given'",
            "visit",
            "entity_id",
            "at, " + _j("dose_id", "given_mg", "calculated_mg", "minutes_run", "basis"),
        ),
    ),
    Pairing(
        "acknowledgements",
        "visit",
        ("by", "at", "subject", "subject_id", "note", "entered_by"),
        "SELECT visit_id, by, at, subject, subject_id, note, entered_by FROM acknowledgements",
        _audit("'acknowledge'", "visit", "entity_id", "at, " + _j("subject", "subject_id", "note", "entered_by")),
    ),
    Pairing(
        "scores",
        "visit",
        ("by", "scale", "total", "items", "taken_at"),
        "SELECT visit_id, by, scale, total, CASE WHEN items = '' THEN NULL ELSE json(items) END, taken_at FROM scores",
        _audit(
            "'score'",
            "visit",
            "entity_id",
            _j("scale", "total") + ", nullif(json_extract(after, '$.items'), '{}'), " + _j("taken_at"),
        ),
    ),
    Pairing(
        "adverse_events",
        "row",
        ("by", "at", "visit", "kind", "description", "onset_at"),
        "SELECT id, by, at, visit_id, kind, description, onset_at FROM adverse_events",
        _audit(
            "'adverse_event'",
            "visit",
            "json_extract(after, '$.id')",
            "at, entity_id, " + _j("kind", "description", "onset_at"),
        ),
    ),
    Pairing(
        "interventions",
        "row",
        ("by", "at", "visit", "drug", "dose", "route", "given_at", "note", "adverse_event_id"),
        "SELECT id, by, at, visit_id, drug, dose, route, given_at, note, adverse_event_id FROM interventions",
        _audit(
            "'intervention'",
            "visit",
            "json_extract(after, '$.id')",
            "at, entity_id, " + _j("drug", "dose", "route", "given_at", "note", "adverse_event_id"),
        ),
    ),
    Pairing(
        "visit_events",
        "visit",
        ("by", "at", "phase", "reason"),
        f"SELECT visit_id, by, at, phase, reason FROM visit_events WHERE id NOT IN ({_FIRST_EVENT})",
        _audit("'phase'", "visit", "entity_id", "at, " + _j("phase", "reason")),
    ),
    Pairing(
        "visit_events (scheduled)",
        "visit",
        ("by", "at", "phase"),
        f"SELECT visit_id, by, at, phase FROM visit_events WHERE id IN ({_FIRST_EVENT})",
        _audit("'schedule'", "visit", "entity_id", "at, 'scheduled'"),
    ),
    Pairing(
        "visits",
        "row",
        ("by", "at", "patient_id", "course_id", "sequence"),
        "SELECT id, created_by, created_at, patient_id, course_id, sequence FROM visits",
        _audit("'schedule'", "visit", "entity_id", "at, " + _j("patient_id", "course_id", "sequence")),
    ),
    Pairing(
        "visits (date and chair)",
        "row",
        ("date", "chair"),
        "SELECT id, scheduled_date, chair FROM visits",
        "SELECT entity_id, "
        + _j("date", "chair")
        + " FROM audit WHERE id IN (SELECT max(a.id) FROM temp.audit_by_action t JOIN audit a ON a.id = t.id"
        " WHERE t.action IN ('schedule', 'move') AND a.entity = 'visit' GROUP BY a.entity_id)",
    ),
    Pairing(
        "courses",
        "row",
        ("by", "at", "patient_id", "template", "start_date"),
        "SELECT id, created_by, created_at, patient_id, template_key, start_date FROM courses",
        _audit("'plan'", "course", "entity_id", "at, " + _j("patient_id", "template", "start_date")),
    ),
    Pairing(
        "patients",
        "row",
        ("by", "at", "mrn"),
        "SELECT id, created_by, created_at, mrn FROM patients",
        _audit("'register'", "patient", "entity_id", "at, " + _j("mrn")),
    ),
    Pairing(
        "patient_revisions",
        "patient",
        ("by", "at", *_PATIENT, "diagnoses"),
        f"SELECT patient_id, recorded_by, recorded_at, {', '.join(_PATIENT)}, diagnoses FROM patient_revisions",
        _audit("'register', 'revise'", "patient", "entity_id", "at, " + _j(*_PATIENT) + ", " + _DIAGNOSES),
    ),
    Pairing(
        "addenda",
        "row",
        ("by", "at", "visit", "text", "reason"),
        "SELECT id, by, at, visit_id, text, reason FROM addenda",
        _audit("'addendum'", "visit", "json_extract(after, '$.addendum_id')", "at, entity_id, " + _j("text", "reason")),
    ),
    Pairing(
        "signatures",
        "row",
        ("signer", "at", "visit", "addendum_id", "meaning", "content_hash"),
        "SELECT id, signer_id, signed_at, visit_id, addendum_id, meaning, content_hash FROM signatures",
        _audit(
            "'sign'",
            "visit",
            "json_extract(after, '$.signature_id')",
            "at, entity_id, " + _j("addendum_id", "meaning", "content_hash"),
        ),
    ),
    Pairing(
        "corrections",
        "row",
        ("by", "at", "visit", "record", "original", "replacement", "reason"),
        "SELECT id, by, at, visit_id, record, original_id, replacement_id, reason FROM corrections",
        _audit(
            "'correct', 'strike'",
            "correction",
            "entity_id",
            "at, " + _j("visit_id", "record", "original", "replacement", "reason"),
        ),
    ),
    Pairing(
        "approval_requests",
        "row",
        ("by", "at", "visit", "subject", "subject_id", "reason", "values", "physician"),
        "SELECT id, by, at, visit_id, subject, subject_id, reason, concerned, physician_id FROM approval_requests",
        _audit(
            "'request_approval'",
            "visit",
            "json_extract(after, '$.request')",
            "at, entity_id, " + _j("subject", "subject_id", "reason", "values", "physician"),
        ),
    ),
    Pairing(
        "approval_answers",
        "request",
        ("by", "at", "visit", "decision", "reason", "acknowledgement"),
        "SELECT request_id, by, at, visit_id, decision, reason, acknowledgement_id FROM approval_answers",
        _audit(
            "'approved_request', 'declined_request'",
            "visit",
            "json_extract(after, '$.request')",
            "at, entity_id, substr(action, 1, length(action) - 8), " + _j("reason", "acknowledgement"),
        ),
    ),
    Pairing(
        "verbal_orders",
        "row",
        ("by", "at", "visit", "subject", "subject_id", "mode", "text", "values", "physician", "read_back"),
        "SELECT id, by, at, visit_id, subject, subject_id, mode, order_text, concerned, physician_id, read_back"
        " FROM verbal_orders",
        _audit(
            "'record_verbal_order'",
            "visit",
            "json_extract(after, '$.order')",
            "at, entity_id, " + _j("subject", "subject_id", "mode", "text", "values", "physician", "read_back"),
        ),
    ),
    Pairing(
        "verbal_order_reviews",
        "order",
        ("by", "at", "visit", "review", "reason"),
        "SELECT order_id, by, at, visit_id, review, reason FROM verbal_order_reviews",
        _audit(
            "'countersign_verbal_order', 'dispute_verbal_order'",
            "visit",
            "json_extract(after, '$.order')",
            "at, entity_id, CASE action WHEN 'countersign_verbal_order' THEN 'countersigned' ELSE 'disputed' END, "
            + _j("reason"),
        ),
    ),
)


PROTOCOLS = (
    Pairing(
        "protocols",
        "row",
        ("by", "at", "sha256"),
        "SELECT id, by, at, sha256 FROM protocols",
        _audit("'protocol'", "protocol", "entity_id", "at, " + _j("sha256")) + " AND entity_id IS NOT NULL",
    ),
    Pairing(
        "visit_protocols",
        "visit",
        ("by", "at", "protocol_id", "sha256"),
        "SELECT visit_id, vp.by, vp.at, protocol_id, p.sha256 FROM visit_protocols vp"
        " LEFT JOIN protocols p ON p.id = vp.protocol_id",
        _audit("'protocol'", "visit", "entity_id", "at, " + _j("protocol_id", "sha256")),
    ),
)


def _describe(pairing: Pairing, row: sqlite3.Row) -> str:
    values = ", ".join(f"{name} {row[i + 1]!r}" for i, name in enumerate(pairing.columns))
    return f"{pairing.key} {row[0]} ({values})"


def _reconcile_one(store: Store, pairing: Pairing) -> list[str]:
    """One sort over the rows and the entries together: a group of equal values must hold as many of each."""
    names = ", ".join(f"c{i}" for i in range(len(pairing.columns) + 1))
    rows, entries = pairing.rows, pairing.entries
    if pairing.suspects:
        suspects = [int(r[0]) for r in store.all(f"{pairing.suspects} LIMIT {MAX_PER_KIND * 20}")]
        if not suspects:
            return []
        keys = ", ".join(str(k) for k in suspects)
        rows, entries = f"SELECT * FROM ({rows}) WHERE id IN ({keys})", f"{entries} AND entity_id IN ({keys})"
    differing = store.all(
        f"WITH r({names}) AS ({rows}), e({names}) AS ({entries})"
        f" SELECT {names}, sum(side) AS in_table, count(*) - sum(side) AS in_audit"
        f" FROM (SELECT 1 AS side, * FROM r UNION ALL SELECT 0, * FROM e)"
        f" GROUP BY {names} HAVING in_table != in_audit ORDER BY c0 LIMIT {MAX_PER_KIND * 2}"
    )
    table_side = [r for r in differing if r["in_table"] > r["in_audit"]]
    audit_side = [r for r in differing if r["in_table"] < r["in_audit"]]
    problems: list[str] = []
    for row in table_side:
        twins = [a for a in audit_side if a[0] == row[0]]
        if pairing.key == "row" and len(twins) == 1:  # the same row, changed: say what differs
            audit_side.remove(twins[0])
            changed = "; ".join(
                f"{name} {row[i + 1]!r} in the table, {twins[0][i + 1]!r} in the audit trail"
                for i, name in enumerate(pairing.columns)
                if row[i + 1] != twins[0][i + 1]
            )
            problems.append(f"{pairing.table}: row {row[0]} differs from its audit entry: {changed}")
        else:
            problems.append(f"{pairing.table}: {_describe(pairing, row)} has no matching audit entry")
    problems.extend(
        f"audit: an entry records {pairing.table} {_describe(pairing, row)} that is not in the table"
        for row in audit_side
    )
    return problems


def records_problems(store: Store) -> list[str]:
    """Every clinical row that its audit entry does not record as it is, and every entry with no row."""
    problems: list[str] = []
    conn = store.conn
    # Every entry but the readings' (those are found by the entity index), listed once by action, so
    # each kind reads only its own entries instead of scanning a million visit entries for each.
    conn.execute("DROP TABLE IF EXISTS temp.audit_by_action")
    conn.execute(
        "CREATE TEMP TABLE audit_by_action AS SELECT action, id FROM audit"
        " WHERE entity IN ('visit', 'note', 'course', 'patient', 'correction', 'protocol')"
    )
    conn.execute("CREATE INDEX temp.audit_by_action_index ON audit_by_action(action, id)")
    for pairing in (*PAIRINGS, *PROTOCOLS):
        try:
            problems.extend(_reconcile_one(store, pairing))
        except sqlite3.DatabaseError as error:
            problems.append(f"{pairing.table}: could not be reconciled with the audit trail ({error})")
    conn.execute("DROP TABLE IF EXISTS temp.audit_by_action")
    problems.extend(protocols.altered(store))
    return problems
