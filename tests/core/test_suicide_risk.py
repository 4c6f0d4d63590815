"""The PHQ-9 item-9 flag: raised above 0, high priority at its boundary, how long it stays, what clears it."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.instruments.risk import (
    RiskAssessment,
    RiskLevel,
    RiskOverride,
    RiskSettings,
    blocking,
    high_priority,
    risk_flags,
)
from ketadesk.core.protocol import Protocol
from tests.core.conftest import T0
from tests.core.measure_builders import phq9

RULE = RiskSettings(flag_days=28, item9_high_at_or_above=2, total_high_at_or_above=20)


def test_the_shipped_rule_is_clinical_md(protocol: Protocol) -> None:
    """Item 9 of 2 or more, or a total of 20 or more, is high priority (CLINICAL.md); the period is the clinic's."""
    risk = protocol.outcomes.risk
    assert (risk.item9_high_at_or_above, risk.total_high_at_or_above) == (2, 20)
    assert risk.flag_days >= 1


@given(st.integers(0, 3), st.integers(0, 27), st.integers(1, 3), st.integers(1, 27))
def test_high_priority_exactly_at_its_boundaries(item9: int, total: int, item_mark: int, total_mark: int) -> None:
    """High priority exactly when item 9 reaches its mark or the total reaches its mark, for any marks."""
    rule = RiskSettings(28, item_mark, total_mark)
    assert high_priority(item9, total, rule) is (item9 >= item_mark or total >= total_mark)


def test_item_9_above_0_raises_the_flag_whatever_the_total() -> None:
    """Item 9 of 1 with a total of 1 raises a flag (not high priority); item 9 of 0 with a total of 27 does not."""
    [flag] = risk_flags([phq9(1, item9=1, total=1)], [], [], RULE, T0)
    assert flag.item9 == 1 and not flag.high_priority and not flag.cleared
    assert risk_flags([phq9(2, item9=0, total=24)], [], [], RULE, T0) == ()


def test_high_priority_at_item_9_of_2_or_a_total_of_20() -> None:
    """Item 9 of 2, or item 9 of 1 with a total of 20, is high priority; a total of 19 with item 9 of 1 is not."""
    assert risk_flags([phq9(1, item9=2, total=2)], [], [], RULE, T0)[0].high_priority
    assert risk_flags([phq9(1, item9=1, total=20)], [], [], RULE, T0)[0].high_priority
    assert not risk_flags([phq9(1, item9=1, total=19)], [], [], RULE, T0)[0].high_priority


def test_an_assessed_flag_stays_for_its_period_and_an_unassessed_one_until_assessed() -> None:
    """Cleared, it shows until the period ends (and not after); not cleared, it shows and blocks at any age."""
    measure = phq9(1, item9=1, total=6)
    assessed = RiskAssessment(1, 1, RiskLevel.LOW, "Safety plan reviewed", T0, "nurse")
    last_day = T0 + timedelta(days=28) - timedelta(seconds=1)
    [shown] = risk_flags([measure], [assessed], [], RULE, last_day)
    assert shown.cleared and blocking([shown]) == ()
    assert risk_flags([measure], [assessed], [], RULE, T0 + timedelta(days=28)) == ()
    [old] = risk_flags([measure], [], [], RULE, T0 + timedelta(days=300))
    assert blocking([old]) == (old,)


def test_a_physicians_override_clears_the_flag() -> None:
    """An override with a reason clears it as an assessment does, and says who overrode."""
    override = RiskOverride(1, 1, "Seen by me this morning; safe to proceed", T0, "doctor", entered_by="nurse")
    [flag] = risk_flags([phq9(1, item9=3, total=25)], [], [override], RULE, T0)
    assert flag.cleared and flag.override == override and "overridden by doctor" in flag.summary


def test_a_correction_keeps_the_assessment_unless_it_raises_item_9_or_the_priority() -> None:
    """Item 9 corrected down keeps the assessment; corrected up (or into high priority) needs a new one."""
    original = phq9(1, item9=2, total=8)
    assessed = [RiskAssessment(1, 1, RiskLevel.MODERATE, "Physician informed", T0, "nurse")]
    lower = phq9(2, item9=1, total=7, corrects_id=1)
    assert risk_flags([original, lower], assessed, [], RULE, T0)[0].cleared
    higher = phq9(2, item9=3, total=9, corrects_id=1)
    assert not risk_flags([original, higher], assessed, [], RULE, T0)[0].cleared
    mild = phq9(3, item9=1, total=5)
    into_high = phq9(4, item9=1, total=21, corrects_id=3)
    mild_assessed = [RiskAssessment(2, 3, RiskLevel.LOW, "Safety plan reviewed", T0, "nurse")]
    assert not risk_flags([mild, into_high], mild_assessed, [], RULE, T0)[0].cleared


def test_a_measure_struck_or_corrected_to_0_raises_no_flag() -> None:
    """Only current measures count: a struck one, or one whose correction answers item 9 with 0, raises none."""
    original = phq9(1, item9=2, total=8)
    assert risk_flags([original, phq9(2, item9=0, total=6, corrects_id=1)], [], [], RULE, T0) == ()
    assert (
        risk_flags([original, phq9(2, item9=2, total=8, corrects_id=1, entered_in_error=True)], [], [], RULE, T0) == ()
    )


def test_flags_list_what_needs_doing_first() -> None:
    """Uncleared before cleared, high priority before the rest."""
    low = phq9(1, item9=1, total=3)
    high = phq9(2, item9=3, total=12, at=T0 + timedelta(hours=1))
    cleared = phq9(3, item9=2, total=10, at=T0 + timedelta(hours=2))
    done = [RiskAssessment(1, 3, RiskLevel.LOW, "Reviewed", T0, "nurse")]
    flags = risk_flags([low, high, cleared], done, [], RULE, T0 + timedelta(hours=3))
    assert [f.measure.id for f in flags] == [2, 1, 3]
