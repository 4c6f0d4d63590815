"""Dose creep, the ceiling and a rising run: each flag just below its boundary (none) and at it (raised)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.protocol import Protocol
from ketadesk.core.watch.flags import WatchRule
from tests.core.watch_builders import (
    START,
    at,
    course,
    doses,
    infusion,
    inputs,
    other_doses,
    raised,
    rules,
    run,
    series,
)

FACTORS = st.integers(105, 300).map(lambda n: n / 100)


def _with_today(first: float, middle: list[float], today: float) -> list[float]:
    return [first, *middle, today]


@settings(max_examples=150, deadline=None)
@given(
    first=st.integers(50, 800).map(lambda n: n / 1000), factor=FACTORS, middle=st.integers(0, 6).flatmap(other_doses)
)
def test_dose_creep_at_the_factor_is_flagged_and_a_step_below_is_not(
    protocol: Protocol, first: float, factor: float, middle: list[float]
) -> None:
    """Today at exactly factor × the first dose is dose creep; 0.001 mg/kg less is not (no scores: first completed)."""
    boundary = float(Decimal(repr(factor)) * Decimal(repr(first)))
    watch = rules(protocol, dose_creep_factor=factor)
    at_boundary = run(protocol, inputs(course(_with_today(first, middle, boundary))), watch, ceiling=10.0)
    below = run(protocol, inputs(course(_with_today(first, middle, boundary - 0.001))), watch, ceiling=10.0)
    flags = raised(at_boundary, WatchRule.DOSE_CREEP)
    assert len(flags) == 1
    assert raised(below, WatchRule.DOSE_CREEP) == []
    assert f"the first effective dose {first:g} mg/kg" in flags[0].text
    assert "(rule dose-creep v1)" in flags[0].text


def test_the_flag_names_its_rule_and_its_inputs(protocol: Protocol) -> None:
    """The example the clinic asked for: 0.75 on the day is 1.5× the first effective 0.5."""
    flag = raised(run(protocol, inputs(course([0.5, 0.5, 0.75]))), WatchRule.DOSE_CREEP)[0]
    assert flag.text == (
        "Dose creep: 0.75 mg/kg on 2026-03-16 is 1.5× the first effective dose 0.5 mg/kg (rule dose-creep v1)"
    )
    named = {i.name: i.value for i in flag.inputs}
    assert named["today's dose"] == "0.75 mg/kg on 2026-03-16 (visit 103, given)"
    assert named["first effective dose"].startswith("0.5 mg/kg on 2026-03-02 (visit 101, given): the first completed")
    assert named["factor"] == "1.5 ([watch] dose_creep_factor)"


def test_a_dose_prepared_today_is_judged_before_the_pump_starts(protocol: Protocol) -> None:
    """The pre-assessment's prepared dose is today's dose: the flag is up before it runs."""
    given = (*course([0.5, 0.5]), infusion(3, START + timedelta(days=14), 0.75, started=False))
    flag = raised(run(protocol, inputs(given)), WatchRule.DOSE_CREEP)[0]
    assert "prepared, not started" in flag.inputs[0].value


def test_an_infusion_stopped_early_is_not_the_first_effective_dose(protocol: Protocol) -> None:
    """The first dose ran short: the reference is the first completed one."""
    given = (
        infusion(1, START, 0.3, stopped_early=True),
        infusion(2, START + timedelta(days=7), 0.5),
        infusion(3, START + timedelta(days=14), 0.6),
    )
    assert raised(run(protocol, inputs(given)), WatchRule.DOSE_CREEP) == []  # 0.6 < 1.5 × 0.5, though ≥ 1.5 × 0.3


def test_with_scores_the_first_effective_dose_is_the_first_followed_by_an_improvement(protocol: Protocol) -> None:
    """Escalating 0.5 → 0.75 until PHQ-9 fell by 25 %: 0.75 is the reference; 1.0 is not yet creep, 1.125 is."""
    given = course([0.5, 0.75, 1.0, 1.125])
    scores = series(
        "PHQ-9",
        [
            (at(START, 8), 20),
            (at(START + timedelta(days=6)), 19),  # after 0.5: no better
            (at(START + timedelta(days=13)), 15),  # after 0.75: a fall of 25 %
        ],
    )
    evaluation = run(protocol, inputs(given[:3], scores=[scores]), ceiling=2.0)
    assert raised(evaluation, WatchRule.DOSE_CREEP) == []
    flag = raised(run(protocol, inputs(given, scores=[scores]), ceiling=2.0), WatchRule.DOSE_CREEP)
    assert flag and "first effective dose 0.75 mg/kg" in flag[0].text
    assert "a fall of at least 25 % on PHQ-9 (20 → 15)" in flag[0].inputs[1].value


def test_with_scores_and_no_benefit_yet_dose_creep_is_not_judged_and_says_so(protocol: Protocol) -> None:
    """Scores never improved: no effective dose to creep from (dose-finding); the rule says it was not judged."""
    scores = series("GAD-7", [(at(START, 8), 15), (at(START + timedelta(days=6)), 14)])
    evaluation = run(protocol, inputs(course([0.5, 0.9]), scores=[scores]))
    assert raised(evaluation, WatchRule.DOSE_CREEP) == []
    assert (WatchRule.DOSE_CREEP, "no infusion has yet been followed by an improved outcome score") in (
        evaluation.unjudged
    )


@settings(max_examples=100, deadline=None)
@given(ceiling=doses(), middle=st.integers(0, 4).flatmap(other_doses))
def test_the_ceiling_is_within_and_a_step_above_it_is_flagged(
    protocol: Protocol, ceiling: float, middle: list[float]
) -> None:
    """Today's mg/kg at the ceiling raises nothing; 0.001 mg/kg above it raises the ceiling flag."""
    at_ceiling = run(protocol, inputs(course([*middle, ceiling])), ceiling=ceiling)
    above = run(protocol, inputs(course([*middle, round(ceiling + 0.001, 3)])), ceiling=ceiling)
    assert raised(at_ceiling, WatchRule.DOSE_ABOVE_CEILING) == []
    flag = raised(above, WatchRule.DOSE_ABOVE_CEILING)
    assert len(flag) == 1 and f"ceiling of {ceiling:g} mg/kg" in flag[0].text


def _rising(count: int, first: float) -> list[float]:
    return [round(first + 0.05 * n, 3) for n in range(count)]


@settings(max_examples=100, deadline=None)
@given(
    count=st.integers(2, 6),
    first=st.integers(200, 500).map(lambda n: n / 1000),
    before=st.integers(4, 27),
    percent=st.integers(1, 100),
    earlier=st.integers(0, 3).flatmap(other_doses),
)
def test_a_rising_run_is_flagged_exactly_when_no_score_fell_by_the_percent(
    protocol: Protocol, count: int, first: float, before: int, percent: int, earlier: list[float]
) -> None:
    """Scores fell by just under the percent: flagged; by exactly it: improved, so not flagged."""
    watch = rules(protocol, rising_visits=count, improvement_percent=percent)
    doses_given = [*earlier, *_rising(count, first)]
    given = course(doses_given)
    run_start = given[-count].at
    # The smallest whole fall that is an improvement: ceil(percent × before / 100).
    needed = -(-percent * before // 100)
    improved_total = before - needed
    not_improved_total = improved_total + 1

    def scored(latest: int) -> list[object]:
        return [
            series("PHQ-9", [(run_start - timedelta(hours=1), before), (given[-1].at + timedelta(hours=3), latest)])
        ]

    flagged = raised(
        run(protocol, inputs(given, scores=scored(not_improved_total)), watch), WatchRule.DOSE_RISING_NO_BENEFIT
    )
    if not_improved_total == 0:  # a fall to 0 is always an improvement: nothing to flag
        assert flagged == []
    else:
        assert len(flagged) == 1
        assert flagged[0].occurrence == tuple(str(i.visit_id) for i in given[-count:])
    quiet = run(protocol, inputs(given, scores=scored(improved_total)), watch)
    assert raised(quiet, WatchRule.DOSE_RISING_NO_BENEFIT) == []


def test_a_run_with_one_dose_not_higher_is_no_rising_run(protocol: Protocol) -> None:
    """0.5 → 0.6 → 0.6: the dose did not rise at each infusion."""
    given = course([0.5, 0.6, 0.6])
    scores = [series("PHQ-9", [(given[0].at - timedelta(hours=1), 20), (given[-1].at + timedelta(hours=2), 20)])]
    assert raised(run(protocol, inputs(given, scores=scores)), WatchRule.DOSE_RISING_NO_BENEFIT) == []


def test_a_rising_run_without_scores_is_not_judged(protocol: Protocol) -> None:
    """Benefit cannot be judged without scores before and during the run: the rule says so and raises nothing."""
    evaluation = run(protocol, inputs(course([0.5, 0.6, 0.7])))
    assert raised(evaluation, WatchRule.DOSE_RISING_NO_BENEFIT) == []
    assert any(rule is WatchRule.DOSE_RISING_NO_BENEFIT for rule, _ in evaluation.unjudged)
