"""Extreme but possible readings: the protocol's limits, which a reading passes, and that it needs confirming."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import ExtremeLimits, Protocol, ProtocolError, load_protocol
from ketadesk.core.vitals import (
    PLAUSIBLE,
    ExtremeKind,
    ExtremeNeedsConfirming,
    VitalSigns,
    confirm_extremes,
    extremes,
    validate_vitals,
)
from tests.core.conftest import read_default_protocol

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DEFAULT_TEXT = read_default_protocol()
LIMITS = load_protocol(DEFAULT_TEXT).extremes


def reading(sbp: int = 120, dbp: int = 80, hr: int = 70, spo2: int = 98, rr: int = 14) -> VitalSigns:
    """A plausible set of vitals, ordinary unless told otherwise."""
    return VitalSigns(T0, sbp, dbp, hr, spo2, rr)


def refused(override: str) -> ProtocolError:
    """Load the defaults with a clinic's ``override`` and return the ProtocolError it must raise."""
    with pytest.raises(ProtocolError) as caught:
        load_protocol(DEFAULT_TEXT, override, source="clinic.toml")
    return caught.value


# --- the limits in the protocol file -----------------------------------------------------------


def test_default_limits_match_clinical(protocol: Protocol) -> None:
    """Defaults (CLINICAL.md): SBP ≥ 250, DBP ≤ 30, pulse pressure ≥ 150 or ≤ 10, HR ≥ 180, SpO2 ≤ 80."""
    assert protocol.extremes == ExtremeLimits(
        sbp_at_or_above=250,
        dbp_at_or_below=30,
        pulse_pressure_at_or_above=150,
        pulse_pressure_at_or_below=10,
        hr_at_or_above=180,
        spo2_at_or_below=80,
    )


def test_a_clinic_may_change_a_limit() -> None:
    """A clinic's file changes one limit and keeps the others."""
    changed = load_protocol(DEFAULT_TEXT, "[extremes]\nsbp_at_or_above = 240\n").extremes
    assert changed.sbp_at_or_above == 240
    assert changed.hr_at_or_above == LIMITS.hr_at_or_above


@pytest.mark.parametrize(
    ("override", "key", "reason"),
    [
        ("sbp_at_or_above = 320", "sbp_at_or_above", "between 40 and 300"),
        ("sbp_at_or_above = 170", "sbp_at_or_above", "[alerts] sbp_at_or_above (180)"),
        ("dbp_at_or_below = 110", "dbp_at_or_below", "[alerts] dbp_at_or_above (110)"),
        ("hr_at_or_above = 120", "hr_at_or_above", "[alerts] hr_above (120)"),
        ("spo2_at_or_below = 92", "spo2_at_or_below", "[alerts] spo2_below (92)"),
        ("pulse_pressure_at_or_below = 150", "pulse_pressure_at_or_below", "lower than pulse_pressure_at_or_above"),
        ("hr_at_or_above = 190.5", "hr_at_or_above", "whole number"),
        ('spo2_at_or_below = "80"', "spo2_at_or_below", "must be a number"),
    ],
)
def test_a_bad_limit_is_refused_naming_the_key_and_line(override: str, key: str, reason: str) -> None:
    """A limit outside plausibility, inside its alert threshold or of the wrong type is refused with key and line."""
    error = refused(f"# clinic\n[extremes]\n{override}\n")
    assert error.key == f"[extremes] {key}"
    assert reason in error.reason
    assert error.line == 3


def test_a_missing_limit_is_named() -> None:
    """A protocol without one of the limits says which."""
    text = DEFAULT_TEXT.replace("hr_at_or_above = 180\n", "")
    with pytest.raises(ProtocolError, match=r"\[extremes\] hr_at_or_above: is missing"):
        load_protocol(text)


# --- which limits a reading passes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "kinds"),
    [
        ({}, ()),
        ({"sbp": 249, "dbp": 110}, ()),
        ({"sbp": 250, "dbp": 110}, (ExtremeKind.SBP_HIGH,)),
        ({"sbp": 262, "dbp": 100}, (ExtremeKind.SBP_HIGH, ExtremeKind.PULSE_PRESSURE_WIDE)),
        ({"dbp": 31}, ()),
        ({"dbp": 30}, (ExtremeKind.DBP_LOW,)),
        ({"sbp": 200, "dbp": 51}, ()),
        ({"sbp": 200, "dbp": 50}, (ExtremeKind.PULSE_PRESSURE_WIDE,)),
        ({"sbp": 100, "dbp": 89}, ()),
        ({"sbp": 100, "dbp": 90}, (ExtremeKind.PULSE_PRESSURE_NARROW,)),
        ({"hr": 179}, ()),
        ({"hr": 180}, (ExtremeKind.HR_HIGH,)),
        ({"spo2": 81}, ()),
        ({"spo2": 80}, (ExtremeKind.SPO2_LOW,)),
    ],
)
def test_each_limit_at_its_edge(values: dict[str, int], kinds: tuple[ExtremeKind, ...]) -> None:
    """Each limit is inclusive ("at or above", "at or below"); one step inside asks nothing."""
    assert tuple(e.kind for e in extremes(reading(**values), LIMITS)) == kinds


def test_the_words_name_the_value_and_the_limit() -> None:
    """Each extreme reads as the nurse is asked it: 'Systolic 262 mmHg is extreme (≥ 250)'."""
    found = extremes(reading(sbp=262, dbp=100, hr=185, spo2=78), LIMITS)
    assert [str(e) for e in found] == [
        "Systolic 262 mmHg is extreme (≥ 250)",
        "Pulse pressure 162 mmHg is extreme (≥ 150)",
        "Heart rate 185 /min is extreme (≥ 180)",
        "SpO2 78 % is extreme (≤ 80)",
    ]
    assert [e.fields for e in found] == [("sbp",), ("sbp", "dbp"), ("hr",), ("spo2",)]
    assert str(extremes(reading(dbp=28), LIMITS)[0]) == "Diastolic 28 mmHg is extreme (≤ 30)"


def test_an_unconfirmed_extreme_is_refused_naming_field_value_and_confirmation() -> None:
    """Without the confirmation the refusal names the field, the value, the limit and that it needs confirming."""
    with pytest.raises(ExtremeNeedsConfirming) as caught:
        confirm_extremes(reading(sbp=262, dbp=140), LIMITS, confirmed=False)
    error = caught.value
    assert isinstance(error, ValidationError)
    assert (error.field, error.value) == ("sbp", 262)
    assert "confirm" in error.allowed
    assert error.message == "Systolic 262 mmHg is extreme (≥ 250): confirm it is the reading before it is saved."
    assert [e.kind for e in error.extremes] == [ExtremeKind.SBP_HIGH]


def test_a_confirmed_extreme_gives_what_to_store() -> None:
    """Confirmed, the reading's extreme kinds come back to be stored with it; an ordinary reading has none."""
    assert confirm_extremes(reading(sbp=262, dbp=140), LIMITS, confirmed=True) == (ExtremeKind.SBP_HIGH,)
    assert confirm_extremes(reading(), LIMITS, confirmed=False) == ()
    assert confirm_extremes(reading(), LIMITS, confirmed=True) == ()


def test_every_kind_has_a_label() -> None:
    """Each kind is named plainly for the table and the report."""
    assert ExtremeKind.SBP_HIGH.label == "systolic very high"
    assert all(kind.label for kind in ExtremeKind)


# --- across the whole plausible range ----------------------------------------------------------


def _whole(field: str) -> st.SearchStrategy[int]:
    low, high = PLAUSIBLE[field]
    return st.integers(min_value=int(low), max_value=int(high))


def _oracle(v: VitalSigns, limits: ExtremeLimits) -> bool:
    """Whether a reading is extreme, written out again from the limits' names (not core's code)."""
    pulse_pressure = v.sbp - v.dbp
    return (
        v.sbp >= limits.sbp_at_or_above
        or v.dbp <= limits.dbp_at_or_below
        or pulse_pressure >= limits.pulse_pressure_at_or_above
        or pulse_pressure <= limits.pulse_pressure_at_or_below
        or v.hr >= limits.hr_at_or_above
        or v.spo2 <= limits.spo2_at_or_below
    )


@given(sbp=_whole("sbp"), dbp=_whole("dbp"), hr=_whole("hr"), spo2=_whole("spo2"), rr=_whole("rr"))
def test_anything_extreme_needs_confirming_and_nothing_else_does(
    sbp: int, dbp: int, hr: int, spo2: int, rr: int
) -> None:
    """Across plausibility: an extreme reading is refused unconfirmed and stored confirmed; any other is never asked."""
    try:
        vitals = validate_vitals(T0, sbp, dbp, hr, spo2, rr)
    except ValidationError:
        assert dbp >= sbp  # the only plausible values refused: a transposition
        return
    if _oracle(vitals, LIMITS):
        with pytest.raises(ExtremeNeedsConfirming) as caught:
            confirm_extremes(vitals, LIMITS, confirmed=False)
        assert caught.value.field in {"sbp", "dbp", "pulse_pressure", "hr", "spo2"}
        assert confirm_extremes(vitals, LIMITS, confirmed=True)
    else:
        assert extremes(vitals, LIMITS) == ()
        assert confirm_extremes(vitals, LIMITS, confirmed=False) == ()


@given(
    field=st.sampled_from(["sbp", "dbp", "hr", "spo2"]),
    value=st.one_of(st.integers(min_value=-1000, max_value=39), st.integers(min_value=301, max_value=10_000)),
)
def test_implausible_values_stay_refused_as_typing_errors(field: str, value: int) -> None:
    """A value outside plausibility is refused as a typing error before any extreme is asked about."""
    low, high = PLAUSIBLE[field]
    typed = {"sbp": "120", "dbp": "80", "hr": "70", "spo2": "98", "rr": "14"}
    typed[field] = str(value)
    if low <= value <= high:
        return
    with pytest.raises(ValidationError) as caught:
        validate_vitals(T0, **typed)
    assert not isinstance(caught.value, ExtremeNeedsConfirming)
    assert caught.value.field == field


@st.composite
def _ordinary(draw: st.DrawFn) -> VitalSigns:
    """A plausible reading inside every extreme limit (the default ones), drawn across that whole region."""
    sbp = draw(st.integers(min_value=LIMITS.dbp_at_or_below + LIMITS.pulse_pressure_at_or_below + 2, max_value=249))
    dbp_low = max(LIMITS.dbp_at_or_below + 1, sbp - LIMITS.pulse_pressure_at_or_above + 1)
    dbp = draw(st.integers(min_value=dbp_low, max_value=min(200, sbp - LIMITS.pulse_pressure_at_or_below - 1)))
    hr = draw(st.integers(min_value=20, max_value=LIMITS.hr_at_or_above - 1))
    spo2 = draw(st.integers(min_value=LIMITS.spo2_at_or_below + 1, max_value=100))
    return reading(sbp, dbp, hr, spo2, draw(_whole("rr")))


@given(_ordinary())
def test_a_plausible_reading_inside_the_limits_is_never_asked_about(vitals: VitalSigns) -> None:
    """However unusual (an alert, say), a reading inside every extreme limit saves without a confirmation."""
    assert not _oracle(vitals, LIMITS)
    assert validate_vitals(T0, vitals.sbp, vitals.dbp, vitals.hr, vitals.spo2, vitals.rr) == vitals
    assert confirm_extremes(vitals, LIMITS, confirmed=False) == ()
