"""Treatment courses as stored: which template, when it started, how many induction visits."""

from __future__ import annotations

from datetime import date

from ketadesk.core.course import Course
from ketadesk.core.phases import NOT_HELD
from ketadesk.core.protocol import ScheduleTemplate
from ketadesk.store import audit, payloads
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound

# A visit of the course held or still booked: its latest phase is not one of core's NOT_HELD.
_HELD = (
    "(SELECT phase FROM visit_events e WHERE e.visit_id = v.id ORDER BY e.id DESC LIMIT 1) NOT IN ("
    + ", ".join(f"'{phase.value}'" for phase in NOT_HELD)
    + ")"
)


def create(store: Store, patient_id: int, template: ScheduleTemplate, start: date, *, at: str, actor_id: int) -> int:
    """Plan a course for a patient; the template is copied so later protocol edits leave it alone."""
    with store.transaction():
        course_id = store.insert(
            """INSERT INTO courses (patient_id, template_key, visits_per_week, induction_count,
               maintenance_interval_days, start_date, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                patient_id,
                template.key,
                ",".join(str(n) for n in template.visits_per_week),
                template.induction_count,
                template.maintenance_interval_days,
                start.isoformat(),
                at,
                actor_id,
            ),
        )
        audit.append_text(
            store,
            at=at,
            actor_id=actor_id,
            action="plan",
            entity="course",
            entity_id=course_id,
            after=payloads.course_planned(patient_id, template.key, start.isoformat()),
        )
    return course_id


def get(store: Store, course_id: int) -> Course:
    """One course with its template."""
    row = store.one(
        "SELECT c.*, (SELECT count(*) FROM visits v WHERE v.course_id = c.id) AS planned FROM courses c WHERE c.id = ?",
        (course_id,),
    )
    if row is None:
        raise NotFound(f"no course with id {course_id}")
    template = ScheduleTemplate(
        key=row["template_key"],
        label=row["template_key"],
        visits_per_week=tuple(int(n) for n in row["visits_per_week"].split(",")),
        maintenance_interval_days=row["maintenance_interval_days"],
    )
    return Course(row["id"], row["patient_id"], template, date.fromisoformat(row["start_date"]), row["planned"])


def for_patient(store: Store, patient_id: int) -> list[Course]:
    """Every course of a patient, oldest first."""
    rows = store.all("SELECT id FROM courses WHERE patient_id = ? ORDER BY start_date, id", (patient_id,))
    return [get(store, r["id"]) for r in rows]


def next_sequence(store: Store, course_id: int) -> int:
    """The number the next visit of this course takes (cancelled and no-show visits do not count)."""
    row = store.one(
        f"SELECT count(*) FROM visits v WHERE v.course_id = ? AND {_HELD}",
        (course_id,),
    )
    return (int(row[0]) if row else 0) + 1


def last_held_day(store: Store, course_id: int) -> date | None:
    """The date of the course's latest visit held or still booked (cancelled and no-show visits aside)."""
    row = store.one(
        f"SELECT max(v.scheduled_date) FROM visits v WHERE v.course_id = ? AND {_HELD}",
        (course_id,),
    )
    return date.fromisoformat(row[0]) if row and row[0] else None
