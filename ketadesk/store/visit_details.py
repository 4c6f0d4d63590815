"""Reading visits in full: every kind of record of many visits, one query per kind for all of them.

A patient's whole history, a batch export and ``check``'s signature pass read this way, so
the cost grows with the rows read rather than with visits times tables. The single-row
reads (phase, summary rows, alerts) are in :mod:`ketadesk.store.visit_reads`.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from ketadesk.core.clock import from_utc_iso
from ketadesk.core.corrections import Corrected
from ketadesk.core.course_record import FIGURE_PHASES, PEAK_DISSOCIATION
from ketadesk.core.events import AdverseEvent, AdverseEventKind, Intervention, Route
from ketadesk.core.phases import Phase
from ketadesk.core.records import (
    Acknowledgement,
    DoseGivenRecord,
    DoseRecord,
    PhaseEvent,
    VisitDetail,
)
from ketadesk.core.timers import VisitTimes
from ketadesk.store import orders as store_orders
from ketadesk.store.corrections import History, histories, not_corrected
from ketadesk.store.db import Store
from ketadesk.store.record_rows import checklist_entry, note_record, score_record
from ketadesk.store.visit_reads import IN_IDS, VisitRow, row, vitals_record

_IN = IN_IDS
_PHASES = {phase.value: phase for phase in Phase}
"""A stored phase by its value, without the enum's own lookup (a long course reads thousands of events)."""
_FIGURE_PHASES = ", ".join(f"'{phase.value}'" for phase in FIGURE_PHASES)
"""The steps a course's figures read, as a SQL list (:data:`ketadesk.core.course_record.FIGURE_PHASES`)."""


def detail(store: Store, visit_id: int) -> tuple[VisitDetail, VisitTimes]:
    """Everything recorded about one visit."""
    return details(store, [row(store, visit_id)])[0]


def _by_visit(rows: list[sqlite3.Row]) -> dict[int, list[sqlite3.Row]]:
    """Rows that carry a ``visit_id``, grouped by visit in the order they came."""
    groups: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for found in rows:
        groups[found["visit_id"]].append(found)
    return groups


_COUNTED_VITALS = (
    f"v.entered_in_error = 0 AND NOT EXISTS (SELECT 1 FROM vitals c WHERE c.corrects_id = v.id) AND v.visit_id {_IN}"
)
# For each visit, the reading with the highest systolic then diastolic pressure and the one with the lowest SpO2
# (the first entered of equals): the only readings a course's figures can come from (core.course_record). Window
# functions, which both engines have: SQLite's bare column beside max() is refused by PostgreSQL.
_EXTREME_VITALS = (
    "SELECT id FROM (SELECT v.id AS id, row_number() OVER (PARTITION BY v.visit_id"
    f" ORDER BY v.sbp DESC, v.dbp DESC, v.id) AS place FROM vitals v WHERE {_COUNTED_VITALS}) AS highest"
    " WHERE place = 1 UNION SELECT id FROM (SELECT v.id AS id, row_number() OVER (PARTITION BY v.visit_id"
    f" ORDER BY v.spo2, v.id) AS place FROM vitals v WHERE {_COUNTED_VITALS}) AS lowest WHERE place = 1"
)


def _vitals(store: Store, ids: str, *, figures_only: bool) -> tuple[str, str]:
    """The query of the visits' readings that count, in time order (``figures_only``: each visit's extremes only).

    For the extremes, which readings they are is read first: their query is then by id.
    """
    where = f"v.id {_IN}" if figures_only else _COUNTED_VITALS
    wanted = json.dumps([r[0] for r in store.all(_EXTREME_VITALS, (ids, ids))]) if figures_only else ids
    # By visit first: the vitals_visit index's own order, so the readings come without a sort of them all
    # (2,500 on the largest history); grouped by visit, each visit's are still in time order.
    return (
        "SELECT v.*, u.login AS by_login FROM vitals v JOIN users u ON u.id = v.entered_by"
        f" WHERE {where} ORDER BY v.visit_id, v.taken_at, v.id",
        wanted,
    )


def details(store: Store, rows: list[VisitRow], *, figures_only: bool = False) -> list[tuple[VisitDetail, VisitTimes]]:
    """Everything recorded about several visits, one query per kind of record for all of them.

    A patient's whole history is read this way: the cost grows with the rows read, not
    with the number of visits times the number of tables.

    ``figures_only`` reads just what a course's figures of each visit come from (the course
    screen's table: of the events only the infusion's start and the pump's stop, the dose, the
    amount given, the adverse events, of the readings only the highest blood pressure and the
    lowest SpO2, of the scores only the dissociation scale a course shows); the visits come back without
    their other records, so such a read is for those figures and nothing else.
    """
    if not rows:
        return []
    ids = json.dumps([r.summary.id for r in rows])
    none = json.dumps([]) if figures_only else ids
    # Each kind's query needs none of the others' answers: on a server they go in one round trip.
    kinds: list[tuple[str, str]] = [
        (
            f"SELECT e.*, u.login FROM visit_events e JOIN users u ON u.id = e.by WHERE e.visit_id {_IN}"
            + (f" AND e.phase IN ({_FIGURE_PHASES})" if figures_only else "")
            + " ORDER BY e.id",
            ids,
        ),
        (f"SELECT visit_id, weight_kg FROM weights WHERE visit_id {_IN} ORDER BY id", ids),
        (f"SELECT d.*, u.login FROM doses d JOIN users u ON u.id = d.by WHERE d.visit_id {_IN} ORDER BY d.id", ids),
        (
            f"SELECT g.*, u.login FROM doses_given g JOIN users u ON u.id = g.by WHERE g.visit_id {_IN} ORDER BY g.id",
            ids,
        ),
        _vitals(store, ids, figures_only=figures_only),
        (
            f"""SELECT c.*, u.login FROM checklist_entries c JOIN users u ON u.id = c.by
            WHERE c.visit_id {_IN} AND c.id = (SELECT max(id) FROM checklist_entries x WHERE x.visit_id = c.visit_id
            AND x.checklist = c.checklist AND x.item_key = c.item_key AND {not_corrected(Corrected.CHECKLIST, "x")})
            ORDER BY c.checklist, c.id""",
            none,
        ),
        (
            f"""SELECT n.*, u.login FROM notes n JOIN users u ON u.id = n.by WHERE n.visit_id {_IN}
            AND NOT EXISTS (SELECT 1 FROM notes c WHERE c.corrects_id = n.id) AND {not_corrected(Corrected.NOTE, "n")}
            ORDER BY n.at, n.id""",
            none,
        ),
        (
            "SELECT a.*, u.login, e.login AS entered_login FROM acknowledgements a JOIN users u ON u.id = a.by"
            f" LEFT JOIN users e ON e.id = a.entered_by WHERE a.visit_id {_IN} ORDER BY a.id",
            none,
        ),
        (
            "SELECT s.*, u.login FROM scores s JOIN users u ON u.id = s.by"
            f" WHERE s.visit_id {_IN} AND {not_corrected(Corrected.SCORE, 's')}"
            + (f" AND s.scale = '{PEAK_DISSOCIATION.value}'" if figures_only else "")
            + " ORDER BY s.taken_at, s.id",
            ids,
        ),
        (
            "SELECT a.*, u.login FROM adverse_events a JOIN users u ON u.id = a.by"
            f" WHERE a.visit_id {_IN} ORDER BY a.onset_at, a.id",
            ids,
        ),
        (
            "SELECT i.*, u.login FROM interventions i JOIN users u ON u.id = i.by"
            f" WHERE i.visit_id {_IN} ORDER BY i.given_at, i.id",
            none,
        ),
    ]
    answers = store.all_at_once([(sql, (listed,)) for sql, listed in kinds])
    events, weights, doses, given_doses, vitals, checklist, notes, acks, scores, adverse, given = (
        _by_visit(found) for found in answers
    )
    requests, verbal_orders = store_orders.for_visits(store, () if figures_only else (r.summary.id for r in rows))
    fixed = histories(store, none)
    result: list[tuple[VisitDetail, VisitTimes]] = []
    for base in rows:
        vid = base.summary.id
        preparations = tuple(_dose(d) for d in doses.get(vid, ()))
        given_rows = given_doses.get(vid)
        weight_rows = weights.get(vid)
        past = fixed.get(vid) or History()
        detail_ = VisitDetail(
            summary=base.summary,
            events=tuple(
                PhaseEvent(_PHASES[r["phase"]], from_utc_iso(r["at"]), r["login"], r["reason"])
                for r in events.get(vid, ())
            ),
            weight_kg=float(weight_rows[-1]["weight_kg"]) if weight_rows else None,
            dose=preparations[-1] if preparations else None,
            vitals=tuple(vitals_record(r) for r in vitals.get(vid, ())),
            checklist=tuple(checklist_entry(r) for r in checklist.get(vid, ())),
            notes=tuple(note_record(r) for r in notes.get(vid, ())),
            acknowledgements=tuple(
                Acknowledgement(
                    r["id"],
                    r["subject"],
                    r["subject_id"],
                    r["note"],
                    from_utc_iso(r["at"]),
                    r["login"],
                    r["entered_login"],
                )
                for r in acks.get(vid, ())
            ),
            scores=tuple(score_record(r) for r in scores.get(vid, ())),
            adverse_events=tuple(
                AdverseEvent(
                    r["id"],
                    AdverseEventKind(r["kind"]),
                    r["description"],
                    from_utc_iso(r["onset_at"]),
                    from_utc_iso(r["at"]),
                    r["login"],
                )
                for r in adverse.get(vid, ())
            ),
            interventions=tuple(
                Intervention(
                    r["id"],
                    r["drug"],
                    r["dose"],
                    Route(r["route"]),
                    from_utc_iso(r["given_at"]),
                    r["note"],
                    r["adverse_event_id"],
                    from_utc_iso(r["at"]),
                    r["login"],
                )
                for r in given.get(vid, ())
            ),
            earlier_doses=preparations[:-1],
            dose_given=_given(given_rows[-1]) if given_rows else None,
            approval_requests=tuple(requests.get(vid, ())),
            verbal_orders=tuple(verbal_orders.get(vid, ())),
            corrections=past.corrections,
            replaced_vitals=past.vitals,
            replaced_scores=past.scores,
            replaced_checklist=past.checklist,
            replaced_notes=past.notes,
        )
        result.append((detail_, base.times))
    return result


def _dose(d: sqlite3.Row) -> DoseRecord:
    """One preparation of the dose, as stored."""
    return DoseRecord(
        d["id"],
        d["mg_per_kg"],
        d["weight_kg"],
        d["dose_mg"],
        d["concentration_mg_per_ml"],
        d["volume_ml"],
        d["duration_min"],
        d["rate_ml_per_h"],
        d["drug"],
        d["route"],
        d["lot_number"],
        from_utc_iso(d["at"]),
        d["login"],
    )


def _given(r: sqlite3.Row) -> DoseGivenRecord:
    """The amount recorded as given at the stop (the latest row counts)."""
    return DoseGivenRecord(
        r["id"],
        r["dose_id"],
        r["given_mg"],
        r["calculated_mg"],
        r["minutes_run"],
        r["basis"],
        from_utc_iso(r["at"]),
        r["login"],
    )
