"""Edits of a physician's signed approvals (0015) and of the course watch (0017), each with what ``check`` must say.

The demo clinic's physicians approve raised baselines in their own session, so each such
acknowledgement carries its author's digital signature; these kinds edit, forge, strip or
move one. The demo also records screenings, patients' requests with their decisions and a
physician's signed acknowledgement of a watch flag; the watch kinds change, remove, forge
or re-sign those. They join :data:`tests.store.planted_edits.KINDS` in the planted-edit suite.
"""

from __future__ import annotations

from tests.store.planted_edits import Kind, _sql

_APPROVAL = "(SELECT min(id) FROM acknowledgements WHERE subject = 'baseline_bp')"
_ALERT = "(SELECT min(id) FROM acknowledgements WHERE subject = 'vitals_alert')"

_REQUEST = "(SELECT min(id) FROM patient_requests)"
_REFUSAL = "(SELECT min(id) FROM request_decisions WHERE decision = 'refused')"
_SCREENING = "(SELECT min(id) FROM screenings WHERE score IS NOT NULL)"
_FLAG = "(SELECT min(id) FROM flag_acknowledgements)"

WATCH_KINDS: tuple[Kind, ...] = (
    Kind(
        "patient's request changed to another kind",
        _sql(
            f"UPDATE patient_requests SET kind = 'earlier_visit', detail = 'Moved' WHERE id = {_REQUEST}",
            drop=("patient_requests_no_update",),
        ),
        "patient_requests: row",
    ),
    Kind(
        "refused request turned into a granted one",
        _sql(
            f"UPDATE request_decisions SET decision = 'granted' WHERE id = {_REFUSAL}",
            drop=("request_decisions_no_update",),
        ),
        "request_decisions: request",
    ),
    Kind(
        "screening score lowered",
        _sql(f"UPDATE screenings SET score = 0, detail = 'x' WHERE id = {_SCREENING}", drop=("screenings_no_update",)),
        "screenings: row",
    ),
    Kind(
        "screening deleted",
        _sql(f"DELETE FROM screenings WHERE id = {_SCREENING}", drop=("screenings_no_delete",)),
        "audit: an entry records screenings",
    ),
    Kind(
        "request written in by raw SQL",
        _sql(
            "INSERT INTO patient_requests (course_id, kind, detail, requested_at, at, by)"
            " SELECT min(id), 'higher_dose', '', '2026-11-24T10:00:00.000000Z', '2026-11-24T10:00:00.000000Z', {nurse}"
            " FROM courses"
        ),
        "has no matching audit entry",
    ),
    Kind(
        "watch flag acknowledgement's note edited",
        _sql(
            f"UPDATE flag_acknowledgements SET note = 'Not needed' WHERE id = {_FLAG}",
            drop=("flag_acknowledgements_no_update",),
        ),
        "of a flag: the digital signature by doctor does not verify",
    ),
    Kind(
        "watch flag acknowledgement moved to the nurse",
        _sql(
            f"UPDATE flag_acknowledgements SET by = {{nurse}} WHERE id = {_FLAG}",
            drop=("flag_acknowledgements_no_update",),
        ),
        "another user's key",
    ),
    Kind(
        "watch flag acknowledgement forged in a physician's name",
        _sql(
            "INSERT INTO flag_acknowledgements (course_id, rule, rule_version, fingerprint, inputs, note, at, by,"
            " key_id, signature) SELECT course_id, 'dose-creep', 1, '" + "b" * 64 + "', '', 'Fine',"
            " '2026-11-24T11:00:00.000000Z', by, key_id, zeroblob(64) FROM flag_acknowledgements"
            f" WHERE id = {_FLAG}"
        ),
        "acknowledgement 2 of a flag",
    ),
)

RECORD_KINDS: tuple[Kind, ...] = (
    Kind(
        "approval's reason edited",
        _sql(
            f"UPDATE acknowledgements SET note = 'Proceed' WHERE id = {_APPROVAL}", drop=("acknowledgements_no_update",)
        ),
        "(changed after it was signed, or forged)",
    ),
    Kind(
        "approval's author changed",
        _sql(
            f"UPDATE acknowledgements SET by = {{nurse}} WHERE id = {_APPROVAL}", drop=("acknowledgements_no_update",)
        ),
        "names another author than its signer",
    ),
    Kind(
        "approval forged in a physician's name",
        _sql(
            "INSERT INTO acknowledgements (visit_id, subject, subject_id, note, at, by)"
            " VALUES ({unsigned}, 'discharge_override', NULL, 'Fine to go', '2026-11-24T11:00:00.000000Z', {doctor})"
        ),
        "carries no digital signature by its physician",
    ),
    Kind(
        "approval's signature deleted",
        _sql(
            f"DELETE FROM record_signatures WHERE record = 'acknowledgement' AND record_id = {_APPROVAL}",
            drop=("record_signatures_no_delete",),
        ),
        "carries no digital signature by its physician",
    ),
    Kind(
        "approval's signature moved to a nurse's acknowledgement",
        _sql(
            f"UPDATE record_signatures SET record_id = {_ALERT} WHERE record_id = {_APPROVAL}",
            drop=("record_signatures_no_update",),
        ),
        "names another author than its signer",
    ),
    Kind(
        "approval's signature bytes replaced",
        _sql(
            f"UPDATE record_signatures SET signature = zeroblob(64) WHERE record_id = {_APPROVAL}",
            drop=("record_signatures_no_update",),
        ),
        "does not verify with key",
    ),
    *WATCH_KINDS,
)
