"""Weight-based ketamine dosing: mg/kg × kg → mg, how to run it through the pump, and what an early stop gave."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ketadesk.core.errors import ValidationError
from ketadesk.core.numbers import NotPlain, TooPrecise, read_plain, typed_text
from ketadesk.core.protocol import DoseRules
from ketadesk.core.vitals import parse_decimal

LOT_MAX = 40


@dataclass(frozen=True, slots=True)
class DosePlan:
    """A calculated dose and its pump settings, ready to record."""

    mg_per_kg: float
    weight_kg: float
    dose_mg: float
    concentration_mg_per_ml: float
    volume_ml: float
    duration_min: int
    rate_ml_per_h: float
    rate_mg_per_h: float
    drug: str
    route: str
    lot_number: str


@dataclass(frozen=True, slots=True)
class DoseReview:
    """Whether a physician must acknowledge this dose before the infusion starts, and why."""

    needs_physician: bool
    reasons: tuple[str, ...]


def parse_mg_per_kg(raw: str | float) -> float:
    """Read a typed mg/kg dose: plain digits with at most three decimals (trailing zeros aside), 0.05–3 mg/kg."""
    text = typed_text(raw)
    try:
        value = float(read_plain(raw, 3))
    except (NotPlain, TooPrecise):
        value = math.nan
    if not 0.05 <= value <= 3.0:
        raise ValidationError(
            "mg_per_kg",
            text,
            "a dose between 0.05 and 3 mg/kg, with at most three decimals",
            message=f"Dose {text[:20]!r} mg/kg is not a plausible ketamine dose; "
            "enter 0.05–3 mg/kg with at most three decimals.",
        )
    return value


def validate_lot(raw: str) -> str:
    """A lot number as printed on the vial: 1–40 letters, digits, hyphens, dots or slashes."""
    text = raw.strip()
    # Checked before upper-casing, which turns some non-ASCII letters into ASCII ones ("ß" → "SS").
    if not text or len(text) > LOT_MAX or not all(c.isascii() and (c.isalnum() or c in "-./") for c in text):
        raise ValidationError(
            "lot_number",
            raw,
            "1–40 letters, digits, '-', '.' or '/'",
            message=f"Lot number {raw!r} is not valid; copy it from the vial (letters, digits, - . /).",
        )
    return text.upper()


def calculate_dose(
    mg_per_kg: str | float,
    weight_kg: str | float,
    *,
    concentration_mg_per_ml: float,
    duration_min: int,
    drug: str,
    route: str,
    lot_number: str,
) -> DosePlan:
    """Work out the dose and the pump settings from typed values.

    Dose is rounded to 0.1 mg, volume to 0.1 mL and rate to 0.1 mL/h: what a pump accepts.
    """
    per_kg = parse_mg_per_kg(mg_per_kg)
    weight = parse_decimal("weight_kg", weight_kg)
    if not 5 <= duration_min <= 240:
        raise ValidationError("duration_min", duration_min, "5–240 minutes")
    if concentration_mg_per_ml <= 0:
        raise ValidationError("concentration_mg_per_ml", concentration_mg_per_ml, "a positive concentration")
    dose_mg = round(per_kg * weight, 1)
    volume_ml = round(dose_mg / concentration_mg_per_ml, 1)
    hours = duration_min / 60
    return DosePlan(
        mg_per_kg=per_kg,
        weight_kg=weight,
        dose_mg=dose_mg,
        concentration_mg_per_ml=concentration_mg_per_ml,
        volume_ml=volume_ml,
        duration_min=duration_min,
        rate_ml_per_h=round(volume_ml / hours, 1),
        rate_mg_per_h=round(dose_mg / hours, 1),
        drug=drug,
        route=route,
        lot_number=validate_lot(lot_number),
    )


def review_dose(mg_per_kg: float, previous_mg_per_kg: float | None, rules: DoseRules) -> DoseReview:
    """Say whether the protocol lets a nurse start this dose alone.

    Outside the clinic's limits, or a step up of more than the allowed increment from
    the previous visit, needs a physician's acknowledgement with a reason.
    """
    reasons: list[str] = []
    if mg_per_kg > rules.max_mg_per_kg:
        reasons.append(f"{mg_per_kg:g} mg/kg is above the clinic maximum of {rules.max_mg_per_kg:g} mg/kg")
    if mg_per_kg < rules.min_mg_per_kg:
        reasons.append(f"{mg_per_kg:g} mg/kg is below the clinic minimum of {rules.min_mg_per_kg:g} mg/kg")
    if previous_mg_per_kg is not None:
        step = round(mg_per_kg - previous_mg_per_kg, 3)
        if step > rules.max_step_mg_per_kg:
            reasons.append(
                f"a step up of {step:g} mg/kg from the previous {previous_mg_per_kg:g} mg/kg "
                f"is more than {rules.max_step_mg_per_kg:g} mg/kg"
            )
    return DoseReview(bool(reasons), tuple(reasons))


def dose_given_by_time(prepared_mg: float, planned_min: float, minutes_run: float) -> float:
    """The amount given in ``minutes_run`` of ``planned_min``: prepared mg × minutes run ÷ planned minutes.

    Why this rule and not the pump rate × time: the protocol fixes the dose and the infusion
    length, and the pump is set to deliver the prepared volume evenly over that length, so the
    share of the planned time that ran is the share of the dose given. The stored pump rate
    (mL/h) is derived from those two and rounded to 0.1 mL/h for the pump's display; rate ×
    time would carry that rounding (35 mg in 3.5 mL over 40 min is 5.25 mL/h, stored 5.2,
    which over the full 40 min "gives" 34.7 mg of a 35 mg dose). The result is rounded to
    0.1 mg, never below 0 and never above the prepared dose (a pump stops at its volume).
    """
    if planned_min <= 0:
        raise ValidationError("planned_min", planned_min, "a planned infusion length above 0 minutes")
    share = min(max(minutes_run, 0.0), planned_min) / planned_min
    return round(min(prepared_mg * share, prepared_mg), 1)


def parse_given_mg(raw: str | float, prepared_mg: float) -> float:
    """Read the amount a nurse says was given: more than 0 and at most the prepared dose, to 0.1 mg.

    More than prepared cannot have come out of the syringe; 0 is not an infusion that ran
    (a nurse who gave nothing stops the visit differently). Refused naming the field, the
    value and the allowed range, so the dialog can say exactly what to fix.
    """
    text = typed_text(raw)
    allowed = f"more than 0 and at most {prepared_mg:g} mg (the dose prepared), with at most one decimal"
    try:
        value = float(read_plain(raw, 1))  # the record keeps 0.1 mg: a second decimal is refused, not rounded
    except (NotPlain, TooPrecise):
        value = math.nan
    plain = not math.isnan(value)
    if not plain or not 0 < value <= prepared_mg:
        raise ValidationError(
            "given_mg",
            text,
            allowed,
            message=f"Amount given {text[:20]!r} mg is not plausible; enter {allowed}.",
        )
    return value
