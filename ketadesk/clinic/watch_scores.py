"""The one place the course watch gets its outcome scores from.

The rules that judge benefit (dose rising while scores do not improve, benefit wearing
off sooner, the first effective dose) take each instrument's dated totals as plain values
(:class:`~ketadesk.core.watch.records.OutcomeSeries`) and are tested with them in core.
Here they are read from the stored outcome measures of the course: only the current ones
(a corrected original or a measure struck as entered in error never counts), oldest first.
"""

from __future__ import annotations

from ketadesk.clinic.session import Session
from ketadesk.core.course import Course
from ketadesk.core.instruments import ORDER, instrument_label
from ketadesk.core.instruments.measures import current
from ketadesk.core.watch.records import OutcomePoint, OutcomeSeries
from ketadesk.store import outcomes as store_outcomes


def outcome_scores(session: Session, course: Course) -> tuple[OutcomeSeries, ...]:
    """Each outcome instrument's current totals over ``course``, oldest first, in the instruments' order."""
    measures = [
        m for m in current(store_outcomes.measures(session.store, course.patient_id)) if m.course_id == course.id
    ]
    series = []
    for key in ORDER:
        points = tuple(
            OutcomePoint(m.entered_at, m.total)
            for m in sorted(measures, key=lambda m: (m.entered_at, m.id))
            if m.instrument is key
        )
        if points:
            series.append(OutcomeSeries(instrument_label(key), points))
    return tuple(series)
