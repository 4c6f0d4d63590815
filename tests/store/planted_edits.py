"""The edits an insider with the file could make behind the program's back, each with what ``check`` must say.

Each kind is a raw-SQL script (run with the triggers it needs dropped, as an insider
would) or a byte-level edit of the closed file, and a piece of the line ``check`` must
print about it. The suite in ``test_store_planted_edits.py`` applies each to a fresh
copy of one small demo clinic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ketadesk.store.audit import GENESIS, row_hash
from tests.store.planted_file_edits import flip_bytes, zero_page

Edit = Callable[[sqlite3.Connection], None]
SIGNED = "(SELECT phase FROM visit_events e WHERE e.visit_id = v.id ORDER BY e.id DESC LIMIT 1)"


@dataclass(frozen=True)
class Kind:
    """One planted edit and a piece of what check must report."""

    name: str
    edit: Edit | None  # raw SQL on the copy; None: ``file_edit`` instead
    expect: str
    file_edit: Callable[[Path], None] | None = None


def _one(conn: sqlite3.Connection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None, sql
    return int(row[0])


def _user(conn: sqlite3.Connection, login: str) -> int:
    return _one(conn, f"SELECT id FROM users WHERE login = '{login}'")


def _unsigned(conn: sqlite3.Connection) -> int:
    """A visit in progress with readings (not signed: no trigger refuses a new row)."""
    return _one(
        conn,
        f"SELECT v.id FROM visits v WHERE {SIGNED} NOT IN ('signed', 'scheduled')"
        " AND EXISTS (SELECT 1 FROM vitals WHERE visit_id = v.id) ORDER BY v.id",
    )


def _signed(conn: sqlite3.Connection) -> int:
    return _one(conn, f"SELECT v.id FROM visits v WHERE {SIGNED} = 'signed' ORDER BY v.id")


def _drop(conn: sqlite3.Connection, *triggers: str) -> None:
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")


def _sql(*statements: str, drop: tuple[str, ...] = ()) -> Edit:
    def edit(conn: sqlite3.Connection) -> None:
        _drop(conn, *drop)
        for statement in statements:
            conn.execute(
                statement.format(
                    unsigned=_unsigned(conn) if "{unsigned}" in statement else 0,
                    signed=_signed(conn) if "{signed}" in statement else 0,
                    doctor=_user(conn, "doctor"),
                    nurse=_user(conn, "nurse"),
                )
            )

    return edit


def _rehash_from(conn: sqlite3.Connection, first: int) -> None:
    """Recompute every audit hash from entry ``first`` with plain SHA-256, as anyone can."""
    row = conn.execute("SELECT hash FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1", (first,)).fetchone()
    prev = row[0] if row else GENESIS
    rows = conn.execute(
        "SELECT id, at, actor_id, action, entity, entity_id, before, after FROM audit WHERE id >= ? ORDER BY id",
        (first,),
    ).fetchall()
    for audit_id, at, actor, action, entity, entity_id, before, after in rows:
        digest = row_hash(prev, at, actor, action, entity, entity_id, before, after)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, audit_id))
        prev = digest


def _rewrite_reading(conn: sqlite3.Connection) -> None:
    """Change a reading and its audit payload alike, then re-hash the chain: only a keyed chain sees it."""
    _drop(conn, "vitals_no_update", "audit_no_update")
    visit = _unsigned(conn)
    reading = _one(conn, f"SELECT max(id) FROM vitals WHERE visit_id = {visit}")
    entry = _one(conn, f"SELECT id FROM audit WHERE entity = 'vitals' AND entity_id = {reading}")
    sbp = _one(conn, f"SELECT sbp FROM vitals WHERE id = {reading}")
    conn.execute("UPDATE vitals SET sbp = ? WHERE id = ?", (sbp - 30, reading))
    conn.execute(
        "UPDATE audit SET after = replace(after, ?, ?) WHERE id = ?", (f'"sbp":{sbp},', f'"sbp":{sbp - 30},', entry)
    )
    _rehash_from(conn, entry)


def _delete_middle_audit(conn: sqlite3.Connection) -> None:
    _drop(conn, "audit_no_delete")
    middle = _one(conn, "SELECT max(id) / 2 FROM audit")
    conn.execute("DELETE FROM audit WHERE id = ?", (middle,))


def _delete_audit_tail(count: int) -> Edit:
    """The last ``count`` entries go (in the demo: a backup, a sign-out, then a sign-in and the lockout)."""

    def edit(conn: sqlite3.Connection) -> None:
        _drop(conn, "audit_no_delete")
        conn.execute("DELETE FROM audit WHERE id > (SELECT max(id) FROM audit) - ?", (count,))

    return edit


_VITALS_COPY = (
    "INSERT INTO vitals (visit_id, taken_at, sbp, dbp, hr, spo2, rr, temp_c, source, alerts, is_baseline,"
    " entered_at, entered_by) SELECT visit_id, taken_at, 118, 76, 70, 98, 14, temp_c, source, '', 0,"
    " entered_at, entered_by FROM vitals WHERE visit_id = {unsigned} ORDER BY id DESC LIMIT 1"
)
_LAST_VITALS = "(SELECT max(id) FROM vitals WHERE visit_id = {unsigned})"
_USER = "UPDATE users SET {} WHERE login = '{}'"

KINDS: tuple[Kind, ...] = (
    # Users: the rows that change in place, against their audit history.
    Kind("role raised", _sql(_USER.format("roles = 'administrator,nurse'", "nurse")), "user nurse: roles are"),
    Kind("role removed", _sql(_USER.format("roles = ''", "doctor")), "user doctor: roles are"),
    Kind(
        "password hash replaced",
        _sql(
            "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE login = 'nurse')"
            " WHERE login = 'doctor'"
        ),
        "user doctor: the password hash",
    ),
    Kind("password hash cleared", _sql(_USER.format("password_hash = NULL", "nurse2")), "user nurse2: the password"),
    Kind("password given to the system", _sql(_USER.format("password_hash = 'x'", "system")), "user system: the pass"),
    Kind("login deactivated", _sql(_USER.format("active = 0", "nurse")), "user nurse: active is 0"),
    Kind("lockout cleared", _sql(_USER.format("failed_attempts = 0, locked_until = NULL", "nurse2")), "user nurse2:"),
    Kind("failed attempts raised", _sql(_USER.format("failed_attempts = 4", "doctor")), "user doctor: failed attempts"),
    Kind("lock set", _sql(_USER.format("locked_until = '2030-01-01T00:00:00Z'", "nurse")), "user nurse: locked until"),
    Kind("credentials changed", _sql(_USER.format("credentials = 'MD'", "nurse")), "user nurse: credentials are"),
    Kind("printed name changed", _sql(_USER.format("display_name = 'Dr Who'", "nurse")), "user nurse: display name"),
    Kind("login renamed", _sql(_USER.format("login = 'dr.x'", "doctor")), "user dr.x: login is dr.x"),
    Kind(
        "user inserted",
        _sql(
            "INSERT INTO users (login, display_name, roles, password_hash, created_at)"
            " VALUES ('ghost', 'Ghost', 'physician', 'x', '2026-01-01T00:00:00Z')"
        ),
        "user ghost: no audit entry",
    ),
    # Clinical rows with no audit entry, or changed after it.
    Kind("reading inserted", _sql(_VITALS_COPY), "vitals: row"),
    Kind(
        "reading changed",
        _sql(f"UPDATE vitals SET sbp = sbp + 40 WHERE id = {_LAST_VITALS}", drop=("vitals_no_update",)),
        "vitals: row",
    ),
    Kind(
        "reading deleted",
        _sql(f"DELETE FROM vitals WHERE id = {_LAST_VITALS}", drop=("vitals_no_delete",)),
        "that is not in the table",
    ),
    Kind(
        "acknowledgement forged for the physician",
        _sql(
            "INSERT INTO acknowledgements (visit_id, subject, subject_id, note, at, by)"
            " VALUES ({unsigned}, 'discharge_override', NULL, 'ok to go', '2026-11-24T08:00:00Z', {doctor})"
        ),
        "acknowledgements: visit",
    ),
    Kind(
        "note inserted",
        _sql(
            "INSERT INTO notes (visit_id, kind, text, at, by) VALUES ({unsigned}, 'nursing', 'fine',"
            " '2026-11-24T08:00:00Z', {nurse})"
        ),
        "notes: row",
    ),
    Kind(
        "note rewritten",
        _sql(
            "UPDATE notes SET text = text || ' (not)' WHERE id = (SELECT min(id) FROM notes)", drop=("notes_no_update",)
        ),
        "notes: row",
    ),
    Kind(
        "checklist answer flipped",
        _sql(
            "UPDATE checklist_entries SET checked = 1 - checked WHERE id = (SELECT min(id) FROM checklist_entries)",
            drop=("checklist_entries_no_update",),
        ),
        "checklist_entries: visit",
    ),
    Kind(
        "weight changed",
        _sql("UPDATE weights SET weight_kg = weight_kg + 20 WHERE id = 1", drop=("weights_no_update",)),
        "weights: visit",
    ),
    Kind(
        "dose changed",
        _sql("UPDATE doses SET dose_mg = dose_mg * 2 WHERE id = 1", drop=("doses_no_update",)),
        "doses: visit",
    ),
    Kind(
        "dose given changed",
        _sql("UPDATE doses_given SET given_mg = given_mg + 10 WHERE id = 1", drop=("doses_given_no_update",)),
        "doses_given: visit",
    ),
    Kind(
        "score inserted",
        _sql(
            "INSERT INTO scores (visit_id, scale, total, items, taken_at, by) VALUES ({unsigned}, 'rass', 0, '',"
            " '2026-11-24T08:00:00Z', {nurse})"
        ),
        "scores: visit",
    ),
    Kind(
        "phase step inserted",
        _sql(
            "INSERT INTO visit_events (visit_id, phase, at, by) VALUES ({unsigned}, 'discharged',"
            " '2026-11-24T08:00:00Z', {nurse})"
        ),
        "visit_events: visit",
    ),
    Kind(
        "signed visit un-signed",
        _sql(
            "DELETE FROM visit_events WHERE id = (SELECT max(id) FROM visit_events WHERE visit_id = {signed})",
            drop=("visit_events_no_delete",),
        ),
        "an entry records visit_events",
    ),
    Kind(
        "signature deleted",
        _sql("DELETE FROM signatures WHERE id = 1", drop=("signatures_no_delete",)),
        "an entry records signatures",
    ),
    Kind(
        "signature's meaning changed",
        _sql("UPDATE signatures SET meaning = 'reviewed' WHERE id = 1", drop=("signatures_no_update",)),
        "signatures: row 1",
    ),
    Kind(
        "addendum rewritten",
        _sql("UPDATE addenda SET text = 'nothing happened' WHERE id = 1", drop=("addenda_no_update",)),
        "addenda: row 1",
    ),
    Kind(
        "patient renamed",
        _sql("UPDATE patient_revisions SET family_name = 'Smith' WHERE id = 1", drop=("patient_revisions_no_update",)),
        "patient_revisions: patient",
    ),
    Kind("MRN changed", _sql("UPDATE patients SET mrn = 'X-1' WHERE id = 1"), "patients: row 1"),
    Kind(
        "visit moved by raw SQL",
        _sql("UPDATE visits SET chair = coalesce(chair, 0) + 5 WHERE id = {unsigned}"),
        "visits (date and chair): row",
    ),
    Kind(
        "visit given to another patient",
        _sql(
            "UPDATE visits SET patient_id = (SELECT min(id) FROM patients WHERE id <> "
            "(SELECT patient_id FROM visits WHERE id = {unsigned})) WHERE id = {unsigned}"
        ),
        "visits: row",
    ),
    Kind("course changed", _sql("UPDATE courses SET start_date = '2020-01-01' WHERE id = 1"), "courses: row 1"),
    Kind(
        "reading for a visit that does not exist",
        _sql(_VITALS_COPY.replace("SELECT visit_id", "SELECT 9999")),
        "foreign_key_check: vitals",
    ),
    Kind(
        "signed visit put back on the worklist",
        _sql("INSERT INTO awaiting_signature (visit_id, discharged_at) VALUES ({signed}, '2026-11-24T08:00:00Z')"),
        "signature worklist: visit",
    ),
    # The audit trail itself.
    Kind("audit entry deleted in the middle", _delete_middle_audit, "audit chain: entry"),
    Kind(
        "audit entry's text changed",
        _sql(
            "UPDATE audit SET after = replace(after, 'Penicillin', 'Nothing') WHERE action = 'register'",
            drop=("audit_no_update",),
        ),
        "audit chain: entry",
    ),
    Kind(
        "audit entry's actor changed",
        _sql("UPDATE audit SET actor_id = {doctor} WHERE id = 40", drop=("audit_no_update",)),
        "audit chain: entry 40",
    ),
    Kind(
        "last audit entries deleted",
        _delete_audit_tail(2),
        "audit anchor: the record ends at entry",
    ),
    Kind("last audit entries deleted, sign-ins with them", _delete_audit_tail(5), "user nurse2: failed attempts"),
    Kind(
        "reading and its entry rewritten, chain re-hashed",
        _rewrite_reading,
        "audit chain",
    ),
    # The schema.
    Kind("signed-lock trigger dropped", _sql(drop=("vitals_signed_lock",)), "schema: trigger vitals_signed_lock is"),
    Kind("append-only trigger dropped", _sql(drop=("audit_no_update",)), "schema: trigger audit_no_update is missing"),
    Kind("index dropped", _sql("DROP INDEX audit_entity"), "schema: index audit_entity is missing"),
    Kind(
        "trigger added",
        _sql("CREATE TRIGGER quiet AFTER INSERT ON vitals BEGIN SELECT 1; END"),
        "schema: trigger quiet is not created",
    ),
    Kind(
        "trigger weakened",
        _sql(
            "CREATE TRIGGER vitals_signed_lock BEFORE INSERT ON vitals WHEN 0 BEGIN SELECT 1; END",
            drop=("vitals_signed_lock",),
        ),
        "schema: trigger vitals_signed_lock differs",
    ),
    Kind("column added", _sql("ALTER TABLE vitals ADD COLUMN hidden TEXT"), "schema: table vitals differs"),
    Kind("table added", _sql("CREATE TABLE side (x TEXT)"), "schema: table side is not created"),
    Kind("schema version lowered", _sql("PRAGMA user_version = 3"), "schema version is 3"),
    # The protocol each visit ran under.
    Kind(
        "protocol text changed",
        _sql(
            "UPDATE protocols SET text = replace(text, '\"chairs\":', '\"chairs\": ') WHERE id = 1",
            drop=("protocols_no_update",),
        ),
        "protocols: row 1's text has changed",
    ),
    Kind(
        "protocol hash replaced",
        _sql("UPDATE protocols SET sha256 = hex(randomblob(32)) WHERE id = 1", drop=("protocols_no_update",)),
        "protocols: row 1",
    ),
    Kind(
        "visit's protocol record deleted",
        _sql("DELETE FROM visit_protocols WHERE visit_id = {unsigned}", drop=("visit_protocols_no_delete",)),
        "an entry records visit_protocols",
    ),
    Kind(
        "visit given another protocol",
        _sql(
            "INSERT INTO protocols (sha256, text, at, by) VALUES (hex(randomblob(32)), '{{}}', '2026-01-01', 1)",
            "UPDATE visit_protocols SET protocol_id = 2 WHERE visit_id = {unsigned}",
            drop=("visit_protocols_no_update",),
        ),
        "visit_protocols: visit",
    ),
    # Bytes.
    Kind(
        "allergy hex-edited (first copy)",
        None,
        "patient_revisions",
        file_edit=flip_bytes(b"Penicillin", b"Penicillim", 0),
    ),
    Kind(
        "allergy hex-edited (last copy)",
        None,
        "patient_revisions",
        file_edit=flip_bytes(b"Penicillin", b"Penicillim", -1),
    ),
    Kind("a page zeroed", None, "integrity", file_edit=zero_page),
)
