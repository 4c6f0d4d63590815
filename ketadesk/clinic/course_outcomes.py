"""A course's outcome trends as the course screen and the course summary read them.

Each instrument the course measures (those chosen for it, else the protocol's default, and
any other instrument it was measured with all the same, so no score is hidden) becomes one
:class:`~ketadesk.core.instruments.trend.InstrumentTrend`: the current scores, the baseline
before the first infusion, the latest, the change and the response and remission verdicts.
Every rule is core's; this module only reads the record.
"""

from __future__ import annotations

from ketadesk.clinic.outcome_reads import counted_measures, course_instruments
from ketadesk.clinic.session import Session
from ketadesk.core.clock import from_utc_iso
from ketadesk.core.instruments import ORDER
from ketadesk.core.instruments.trend import InstrumentTrend, course_trends
from ketadesk.store import courses as store_courses
from ketadesk.store import outcomes as store_outcomes


def course_outcomes(session: Session, course_id: int) -> tuple[InstrumentTrend, ...]:
    """Every instrument of ``course_id`` as a trend, in the instruments' order (an unknown course is NotFound)."""
    store = session.store
    course = store_courses.get(store, course_id)
    measures = counted_measures(session, course.patient_id, course_id)
    used = {i.key for i in course_instruments(session, course_id)} | {m.instrument for m in measures}
    first = store_outcomes.first_infusion_at(store, course_id)
    settings = session.protocol.outcomes
    instruments = [settings.instrument(k) for k in ORDER if k in used]
    return course_trends(instruments, measures, None if first is None else from_utc_iso(first))
