"""Any answers a form or a script may send: a measure stored with core's total in range, or refused naming the item.

Whatever the answers (items missing, out of range, unknown numbers, item 10 on a zero
total), either the measure is stored with the total core computes from items 1–9 and
inside 0–27, or the call is refused with a ValidationError naming the item and nothing at
all is written (no measure, no audit entry).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketadesk.clinic import Clinic, ValidationError
from tests.clinic.clinic_steps import row_counts
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANSWERS = st.dictionaries(st.integers(-1, 12), st.integers(-1, 4), max_size=12)
WHOLE = st.fixed_dictionaries({n: st.integers(0, 3) for n in range(1, 10)})


@SETTINGS
@given(answers=st.one_of(ANSWERS, WHOLE, WHOLE.map(lambda a: {**a, 10: 1})))
def test_answers_are_stored_in_range_or_refused_with_nothing_written(
    nurse: Clinic, visit_id: int, answers: dict[int, int]
) -> None:
    before = row_counts(nurse)
    try:
        made = nurse.outcomes.record_measure(visit_id, "phq9", answers)
    except ValidationError as error:
        assert error.field.startswith("phq9 item"), error.field
        assert row_counts(nurse) == before
        return
    measure = next(
        m
        for m in nurse.outcomes.measures(nurse.visits.get(visit_id).detail.summary.patient_id)
        if m.id == made.created_id
    )
    assert measure.total == sum(answers[n] for n in range(1, 10))
    assert 0 <= measure.total <= 27
    assert all(0 <= v <= 3 for _, v in measure.answers)
