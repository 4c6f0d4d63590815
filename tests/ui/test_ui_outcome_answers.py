"""What the entry screens ask of core about a set of answers: the total line, the item refused, the items asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.clinic import ValidationError
from ketadesk.core.instruments import GAD7, PHQ9
from ketadesk.core.instruments.types import Asked, Instrument
from ketadesk.ui.outcomes.answers import asked_now, refused_item, total_line, without_unasked

INSTRUMENTS = st.sampled_from([PHQ9, GAD7])


@st.composite
def partial_answers(draw: st.DrawFn, instrument: Instrument) -> dict[int, int]:
    """Some of the instrument's items answered, each on its scale."""
    chosen = draw(st.sets(st.sampled_from([i.number for i in instrument.items])))
    return {n: draw(st.sampled_from(list(instrument.item(n).scale.values))) for n in chosen}


@given(st.data())
def test_the_total_line_is_cores_total_or_names_what_is_missing(data: st.DataObject) -> None:
    """Whatever is answered, the line shows core's total, or says what core refuses and names the item."""
    instrument = data.draw(INSTRUMENTS)
    answers = data.draw(partial_answers(instrument))
    line = total_line(instrument, answers)
    try:
        scored = instrument.score(answers)
    except ValidationError as error:
        assert line == f"{instrument.total_label}: not yet — {error.message}"
        number = refused_item(error)
        assert number is not None and str(number) in error.message
    else:
        assert line.startswith(f"{instrument.total_label}: {scored.total} (of ")


@given(st.data())
def test_answers_less_the_unasked_are_accepted_once_every_required_item_is_answered(data: st.DataObject) -> None:
    """With every item that is always asked answered, dropping the items no longer asked leaves what core accepts."""
    instrument = data.draw(INSTRUMENTS)
    answers = data.draw(partial_answers(instrument))
    for item in instrument.items:
        if item.asked is Asked.ALWAYS:
            answers.setdefault(item.number, item.scale.low)
    kept = without_unasked(instrument, answers)
    instrument.check(kept)  # never raises
    for item in instrument.items:
        if item.asked is Asked.WHEN_TOTAL_ABOVE_ZERO:
            assert asked_now(instrument, item, kept) == (instrument.score(kept).total > 0)


@pytest.mark.parametrize(("field", "number"), [("phq9 item 4", 4), ("item 10", 10), ("answers", None), ("", None)])
def test_the_item_a_refusal_names(field: str, number: int | None) -> None:
    """The item number is read from the refusal's field, and only from there."""
    assert refused_item(ValidationError(field, 1, "0 to 3")) == number
