"""Outcome instruments: items, scales, totals in range for any answers, bands, codes, and refusals that say why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.instruments import GAD7, PHQ9, Instrument, InstrumentKey
from ketadesk.core.instruments.fear_questionnaire import ANXIETY_DEPRESSION_ITEMS, TOTAL_PHOBIA_ITEMS
from ketadesk.core.instruments.types import Asked
from ketadesk.core.instruments.types import InstrumentKey as Key
from ketadesk.core.protocol import Protocol


def _instruments(protocol: Protocol) -> dict[InstrumentKey, Instrument]:
    return {i.key: i for i in protocol.outcomes.instruments}


@st.composite
def answer_sets(draw: st.DrawFn, instrument: Instrument) -> dict[int, int]:
    """Any complete set of answers the instrument takes (optional items answered or left, item 10 by its rule)."""
    answers: dict[int, int] = {}
    for item in instrument.items:
        if item.asked is Asked.ALWAYS or (item.asked is Asked.OPTIONAL and draw(st.booleans())):
            answers[item.number] = draw(st.integers(item.scale.low, item.scale.high))
    total = sum(answers.get(n, 0) for n in instrument.total_items)
    for item in instrument.items:
        if item.asked is Asked.WHEN_TOTAL_ABOVE_ZERO and total > 0 and draw(st.booleans()):
            answers[item.number] = draw(st.integers(item.scale.low, item.scale.high))
    return answers


@pytest.mark.parametrize("key", list(InstrumentKey))
@given(data=st.data())
def test_every_total_and_subscale_is_inside_its_range(
    protocol: Protocol, key: InstrumentKey, data: st.DataObject
) -> None:
    """For any answers an instrument takes, the total, every subscale and the band lie inside their ranges."""
    instrument = _instruments(protocol)[key]
    answers = data.draw(answer_sets(instrument))
    scored = instrument.score(answers)
    low, high = instrument.range
    assert low <= scored.total <= high
    assert scored.total == sum(answers.get(n, 0) for n in instrument.total_items)
    for subscale in instrument.subscales:
        s_low, s_high = subscale.range
        assert s_low <= scored.subscale(subscale.key) <= s_high
    if instrument.bands:
        assert scored.band is not None and scored.band.low <= scored.total <= scored.band.high


@pytest.mark.parametrize("key", list(InstrumentKey))
def test_the_bands_cover_the_range_without_a_gap_or_overlap(protocol: Protocol, key: InstrumentKey) -> None:
    """Every possible total falls in exactly one band (an instrument without bands has none)."""
    instrument = _instruments(protocol)[key]
    if not instrument.bands:
        assert key is Key.FQ  # the Fear Questionnaire has no formal bands
        return
    low, high = instrument.range
    for total in range(low, high + 1):
        assert sum(1 for b in instrument.bands if b.low <= total <= b.high) == 1


def test_published_ranges_items_and_bands(protocol: Protocol) -> None:
    """PHQ-9 0–27 in bands at 5/10/15/20, GAD-7 0–21, PCL-5 0–80 over 20 items, FQ total phobia 0–120 over 24."""
    found = _instruments(protocol)
    assert found[Key.PHQ9].range == (0, 27) and len(found[Key.PHQ9].items) == 10
    assert [b.low for b in PHQ9.bands] == [0, 5, 10, 15, 20]
    assert [b.name for b in PHQ9.bands] == ["minimal", "mild", "moderate", "moderately severe", "severe"]
    assert found[Key.GAD7].range == (0, 21) and [b.low for b in GAD7.bands] == [0, 5, 10, 15]
    assert found[Key.PCL5].range == (0, 80) and len(found[Key.PCL5].items) == 20
    fq = found[Key.FQ]
    assert fq.range == (0, 120) and len(fq.items) == 24 and fq.total_items == TOTAL_PHOBIA_ITEMS
    assert {s.key: s.items for s in fq.subscales}["agoraphobia"] == (5, 6, 8, 12, 15)
    assert {s.key: s.items for s in fq.subscales}["blood_injury"] == (2, 4, 10, 13, 16)
    assert {s.key: s.items for s in fq.subscales}["social"] == (3, 7, 9, 11, 14)
    assert (
        {s.key: s.items for s in fq.subscales}["anxiety_depression"] == ANXIETY_DEPRESSION_ITEMS == (18, 19, 20, 21, 22)
    )
    assert fq.items[-1].number == 24 and {s.key: s.items for s in fq.subscales}["global"] == (24,)


def test_codes_are_loinc_where_verified_and_the_clinics_own_otherwise(protocol: Protocol) -> None:
    """PHQ-9 44261-6 / 44249-1 and GAD-7 70274-6 / 69737-5 in LOINC; PCL-5 and FQ in urn:ketadesk:instrument."""
    found = _instruments(protocol)
    assert (PHQ9.total_code.code, PHQ9.panel.code) == ("44261-6", "44249-1")
    assert (GAD7.total_code.code, GAD7.panel.code) == ("70274-6", "69737-5")
    assert PHQ9.total_code.system == GAD7.panel.system == "http://loinc.org"
    for key in (Key.PCL5, Key.FQ):
        assert found[key].panel.system == found[key].total_code.system == "urn:ketadesk:instrument"


def test_licences_say_what_may_be_reproduced(protocol: Protocol) -> None:
    """PHQ-9 and GAD-7 need no permission; PCL-5 is public domain; the FQ's wording is the clinic's."""
    found = _instruments(protocol)
    assert "No permission required" in PHQ9.licence and "No permission required" in GAD7.licence
    assert "public domain" in found[Key.PCL5].licence
    assert "wording is the clinic's" in found[Key.FQ].licence


def test_phq9_wording_is_the_published_form() -> None:
    """Item 1 and item 9 read as the published PHQ-9; item 10 is asked when the total is above 0 and not added."""
    assert PHQ9.item(1).text == "Little interest or pleasure in doing things"
    assert PHQ9.item(9).text == "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert [a.label for a in PHQ9.item(1).scale.anchors] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    ten = PHQ9.item(10)
    assert not ten.in_total and ten.asked is Asked.WHEN_TOTAL_ABOVE_ZERO


def test_item_10_is_not_added_and_is_refused_when_the_total_is_0() -> None:
    """Item 10 never changes the total; with a total of 0 it was not asked, so an answer to it is refused."""
    some = {n: 0 for n in range(1, 10)} | {1: 2}
    assert PHQ9.score(some).total == PHQ9.score(some | {10: 3}).total == 2
    with pytest.raises(ValidationError) as caught:
        PHQ9.score({n: 0 for n in range(1, 11)})
    assert caught.value.field == "phq9 item 10" and "asked only when the total is above 0" in caught.value.message


def test_the_fear_questionnaire_wording_comes_from_the_protocol(protocol: Protocol) -> None:
    """The shipped labels are neutral and point to the clinic's form; a clinic's own wording replaces them."""
    fq = _instruments(protocol)[Key.FQ]
    assert all("clinic's form" in item.text for item in fq.items[:23])
    worded = fq.with_labels({5: "Travelling alone by bus"})
    assert worded.item(5).text == "Travelling alone by bus" and worded.item(6).text == fq.item(6).text
    answers = {n: 4 for n in range(1, 25) if n not in (17, 23)}
    assert worded.score(answers) == fq.score(answers)


@pytest.mark.parametrize(
    ("answers", "field", "value", "allowed"),
    [
        ({n: 0 for n in range(1, 9)}, "phq9 item 9", "not answered", "answered 0 to 3"),
        ({n: 0 for n in range(1, 10)} | {4: 4}, "phq9 item 4", "4", "answered 0 to 3"),
        ({n: 0 for n in range(1, 10)} | {4: -1}, "phq9 item 4", "-1", "answered 0 to 3"),
        ({n: 0 for n in range(1, 10)} | {11: 0}, "phq9 item", "no item 11", "items 1–10"),
        ({n: 0 for n in range(1, 10)} | {2: True}, "phq9 item 2", "True", "answered 0 to 3"),
    ],
)
def test_bad_answers_are_refused_naming_the_item_the_value_and_what_is_allowed(
    answers: dict[int, int], field: str, value: str, allowed: str
) -> None:
    """A missing, out-of-scale, unknown or non-number answer: the item, the value given and the scale."""
    with pytest.raises(ValidationError) as caught:
        PHQ9.score(answers)
    assert caught.value.field == field
    assert value in caught.value.message and allowed in caught.value.message


@given(st.dictionaries(st.integers(-3, 30), st.integers(-5, 12) | st.booleans(), max_size=30))
def test_any_answers_score_in_range_or_are_refused(answers: dict[int, int]) -> None:
    """Whatever mapping comes in, GAD-7 either scores it inside 0–21 or refuses it with a ValidationError."""
    try:
        scored = GAD7.score(answers)
    except ValidationError as error:
        assert error.field.startswith("gad7")
        return
    assert 0 <= scored.total <= 21 and set(answers) == set(range(1, 8))
