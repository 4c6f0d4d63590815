"""Writing the amount of a visit's dose that was given, recorded in the same transaction as the stop.

Rows are appended, never changed (migration 0009's triggers): a later row for the same
visit would be a correction and the latest counts. The read is part of the visit's full
read (:mod:`ketadesk.store.visit_details`).
"""

from __future__ import annotations

from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.store import audit
from ketadesk.store.audit import canonical
from ketadesk.store.db import Store


def add_dose_given(
    store: Store,
    visit_id: int,
    dose_id: int,
    *,
    given_mg: float,
    calculated_mg: float,
    minutes_run: float,
    basis: str,
    at: str,
    actor_id: int,
) -> int:
    """Record how much of dose ``dose_id`` was given, what the times gave, and on what basis."""
    values: dict[str, object] = {
        "dose_id": dose_id,
        "given_mg": given_mg,
        "calculated_mg": calculated_mg,
        "minutes_run": minutes_run,
        "basis": basis,
    }
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO doses_given (visit_id, dose_id, given_mg, calculated_mg, minutes_run, basis, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (visit_id, dose_id, given_mg, calculated_mg, minutes_run, basis, at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action=AuditAction.DOSE_GIVEN,
            entity=AuditEntity.VISIT,
            entity_id=visit_id,
            after=canonical(values),
        )
    return row_id
