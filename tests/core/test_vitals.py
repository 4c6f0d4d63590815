"""Vital signs: typing errors refused with the range, real readings past a threshold raised as alerts."""

from __future__ import annotations

import dataclasses

import pytest

from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import AlertThresholds, load_protocol
from ketadesk.core.vitals import (
    FIELD_LABELS,
    PLAUSIBLE,
    UNITS,
    AlertKind,
    VitalSigns,
    baseline_needs_physician,
    classify,
    parse_decimal,
    parse_whole,
    percent_from_baseline,
    validate_vitals,
    within_percent_of_baseline,
)
from tests.core.vitals_inputs import T0, WHOLE_FIELDS, range_text

NORMAL = VitalSigns(taken_at=T0, sbp=120, dbp=80, hr=70, spo2=98, rr=14, temp_c=36.8)


def with_(**changes: int) -> VitalSigns:
    """A normal set of vitals with some values changed."""
    return dataclasses.replace(NORMAL, **changes)  # type: ignore[arg-type]


# --- plausibility limits ----------------------------------------------------------------------


def test_plausible_ranges_are_the_clinical_ones() -> None:
    """The plausibility limits are those in CLINICAL.md."""
    assert PLAUSIBLE == {
        "sbp": (40, 300),
        "dbp": (20, 200),
        "hr": (20, 250),
        "spo2": (50, 100),
        "rr": (2, 60),
        "temp_c": (30.0, 43.0),
        "weight_kg": (25.0, 350.0),
    }
    assert set(FIELD_LABELS) == set(UNITS) == set(PLAUSIBLE)


@pytest.mark.parametrize("field", WHOLE_FIELDS)
def test_whole_vitals_accept_both_limits(field: str) -> None:
    """The lowest and highest plausible whole values are accepted."""
    low, high = PLAUSIBLE[field]
    assert parse_whole(field, str(int(low))) == low
    assert parse_whole(field, str(int(high))) == high
    assert parse_whole(field, int(high)) == high


@pytest.mark.parametrize("field", WHOLE_FIELDS)
def test_whole_vitals_refuse_just_past_each_limit(field: str) -> None:
    """One below the lowest and one above the highest are refused naming the field and the range."""
    low, high = PLAUSIBLE[field]
    for value in (int(low) - 1, int(high) + 1):
        with pytest.raises(ValidationError) as caught:
            parse_whole(field, str(value))
        assert caught.value.field == field
        assert caught.value.value == value
        assert range_text(field) in caught.value.message
        assert "outside the plausible range" in caught.value.message
        assert FIELD_LABELS[field] in caught.value.message


@pytest.mark.parametrize(
    ("field", "inside", "outside"),
    [
        ("temp_c", ("30", "30.0", "43", "43.0", "36,6"), ("29.9", "43.1", "0", "98.6")),
        ("weight_kg", ("25", "25.0", "350", "350.0", "80,5"), ("24.9", "350.1", "0", "1000")),
    ],
)
def test_decimal_vitals_limits(field: str, inside: tuple[str, ...], outside: tuple[str, ...]) -> None:
    """Temperature 30–43 °C and weight 25–350 kg: limits accepted, just past them refused with the range."""
    low, high = PLAUSIBLE[field]
    for text in inside:
        assert low <= parse_decimal(field, text) <= high
    for text in outside:
        with pytest.raises(ValidationError) as caught:
            parse_decimal(field, text)
        assert caught.value.field == field
        assert range_text(field) in caught.value.message


def test_parse_decimal_keeps_one_place_and_accepts_a_comma() -> None:
    """One decimal is kept, trailing zeros are fine, and a decimal comma is read as a point."""
    assert parse_decimal("temp_c", "36,6") == 36.6
    assert parse_decimal("temp_c", "36.60") == 36.6
    assert parse_decimal("weight_kg", " 80.2 ") == 80.2
    assert parse_decimal("weight_kg", 80.0) == 80.0


@pytest.mark.parametrize(("field", "text"), [("weight_kg", "72.45"), ("temp_c", "36,64"), ("weight_kg", 80.25)])
def test_parse_decimal_refuses_more_decimals_than_are_kept(field: str, text: str | float) -> None:
    """ "72.45" kg is refused naming the field and the form, never stored as 72.4 (the record keeps 0.1)."""
    with pytest.raises(ValidationError) as caught:
        parse_decimal(field, text)
    assert caught.value.field == field
    assert "more decimals than the record keeps" in caught.value.message
    assert "at most one decimal" in caught.value.allowed


@pytest.mark.parametrize("text", ["3.66e1", "+36.6", "36.6e0", "-36.6", "3_6.6", "36 .6", "٣٦.٦", "0x24"])
def test_a_temperature_is_plain_digits(text: str) -> None:
    """Exponents, signs, underscores, inner spaces and non-ASCII digits are not a temperature."""
    with pytest.raises(ValidationError) as caught:
        parse_decimal("temp_c", text)
    assert caught.value.field == "temp_c" and "is not a number" in caught.value.message


def test_parse_whole_trims_whitespace() -> None:
    """Spaces around a typed number are ignored."""
    assert parse_whole("hr", "  72\n") == 72


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_missing_whole_value_says_missing(text: str) -> None:
    """An empty box is refused as missing, with the range."""
    with pytest.raises(ValidationError) as caught:
        parse_whole("sbp", text)
    assert caught.value.field == "sbp"
    assert "is missing" in caught.value.message
    assert "40–300" in caught.value.message


@pytest.mark.parametrize("text", ["72.0", "7 2", "-72", "+72", "72bpm", "١٢٣", "１２０", "'; DROP TABLE vitals;--"])
def test_non_numbers_are_refused_as_not_whole(text: str) -> None:
    """Decimals, signs, units, non-ASCII digits and SQL are refused as not a whole number."""
    with pytest.raises(ValidationError) as caught:
        parse_whole("hr", text)
    assert caught.value.field == "hr"
    assert "is not a whole number" in caught.value.message
    assert "20–250" in caught.value.message


def test_huge_whole_number_is_refused_as_out_of_range() -> None:
    """A number with thousands of digits is refused as out of range, not crashed on."""
    with pytest.raises(ValidationError) as caught:
        parse_whole("sbp", "9" * 5000)
    assert caught.value.field == "sbp"
    assert "outside the plausible range" in caught.value.message


def test_leading_zeros_are_read_as_the_number() -> None:
    """Leading zeros do not change the number, however many there are."""
    assert parse_whole("sbp", "0120") == 120
    assert parse_whole("sbp", "0" * 5000 + "120") == 120


@pytest.mark.parametrize("text", ["1e100", "9" * 5000, "1" + "0" * 400, "1e999999999"])
def test_huge_decimal_is_refused_as_out_of_range(text: str) -> None:
    """A decimal too big to round is refused as out of range, not crashed on."""
    with pytest.raises(ValidationError) as caught:
        parse_decimal("temp_c", text)
    assert caught.value.field == "temp_c"
    assert "30–43" in caught.value.message


@pytest.mark.parametrize("text", ["", "abc", "NaN", "inf", "-Infinity", "37,5,1", "٣٧"])
def test_non_numbers_are_refused_as_not_a_number(text: str) -> None:
    """Empty text, words, NaN, infinity and non-ASCII digits are refused as not a number."""
    with pytest.raises(ValidationError) as caught:
        parse_decimal("weight_kg", text)
    assert caught.value.field == "weight_kg"
    assert "is not a number" in caught.value.message
    assert "25–350" in caught.value.message


# --- a whole set ----------------------------------------------------------------------------


def test_validate_vitals_returns_the_set() -> None:
    """A typed plausible set comes back as numbers, temperature optional."""
    vitals = validate_vitals(T0, "120", "80", "70", "98", "14", "36.8")
    assert vitals == NORMAL
    assert validate_vitals(T0, 120, 80, 70, 98, 14).temp_c is None
    assert validate_vitals(T0, 120, 80, 70, 98, 14, "  ").temp_c is None


def test_diastolic_equal_to_systolic_is_refused() -> None:
    """DBP equal to SBP is refused as a likely swap, naming DBP."""
    with pytest.raises(ValidationError) as caught:
        validate_vitals(T0, "100", "100", "70", "98", "14")
    assert caught.value.field == "dbp"
    assert "not below systolic 100" in caught.value.message


def test_swapped_bp_is_refused() -> None:
    """80/120 is refused with a hint that the two were swapped."""
    with pytest.raises(ValidationError) as caught:
        validate_vitals(T0, "80", "120", "70", "98", "14")
    assert caught.value.field == "dbp"
    assert "swapped" in caught.value.message


def test_diastolic_one_below_systolic_is_accepted() -> None:
    """DBP one below SBP is plausible enough to save."""
    assert validate_vitals(T0, "100", "99", "70", "98", "14").dbp == 99


def test_first_bad_field_is_named() -> None:
    """With several bad fields the error names the first in entry order."""
    with pytest.raises(ValidationError) as caught:
        validate_vitals(T0, "120", "80", "300", "30", "14")
    assert caught.value.field == "hr"


def test_bad_temperature_is_refused_in_a_set() -> None:
    """An implausible temperature in a set is refused naming temp_c."""
    with pytest.raises(ValidationError) as caught:
        validate_vitals(T0, "120", "80", "70", "98", "14", "98.6")
    assert caught.value.field == "temp_c"


# --- alert thresholds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sbp": 180}, (AlertKind.SBP_HIGH,)),
        ({"sbp": 179}, ()),
        ({"sbp": 89, "dbp": 60}, (AlertKind.SBP_LOW,)),
        ({"sbp": 90, "dbp": 60}, ()),
        ({"sbp": 160, "dbp": 110}, (AlertKind.DBP_HIGH,)),
        ({"sbp": 160, "dbp": 109}, ()),
        ({"hr": 121}, (AlertKind.HR_HIGH,)),
        ({"hr": 120}, ()),
        ({"hr": 49}, (AlertKind.HR_LOW,)),
        ({"hr": 50}, ()),
        ({"spo2": 91}, (AlertKind.SPO2_LOW,)),
        ({"spo2": 92}, ()),
        ({"rr": 9}, (AlertKind.RR_LOW,)),
        ({"rr": 10}, ()),
        ({"rr": 31}, (AlertKind.RR_HIGH,)),
        ({"rr": 30}, ()),
    ],
    ids=str,
)
def test_alert_thresholds_at_and_past_each_boundary(
    limits: AlertThresholds, changes: dict[str, int], expected: tuple[AlertKind, ...]
) -> None:
    """SBP ≥180 or <90, DBP ≥110, HR >120 or <50, SpO2 <92, RR <10 or >30 alert; the boundaries beside them do not."""
    assert classify(with_(**changes), limits) == expected


def test_normal_vitals_raise_no_alert(limits: AlertThresholds) -> None:
    """A normal set raises nothing."""
    assert classify(NORMAL, limits) == ()


def test_several_alerts_come_in_a_fixed_order(limits: AlertThresholds) -> None:
    """A reading crossing several thresholds reports them all in the fixed order."""
    vitals = with_(sbp=200, dbp=120, hr=130, spo2=85, rr=35)
    assert classify(vitals, limits) == (
        AlertKind.SBP_HIGH,
        AlertKind.DBP_HIGH,
        AlertKind.HR_HIGH,
        AlertKind.SPO2_LOW,
        AlertKind.RR_HIGH,
    )
    low = with_(sbp=80, dbp=50, hr=40, spo2=98, rr=6)
    assert classify(low, limits) == (AlertKind.SBP_LOW, AlertKind.HR_LOW, AlertKind.RR_LOW)


def test_thresholds_come_from_the_protocol(default_text: str) -> None:
    """A clinic that alerts at SBP 170 gets an alert at 170 and none at 169."""
    strict = load_protocol(default_text, "[alerts]\nsbp_at_or_above = 170\n").alerts
    assert classify(with_(sbp=170), strict) == (AlertKind.SBP_HIGH,)
    assert classify(with_(sbp=169), strict) == ()


def test_every_alert_kind_has_a_label() -> None:
    """Each alert kind reads as words on screen and paper."""
    assert AlertKind.SPO2_LOW.label == "SpO2 low"
    assert all(kind.label for kind in AlertKind)


@pytest.mark.parametrize(
    ("sbp", "dbp", "needs"),
    [(140, 90, False), (141, 90, True), (140, 91, True), (139, 89, False), (160, 100, True)],
)
def test_baseline_above_140_over_90_needs_physician(limits: AlertThresholds, sbp: int, dbp: int, needs: bool) -> None:
    """A baseline above 140/90 (either number) needs a physician; exactly 140/90 does not."""
    assert baseline_needs_physician(with_(sbp=sbp, dbp=dbp), limits) is needs


# --- baseline comparisons -------------------------------------------------------------------


def test_percent_from_baseline() -> None:
    """The distance from baseline is a percentage of the baseline, either direction."""
    assert percent_from_baseline(120, 100) == 20.0
    assert percent_from_baseline(80, 100) == 20.0
    assert percent_from_baseline(100, 100) == 0.0


def test_percent_from_baseline_needs_a_positive_baseline() -> None:
    """A zero baseline cannot be compared against."""
    with pytest.raises(ValueError):
        percent_from_baseline(100, 0)


def test_within_percent_of_baseline_boundary() -> None:
    """Exactly 20 % away counts as within 20 %; a little more does not; SBP, DBP and HR each count."""
    baseline = with_(sbp=100, dbp=80, hr=50)
    assert within_percent_of_baseline(with_(sbp=120, dbp=64, hr=60), baseline, 20)
    assert not within_percent_of_baseline(with_(sbp=121, dbp=80, hr=50), baseline, 20)
    assert not within_percent_of_baseline(with_(sbp=100, dbp=63, hr=50), baseline, 20)
    assert not within_percent_of_baseline(with_(sbp=100, dbp=80, hr=61), baseline, 20)
