"""Reading a visit and everything recorded during it, as the screens, reports and ``check`` need it.

The phase is the latest phase event, a corrected reading is the newest row pointing at the
old one, the latest checklist answer per item counts: every read here derives the current
state from append-only rows. Kept apart from the writes (:mod:`ketadesk.store.visits`,
which re-exports these names) so each module holds one job.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ketadesk.core.clock import from_utc_iso
from ketadesk.core.course import CoursePosition
from ketadesk.core.phases import IN_THE_CHAIR, Phase
from ketadesk.core.readiness import VITALS_ALERT
from ketadesk.core.records import (
    VisitSummary,
    VitalsRecord,
)
from ketadesk.core.timers import VisitTimes
from ketadesk.core.vitals import AlertKind, ExtremeKind, Source, VitalSigns
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound

ALERT_SUBJECT = VITALS_ALERT
# Visits by a JSON list of ids: one parameter however many visits are read together.
IN_IDS = "IN (SELECT value FROM json_each(?))"

# Current vitals: not entered in error and not replaced by a later correction.
_CURRENT = "v.entered_in_error = 0 AND NOT EXISTS (SELECT 1 FROM vitals c WHERE c.corrects_id = v.id)"
_CURRENT_VITALS = f"""
    SELECT v.*, u.login AS by_login FROM vitals v JOIN users u ON u.id = v.entered_by
    WHERE v.visit_id = ? AND {_CURRENT}
"""


@dataclass(frozen=True, slots=True)
class VisitRow:
    """A visit's summary and the stored times its timers are derived from."""

    summary: VisitSummary
    times: VisitTimes


def _opt_time(text: str | None) -> datetime | None:
    return from_utc_iso(text) if text else None


# Readings are the most numerous rows a screen loads (a long history holds thousands), so
# their enums are looked up in plain dicts rather than through the Enum constructor.
_SOURCES = {s.value: s for s in Source}
_ALERTS = {a.value: a for a in AlertKind}
_EXTREMES = {e.value: e for e in ExtremeKind}


def _alerts(text: str) -> tuple[AlertKind, ...]:
    return tuple(_ALERTS[a] for a in text.split(",")) if text else ()


def _extremes(text: str) -> tuple[ExtremeKind, ...]:
    return tuple(_EXTREMES[e] for e in text.split(",")) if text else ()


def vitals_record(row: sqlite3.Row | tuple[Any, ...]) -> VitalsRecord:
    (
        id_,
        visit_id,
        taken_at,
        sbp,
        dbp,
        hr,
        spo2,
        rr,
        temp_c,
        source,
        alerts,
        is_baseline,
        entered_at,
        _,
        corrects_id,
        entered_in_error,
        confirmed_extremes,
        by_login,
    ) = row
    # Positional, in the field order of VitalsRecord: a frozen dataclass built by keyword costs a
    # third more, and a long history builds thousands of these.
    return VitalsRecord(
        id_,
        visit_id,
        VitalSigns(from_utc_iso(taken_at), sbp, dbp, hr, spo2, rr, temp_c),
        _SOURCES[source],
        _alerts(alerts),
        bool(is_baseline),
        from_utc_iso(entered_at),
        by_login,
        corrects_id,
        bool(entered_in_error),
        _extremes(confirmed_extremes),
    )


def draft(store: Store, visit_id: int, user_id: int, field: str) -> str:
    """The unsaved text a nurse left in a field, or an empty string."""
    row = store.one(
        "SELECT text FROM drafts WHERE visit_id = ? AND user_id = ? AND field = ?", (visit_id, user_id, field)
    )
    return str(row[0]) if row else ""


def current_phase(store: Store, visit_id: int) -> Phase:
    """The visit's phase: its latest phase event."""
    row = store.one("SELECT phase FROM visit_events WHERE visit_id = ? ORDER BY id DESC LIMIT 1", (visit_id,))
    if row is None:
        raise NotFound(f"no visit with id {visit_id}")
    return Phase(row[0])


_SUMMARY = """
    SELECT v.id, v.patient_id, v.course_id, v.sequence, v.scheduled_date, v.chair, p.mrn,
        r.family_name, r.given_name, r.substance_use, c.induction_count,
        (SELECT phase FROM visit_events e WHERE e.visit_id = v.id ORDER BY e.id DESC LIMIT 1) AS phase,
        (SELECT at FROM visit_events e WHERE e.visit_id = v.id AND e.phase = 'infusing'
            ORDER BY e.id DESC LIMIT 1) AS infusion_started_at,
        (SELECT at FROM visit_events e WHERE e.visit_id = v.id AND e.phase IN ('stopped_early', 'observation')
            ORDER BY e.id LIMIT 1) AS infusion_stopped_at,
        (SELECT duration_min FROM doses d WHERE d.visit_id = v.id ORDER BY d.id DESC LIMIT 1) AS duration_min
    FROM visits v
    JOIN patients p ON p.id = v.patient_id
    JOIN patient_revisions r ON r.patient_id = p.id
        AND r.revision = (SELECT max(revision) FROM patient_revisions WHERE patient_id = p.id)
    LEFT JOIN courses c ON c.id = v.course_id
"""


# The same readings of several visits at once (one JSON list of ids), for the board's chairs.
_CURRENT_VITALS_OF = f"""
    SELECT v.*, u.login AS by_login FROM vitals v JOIN users u ON u.id = v.entered_by
    WHERE v.visit_id {IN_IDS} AND {_CURRENT}
"""
# Each visit's latest current reading (its place first, so the reading's own columns follow it as in _CURRENT_VITALS).
_LATEST_OF = f"""SELECT * FROM (
    SELECT row_number() OVER (PARTITION BY v.visit_id ORDER BY v.taken_at DESC, v.id DESC) AS place,
        v.*, u.login AS by_login
    FROM vitals v JOIN users u ON u.id = v.entered_by
    WHERE v.visit_id {IN_IDS} AND {_CURRENT}) AS newest WHERE place = 1"""
# Current readings with alerts that no one has acknowledged yet (the one visit's, or the listed visits').
_UNACKNOWLEDGED = f""" AND v.alerts != '' AND NOT EXISTS (SELECT 1 FROM acknowledgements a
    WHERE a.visit_id = v.visit_id AND a.subject = '{ALERT_SUBJECT}' AND a.subject_id = v.id)"""


def _readings(store: Store, visit_ids: list[int]) -> tuple[dict[int, VitalsRecord], dict[int, list[VitalsRecord]]]:
    """The latest reading and the unacknowledged alerts of every visit listed: two queries, however many chairs.

    A query per chair costs a round trip each on a server: twelve of the board's thirteen before.
    """
    ids = json.dumps(visit_ids)
    latest = {int(r["visit_id"]): vitals_record(r[1:]) for r in store.all(_LATEST_OF, (ids,))}
    pending: dict[int, list[VitalsRecord]] = {}
    for r in store.all(_CURRENT_VITALS_OF + _UNACKNOWLEDGED + " ORDER BY v.visit_id, v.taken_at, v.id", (ids,)):
        pending.setdefault(int(r["visit_id"]), []).append(vitals_record(r))
    return latest, pending


def unacknowledged_alerts(store: Store, visit_id: int) -> list[VitalsRecord]:
    """Current readings with alerts that no one has acknowledged yet."""
    rows = store.all(_CURRENT_VITALS + _UNACKNOWLEDGED + " ORDER BY v.taken_at, v.id", (visit_id,))
    return [vitals_record(r) for r in rows]


def _rows(store: Store, rows: list[sqlite3.Row], *, with_readings: bool) -> list[VisitRow]:
    """Visit rows, with their readings (read for all of them together) when asked."""
    if not with_readings or not rows:
        return [_built(r, None, ()) for r in rows]
    latest, pending = _readings(store, [int(r["id"]) for r in rows])
    return [_built(r, latest.get(r["id"]), pending.get(r["id"], ())) for r in rows]


def _row(store: Store, row: sqlite3.Row, *, with_readings: bool) -> VisitRow:
    return _rows(store, [row], with_readings=with_readings)[0]


def _built(row: sqlite3.Row, latest: VitalsRecord | None, pending: Iterable[VitalsRecord]) -> VisitRow:
    position = None
    if row["sequence"] is not None and row["induction_count"] is not None:
        position = CoursePosition(row["sequence"], row["induction_count"])
    readings = tuple((record.id, a) for record in pending for a in record.alerts)
    alerts = tuple(dict.fromkeys(a for _, a in readings))
    summary = VisitSummary(
        id=row["id"],
        patient_id=row["patient_id"],
        patient_name=f"{row['family_name'].upper()}, {row['given_name']}",
        mrn=row["mrn"],
        substance_use=bool(row["substance_use"]),
        scheduled_date=date.fromisoformat(row["scheduled_date"]),
        chair=row["chair"],
        phase=Phase(row["phase"]),
        position=position,
        course_id=row["course_id"],
        latest=latest,
        unacknowledged_alerts=alerts,
        unacknowledged_readings=readings,
    )
    times = VisitTimes(
        phase=summary.phase,
        infusion_started_at=_opt_time(row["infusion_started_at"]),
        infusion_stopped_at=_opt_time(row["infusion_stopped_at"]),
        planned_duration_min=row["duration_min"],
        last_vitals_at=latest.vitals.taken_at if latest else None,
    )
    return VisitRow(summary, times)


def on_date(store: Store, day: date, *, with_readings: bool = True) -> list[VisitRow]:
    """Every visit booked for ``day``, by chair."""
    rows = store.all(
        _SUMMARY + " WHERE v.scheduled_date = ? ORDER BY v.chair IS NULL, v.chair, v.id", (day.isoformat(),)
    )
    return _rows(store, rows, with_readings=with_readings)


def between(store: Store, first: date, last: date) -> list[VisitRow]:
    """Visits booked from ``first`` to ``last`` inclusive, without readings (for lists and exports)."""
    rows = store.all(
        _SUMMARY + " WHERE v.scheduled_date BETWEEN ? AND ? ORDER BY v.scheduled_date, v.chair, v.id",
        (first.isoformat(), last.isoformat()),
    )
    return [_row(store, r, with_readings=False) for r in rows]


# The visits booked for a range of days and every visit whose patient is in a chair now,
# whatever day it was booked for: the booking-date index and the table migration 0007 keeps.
_BOOKED_OR_IN_THE_CHAIR = """ WHERE v.id IN (
        SELECT id FROM visits WHERE scheduled_date BETWEEN ? AND ?
        UNION SELECT visit_id FROM in_the_chair)"""


def on_board(store: Store, day: date, *, with_readings: bool = True) -> list[VisitRow]:
    """Every visit booked for ``day`` and every visit still in progress, booked for any day, by chair.

    A patient infusing at midnight stays on their chair until discharged; one left in the
    chair for days (a discharge never recorded) is not hidden either.
    """
    return _booked_or_in_the_chair(store, day, day, with_readings=with_readings)


def in_range_or_in_the_chair(store: Store, first: date, last: date) -> list[VisitRow]:
    """Visits booked from ``first`` to ``last`` and every visit still in progress, without readings."""
    return _booked_or_in_the_chair(store, first, last, with_readings=False)


def _booked_or_in_the_chair(store: Store, first: date, last: date, *, with_readings: bool) -> list[VisitRow]:
    rows = store.all(
        _SUMMARY + _BOOKED_OR_IN_THE_CHAIR + " ORDER BY v.chair IS NULL, v.chair, v.scheduled_date, v.id",
        (first.isoformat(), last.isoformat()),
    )
    return _rows(store, rows, with_readings=with_readings)


def in_the_chair_out_of_step(store: Store) -> list[int]:
    """Visits where the kept "in the chair" table and the phase steps disagree (empty when they agree).

    Recomputed from the latest phase step of every visit, for ``ketadesk check``: a row
    removed or added behind the program's back shows here.
    """
    phases = json.dumps([phase.value for phase in IN_THE_CHAIR])
    rows = store.all(
        """WITH derived AS (
               SELECT v.id AS visit_id FROM visits v WHERE (SELECT phase FROM visit_events e
                   WHERE e.visit_id = v.id ORDER BY e.id DESC LIMIT 1) IN (SELECT value FROM json_each(?)))
           SELECT visit_id FROM (SELECT visit_id FROM derived EXCEPT SELECT visit_id FROM in_the_chair)
           UNION
           SELECT visit_id FROM (SELECT visit_id FROM in_the_chair EXCEPT SELECT visit_id FROM derived)
           ORDER BY visit_id""",
        (phases,),
    )
    return [int(r[0]) for r in rows]


def row(store: Store, visit_id: int) -> VisitRow:
    """One visit's summary and timer inputs."""
    found = store.one(_SUMMARY + " WHERE v.id = ?", (visit_id,))
    if found is None:
        raise NotFound(f"no visit with id {visit_id}")
    return _row(store, found, with_readings=True)


def for_patient(store: Store, patient_id: int) -> list[VisitRow]:
    """Every visit of one patient, oldest first (summaries only; see detail() for readings)."""
    rows = store.all(_SUMMARY + " WHERE v.patient_id = ? ORDER BY v.scheduled_date, v.id", (patient_id,))
    return [_row(store, r, with_readings=False) for r in rows]


def for_course(store: Store, course_id: int) -> list[VisitRow]:
    """Every visit of one course, oldest first (summaries only), without reading the patient's other courses."""
    rows = store.all(_SUMMARY + " WHERE v.course_id = ? ORDER BY v.scheduled_date, v.id", (course_id,))
    return [_row(store, r, with_readings=False) for r in rows]


def rows_by_id(store: Store, visit_ids: Iterable[int]) -> list[VisitRow]:
    """Several visits' summaries and timer inputs in one query, in id order, without readings.

    For reading many visits' :func:`details` at once (``ketadesk check`` verifying signatures,
    the bulk loader re-hashing what it sealed): one :func:`row` per visit would cost a query
    per visit and two more for its latest readings, which nothing that reads in bulk needs.
    """
    wanted = sorted(set(visit_ids))
    if not wanted:
        return []
    found = store.all(_SUMMARY + f" WHERE v.id {IN_IDS} ORDER BY v.id", (json.dumps(wanted),))
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - {int(r["id"]) for r in found})
        raise NotFound(f"no visit with id {missing[0]}")
    return [_row(store, r, with_readings=False) for r in found]


def previous_dose_mg_per_kg(store: Store, patient_id: int, before_visit_id: int) -> float | None:
    """The mg/kg of the patient's last infusion that actually started before this visit.

    "Before" is by the visit's date (and booking order on the same day), so reviewing an old
    visit compares it with the one that preceded it, not with a later one.
    """
    row = store.one(
        """SELECT d.mg_per_kg FROM doses d JOIN visits v ON v.id = d.visit_id
           JOIN visits this ON this.id = ?
           WHERE v.patient_id = ? AND v.id != this.id
           AND (v.scheduled_date < this.scheduled_date OR (v.scheduled_date = this.scheduled_date AND v.id < this.id))
           AND EXISTS (SELECT 1 FROM visit_events e WHERE e.visit_id = v.id AND e.phase = 'infusing')
           ORDER BY v.scheduled_date DESC, v.id DESC, d.id DESC LIMIT 1""",
        (before_visit_id, patient_id),
    )
    return float(row[0]) if row else None


def vitals_by_id(store: Store, vitals_id: int) -> VitalsRecord:
    """One stored reading."""
    found = store.one(
        "SELECT v.*, u.login AS by_login FROM vitals v JOIN users u ON u.id = v.entered_by WHERE v.id = ?", (vitals_id,)
    )
    if found is None:
        raise NotFound(f"no vitals reading with id {vitals_id}")
    return vitals_record(found)


def current_vitals_between(store: Store, visit_id: int, start: str, end: str) -> list[VitalsRecord]:
    """Current readings of a visit taken from ``start`` up to (not including) ``end`` (UTC ISO times)."""
    rows = store.all(
        _CURRENT_VITALS + " AND v.taken_at >= ? AND v.taken_at < ? ORDER BY v.taken_at, v.id", (visit_id, start, end)
    )
    return [vitals_record(r) for r in rows]


def acknowledged(store: Store, visit_id: int, subject: str, subject_id: int | None = None) -> bool:
    """Whether an acknowledgement of ``subject`` exists for this visit."""
    if subject_id is None:
        found = store.one("SELECT 1 FROM acknowledgements WHERE visit_id = ? AND subject = ?", (visit_id, subject))
    else:
        found = store.one(
            "SELECT 1 FROM acknowledgements WHERE visit_id = ? AND subject = ? AND subject_id = ?",
            (visit_id, subject, subject_id),
        )
    return found is not None


def latest_scores(store: Store, visit_id: int) -> dict[str, tuple[int, str]]:
    """The latest total per scale for a visit, with its items as JSON text."""
    rows = store.all(
        """SELECT s.scale, s.total, s.items FROM scores s WHERE s.visit_id = ? AND s.id = (SELECT max(id) FROM scores x
           WHERE x.visit_id = s.visit_id AND x.scale = s.scale AND NOT EXISTS (SELECT 1 FROM corrections k
           WHERE k.record = 'score' AND k.original_id = x.id))""",
        (visit_id,),
    )
    return {r["scale"]: (r["total"], r["items"]) for r in rows}
