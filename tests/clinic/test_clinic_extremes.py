"""Extreme readings through the clinic API: refused unconfirmed, stored and audited once the nurse confirms."""

from __future__ import annotations

import json

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.vitals import ExtremeKind, ExtremeNeedsConfirming
from tests.clinic.clinic_steps import Refused, chart
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database

ORDINARY = {"sbp": 130, "dbp": 82, "hr": 76, "spo2": 97, "rr": 14}


def _after(administrator: Clinic, entity_id: int) -> dict[str, object]:
    """What the audit row of one reading says was written."""
    [entry] = [e for e in administrator.audit.search(entity="vitals") if e.entity_id == entity_id]
    assert entry.after is not None
    return dict(json.loads(entry.after))


@pytest.mark.parametrize(
    ("values", "field", "value"),
    [
        ({"sbp": 262, "dbp": 140}, "sbp", 262),
        ({"dbp": 28}, "dbp", 28),
        ({"sbp": 210, "dbp": 55}, "pulse_pressure", 155),
        ({"sbp": 100, "dbp": 92}, "pulse_pressure", 8),
        ({"hr": 184}, "hr", 184),
        ({"spo2": 78}, "spo2", 78),
    ],
)
def test_an_unconfirmed_extreme_is_refused_and_nothing_is_stored(
    nurse: Clinic, infusing: int, refused: Refused, values: dict[str, int], field: str, value: int
) -> None:
    """Each extreme reading without the confirmation is refused naming its field and value; no row, no audit."""
    with refused(ExtremeNeedsConfirming, field=field) as caught:
        nurse.bedside.record_vitals(infusing, **{**ORDINARY, **values})
    assert isinstance(caught.value, ExtremeNeedsConfirming) and caught.value.value == value
    assert "confirm it is the reading" in str(caught.value)


def test_a_confirmed_extreme_is_stored_with_its_confirmation_and_audited(
    nurse: Clinic, administrator: Clinic, infusing: int
) -> None:
    """Confirmed, SBP 262 is saved as typed, marked as a confirmed extreme by the nurse who entered it, audited."""
    changes = nurse.bedside.record_vitals(infusing, **{**ORDINARY, "sbp": 262, "dbp": 140}, confirmed_extreme=True)
    assert changes.warnings == ("Systolic BP high", "Diastolic BP high")  # still an alert to acknowledge
    [reading] = [r for r in nurse.visits.get(infusing).detail.vitals if r.id == changes.created_id]
    assert (reading.vitals.sbp, reading.entered_by) == (262, "nurse")
    assert reading.confirmed_extremes == (ExtremeKind.SBP_HIGH,)
    after = _after(administrator, reading.id)
    assert after["confirmed_extremes"] == "sbp_high" and after["sbp"] == 262
    assert nurse.maintenance.check() == []


def test_an_ordinary_reading_needs_no_confirmation_and_records_none(
    nurse: Clinic, administrator: Clinic, infusing: int
) -> None:
    """A normal set, even sent as confirmed, stores no confirmation, and its audit row has no such key."""
    plain = chart(nurse, infusing)
    confirmed = nurse.bedside.record_vitals(infusing, **ORDINARY, confirmed_extreme=True).created_id
    readings = {r.id: r for r in nurse.visits.get(infusing).detail.vitals}
    assert readings[plain].confirmed_extremes == () and readings[confirmed or 0].confirmed_extremes == ()
    assert "confirmed_extremes" not in _after(administrator, plain)


def test_implausible_values_stay_refused_even_confirmed(nurse: Clinic, infusing: int, refused: Refused) -> None:
    """A typing error outside plausibility is refused as before, confirmation or not."""
    with refused(field="sbp") as caught:
        nurse.bedside.record_vitals(infusing, **{**ORDINARY, "sbp": 320}, confirmed_extreme=True)
    assert "outside the plausible range" in str(caught.value)
    assert not isinstance(caught.value, ExtremeNeedsConfirming)


def test_a_correction_to_an_extreme_value_needs_confirming_too(
    nurse: Clinic, infusing: int, clock: FakeClock, refused: Refused
) -> None:
    """Correcting a reading to SpO2 78 asks for the same confirmation; confirmed, the correction carries it."""
    original = chart(nurse, infusing)
    clock.advance(minutes=2)
    corrected = {**ORDINARY, "spo2": 78}
    with refused(ExtremeNeedsConfirming, field="spo2"):
        nurse.bedside.correct_vitals(infusing, original, reason="Probe re-sited; real value", **corrected)
    made = nurse.bedside.correct_vitals(
        infusing, original, reason="Probe re-sited; real value", **corrected, confirmed_extreme=True
    )
    current = {r.id: r for r in nurse.visits.get(infusing).detail.vitals}
    assert original not in current
    assert current[made.created_id or 0].confirmed_extremes == (ExtremeKind.SPO2_LOW,)


def test_striking_an_extreme_reading_asks_nothing(nurse: Clinic, infusing: int, clock: FakeClock) -> None:
    """Striking a confirmed extreme as entered in error needs no confirmation and leaves no reading."""
    extreme = nurse.bedside.record_vitals(infusing, **{**ORDINARY, "hr": 190}, confirmed_extreme=True).created_id
    clock.advance(minutes=1)
    nurse.bedside.correct_vitals(infusing, extreme or 0, reason="Wrong patient's monitor", entered_in_error=True)
    assert extreme not in {r.id for r in nurse.visits.get(infusing).detail.vitals}
