"""Dosing: mg/kg × kg, pump volume and rate, lot numbers, and when a physician must acknowledge the dose."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.dosing import DosePlan, calculate_dose, parse_mg_per_kg, review_dose, validate_lot
from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import DoseRules

RULES = DoseRules(default_mg_per_kg=0.5, min_mg_per_kg=0.25, max_mg_per_kg=1.0, max_step_mg_per_kg=0.25)
NASTY = [
    "",
    " ",
    "'; DROP TABLE doses;--",
    "0.5 OR 1=1",
    "٠.٥",
    "０.５",
    "½",
    "0.5mg",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "9" * 5000,
    "-0.5",
    "0",
    "0,5",
    "0,5,0",
    "0.5.0",
    "0x1",
    "1_0",
    "\x00",
    "\u200b0.5",
]
FUZZ_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(NASTY),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"\s*[0-9]{1,3}([.,][0-9]{0,4})?\s*", fullmatch=True),
)


def plan(
    mg_per_kg: str | float = "0.5",
    weight: str | float = "80",
    *,
    concentration_mg_per_ml: float = 1.0,
    duration_min: int = 40,
    lot_number: str = "ab123",
) -> DosePlan:
    """A dose plan with the clinic defaults unless told otherwise."""
    return calculate_dose(
        mg_per_kg,
        weight,
        concentration_mg_per_ml=concentration_mg_per_ml,
        duration_min=duration_min,
        drug="Ketamine hydrochloride",
        route="IV",
        lot_number=lot_number,
    )


# --- the calculation ------------------------------------------------------------------------


def test_half_mg_per_kg_for_80_kg_is_40_mg() -> None:
    """0.5 mg/kg × 80 kg = 40 mg; at 1 mg/mL over 40 min that is 40 mL at 60 mL/h (60 mg/h)."""
    dose = calculate_dose(
        "0.5",
        "80",
        concentration_mg_per_ml=1.0,
        duration_min=40,
        drug="Ketamine hydrochloride",
        route="IV",
        lot_number="ab123",
    )
    assert dose.dose_mg == 40.0
    assert dose.volume_ml == 40.0
    assert dose.rate_ml_per_h == 60.0
    assert dose.rate_mg_per_h == 60.0
    assert (dose.mg_per_kg, dose.weight_kg, dose.duration_min) == (0.5, 80.0, 40)
    assert (dose.drug, dose.route, dose.lot_number) == ("Ketamine hydrochloride", "IV", "AB123")


def test_volume_and_rate_follow_concentration_and_duration() -> None:
    """At 10 mg/mL, 40 mg is 4 mL; over 60 min that runs at 4 mL/h and 40 mg/h."""
    dose = plan(concentration_mg_per_ml=10.0, duration_min=60)
    assert dose.volume_ml == 4.0
    assert dose.rate_ml_per_h == 4.0
    assert dose.rate_mg_per_h == 40.0


def test_dose_volume_and_rate_round_to_a_tenth() -> None:
    """0.75 mg/kg × 67.3 kg = 50.475 mg → 50.5 mg; rate at 50 min is 60.6 mL/h."""
    dose = plan("0.75", "67.3", duration_min=50)
    assert dose.dose_mg == 50.5
    assert dose.volume_ml == 50.5
    assert dose.rate_ml_per_h == 60.6


def test_typed_commas_are_decimal_points() -> None:
    """'0,5' mg/kg and '80,0' kg are read with the comma as a decimal point."""
    assert plan("0,5", "80,0").dose_mg == 40.0


@pytest.mark.parametrize("weight", ["24.9", "350.1", "0", "abc", ""])
def test_implausible_weight_is_refused(weight: str) -> None:
    """A weight outside 25–350 kg is refused naming the weight."""
    with pytest.raises(ValidationError) as caught:
        plan(weight=weight)
    assert caught.value.field == "weight_kg"
    assert "25–350" in caught.value.message


@pytest.mark.parametrize("weight", ["25", "350"])
def test_weight_limits_are_accepted(weight: str) -> None:
    """25 kg and 350 kg can be dosed."""
    assert plan(weight=weight).weight_kg == float(weight)


@pytest.mark.parametrize(("duration", "ok"), [(4, False), (5, True), (240, True), (241, False)])
def test_duration_limits(duration: int, ok: bool) -> None:
    """Infusion duration must be 5–240 minutes."""
    if ok:
        assert plan(duration_min=duration).duration_min == duration
    else:
        with pytest.raises(ValidationError) as caught:
            plan(duration_min=duration)
        assert caught.value.field == "duration_min"


@pytest.mark.parametrize("concentration", [0.0, -1.0])
def test_concentration_must_be_positive(concentration: float) -> None:
    """A zero or negative concentration is refused rather than dividing by it."""
    with pytest.raises(ValidationError) as caught:
        plan(concentration_mg_per_ml=concentration)
    assert caught.value.field == "concentration_mg_per_ml"


def test_bad_lot_is_refused_in_a_plan() -> None:
    """A plan is refused when its lot number is not valid."""
    with pytest.raises(ValidationError) as caught:
        plan(lot_number="")
    assert caught.value.field == "lot_number"


# --- typed mg/kg ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("0.05", 0.05), ("3", 3.0), ("0.5", 0.5), (" 1,0 ", 1.0), (0.75, 0.75)])
def test_parse_mg_per_kg_accepts_plausible_doses(text: str | float, value: float) -> None:
    """0.05–3 mg/kg is read, with a comma as decimal point and spaces ignored."""
    assert parse_mg_per_kg(text) == value


@pytest.mark.parametrize(
    "text", ["0.04", "3.01", "0", "-0.5", "abc", "", "nan", "inf", "1e400", "'; DROP TABLE doses;--"]
)
def test_parse_mg_per_kg_refuses_implausible_doses(text: str) -> None:
    """Below 0.05, above 3, negative, not a number or empty is refused with the range."""
    with pytest.raises(ValidationError) as caught:
        parse_mg_per_kg(text)
    assert caught.value.field == "mg_per_kg"
    assert "0.05–3 mg/kg" in caught.value.message


def test_parse_mg_per_kg_keeps_three_places() -> None:
    """A dose is read to 0.001 mg/kg; a fourth decimal is refused rather than silently rounded."""
    assert parse_mg_per_kg("0.333") == 0.333
    with pytest.raises(ValidationError, match="three decimals"):
        parse_mg_per_kg("0.3333")


# --- lot numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "clean"), [("ab123", "AB123"), (" L-2024/07.1 ", "L-2024/07.1"), ("X" * 40, "X" * 40)])
def test_lot_numbers_are_trimmed_and_upper_cased(raw: str, clean: str) -> None:
    """A lot number is trimmed and upper-cased; 40 characters is allowed."""
    assert validate_lot(raw) == clean


@pytest.mark.parametrize(
    "raw", ["", "   ", "X" * 41, "AB 123", "AB_123", "'; DROP TABLE doses;--", "ÄB1", "ß1", "ﬀ1", "١٢٣", "AB\n1"]
)
def test_bad_lot_numbers_are_refused(raw: str) -> None:
    """Empty, too long, spaces, underscores, SQL and non-ASCII letters (even ß, which upper-cases to SS) are refused."""
    with pytest.raises(ValidationError) as caught:
        validate_lot(raw)
    assert caught.value.field == "lot_number"
    assert "letters, digits" in caught.value.message


# --- dose review ------------------------------------------------------------------------------


def test_usual_dose_needs_no_physician() -> None:
    """0.5 mg/kg, first visit, is within the clinic's limits."""
    assert review_dose(0.5, None, RULES).needs_physician is False
    assert review_dose(0.5, None, RULES).reasons == ()


def test_dose_limits_are_inclusive() -> None:
    """Exactly the clinic minimum and maximum need no physician."""
    assert not review_dose(0.25, None, RULES).needs_physician
    assert not review_dose(1.0, 0.75, RULES).needs_physician


def test_dose_above_maximum_needs_physician() -> None:
    """1.1 mg/kg is above the 1.0 maximum and needs a physician, with the reason in words."""
    review = review_dose(1.1, 1.0, RULES)
    assert review.needs_physician
    assert review.reasons == ("1.1 mg/kg is above the clinic maximum of 1 mg/kg",)


def test_dose_below_minimum_needs_physician() -> None:
    """0.2 mg/kg is below the 0.25 minimum and needs a physician."""
    review = review_dose(0.2, None, RULES)
    assert review.needs_physician
    assert review.reasons == ("0.2 mg/kg is below the clinic minimum of 0.25 mg/kg",)


def test_step_up_of_exactly_a_quarter_needs_no_physician() -> None:
    """0.5 → 0.75 mg/kg is a step of exactly 0.25 and is allowed."""
    assert not review_dose(0.75, 0.5, RULES).needs_physician


def test_step_up_of_more_than_a_quarter_needs_physician() -> None:
    """0.5 → 0.76 mg/kg is a step of more than 0.25 and needs a physician, saying by how much."""
    review = review_dose(0.76, 0.5, RULES)
    assert review.needs_physician
    assert review.reasons == ("a step up of 0.26 mg/kg from the previous 0.5 mg/kg is more than 0.25 mg/kg",)


def test_step_down_of_any_size_needs_no_physician() -> None:
    """Going down from 1.0 to 0.25 mg/kg is not an escalation."""
    assert not review_dose(0.25, 1.0, RULES).needs_physician


def test_above_maximum_and_big_step_give_both_reasons() -> None:
    """0.5 → 1.2 mg/kg is above the maximum and too big a step: both reasons are listed."""
    review = review_dose(1.2, 0.5, RULES)
    assert review.needs_physician
    assert len(review.reasons) == 2
    assert "above the clinic maximum" in review.reasons[0]
    assert "step up" in review.reasons[1]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=16))
def test_exact_quarter_steps_never_trip_on_float_error(twentieths: int) -> None:
    """A step of exactly 0.25 mg/kg from any previous dose (in 0.05 steps) is not flagged by float rounding."""
    previous = twentieths * 0.05
    current = previous + 0.25
    reasons = review_dose(current, previous, RULES).reasons
    assert not any("step up" in reason for reason in reasons)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=5, max_value=300), st.integers(min_value=5, max_value=300))
def test_review_matches_the_rule(current_hundredths: int, previous_hundredths: int) -> None:
    """For doses in 0.01 steps, a physician is needed exactly when above max, below min, or up by more than 0.25."""
    current, previous = current_hundredths / 100, previous_hundredths / 100
    needed = current > 1.0 or current < 0.25 or (current_hundredths - previous_hundredths) > 25
    assert review_dose(current, previous, RULES).needs_physician is needed


# --- property tests ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(FUZZ_TEXT)
def test_parse_mg_per_kg_returns_a_plausible_dose_or_names_the_range(text: str) -> None:
    """Any text gives a dose within 0.05–3 mg/kg or a ValidationError naming mg_per_kg and the range."""
    try:
        value = parse_mg_per_kg(text)
    except ValidationError as error:
        assert error.field == "mg_per_kg"
        assert "0.05–3 mg/kg" in error.message
    else:
        assert 0.05 <= value <= 3.0


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=50),
        st.sampled_from(["ab-12/3.4", " x ", "ß" * 20, "A" * 41]),
        st.from_regex(r"\s*[A-Za-z0-9./-]{1,45}\s*", fullmatch=True),
    )
)
def test_validate_lot_returns_vial_text_or_refuses(text: str) -> None:
    """Any text gives the trimmed input upper-cased as 1–40 ASCII letters, digits, - . / or a lot ValidationError."""
    try:
        lot = validate_lot(text)
    except ValidationError as error:
        assert error.field == "lot_number"
        assert "letters, digits" in error.message
    else:
        assert re.fullmatch(r"[A-Z0-9./-]{1,40}", lot)
        assert lot == text.strip().upper()
        assert len(lot) == len(text.strip())


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=5, max_value=300),
    st.integers(min_value=250, max_value=3500),
    st.sampled_from([1.0, 2.0, 10.0, 50.0]),
    st.integers(min_value=5, max_value=240),
)
def test_pump_settings_are_consistent(hundredths: int, tenths_kg: int, concentration: float, duration: int) -> None:
    """For any plausible dose and weight, mg ≈ mg/kg × kg, mL ≈ mg ÷ concentration and mL/h ≈ mL × 60 ÷ minutes."""
    mg_per_kg, weight = hundredths / 100, tenths_kg / 10
    dose = calculate_dose(
        f"{mg_per_kg}",
        f"{weight}",
        concentration_mg_per_ml=concentration,
        duration_min=duration,
        drug="Ketamine",
        route="IV",
        lot_number="L1",
    )
    assert abs(dose.dose_mg - mg_per_kg * weight) <= 0.05 + 1e-9
    assert abs(dose.volume_ml - dose.dose_mg / concentration) <= 0.05 + 1e-9
    assert abs(dose.rate_ml_per_h - dose.volume_ml * 60 / duration) <= 0.05 + 1e-9
    assert abs(dose.rate_mg_per_h - dose.dose_mg * 60 / duration) <= 0.05 + 1e-9


@pytest.mark.parametrize("typed", ["٠.٥", "0_5", "1e-1", "0.5mg", "+0.5"])
def test_parse_mg_per_kg_takes_plain_digits_only(typed: str) -> None:
    """Non-ASCII digits, underscores, exponents and signs are refused, like every other typed number."""
    with pytest.raises(ValidationError):
        parse_mg_per_kg(typed)
