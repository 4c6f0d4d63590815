"""What each kind of clinical row is compared on: its columns, and the same values read from its audit entries.

Used by :mod:`ketadesk.store.reconcile`; each pairing's two queries return the same columns
in the same order (a key — the row's id, or its visit's — then the values).
"""

from __future__ import annotations

from dataclasses import dataclass


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
# A temperature as Python writes it: 37.0 keeps its ".0" (PostgreSQL's text of a double would drop it).
_TEMP_TEXT = (
    "CASE WHEN v.temp_c = CAST(v.temp_c AS BIGINT) THEN CAST(CAST(v.temp_c AS BIGINT) AS TEXT) || '.0'"
    " ELSE CAST(v.temp_c AS TEXT) END"
)
# The reading's payload as :func:`payloads.vitals` writes it, rebuilt from its row (a REAL as text is Python's repr).
_VITALS_TEXT = (
    """'{"alerts":"' || v.alerts || '","baseline":' || """
    + _BOOL.format("v.is_baseline")
    + """ || ',' || CASE WHEN v.confirmed_extremes != '' THEN '"confirmed_extremes":"' || v.confirmed_extremes"""
    + """ || '",' ELSE '' END || '"corrects":' || coalesce(CAST(v.corrects_id AS TEXT), 'null') || ',"dbp":' || v.dbp"""
    + """ || ',"entered_in_error":' || """
    + _BOOL.format("v.entered_in_error")
    + """ || ',"hr":' || v.hr || ',"rr":' || v.rr || ',"sbp":' || v.sbp || ',"spo2":' || v.spo2"""
    + """ || ',"taken_at":"' || v.taken_at || '","temp_c":' || coalesce("""
    + _TEMP_TEXT
    + """, 'null')"""
    + """ || ',"visit_id":' || v.visit_id || '}'"""
)
# Readings are the most numerous rows: each is joined to its entry by the entity index and compared as
# text; only a reading whose entry differs (or is missing, or doubled), and an entry with no reading,
# is then compared value by value.
_VITALS_SUSPECTS = (
    "SELECT v.id FROM vitals v LEFT JOIN audit a ON a.entity = 'vitals' AND a.entity_id = v.id"
    " WHERE a.id IS NULL OR a.action NOT IN ('vitals', 'correct_vitals') OR a.actor_id IS NOT v.entered_by"
    f" OR a.at IS NOT v.entered_at OR a.after IS NOT ({_VITALS_TEXT})"
    # A reading's entry with no reading (the CSV export's entries name the vitals as a whole, with no id: not these).
    " UNION SELECT a.entity_id FROM audit a WHERE a.entity = 'vitals' AND a.action IN ('vitals', 'correct_vitals')"
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
        " corrects_id, entered_in_error, nullif(confirmed_extremes, '') FROM vitals",
        "SELECT entity_id, actor_id, at, "
        + _j("visit_id", "taken_at", "sbp", "dbp", "hr", "spo2", "rr", "temp_c", "alerts", "baseline", "corrects")
        + ", "
        + _j("entered_in_error")
        # Written only when the nurse confirmed one: an empty column is no key in the entry.
        + ", json_extract(after, '$.confirmed_extremes')"
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
        ("by", "at", "checklist", "item", "checked", "note"),
        # A corrected answer keeps the time of the one it replaces, which its entry does not carry: the
        # time is compared for every other answer (a changed time of a signed visit's answer is found).
        "SELECT visit_id, by, CASE WHEN id IN (SELECT replacement_id FROM corrections WHERE record = 'checklist')"
        " THEN NULL ELSE at END, checklist, item_key, checked, note FROM checklist_entries",
        _audit(
            "'checklist'",
            "visit",
            "entity_id",
            "CASE WHEN EXISTS (SELECT 1 FROM corrections c WHERE c.record = 'checklist'"
            " AND c.visit_id = audit.entity_id AND c.at = audit.at) THEN NULL ELSE at END, "
            + _j("checklist", "item", "checked", "note"),
        ),
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
        ("signer", "at", "visit", "addendum_id", "meaning", "content_hash", "key_id", "digital_signature"),
        "SELECT id, signer_id, signed_at, visit_id, addendum_id, meaning, content_hash, key_id,"
        " CASE WHEN signature IS NULL THEN NULL ELSE lower(hex(signature)) END FROM signatures",
        _audit(
            "'sign'",
            "visit",
            "json_extract(after, '$.signature_id')",
            "at, entity_id, " + _j("addendum_id", "meaning", "content_hash", "key_id", "digital_signature"),
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
    Pairing(
        "record_signatures",
        "row",
        ("signer", "at", "visit", "record", "record_id", "key_id", "digital_signature"),
        "SELECT id, signer_id, signed_at, visit_id, record, record_id, key_id, lower(hex(signature))"
        " FROM record_signatures",
        _audit(
            "'sign_record'",
            "visit",
            "json_extract(after, '$.signature_id')",
            "at, entity_id, " + _j("record", "record_id", "key_id", "digital_signature"),
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
