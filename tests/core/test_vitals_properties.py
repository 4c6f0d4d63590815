"""Property tests of vitals entry: any text is read as a plausible value or refused naming the range, no typing
error gets through a whole set, and the classification agrees with the clinical thresholds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.vitals import (
    PLAUSIBLE,
    AlertKind,
    VitalSigns,
    baseline_needs_physician,
    classify,
    parse_decimal,
    parse_whole,
    validate_vitals,
)
from tests.core.vitals_inputs import DECIMAL_FIELDS, DEFAULT_LIMITS, FUZZ_TEXT, T0, WHOLE_FIELDS, range_text

# --- property tests ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(WHOLE_FIELDS), FUZZ_TEXT)
def test_parse_whole_returns_a_plausible_value_or_names_the_range(field: str, text: str) -> None:
    """Any text gives a whole number inside the range or a ValidationError naming the field and range."""
    try:
        value = parse_whole(field, text)
    except ValidationError as error:
        assert error.field == field
        assert range_text(field) in error.message
    else:
        low, high = PLAUSIBLE[field]
        assert isinstance(value, int)
        assert low <= value <= high


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(WHOLE_FIELDS), st.data())
def test_parse_whole_reads_every_plausible_value(field: str, data: st.DataObject) -> None:
    """Every plausible whole value, typed with spaces around it, reads back as itself."""
    low, high = PLAUSIBLE[field]
    value = data.draw(st.integers(min_value=int(low), max_value=int(high)))
    padding = data.draw(st.sampled_from(["", " ", "\t", " \n"]))
    assert parse_whole(field, f"{padding}{value}{padding}") == value


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(DECIMAL_FIELDS), FUZZ_TEXT)
def test_parse_decimal_returns_a_plausible_value_or_names_the_range(field: str, text: str) -> None:
    """Any text gives a number inside the range, to 0.1, or a ValidationError naming the field and range."""
    try:
        value = parse_decimal(field, text)
    except ValidationError as error:
        assert error.field == field
        assert range_text(field) in error.message
    else:
        low, high = PLAUSIBLE[field]
        assert low <= value <= high
        assert round(value, 1) == value


@settings(max_examples=200, deadline=None)
@given(FUZZ_TEXT, FUZZ_TEXT, FUZZ_TEXT, FUZZ_TEXT, FUZZ_TEXT, st.one_of(st.none(), FUZZ_TEXT))
def test_validate_vitals_never_lets_a_typing_error_through(
    sbp: str, dbp: str, hr: str, spo2: str, rr: str, temp: str | None
) -> None:
    """Any typed set is either plausible throughout (DBP below SBP) or refused naming a field and what is allowed."""
    try:
        vitals = validate_vitals(T0, sbp, dbp, hr, spo2, rr, temp)
    except ValidationError as error:
        assert error.field in PLAUSIBLE
        if "not below systolic" in error.message:
            assert error.field == "dbp"
        else:
            assert range_text(error.field) in error.message
    else:
        for field in WHOLE_FIELDS:
            low, high = PLAUSIBLE[field]
            assert low <= getattr(vitals, field) <= high
        assert vitals.dbp < vitals.sbp
        assert vitals.temp_c is None or 30 <= vitals.temp_c <= 43


PLAUSIBLE_SETS = st.builds(
    lambda sbp, dbp_gap, hr, spo2, rr: VitalSigns(T0, sbp, max(20, sbp - dbp_gap), hr, spo2, rr),
    st.integers(41, 300),
    st.integers(1, 200),
    st.integers(20, 250),
    st.integers(50, 100),
    st.integers(2, 60),
)


@settings(max_examples=200, deadline=None)
@given(PLAUSIBLE_SETS)
def test_classify_agrees_with_the_clinical_thresholds(vitals: VitalSigns) -> None:
    """For any plausible set, classify raises exactly the alerts CLINICAL.md's default thresholds describe."""
    limits = DEFAULT_LIMITS
    expected = {
        AlertKind.SBP_HIGH: vitals.sbp >= 180,
        AlertKind.SBP_LOW: vitals.sbp < 90,
        AlertKind.DBP_HIGH: vitals.dbp >= 110,
        AlertKind.HR_HIGH: vitals.hr > 120,
        AlertKind.HR_LOW: vitals.hr < 50,
        AlertKind.SPO2_LOW: vitals.spo2 < 92,
        AlertKind.RR_LOW: vitals.rr < 10,
        AlertKind.RR_HIGH: vitals.rr > 30,
    }
    assert set(classify(vitals, limits)) == {kind for kind, crossed in expected.items() if crossed}
    assert baseline_needs_physician(vitals, limits) is (vitals.sbp > 140 or vitals.dbp > 90)
