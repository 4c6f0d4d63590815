"""Any answers chosen on the nurse's form: saved with core's total, or refused naming the item, every answer kept."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.instruments import GAD7, PHQ9
from ketadesk.core.instruments.types import Instrument
from ketadesk.ui.outcomes.answers import refused_item
from ketadesk.ui.outcomes.measure_form import MeasureForm


@st.composite
def chosen(draw: st.DrawFn) -> tuple[Instrument, dict[int, int]]:
    """An instrument the default course uses, and some of its items answered, each on its scale."""
    instrument = draw(st.sampled_from([PHQ9, GAD7]))
    numbers = draw(st.sets(st.sampled_from([i.number for i in instrument.items])))
    return instrument, {n: draw(st.sampled_from(list(instrument.item(n).scale.values))) for n in numbers}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=chosen())
def test_any_answers_are_saved_as_core_scores_them_or_refused_in_place(
    qtbot: QtBot, nurse: Clinic, visit_id: int, patient_id: int, case: tuple[Instrument, dict[int, int]]
) -> None:
    """Save stores core's total, or names the item core refuses, outlines it, keeps every answer and stores nothing."""
    instrument, answers = case
    form = MeasureForm(nurse, visit_id, nurse.outcomes.definition(instrument.key))
    qtbot.addWidget(form)
    form.show()
    for number, value in answers.items():
        form.choices[number].choose(value)
    before = len(nurse.outcomes.measures(patient_id))
    try:
        expected = instrument.score(answers).total
    except ValidationError as error:
        assert form.save() is None
        assert form.isVisible() and error.message in form.message.text()
        assert form.answers() == answers
        assert form.choices[refused_item(error) or 0].styleSheet()
        assert len(nurse.outcomes.measures(patient_id)) == before
    else:
        assert form.save() is not None
        assert not form.isVisible()
        stored = nurse.outcomes.measures(patient_id)[-1]
        assert len(nurse.outcomes.measures(patient_id)) == before + 1
        assert (stored.instrument, stored.total, dict(stored.answers)) == (instrument.key, expected, answers)
