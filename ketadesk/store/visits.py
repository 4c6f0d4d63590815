"""Writing a visit and everything recorded during it.

Every clinical row here is appended, never changed: the phase is the latest phase event,
a corrected reading is a new row pointing at the old one, the latest checklist answer per
item is the one that counts. Each write function adds its audit row in the same
transaction, with the payload :mod:`ketadesk.store.payloads` defines (the benchmark's
generator writes the same). The reads live in :mod:`ketadesk.store.visit_reads` and are
re-exported here, so callers keep one module per aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ketadesk.core.dosing import DosePlan
from ketadesk.core.phases import Phase, check_transition
from ketadesk.core.vitals import AlertKind, ExtremeKind, Source, VitalSigns
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound
from ketadesk.store.visit_charting import (
    add_acknowledgement,
    add_adverse_event,
    add_intervention,
    add_note,
    add_score,
    save_draft,
)
from ketadesk.store.visit_details import detail, details
from ketadesk.store.visit_dose import add_dose_given
from ketadesk.store.visit_reads import (
    ALERT_SUBJECT,
    VisitRow,
    acknowledged,
    between,
    current_phase,
    current_vitals_between,
    draft,
    for_course,
    for_patient,
    in_range_or_in_the_chair,
    in_the_chair_out_of_step,
    latest_scores,
    on_board,
    on_date,
    previous_dose_mg_per_kg,
    row,
    rows_by_id,
    unacknowledged_alerts,
    vitals_by_id,
)

# The reads are re-exported: callers use ketadesk.store.visits for everything about a visit.
__all__ = [
    "ALERT_SUBJECT",
    "VisitRow",
    "acknowledged",
    "add_acknowledgement",
    "add_adverse_event",
    "add_checklist",
    "add_dose",
    "add_dose_given",
    "add_event",
    "add_intervention",
    "add_note",
    "add_score",
    "add_vitals",
    "add_weight",
    "between",
    "current_phase",
    "current_vitals_between",
    "detail",
    "details",
    "draft",
    "for_course",
    "for_patient",
    "in_range_or_in_the_chair",
    "in_the_chair_out_of_step",
    "latest_scores",
    "move",
    "on_board",
    "on_date",
    "previous_dose_mg_per_kg",
    "row",
    "rows_by_id",
    "save_draft",
    "schedule",
    "unacknowledged_alerts",
    "vitals_by_id",
]


def schedule(
    store: Store,
    *,
    patient_id: int,
    course_id: int | None,
    sequence: int | None,
    day: date,
    chair: int | None,
    at: str,
    actor_id: int,
) -> int:
    """Book a visit and open its phase timeline at "scheduled"."""
    with store.transaction():
        visit_id = store.insert(
            "INSERT INTO visits (patient_id, course_id, sequence, scheduled_date, chair, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (patient_id, course_id, sequence, day.isoformat(), chair, at, actor_id),
        )
        store.execute(
            "INSERT INTO visit_events (visit_id, phase, at, by) VALUES (?, ?, ?, ?)",
            (visit_id, Phase.SCHEDULED.value, at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="schedule",
            entity="visit",
            entity_id=visit_id,
            after=payloads.visit_scheduled(patient_id, course_id, sequence, day.isoformat(), chair),
        )
    return visit_id


def move(store: Store, visit_id: int, *, day: date, chair: int | None, at: str, actor_id: int) -> None:
    """Change a booked visit's date or chair: scheduling, not clinical record, so updated with an audit row."""
    with store.transaction():
        row = store.one("SELECT scheduled_date, chair FROM visits WHERE id = ?", (visit_id,))
        if row is None:
            raise NotFound(f"no visit with id {visit_id}")
        store.execute(
            "UPDATE visits SET scheduled_date = ?, chair = ? WHERE id = ?", (day.isoformat(), chair, visit_id)
        )
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action="move",
            entity="visit",
            entity_id=visit_id,
            before={"date": row["scheduled_date"], "chair": row["chair"]},
            after={"date": day.isoformat(), "chair": chair},
        )


def add_event(store: Store, visit_id: int, phase: Phase, *, at: str, actor_id: int, reason: str = "") -> None:
    """Append a phase step, allowed from the phase the visit is in under the write lock.

    The caller checked the step against the phase it read before; another window or workstation
    may have moved the visit since (two nurses pressing Stop at once): the step is checked again
    here, so the second is refused with what the visit can do next, and nothing is written.
    """
    with store.transaction():
        before = current_phase(store, visit_id)
        check_transition(before, phase, reason)
        store.execute(
            "INSERT INTO visit_events (visit_id, phase, at, by, reason) VALUES (?, ?, ?, ?, ?)",
            (visit_id, phase.value, at, actor_id, reason),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="phase",
            entity="visit",
            entity_id=visit_id,
            before=payloads.phase_before(before.value),
            after=payloads.phase_after(phase.value, reason),
        )


def add_checklist(
    store: Store,
    visit_id: int,
    checklist: str,
    item_key: str,
    checked: bool,
    note: str,
    *,
    at: str,
    actor_id: int,
    answered_at: str | None = None,
) -> int:
    """Record one answer to a checklist item; the latest answer per item counts.

    ``answered_at`` is the answer's time when it is not now: a corrected answer keeps the time of the one it replaces.
    """
    with store.transaction():
        entry_id = store.insert(
            "INSERT INTO checklist_entries (visit_id, checklist, item_key, checked, note, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (visit_id, checklist, item_key, int(checked), note, answered_at or at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="checklist",
            entity="visit",
            entity_id=visit_id,
            after=payloads.checklist_answer(checklist, item_key, checked, note),
        )
    return entry_id


def add_weight(store: Store, visit_id: int, weight_kg: float, *, at: str, actor_id: int) -> int:
    """Record today's weight."""
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO weights (visit_id, weight_kg, at, by) VALUES (?, ?, ?, ?)", (visit_id, weight_kg, at, actor_id)
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="weight",
            entity="visit",
            entity_id=visit_id,
            after=payloads.weight(weight_kg),
        )
    return row_id


def add_dose(store: Store, visit_id: int, plan: DosePlan, *, at: str, actor_id: int) -> int:
    """Record the dose as prepared; a later row supersedes it until the infusion starts (both are kept)."""
    values = payloads.dose_values(plan)
    with store.transaction():
        row_id = store.insert(
            f"INSERT INTO doses (visit_id, {', '.join(values)}, at, by)"
            f" VALUES (?, {', '.join('?' * len(values))}, ?, ?)",
            (visit_id, *values.values(), at, actor_id),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="dose",
            entity="visit",
            entity_id=visit_id,
            after=payloads.dose(plan),
        )
    return row_id


def add_vitals(
    store: Store,
    visit_id: int,
    vitals: VitalSigns,
    *,
    source: Source,
    alerts: Iterable[AlertKind],
    is_baseline: bool,
    at: str,
    actor_id: int,
    corrects_id: int | None = None,
    entered_in_error: bool = False,
    confirmed_extremes: Iterable[ExtremeKind] = (),
) -> int:
    """Save one set of vitals with the alerts it raised and the extremes the entering nurse confirmed."""
    from ketadesk.core.clock import to_utc_iso

    alert_text = ",".join(a.value for a in alerts)
    extreme_text = ",".join(e.value for e in confirmed_extremes)
    taken = to_utc_iso(vitals.taken_at)
    with store.transaction():
        row_id = store.insert(
            """INSERT INTO vitals (visit_id, taken_at, sbp, dbp, hr, spo2, rr, temp_c, source, alerts, is_baseline,
               entered_at, entered_by, corrects_id, entered_in_error, confirmed_extremes)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                visit_id,
                taken,
                vitals.sbp,
                vitals.dbp,
                vitals.hr,
                vitals.spo2,
                vitals.rr,
                vitals.temp_c,
                source.value,
                alert_text,
                int(is_baseline),
                at,
                actor_id,
                corrects_id,
                int(entered_in_error),
                extreme_text,
            ),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="correct_vitals" if corrects_id else "vitals",
            entity="vitals",
            entity_id=row_id,
            after=payloads.vitals(
                visit_id,
                taken,
                vitals.sbp,
                vitals.dbp,
                vitals.hr,
                vitals.spo2,
                vitals.rr,
                vitals.temp_c,
                alert_text,
                is_baseline,
                corrects_id,
                entered_in_error,
                extreme_text,
            ),
        )
    return row_id
