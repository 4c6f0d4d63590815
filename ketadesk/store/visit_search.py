"""Finding visits to open again: a patient's visits newest first, a search by date and patient, who signed each.

Lists only: summaries without readings (the screen opens the one chosen and reads it then),
and the signatures of the listed visits in one query, so a list of two hundred visits
costs three queries, not a round per visit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from ketadesk.core.clock import from_utc_iso
from ketadesk.core.records import VisitSummary
from ketadesk.core.signing import Signature
from ketadesk.store.db import Store
from ketadesk.store.visit_reads import _SUMMARY, IN_IDS, _row  # the one summary query and its reader

NEWEST_FIRST = " ORDER BY v.scheduled_date DESC, v.chair IS NULL, v.chair, v.id DESC"


def for_patient(store: Store, patient_id: int) -> list[VisitSummary]:
    """Every visit of one patient, every course and none, newest first."""
    rows = store.all(_SUMMARY + " WHERE v.patient_id = ?" + NEWEST_FIRST, (patient_id,))
    return [_row(store, r, with_readings=False).summary for r in rows]


def search(store: Store, text: str, first: date | None, last: date | None, limit: int) -> list[VisitSummary]:
    """Visits booked from ``first`` to ``last`` (either end open) of patients matching ``text``."""
    where: list[str] = []
    params: list[object] = []
    if first is not None:
        where.append("v.scheduled_date >= ?")
        params.append(first.isoformat())
    if last is not None:
        where.append("v.scheduled_date <= ?")
        params.append(last.isoformat())
    needle = text.strip()
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(
            "(p.mrn LIKE ? ESCAPE '\\' OR r.family_name LIKE ? ESCAPE '\\' OR r.given_name LIKE ? ESCAPE '\\'"
            " OR (r.given_name || ' ' || r.family_name) LIKE ? ESCAPE '\\')"
        )
        params.extend((escaped.upper() + "%", f"%{escaped}%", f"%{escaped}%", f"%{escaped}%"))
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    rows = store.all(_SUMMARY + clause + NEWEST_FIRST + " LIMIT ?", (*params, limit))
    return [_row(store, r, with_readings=False).summary for r in rows]


def signatures(store: Store, visit_ids: Iterable[int]) -> dict[int, Signature]:
    """The signature over each of these visits that is signed (addenda's signatures left out)."""
    wanted = sorted(set(visit_ids))
    if not wanted:
        return {}
    rows = store.all(
        "SELECT s.visit_id, s.printed_name, s.credentials, s.meaning, s.signed_at, s.content_hash, u.login"
        f" FROM signatures s JOIN users u ON u.id = s.signer_id WHERE s.addendum_id IS NULL AND s.visit_id {IN_IDS}",
        (json.dumps(wanted),),
    )
    return {
        int(r["visit_id"]): Signature(
            r["printed_name"],
            r["credentials"],
            r["meaning"],
            from_utc_iso(r["signed_at"]),
            r["content_hash"],
            r["login"],
        )
        for r in rows
    }
