"""The one place the course watch gets its outcome scores from.

The rules that judge benefit (dose rising while scores do not improve, benefit wearing
off sooner, the first effective dose) take each instrument's dated totals as plain values
(:class:`~ketadesk.core.watch.records.OutcomeSeries`) and are tested with them in core.
Here they are read from the stored outcome measures of the course: only the current ones
(a corrected original or a measure struck as entered in error never counts), oldest first.
"""

from __future__ import annotations

from ketadesk.clinic.outcome_reads import counted_measures
from ketadesk.clinic.session import Session
from ketadesk.core.course import Course
from ketadesk.core.instruments import ORDER, instrument_label
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.watch.records import OutcomePoint, OutcomeSeries


def outcome_scores(session: Session, course: Course) -> tuple[OutcomeSeries, ...]:
    """Each outcome instrument's current totals over ``course``, oldest first, in the instruments' order."""
    # The store reads them oldest first (by entered_at, then id), and current() keeps that order.
    measures = counted_measures(session, course.patient_id, course.id)
    by_instrument: dict[InstrumentKey, list[OutcomePoint]] = {}
    for m in measures:
        by_instrument.setdefault(m.instrument, []).append(OutcomePoint(m.entered_at, m.total))
    return tuple(
        OutcomeSeries(instrument_label(key), tuple(by_instrument[key])) for key in ORDER if key in by_instrument
    )
