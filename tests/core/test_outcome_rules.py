"""Response (a 50 % fall from the course baseline) and remission (PHQ-9 < 5, GAD-7 < 5), with their version."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.instruments import InstrumentKey
from ketadesk.core.instruments.rules import (
    REMISSION,
    RESPONSE,
    RULES_VERSION,
    Timed,
    course_baseline,
    outcome_status,
    remitted,
    responded,
)
from tests.core.conftest import T0


@given(st.integers(1, 60))
def test_a_fall_of_exactly_half_is_a_response_and_one_point_short_is_not(half: int) -> None:
    """From an even baseline, a score of exactly half is a 50 % fall, a response; one point more is not."""
    baseline = 2 * half
    assert responded(baseline, half) is True
    assert responded(baseline, half + 1) is False


@given(st.integers(1, 120), st.integers(0, 120))
def test_response_is_the_fall_measured_in_whole_numbers(baseline: int, latest: int) -> None:
    """A response exactly when the fall is at least half the baseline (twice the fall reaches the baseline)."""
    assert responded(baseline, latest) is (2 * (baseline - latest) >= baseline)


def test_a_baseline_of_zero_has_no_response_either_way() -> None:
    """With nothing to fall from, response is not judged (None), whatever came after."""
    assert responded(0, 0) is None and responded(0, 5) is None


def test_remission_is_below_5_on_phq9_and_gad7_and_not_judged_elsewhere() -> None:
    """PHQ-9 4 remits and 5 does not, GAD-7 likewise; PCL-5 and FQ have no remission rule."""
    for key in (InstrumentKey.PHQ9, InstrumentKey.GAD7):
        assert remitted(key, 4) is True and remitted(key, 5) is False
    assert remitted(InstrumentKey.PCL5, 0) is None and remitted(InstrumentKey.FQ, 0) is None


def test_the_baseline_is_the_last_score_before_the_first_infusion() -> None:
    """Of the measures before the first infusion the latest counts; later ones never do."""
    first = Timed(1, T0, 20)
    second = Timed(2, T0 + timedelta(days=1), 18)
    after = Timed(3, T0 + timedelta(days=3), 9)
    infusion = T0 + timedelta(days=2)
    assert course_baseline([after, first, second], infusion) == second
    assert course_baseline([after], infusion) is None
    assert course_baseline([first, second, after], None) == after  # no infusion yet: the latest so far


def test_a_status_carries_the_rules_version_and_its_baseline() -> None:
    """The status names the rule version, the baseline it judged against, response and remission."""
    status = outcome_status(InstrumentKey.PHQ9, 4, Timed(7, T0, 16))
    assert status.rule_version == RULES_VERSION == RESPONSE.version == REMISSION.version
    assert (status.baseline_id, status.baseline_total, status.response, status.remission) == (7, 16, True, True)
    assert outcome_status(InstrumentKey.PHQ9, 16, Timed(7, T0, 16), is_baseline=True).response is None


def test_the_rules_state_their_definitions() -> None:
    """The badges state the rule in words: the 50 % fall from the course baseline, remission below 5."""
    assert "50 %" in RESPONSE.definition and "before the first infusion" in RESPONSE.definition
    assert REMISSION.definition == "PHQ-9 below 5; GAD-7 below 5"
