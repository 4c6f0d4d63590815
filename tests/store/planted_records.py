"""Edits of a physician's signed approvals behind the program's back (0015), each with what ``check`` must say.

The demo clinic's physicians approve raised baselines in their own session, so each such
acknowledgement carries its author's digital signature; these kinds edit, forge, strip or
move one. They join :data:`tests.store.planted_edits.KINDS` in the planted-edit suite.
"""

from __future__ import annotations

from tests.store.planted_edits import Kind, _sql

_APPROVAL = "(SELECT min(id) FROM acknowledgements WHERE subject = 'baseline_bp')"
_ALERT = "(SELECT min(id) FROM acknowledgements WHERE subject = 'vitals_alert')"

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
)
