"""Vital signs: plausibility (typing errors), extremes (confirm first) and alert thresholds (clinical concern).

Three different questions. A value outside the plausible range is almost surely a typing
error and is refused, naming the field and the range. A plausible value past an extreme
limit is possible but rare enough to be a slip: it is saved only once the nurse confirms it
is the reading, and the confirmation is kept with it. A plausible value past an alert
threshold is real and must be saved, then raised for the nurse to acknowledge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ketadesk.core.errors import ValidationError
from ketadesk.core.numbers import NotPlain, TooPrecise, allowed_form, read_plain, typed_text
from ketadesk.core.protocol import AlertThresholds, ExtremeLimits


class Source(StrEnum):
    """Where a reading came from."""

    MANUAL = "manual"
    MONITOR = "monitor"


# Plausibility limits, inclusive (CLINICAL.md, "Plausibility"). Not protocol: these
# separate typing errors from physiology and do not vary by clinic.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "sbp": (40, 300),
    "dbp": (20, 200),
    "hr": (20, 250),
    "spo2": (50, 100),
    "rr": (2, 60),
    "temp_c": (30.0, 43.0),
    "weight_kg": (25.0, 350.0),
}

FIELD_LABELS = {
    "sbp": "Systolic BP",
    "dbp": "Diastolic BP",
    "hr": "Heart rate",
    "spo2": "SpO2",
    "rr": "Respiratory rate",
    "temp_c": "Temperature",
    "weight_kg": "Weight",
}

UNITS = {"sbp": "mmHg", "dbp": "mmHg", "hr": "/min", "spo2": "%", "rr": "/min", "temp_c": "°C", "weight_kg": "kg"}


class AlertKind(StrEnum):
    """Which threshold a reading crossed."""

    SBP_HIGH = "sbp_high"
    SBP_LOW = "sbp_low"
    DBP_HIGH = "dbp_high"
    HR_HIGH = "hr_high"
    HR_LOW = "hr_low"
    SPO2_LOW = "spo2_low"
    RR_LOW = "rr_low"
    RR_HIGH = "rr_high"

    @property
    def label(self) -> str:
        """How the alert reads on screen and paper."""
        return _ALERT_LABELS[self]


_ALERT_LABELS = {
    AlertKind.SBP_HIGH: "Systolic BP high",
    AlertKind.SBP_LOW: "Systolic BP low",
    AlertKind.DBP_HIGH: "Diastolic BP high",
    AlertKind.HR_HIGH: "Heart rate high",
    AlertKind.HR_LOW: "Heart rate low",
    AlertKind.SPO2_LOW: "SpO2 low",
    AlertKind.RR_LOW: "Respiratory rate low",
    AlertKind.RR_HIGH: "Respiratory rate high",
}


@dataclass(frozen=True, slots=True)
class VitalSigns:
    """One set of vital signs taken at one moment."""

    taken_at: datetime
    sbp: int
    dbp: int
    hr: int
    spo2: int
    rr: int
    temp_c: float | None = None


def _allowed(field: str) -> str:
    low, high = PLAUSIBLE[field]
    unit = UNITS[field]
    if field in {"temp_c", "weight_kg"}:
        return f"{FIELD_LABELS[field]} must be {low:g}–{high:g} {unit}"
    return f"{FIELD_LABELS[field]} must be a whole number {low:g}–{high:g} {unit}"


def parse_whole(field: str, raw: str | int) -> int:
    """Read a whole-number vital from typed text, refusing typing errors with the range.

    Only digits: a decimal point in a whole-number box is a reading typed in the wrong box.
    """
    text = raw.strip() if isinstance(raw, str) else typed_text(raw) if isinstance(raw, int) else repr(raw)
    if not text:
        raise ValidationError(
            field, text, _allowed(field), message=f"{FIELD_LABELS[field]} is missing; {_allowed(field)}."
        )
    if not text.isascii() or not text.isdigit():
        raise ValidationError(
            field,
            text,
            _allowed(field),
            message=f"{FIELD_LABELS[field]} {text!r} is not a whole number; {_allowed(field)}.",
        )
    low, high = PLAUSIBLE[field]
    digits = text.lstrip("0") or "0"
    if len(digits) > 6:  # int() refuses thousands of digits; any such number is out of range anyway
        raise ValidationError(
            field,
            f"{digits[:6]}…",
            _allowed(field),
            message=f"{FIELD_LABELS[field]} {digits[:6]}… is outside the plausible range; {_allowed(field)}.",
        )
    value = int(digits)
    if not low <= value <= high:
        raise ValidationError(
            field,
            value,
            _allowed(field),
            message=f"{FIELD_LABELS[field]} {value} is outside the plausible range; {_allowed(field)}.",
        )
    return value


def parse_decimal(field: str, raw: str | float, places: int = 1) -> float:
    """Read a decimal measurement (temperature, weight) from typed text, to ``places`` decimals and no more.

    The reading rule is :func:`ketadesk.core.numbers.read_plain`: "72.45" kg is refused (the
    record keeps 0.1 kg), "36.60" is 36.6, "3.66e1" and "+36.6" are not temperatures.
    """
    text = typed_text(raw)
    allowed = f"{_allowed(field)}, {allowed_form(places)}"
    try:
        number = read_plain(raw, places)
    except NotPlain:
        raise ValidationError(
            field, text, allowed, message=f"{FIELD_LABELS[field]} {text[:20]!r} is not a number; {allowed}."
        ) from None
    except TooPrecise:
        raise ValidationError(
            field,
            text,
            allowed,
            message=f"{FIELD_LABELS[field]} {text[:20]!r} has more decimals than the record keeps; {allowed}.",
        ) from None
    low, high = PLAUSIBLE[field]
    value = float(number)
    if not low <= value <= high:
        raise ValidationError(
            field,
            text,
            allowed,
            message=f"{FIELD_LABELS[field]} {text[:12]} is outside the plausible range; {allowed}.",
        )
    return value


def validate_vitals(
    taken_at: datetime,
    sbp: str | int,
    dbp: str | int,
    hr: str | int,
    spo2: str | int,
    rr: str | int,
    temp_c: str | float | None = None,
) -> VitalSigns:
    """Check one typed set of vitals and return it, or raise naming the first bad field.

    Diastolic must be below systolic: the other way round is a transposition.
    """
    values = VitalSigns(
        taken_at=taken_at,
        sbp=parse_whole("sbp", sbp),
        dbp=parse_whole("dbp", dbp),
        hr=parse_whole("hr", hr),
        spo2=parse_whole("spo2", spo2),
        rr=parse_whole("rr", rr),
        temp_c=None if temp_c is None or str(temp_c).strip() == "" else parse_decimal("temp_c", temp_c),
    )
    if values.dbp >= values.sbp:
        raise ValidationError(
            "dbp",
            values.dbp,
            f"diastolic must be below systolic ({values.sbp})",
            message=f"Diastolic BP {values.dbp} is not below systolic {values.sbp}; check the two were not swapped.",
        )
    return values


def classify(vitals: VitalSigns, limits: AlertThresholds) -> tuple[AlertKind, ...]:
    """Return every alert threshold this reading crosses, in a fixed order."""
    found: list[AlertKind] = []
    if vitals.sbp >= limits.sbp_at_or_above:
        found.append(AlertKind.SBP_HIGH)
    if vitals.sbp < limits.sbp_below:
        found.append(AlertKind.SBP_LOW)
    if vitals.dbp >= limits.dbp_at_or_above:
        found.append(AlertKind.DBP_HIGH)
    if vitals.hr > limits.hr_above:
        found.append(AlertKind.HR_HIGH)
    if vitals.hr < limits.hr_below:
        found.append(AlertKind.HR_LOW)
    if vitals.spo2 < limits.spo2_below:
        found.append(AlertKind.SPO2_LOW)
    if vitals.rr < limits.rr_below:
        found.append(AlertKind.RR_LOW)
    if vitals.rr > limits.rr_above:
        found.append(AlertKind.RR_HIGH)
    return tuple(found)


class ExtremeKind(StrEnum):
    """Which extreme limit of the protocol's [extremes] a reading passed."""

    SBP_HIGH = "sbp_high"
    DBP_LOW = "dbp_low"
    PULSE_PRESSURE_WIDE = "pulse_pressure_wide"
    PULSE_PRESSURE_NARROW = "pulse_pressure_narrow"
    HR_HIGH = "hr_high"
    SPO2_LOW = "spo2_low"

    @property
    def label(self) -> str:
        """How a confirmed extreme is named on screen and paper."""
        return _EXTREME_LABELS[self]


_EXTREME_LABELS = {
    ExtremeKind.SBP_HIGH: "systolic very high",
    ExtremeKind.DBP_LOW: "diastolic very low",
    ExtremeKind.PULSE_PRESSURE_WIDE: "pulse pressure very wide",
    ExtremeKind.PULSE_PRESSURE_NARROW: "pulse pressure very narrow",
    ExtremeKind.HR_HIGH: "heart rate very high",
    ExtremeKind.SPO2_LOW: "SpO2 very low",
}
CONFIRMED_EXTREME = "confirmed extreme"
"""How a reading the nurse confirmed as extreme is marked wherever it shows."""


@dataclass(frozen=True, slots=True)
class Extreme:
    """One extreme limit a reading passed: what, the value and the limit, and the typed boxes it comes from."""

    kind: ExtremeKind
    field: str
    """The field the refusal names: ``sbp``, ``dbp``, ``hr``, ``spo2`` or ``pulse_pressure``."""
    value: int
    limit: int
    fields: tuple[str, ...]
    """The boxes the value was typed in (both BPs for a pulse pressure)."""

    def __str__(self) -> str:
        """``Systolic 262 mmHg is extreme (≥ 250)``."""
        sign = "≥" if self.kind in _AT_OR_ABOVE else "≤"
        return (
            f"{_EXTREME_NAMES[self.field]} {self.value} {_EXTREME_UNITS[self.field]} is extreme ({sign} {self.limit})"
        )


_AT_OR_ABOVE = frozenset({ExtremeKind.SBP_HIGH, ExtremeKind.PULSE_PRESSURE_WIDE, ExtremeKind.HR_HIGH})
_EXTREME_NAMES = {
    "sbp": "Systolic",
    "dbp": "Diastolic",
    "pulse_pressure": "Pulse pressure",
    "hr": "Heart rate",
    "spo2": "SpO2",
}
_EXTREME_UNITS = {"sbp": "mmHg", "dbp": "mmHg", "pulse_pressure": "mmHg", "hr": "/min", "spo2": "%"}


def extremes(vitals: VitalSigns, limits: ExtremeLimits) -> tuple[Extreme, ...]:
    """Every extreme limit this (plausible) reading passes, in a fixed order; empty for an ordinary reading."""
    pulse_pressure = vitals.sbp - vitals.dbp
    bp = ("sbp", "dbp")
    checks = (
        (ExtremeKind.SBP_HIGH, "sbp", vitals.sbp, limits.sbp_at_or_above, ("sbp",)),
        (ExtremeKind.DBP_LOW, "dbp", vitals.dbp, limits.dbp_at_or_below, ("dbp",)),
        (ExtremeKind.PULSE_PRESSURE_WIDE, "pulse_pressure", pulse_pressure, limits.pulse_pressure_at_or_above, bp),
        (ExtremeKind.PULSE_PRESSURE_NARROW, "pulse_pressure", pulse_pressure, limits.pulse_pressure_at_or_below, bp),
        (ExtremeKind.HR_HIGH, "hr", vitals.hr, limits.hr_at_or_above, ("hr",)),
        (ExtremeKind.SPO2_LOW, "spo2", vitals.spo2, limits.spo2_at_or_below, ("spo2",)),
    )
    return tuple(
        Extreme(kind, field, value, limit, fields)
        for kind, field, value, limit, fields in checks
        if (value >= limit if kind in _AT_OR_ABOVE else value <= limit)
    )


class ExtremeNeedsConfirming(ValidationError):
    """A reading with an extreme value, sent without the nurse's confirmation that it is the reading.

    Carries every :class:`Extreme` it passed so a screen can ask about each; the field and
    value named are the first one's.
    """

    def __init__(self, found: tuple[Extreme, ...]) -> None:
        first = found[0]
        listed = "; ".join(str(e) for e in found)
        super().__init__(
            first.field,
            first.value,
            "saved only once the nurse confirms it is the reading (confirmed_extreme=True)",
            message=f"{listed}: confirm it is the reading before it is saved.",
        )
        self.extremes = found


def confirm_extremes(vitals: VitalSigns, limits: ExtremeLimits, confirmed: bool) -> tuple[ExtremeKind, ...]:
    """The extremes to store with a reading the nurse confirmed; refuses an extreme reading not confirmed."""
    found = extremes(vitals, limits)
    if found and not confirmed:
        raise ExtremeNeedsConfirming(found)
    return tuple(e.kind for e in found)


def baseline_needs_physician(vitals: VitalSigns, limits: AlertThresholds) -> bool:
    """True when a baseline BP above the protocol limit must be acknowledged before starting."""
    return vitals.sbp > limits.baseline_sbp_above or vitals.dbp > limits.baseline_dbp_above


def percent_from_baseline(value: float, baseline: float) -> float:
    """How far ``value`` is from ``baseline``, as a percentage of the baseline."""
    if baseline <= 0:
        raise ValueError("baseline must be positive")
    return abs(value - baseline) / baseline * 100.0


def within_percent_of_baseline(current: VitalSigns, baseline: VitalSigns, percent: float) -> bool:
    """Discharge criterion: SBP, DBP and HR each within ``percent`` of the baseline set."""
    return all(
        percent_from_baseline(now, base) <= percent
        for now, base in ((current.sbp, baseline.sbp), (current.dbp, baseline.dbp), (current.hr, baseline.hr))
    )
