"""Bedside scales: MOAA/S 0–5, RASS −5..+4, CADSS-6 items 1, 2, 6, 7, 15, 22, and the modified Aldrete score."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import Protocol
from ketadesk.core.scales import (
    ALDRETE_ITEMS,
    CADSS_ANCHORS,
    MOAAS_LEVELS,
    RASS_LEVELS,
    AldreteScore,
    cadss6_total,
    check_moaas,
    check_rass,
    circulation_item,
)

CADSS6_NUMBERS = (1, 2, 6, 7, 15, 22)


# --- MOAA/S and RASS --------------------------------------------------------------------------


@pytest.mark.parametrize("level", range(6))
def test_moaas_accepts_0_to_5(level: int) -> None:
    """Every MOAA/S level 0–5 is accepted."""
    assert check_moaas(level) == level


@pytest.mark.parametrize("level", [-1, 6, 10])
def test_moaas_refuses_outside_0_to_5(level: int) -> None:
    """MOAA/S −1 and 6 are refused naming the scale's range."""
    with pytest.raises(ValidationError) as caught:
        check_moaas(level)
    assert caught.value.field == "moaas"
    assert "MOAA/S is 0–5" in caught.value.message


def test_moaas_descriptions_are_the_published_ones() -> None:
    """5 responds readily to name, 0 no response to painful trapezius squeeze (loss of consciousness)."""
    assert set(MOAAS_LEVELS) == {0, 1, 2, 3, 4, 5}
    assert "readily" in MOAAS_LEVELS[5]
    assert "Lethargic" in MOAAS_LEVELS[4]
    assert "loudly" in MOAAS_LEVELS[3]
    assert "prodding or shaking" in MOAAS_LEVELS[2]
    assert MOAAS_LEVELS[1] == "Responds only after painful trapezius squeeze"
    assert MOAAS_LEVELS[0] == "No response to painful trapezius squeeze"


@pytest.mark.parametrize("level", range(-5, 5))
def test_rass_accepts_minus_5_to_plus_4(level: int) -> None:
    """Every RASS level −5 to +4 is accepted."""
    assert check_rass(level) == level


@pytest.mark.parametrize("level", [-6, 5])
def test_rass_refuses_outside_its_range(level: int) -> None:
    """RASS −6 and +5 are refused naming the scale's range."""
    with pytest.raises(ValidationError) as caught:
        check_rass(level)
    assert caught.value.field == "rass"
    assert "−5 to +4" in caught.value.message


def test_rass_descriptions_are_the_published_ones() -> None:
    """+4 combative, 0 alert and calm, −1 drowsy > 10 s, −2 light < 10 s, −5 unarousable."""
    assert set(RASS_LEVELS) == set(range(-5, 5))
    assert RASS_LEVELS[4] == "Combative"
    assert RASS_LEVELS[0] == "Alert and calm"
    assert "> 10 s" in RASS_LEVELS[-1]
    assert "< 10 s" in RASS_LEVELS[-2]
    assert "no eye contact" in RASS_LEVELS[-3]
    assert "physical stimulation" in RASS_LEVELS[-4]
    assert RASS_LEVELS[-5] == "Unarousable"


# --- CADSS-6 ----------------------------------------------------------------------------------


def test_cadss6_is_items_1_2_6_7_15_22(default_protocol: Protocol) -> None:
    """The short form uses CADSS items 1, 2, 6, 7 and 15 and 22, with 22 labelled as the observer's rating.

    The labels are the protocol file's plain defaults (a clinic may put its licensed wording there);
    none is a placeholder pointing at a licensed form.
    """
    assert tuple(number for number, _ in default_protocol.cadss6_items) == CADSS6_NUMBERS
    labels = dict(default_protocol.cadss6_items)
    assert "slow motion" in labels[1]
    assert "unreal or dreamlike" in labels[2]
    assert "disconnected" in labels[6]
    assert "size or shape" in labels[7]
    assert "Spacing out" in labels[15]
    assert "Observer" in labels[22]
    assert all("licensed" not in text for text in labels.values())


def test_cadss_anchors_run_not_at_all_to_extremely() -> None:
    """Each item is scored 0 (not at all) to 4 (extremely)."""
    assert len(CADSS_ANCHORS) == 5
    assert CADSS_ANCHORS[0] == "Not at all"
    assert CADSS_ANCHORS[4] == "Extremely"


def test_cadss6_total_adds_the_six_items() -> None:
    """The total is the sum of the six items: all 0 is 0, all 4 is 24, a mix adds up."""
    assert cadss6_total(dict.fromkeys(CADSS6_NUMBERS, 0)) == 0
    assert cadss6_total(dict.fromkeys(CADSS6_NUMBERS, 4)) == 24
    assert cadss6_total({1: 1, 2: 2, 6: 0, 7: 3, 15: 4, 22: 1}) == 11


def test_cadss6_missing_item_is_named() -> None:
    """Leaving out item 15 is refused naming the missing item."""
    items = dict.fromkeys(CADSS6_NUMBERS, 1)
    del items[15]
    with pytest.raises(ValidationError) as caught:
        cadss6_total(items)
    assert caught.value.field == "cadss6"
    assert "missing [15]" in caught.value.message


def test_cadss6_item_from_the_long_form_is_refused() -> None:
    """An item that is not in the short form (item 3) is refused."""
    items = dict.fromkeys(CADSS6_NUMBERS, 1)
    items[3] = 1
    with pytest.raises(ValidationError) as caught:
        cadss6_total(items)
    assert caught.value.field == "cadss6"


@pytest.mark.parametrize("score", [-1, 5])
def test_cadss6_item_scores_are_0_to_4(score: int) -> None:
    """An item scored −1 or 5 is refused naming that item."""
    items = dict.fromkeys(CADSS6_NUMBERS, 2)
    items[7] = score
    with pytest.raises(ValidationError) as caught:
        cadss6_total(items)
    assert caught.value.field == "cadss6 item 7"
    assert "0–4" in caught.value.message


# --- modified Aldrete -------------------------------------------------------------------------


def test_aldrete_items_are_the_published_five() -> None:
    """Activity, respiration, circulation, consciousness and SpO2, each with three levels worst to best."""
    assert [name for name, _ in ALDRETE_ITEMS] == ["activity", "respiration", "circulation", "consciousness", "spo2"]
    levels = dict(ALDRETE_ITEMS)
    assert levels["activity"][2] == "Moves 4 extremities"
    assert levels["respiration"][0] == "Apnoea"
    assert levels["consciousness"][2] == "Fully awake"
    assert "> 92 %" in levels["spo2"][2]
    assert "< 90 %" in levels["spo2"][0]


def test_aldrete_total_and_pass_at_nine() -> None:
    """Total is the sum of the items; 9 passes the default mark, 8 does not, 10 does."""
    assert AldreteScore(2, 2, 2, 2, 2).total == 10
    nine = AldreteScore(activity=2, respiration=2, circulation=1, consciousness=2, spo2=2)
    eight = AldreteScore(activity=1, respiration=2, circulation=1, consciousness=2, spo2=2)
    assert nine.total == 9
    assert nine.passes(9)
    assert eight.total == 8
    assert not eight.passes(9)
    assert eight.passes(8)
    assert AldreteScore(0, 0, 0, 0, 0).total == 0


@pytest.mark.parametrize("item", ["activity", "respiration", "circulation", "consciousness", "spo2"])
@pytest.mark.parametrize("value", [-1, 3])
def test_aldrete_items_are_0_1_or_2(item: str, value: int) -> None:
    """Any item outside 0–2 is refused naming the item."""
    scores = dict.fromkeys(("activity", "respiration", "circulation", "consciousness", "spo2"), 2)
    scores[item] = value
    with pytest.raises(ValidationError) as caught:
        AldreteScore(**scores)
    assert caught.value.field == f"aldrete {item}"


@pytest.mark.parametrize(("percent", "item"), [(0, 2), (19.9, 2), (20, 1), (49.9, 1), (50, 0), (120, 0)])
def test_circulation_item_bands(percent: float, item: int) -> None:
    """BP within 20 % of baseline scores 2, 20–49 % scores 1, 50 % or more scores 0."""
    assert circulation_item(percent) == item


# --- property tests ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-1000, max_value=1000))
def test_moaas_and_rass_accept_exactly_their_levels(value: int) -> None:
    """Any whole number is accepted by MOAA/S iff 0–5 and by RASS iff −5..+4; otherwise a ValidationError."""
    for check, field, ok in ((check_moaas, "moaas", 0 <= value <= 5), (check_rass, "rass", -5 <= value <= 4)):
        try:
            assert check(value) == value
            assert ok
        except ValidationError as error:
            assert not ok
            assert error.field == field


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(CADSS6_NUMBERS), st.integers(min_value=-3, max_value=7)))
def test_cadss6_total_is_within_0_to_24_or_refused(items: dict[int, int]) -> None:
    """Any answers give a total 0–24 equal to the item sum when all six are 0–4, else a ValidationError."""
    complete = set(items) == set(CADSS6_NUMBERS) and all(0 <= v <= 4 for v in items.values())
    try:
        total = cadss6_total(items)
    except ValidationError as error:
        assert not complete
        assert error.field.startswith("cadss6")
    else:
        assert complete
        assert total == sum(items.values())
        assert 0 <= total <= 24


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-1, max_value=3), min_size=5, max_size=5), st.integers(min_value=0, max_value=10))
def test_aldrete_total_is_0_to_10_and_pass_is_a_threshold(values: list[int], mark: int) -> None:
    """Any items 0–2 give a total 0–10 that passes iff it reaches the mark; other values are refused."""
    try:
        score = AldreteScore(*values)
    except ValidationError:
        assert not all(0 <= v <= 2 for v in values)
    else:
        assert score.total == sum(values)
        assert 0 <= score.total <= 10
        assert score.passes(mark) is (score.total >= mark)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_circulation_item_falls_as_bp_moves_further_from_baseline(percent: float) -> None:
    """The circulation item is 2 below 20 %, 1 from 20 to under 50 %, and 0 from 50 %."""
    expected = 2 if percent < 20 else 1 if percent < 50 else 0
    assert circulation_item(percent) == expected
