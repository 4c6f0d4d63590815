"""What an infusion gave: the rule from the time it ran, the nurse's amount within plausible bounds, the record's
amount as stored or derived (and labelled so), every preparation kept, and the course total of amounts given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.dose_given import GivenBasis, course_total, estimate, given_dose, read_given, running_estimate
from ketadesk.core.dosing import dose_given_by_time, parse_given_mg
from ketadesk.core.errors import ValidationError
from ketadesk.core.phases import Phase
from ketadesk.core.records import DoseGivenRecord, PhaseEvent, VisitDetail
from tests.core.visit_builders import at, dose, event, visit

# 0.5 mg/kg × 70 kg over 40 minutes.
PREPARED = 35.0


def _stopped(minute: float, *, early: bool) -> list[PhaseEvent]:
    steps = [event(Phase.PRE_ASSESSMENT, -10), event(Phase.INFUSING, 0)]
    if early:
        steps.append(event(Phase.STOPPED_EARLY, minute, "Nausea"))
    steps.append(event(Phase.OBSERVATION, minute))
    return steps


def _visit(minute: float | None, *, early: bool = False, recorded: DoseGivenRecord | None = None) -> VisitDetail:
    steps = _stopped(minute, early=early) if minute is not None else [event(Phase.INFUSING, 0)]
    return visit(events=tuple(steps), dose=dose(weight_kg=70.0), dose_given=recorded)


def test_the_rule_is_the_share_of_the_planned_time_that_ran() -> None:
    """35 mg over 40 min stopped at 26 min gave 22.8 mg (35 × 26 ÷ 40 = 22.75, to 0.1 mg)."""
    assert dose_given_by_time(PREPARED, 40, 26) == 22.8
    assert dose_given_by_time(PREPARED, 40, 26.5) == 23.2
    assert dose_given_by_time(PREPARED, 40, 20) == 17.5


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, 0.0), (-3, 0.0), (0.01, 0.0), (40, PREPARED), (55, PREPARED), (39.99, PREPARED)],
    ids=["not-run", "clock-behind", "seconds", "full-time", "ran-over", "just-short"],
)
def test_the_rule_at_its_edges(minutes: float, expected: float) -> None:
    """Never below 0 (a clock behind the start), never above the prepared dose (a pump stops at its volume)."""
    assert dose_given_by_time(PREPARED, 40, minutes) == expected


def test_a_planned_length_of_zero_is_refused() -> None:
    """The rule divides by the planned length: none is a refusal naming it, not a division error."""
    with pytest.raises(ValidationError) as caught:
        dose_given_by_time(PREPARED, 0, 10)
    assert caught.value.field == "planned_min"


@given(
    prepared=st.floats(0.1, 300, allow_nan=False).map(lambda v: round(v, 1)),
    planned=st.integers(5, 240),
    minutes=st.floats(-60, 600, allow_nan=False),
    more=st.floats(0, 60, allow_nan=False),
)
def test_the_rule_stays_within_the_prepared_dose_and_grows_with_time(
    prepared: float, planned: int, minutes: float, more: float
) -> None:
    """For any dose, length and time: 0 ≤ given ≤ prepared, and running longer never gives less."""
    amount = dose_given_by_time(prepared, planned, minutes)
    assert 0 <= amount <= prepared
    assert dose_given_by_time(prepared, planned, minutes + more) >= amount


@given(prepared=st.floats(0.1, 300, allow_nan=False).map(lambda v: round(v, 1)), typed=st.floats(-1000, 1000))
def test_an_amount_is_accepted_only_within_the_plausible_bounds(prepared: float, typed: float) -> None:
    """Any typed number is either accepted as 0 < given ≤ prepared, or refused naming given_mg and the bounds."""
    text = f"{typed:.2f}"
    try:
        value = parse_given_mg(text, prepared)
    except ValidationError as error:
        assert error.field == "given_mg"
        assert error.value == text
        assert f"at most {prepared:g} mg" in error.allowed
        # refused only when outside the bounds or when it holds a second decimal the record would not keep
        assert not 0 < float(text) <= prepared or not text.endswith("0")
    else:
        assert 0 < value <= prepared
        assert value == float(text)  # never rounded


@pytest.mark.parametrize(("typed", "value"), [("22.80", 22.8), ("22.8000", 22.8), ("7", 7.0), (" 7,5 ", 7.5)])
def test_trailing_zeros_are_the_same_amount(typed: str, value: float) -> None:
    """Zeros after the kept decimal add no digit: the amount is read as it is."""
    assert parse_given_mg(typed, PREPARED) == value


@pytest.mark.parametrize("typed", ["22.85", "0.04", "1.25", "+22.8", "2.28e1"])
def test_a_second_decimal_is_refused_not_rounded(typed: str) -> None:
    """The record keeps 0.1 mg: "22.85" is refused naming the form, not stored as 22.8 or 22.9."""
    with pytest.raises(ValidationError) as caught:
        parse_given_mg(typed, PREPARED)
    assert caught.value.field == "given_mg" and "at most one decimal" in caught.value.allowed


@pytest.mark.parametrize("typed", ["", " ", "0", "0.0", "0.04", "-5", "35.1", "350", "abc", "2e1", "nan", "inf", "½"])
def test_implausible_or_unreadable_amounts_are_refused(typed: str) -> None:
    """Nothing, nothing given, negative, more than prepared or not a plain number: refused, naming what is allowed."""
    with pytest.raises(ValidationError) as caught:
        parse_given_mg(typed, PREPARED)
    assert caught.value.field == "given_mg"
    assert "more than 0 and at most 35 mg" in caught.value.allowed


def test_the_calculated_amount_confirmed_or_another_one_corrected() -> None:
    """The calculated amount as shown is confirmed; any other plausible amount is a correction; 0.0 as shown is kept."""
    assert read_given("22.8", 22.8, PREPARED) == (22.8, GivenBasis.CONFIRMED)
    assert read_given(" 22,8 ", 22.8, PREPARED) == (22.8, GivenBasis.CONFIRMED)
    assert read_given("20", 22.8, PREPARED) == (20.0, GivenBasis.CORRECTED)
    assert read_given("0", 0.0, PREPARED) == (0.0, GivenBasis.CONFIRMED)  # a stop within seconds is not blocked
    with pytest.raises(ValidationError, match="at most 35 mg"):
        read_given("36", 22.8, PREPARED)


def test_the_estimate_shows_its_sum_and_the_volume() -> None:
    """The stop dialog's line: the sum the nurse can check, and the mL the pump counts."""
    ran = estimate(dose(weight_kg=70.0), at(0), at(26))
    assert (ran.minutes_run, ran.calculated_mg) == (26.0, 22.8)
    assert ran.text == "35 mg × 26 ÷ 40 min = 22.8 mg (about 22.8 mL at 1 mg/mL)"


def test_no_amount_before_the_pump_stops() -> None:
    """A running or never-started infusion has given nothing the record can claim yet."""
    assert given_dose(_visit(None)) is None
    assert given_dose(visit(dose=dose())) is None


def test_a_completed_infusion_without_a_record_gave_its_prepared_dose() -> None:
    """An older visit that ran its planned time: the prepared dose, said as such."""
    found = given_dose(_visit(40))
    assert found is not None
    assert (found.mg, found.basis, found.early) == (PREPARED, GivenBasis.COMPLETED, False)
    assert found.line() == "35 mg given of 35 mg prepared — completed over 40 min; the dose prepared"


def test_an_older_early_stop_is_calculated_from_the_times_and_says_so() -> None:
    """No amount was recorded: derived from the stored times and labelled unconfirmed, never the planned 35 mg."""
    found = given_dose(_visit(26, early=True))
    assert found is not None
    assert (found.mg, found.basis) == (22.8, GivenBasis.FROM_TIMES)
    assert found.stopped_text == "stopped early at 26 of 40 min"
    assert "calculated from the times" in found.line() and "not confirmed" in found.line()


def test_a_recorded_amount_is_used_as_recorded() -> None:
    """A corrected amount stands, with who corrected it and what the times gave."""
    recorded = DoseGivenRecord(1, 1, 20.0, 22.8, 26.0, "corrected", at(26), "ann")
    found = given_dose(_visit(26, early=True, recorded=recorded))
    assert found is not None
    assert (found.mg, found.basis, found.by, found.at) == (20.0, GivenBasis.CORRECTED, "ann", at(26))
    assert found.basis_text(lambda login: login.upper()) == (
        "corrected by ANN (calculated from the times: 35 mg × 26 ÷ 40 min = 22.8 mg)"
    )


def test_every_preparation_is_kept_with_what_replaced_it() -> None:
    """Two re-preparations: each earlier one pairs with the one after it; a single one supersedes nothing."""
    first, second, third = dose(1, mg_per_kg=0.5), dose(2, mg_per_kg=0.6), dose(3, mg_per_kg=0.55)
    record = visit(dose=third, earlier_doses=(first, second))
    assert [(old.id, new.id) for old, new in record.superseded_doses] == [(1, 2), (2, 3)]
    assert visit(dose=first).superseded_doses == ()
    assert visit().superseded_doses == ()


def test_the_course_total_adds_the_amounts_given() -> None:
    """A completed 35 mg, an early stop confirmed at 22.8 mg and one calculated from the times: 80.6 mg in 3."""
    confirmed = DoseGivenRecord(1, 1, 22.8, 22.8, 26.0, "confirmed", at(26), "ann")
    visits = [
        _visit(40),
        _visit(26, early=True, recorded=confirmed),
        _visit(26, early=True),
        _visit(None),  # still running: not counted
    ]
    total = course_total(visits)
    assert (total.mg, total.infusions, total.calculated) == (80.6, 3, 1)


def test_a_running_estimate_only_while_the_pump_runs() -> None:
    """Before the start and after the stop there is nothing running to estimate; during it, the rule at ``now``."""
    assert running_estimate(visit(dose=dose(weight_kg=70.0)), at(10)) is None
    assert running_estimate(_visit(26, early=True), at(30)) is None
    running = running_estimate(_visit(None), at(20))
    assert running is not None and (running.minutes_run, running.calculated_mg) == (20.0, 17.5)
