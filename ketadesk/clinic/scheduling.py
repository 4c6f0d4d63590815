"""Courses and bookings: planning a course, booking its visits into chairs, moving and cancelling them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.course import plan_of, with_taper
from ketadesk.clinic.usecase import Area, checked_phase, use_case
from ketadesk.clinic.views import NextVisit
from ketadesk.core.course import Course
from ketadesk.core.errors import ValidationError
from ketadesk.core.phases import OPEN, Phase
from ketadesk.core.protocol_outcomes import checked_instruments
from ketadesk.core.users import SCHEDULING
from ketadesk.store import courses as store_courses
from ketadesk.store import outcomes as store_outcomes
from ketadesk.store import patients as store_patients
from ketadesk.store import visits as store_visits


class Scheduling(Area):
    """Treatment courses and the chair bookings of their visits."""

    @use_case("plan courses", roles=SCHEDULING, changes={Change.SCHEDULE, Change.OUTCOMES})
    def plan_course(
        self,
        patient_id: int,
        start: date,
        template_key: str | None = None,
        instruments: Sequence[str] | None = None,
    ) -> Changes:
        """Start a treatment course from one of the protocol's templates, measured with the chosen instruments.

        The instruments (the protocol's default set when none are chosen) are recorded with
        the course in the same transaction, so a course keeps the measures it was planned
        with when the clinic's default later changes, as it keeps its template.
        """
        s = self.session
        try:
            template = s.protocol.template(template_key)
        except KeyError as error:
            raise ValidationError("template", template_key, str(error.args[0])) from None
        chosen = s.protocol.outcomes.default_instruments if instruments is None else checked_instruments(instruments)
        store_patients.get(s.store, patient_id)
        with s.store.transaction():
            course_id = store_courses.create(s.store, patient_id, template, start, at=s.stamp(), actor_id=s.user.id)
            store_outcomes.choose_instruments(s.store, course_id, chosen, at=s.stamp(), actor_id=s.user.id)
        return Changes.patient(patient_id, created_id=course_id)

    def courses(self, patient_id: int) -> list[Course]:
        """A patient's courses, oldest first, each template with the taper the protocol gives it."""
        return [with_taper(self.session, c) for c in store_courses.for_patient(self.session.store, patient_id)]

    def next_visit(self, patient_id: int) -> NextVisit:
        """What to book next for this patient: the next visit of the latest course and its planned date."""
        s = self.session
        courses = store_courses.for_patient(s.store, patient_id)
        if not courses:
            return NextVisit(None, None, s.today(), "No course planned")
        course = courses[-1]
        step = plan_of(s, with_taper(s, course))[0]  # the first visit of the plan the course screen shows
        return NextVisit(course.id, step.position.sequence, step.day, step.label)

    @use_case("schedule visits", roles=SCHEDULING, changes={Change.SCHEDULE})
    def schedule_visit(
        self,
        patient_id: int,
        day: date,
        chair: int | None,
        *,
        course_id: int | None = None,
        sequence: int | None = None,
    ) -> Changes:
        """Book a visit into a chair; with a course, it takes the course's next number unless one is given."""
        s = self.session
        self._check_chair(chair)
        store_patients.get(s.store, patient_id)
        # The course's next number and the chair's bookings are read under the write lock: two desks booking the
        # next visit of one course at once would otherwise both take the same number.
        with s.store.transaction():
            if course_id is not None:
                course = store_courses.get(s.store, course_id)
                if course.patient_id != patient_id:
                    raise ValidationError("course", course_id, "a course of this patient")
                if sequence is None:
                    sequence = store_courses.next_sequence(s.store, course_id)
            warnings = self._chair_clash(day, chair, None)
            visit_id = store_visits.schedule(
                s.store,
                patient_id=patient_id,
                course_id=course_id,
                sequence=sequence,
                day=day,
                chair=chair,
                at=s.stamp(),
                actor_id=s.user.id,
            )
        return Changes(
            visits=frozenset({visit_id}), patients=frozenset({patient_id}), created_id=visit_id, warnings=warnings
        )

    def _check_chair(self, chair: int | None) -> None:
        chairs = self.session.protocol.chairs
        if chair is not None and not 1 <= chair <= chairs:
            raise ValidationError("chair", chair, f"chairs 1–{chairs}")

    def _chair_clash(self, day: date, chair: int | None, visit_id: int | None) -> tuple[str, ...]:
        if chair is None:
            return ()
        others = [
            r.summary
            for r in store_visits.on_date(self.session.store, day, with_readings=False)
            if r.summary.chair == chair and r.summary.id != visit_id and not r.summary.phase.is_closed
        ]
        return tuple(f"Chair {chair} also has {o.patient_name} on {day.isoformat()}" for o in others)

    @use_case(
        "move visits", roles=SCHEDULING, phases=OPEN, refusal="only open visits can be moved", changes={Change.SCHEDULE}
    )
    def move_visit(self, visit_id: int, day: date, chair: int | None) -> Changes:
        """Change the date or chair of a visit that has not started (a visit under way only changes chair)."""
        s = self.session
        self._check_chair(chair)
        if (
            checked_phase(s, visit_id) is not Phase.SCHEDULED
            and day != store_visits.row(s.store, visit_id).summary.scheduled_date
        ):
            raise ValidationError("date", day.isoformat(), "a visit under way stays on its day; only the chair moves")
        warnings = self._chair_clash(day, chair, visit_id)
        store_visits.move(s.store, visit_id, day=day, chair=chair, at=s.stamp(), actor_id=s.user.id)
        return Changes.visit(visit_id, warnings=warnings)

    @use_case("cancel visits", roles=SCHEDULING, moves_to=Phase.CANCELLED, changes={Change.PHASE, Change.SCHEDULE})
    def cancel_visit(self, visit_id: int, reason: str) -> Changes:
        """Cancel a visit that has not started its infusion."""
        self.session.move(visit_id, Phase.CANCELLED, reason)
        return Changes.visit(visit_id)

    @use_case("record a no-show", roles=SCHEDULING, moves_to=Phase.NO_SHOW, changes={Change.PHASE, Change.SCHEDULE})
    def record_no_show(self, visit_id: int) -> Changes:
        """The patient did not come."""
        self.session.move(visit_id, Phase.NO_SHOW)
        return Changes.visit(visit_id)
