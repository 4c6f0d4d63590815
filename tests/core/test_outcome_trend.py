"""A course's trend per instrument: current scores, the baseline before the first infusion, change and verdicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.instruments import GAD7, PHQ9, InstrumentKey
from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.rules import REMISSION, RESPONSE, RULES_VERSION, outcome_status
from ketadesk.core.instruments.trend import ScoreChange, change_between, course_trends, instrument_trend
from ketadesk.core.protocol import Protocol
from tests.core.conftest import T0
from tests.core.measure_builders import phq9

INFUSION = T0 + timedelta(days=1)


def gad7(measure_id: int, total: int, at: datetime) -> Measure:
    """A GAD-7 measure of ``total`` (items filled in order, each 0-3)."""
    answers, rest = {}, total
    for n in range(1, 8):
        answers[n] = min(3, rest)
        rest -= answers[n]
    scored = GAD7.score(answers)
    return replace(
        phq9(measure_id, at=at),
        instrument=GAD7.key,
        answers=tuple(sorted(answers.items())),
        scored=scored,
        status=outcome_status(GAD7.key, total, None),
        mode=EntryMode.PATIENT,
    )


@given(st.integers(1, 12))
def test_a_latest_score_of_exactly_half_the_baseline_is_a_response(half: int) -> None:
    """Baseline 2h before the first infusion, latest h after it: a 50 % fall, a response; h + 1 is not."""
    measures = [phq9(1, total=2 * half, at=T0), phq9(2, total=half, at=INFUSION + timedelta(days=7))]
    trend = instrument_trend(PHQ9, measures, INFUSION)
    assert trend.response.met is True
    assert trend.change == ScoreChange(-half, -50.0)
    assert trend.change.text == f"\u2212{half} (\u221250 %)"
    short = instrument_trend(PHQ9, [*measures, phq9(3, total=half + 1, at=INFUSION + timedelta(days=8))], INFUSION)
    assert short.response.met is False
    assert short.latest is not None and short.latest.total == half + 1


@given(st.lists(st.tuples(st.integers(-72, 72), st.integers(0, 24)), min_size=1, max_size=8))
def test_the_baseline_is_the_last_score_before_the_first_infusion(timed: list[tuple[int, int]]) -> None:
    """Whatever the scores and their hours around the infusion, the baseline is the latest one strictly before
    it, the latest is the last one after the baseline, and the points run oldest first."""
    measures = [phq9(n + 1, total=total, at=INFUSION + timedelta(hours=h)) for n, (h, total) in enumerate(timed)]
    trend = instrument_trend(PHQ9, measures, INFUSION)
    ordered = sorted(measures, key=lambda m: (m.entered_at, m.id))
    assert [p.measure_id for p in trend.points] == [m.id for m in ordered]
    before = [m for m in ordered if m.entered_at < INFUSION]
    assert (trend.baseline.measure_id if trend.baseline else None) == (before[-1].id if before else None)
    after = ordered[len(before) :]
    assert (trend.latest.measure_id if trend.latest else None) == (after[-1].id if after else None)
    if trend.baseline is None:
        assert trend.response.met is None and trend.change is None
    elif trend.latest is not None:
        assert trend.change == change_between(trend.baseline.total, trend.latest.total)


def test_before_any_infusion_the_latest_score_is_the_baseline_and_nothing_is_judged() -> None:
    """With no infusion yet the latest score so far is the baseline; nothing after it, so no verdict yet."""
    trend = instrument_trend(PHQ9, [phq9(1, total=18, at=T0), phq9(2, total=16, at=T0 + timedelta(hours=2))], None)
    assert trend.baseline is not None and trend.baseline.measure_id == 2
    assert trend.latest is None and trend.change is None
    assert trend.response.met is None and trend.response.why_not_judged == "no score since the baseline"
    assert trend.remission.met is None


def test_corrected_and_struck_measures_never_count() -> None:
    """A corrected original gives way to its correction; a struck measure disappears from the trend."""
    measures = [
        phq9(1, total=22, at=T0),
        phq9(2, total=20, at=T0 + timedelta(hours=1), corrects_id=1),
        phq9(3, total=4, at=INFUSION + timedelta(days=2)),
        phq9(4, total=4, at=INFUSION + timedelta(days=3), corrects_id=3, entered_in_error=True),
    ]
    trend = instrument_trend(PHQ9, measures, INFUSION)
    assert [p.measure_id for p in trend.points] == [2]
    assert trend.baseline is not None and trend.baseline.total == 20 and trend.latest is None


def test_remission_and_response_name_their_rule_and_version() -> None:
    """GAD-7 from 16 to 4: response and remission met, each badge stating its definition and rule version."""
    trend = instrument_trend(GAD7, [gad7(1, 16, T0), gad7(2, 4, INFUSION + timedelta(days=14))], INFUSION)
    assert (trend.response.rule, trend.remission.rule) == (RESPONSE, REMISSION)
    assert trend.response.met is True and trend.remission.met is True
    assert trend.remission.text == f"Remission: met \u2014 {REMISSION.definition} (rule {RULES_VERSION})"
    assert trend.points[-1].band == "minimal" and trend.points[0].band == "severe"
    assert [b.name for b in trend.bands] == ["minimal", "mild", "moderate", "severe"]


def test_a_baseline_of_zero_and_an_instrument_without_remission_are_not_judged_and_say_why(protocol: Protocol) -> None:
    """Nothing falls from 0, and the Fear Questionnaire has no remission rule: both say so in the badge."""
    zero = instrument_trend(PHQ9, [phq9(1, total=0, at=T0), phq9(2, total=3, at=INFUSION)], INFUSION)
    assert zero.response.met is None and "baseline of 0" in zero.response.text
    assert zero.change == ScoreChange(3, None) and zero.change.text == "+3"
    fq = protocol.outcomes.instrument(InstrumentKey.FQ)
    empty = instrument_trend(fq, [], INFUSION)
    assert empty.points == () and empty.remission.met is None
    assert "no remission rule for" in empty.remission.text
    assert empty.response.why_not_judged == "no score before the first infusion"


def test_course_trends_keep_the_instruments_order_and_separate_their_scores() -> None:
    """One trend per instrument given, in that order, each with only its own instrument's scores."""
    measures = [phq9(1, total=20, at=T0), gad7(2, 12, T0), phq9(3, total=8, at=INFUSION)]
    first, second = course_trends((GAD7, PHQ9), measures, INFUSION)
    assert (first.name, second.name) == ("GAD-7", "PHQ-9")
    assert [p.total for p in first.points] == [12] and [p.total for p in second.points] == [20, 8]
    assert second.response.met is True and second.remission.met is False
