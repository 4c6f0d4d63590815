"""Treatment courses as stored: the template frozen at planning time, and the numbering of visits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ketadesk.core.course import CoursePosition
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol, ScheduleTemplate
from ketadesk.core.users import User
from ketadesk.store import courses, visits
from ketadesk.store.db import Store
from ketadesk.store.errors import NotFound, StoreError
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES

AT = "2025-03-03T14:00:00.000Z"
START = date(2025, 3, 3)


def test_course_keeps_its_template(store: Store, nurse: User, patient_id: int, protocol: Protocol) -> None:
    """A planned course comes back with the template's weeks, interval and start date as planned."""
    template = protocol.template("induction-8")
    course_id = courses.create(store, patient_id, template, START, at=AT, actor_id=nurse.id)
    course = courses.get(store, course_id)
    assert course.patient_id == patient_id
    assert course.start_date == START
    assert course.template.key == "induction-8"
    assert course.template.visits_per_week == template.visits_per_week
    assert course.template.maintenance_interval_days == template.maintenance_interval_days
    assert course.template.induction_count == template.induction_count == 8
    assert course.visits_planned == 0


def test_course_reads_back_without_the_protocol(store: Store, nurse: User, patient_id: int, protocol: Protocol) -> None:
    """The course stores a copy of its template, so it reads back even when the protocol no longer has it."""
    course_id = courses.create(
        store, patient_id, ScheduleTemplate("retired-4", "Retired", (2, 2), 21), START, at=AT, actor_id=nurse.id
    )
    assert "retired-4" not in {t.key for t in protocol.templates}
    course = courses.get(store, course_id)
    assert (course.template.visits_per_week, course.template.maintenance_interval_days) == ((2, 2), 21)


def test_course_for_a_missing_patient_is_refused(store: Store, nurse: User, patient_id: int) -> None:
    """A course cannot be planned for a patient that does not exist."""
    with pytest.raises(StoreError):
        courses.create(store, patient_id + 50, ScheduleTemplate("x", "x", (1,), 28), START, at=AT, actor_id=nurse.id)


def test_unknown_course_is_not_found(store: Store) -> None:
    """Asking for a course id that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        courses.get(store, 77)


def test_courses_of_a_patient_oldest_first(store: Store, nurse: User, patient_id: int) -> None:
    """for_patient lists a patient's courses by start date."""
    template = ScheduleTemplate("induction-6", "Six", (3, 3), 28)
    later = courses.create(store, patient_id, template, START + timedelta(days=90), at=AT, actor_id=nurse.id)
    earlier = courses.create(store, patient_id, template, START, at=AT, actor_id=nurse.id)
    assert [c.id for c in courses.for_patient(store, patient_id)] == [earlier, later]


def test_visits_are_numbered_within_their_course(store: Store, nurse: User, patient_id: int) -> None:
    """Visits count toward the course; cancelled and no-show visits do not take a number."""
    course_id = courses.create(
        store, patient_id, ScheduleTemplate("induction-6", "Six", (3, 3), 28), START, at=AT, actor_id=nurse.id
    )
    assert courses.next_sequence(store, course_id) == 1
    booked = []
    for offset in range(3):
        sequence = courses.next_sequence(store, course_id)
        booked.append(
            visits.schedule(
                store,
                patient_id=patient_id,
                course_id=course_id,
                sequence=sequence,
                day=START + timedelta(days=2 * offset),
                chair=1,
                at=AT,
                actor_id=nurse.id,
            )
        )
    assert courses.next_sequence(store, course_id) == 4
    visits.add_event(store, booked[1], Phase.CANCELLED, at=AT, actor_id=nurse.id, reason="patient unwell")
    visits.add_event(store, booked[2], Phase.NO_SHOW, at=AT, actor_id=nurse.id)
    assert courses.next_sequence(store, course_id) == 2
    assert courses.get(store, course_id).visits_planned == 3


def test_visit_knows_its_place_in_the_course(store: Store, nurse: User, patient_id: int) -> None:
    """A visit booked in a course shows 'Infusion n of N', and past induction 'Maintenance'."""
    course_id = courses.create(
        store, patient_id, ScheduleTemplate("induction-6", "Six", (3, 3), 28), START, at=AT, actor_id=nurse.id
    )
    third = visits.schedule(
        store, patient_id=patient_id, course_id=course_id, sequence=3, day=START, chair=1, at=AT, actor_id=nurse.id
    )
    seventh = visits.schedule(
        store, patient_id=patient_id, course_id=course_id, sequence=7, day=START, chair=2, at=AT, actor_id=nurse.id
    )
    assert visits.row(store, third).summary.position == CoursePosition(3, 6)
    assert visits.row(store, third).summary.position.label == "Infusion 3 of 6"  # type: ignore[union-attr]
    assert visits.row(store, seventh).summary.position.label == "Maintenance 1"  # type: ignore[union-attr]
