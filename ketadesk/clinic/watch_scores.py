"""The one place the course watch gets its outcome scores from.

The rules that judge benefit (dose rising while scores do not improve, benefit wearing
off sooner, the first effective dose) take each instrument's dated totals as plain values
(:class:`~ketadesk.core.watch.records.OutcomeSeries`) and are tested with them in core.
This program does not store outcome measures (PHQ-9, GAD-7, PCL-5, the Fear
Questionnaire) yet, so :func:`outcome_scores` has none to give and those rules say they
were not judged. When the measures are stored, this function reads the course's totals
from their store — and it is the only line of the watch that changes.
"""

from __future__ import annotations

from ketadesk.clinic.session import Session
from ketadesk.core.course import Course
from ketadesk.core.watch.records import OutcomeSeries


def outcome_scores(session: Session, course: Course) -> tuple[OutcomeSeries, ...]:
    """Each outcome instrument's totals over ``course``, oldest first: none while outcome measures are not stored."""
    del session, course  # nothing to read yet: no outcome measure is stored
    return ()
