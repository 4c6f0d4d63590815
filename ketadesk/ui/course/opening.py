"""Which course a clinician means when they ask for "the course" from a visit or from the patient's record.

From a visit: the course the visit belongs to. From the patient's record: the course of the
visit highlighted there, else the patient's latest course. A visit outside any course, or a
patient with no course planned, has none, and the caller says so rather than guessing.
"""

from __future__ import annotations

from ketadesk.clinic import Clinic


def course_of_visit(clinic: Clinic, visit_id: int) -> int | None:
    """The course ``visit_id`` belongs to (None for a visit outside any course)."""
    return clinic.visits.get(visit_id).detail.summary.course_id


def course_of_patient(clinic: Clinic, patient_id: int, visit_id: int | None = None) -> int | None:
    """The course of the highlighted visit, else the patient's latest course (None when they have none)."""
    if visit_id is not None:
        course = course_of_visit(clinic, visit_id)
        if course is not None:
            return course
    courses = clinic.scheduling.courses(patient_id)
    return courses[-1].id if courses else None
