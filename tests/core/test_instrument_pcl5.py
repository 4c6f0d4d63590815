"""PCL-5: the four clusters and the DSM-5 provisional-diagnosis rule, against a direct re-statement of the rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.instruments.pcl5 import PROVISIONAL, pcl5

PCL5 = pcl5(33)
ITEMS = st.fixed_dictionaries({n: st.integers(0, 4) for n in range(1, 21)})


def restated(answers: dict[int, int]) -> bool:
    """The rule as the National Center for PTSD states it: items rated 2 or more count;
    at least 1 of B (1-5), 1 of C (6-7), 2 of D (8-14) and 2 of E (15-20)."""
    b = len([n for n in range(1, 6) if answers[n] >= 2])
    c = len([n for n in range(6, 8) if answers[n] >= 2])
    d = len([n for n in range(8, 15) if answers[n] >= 2])
    e = len([n for n in range(15, 21) if answers[n] >= 2])
    return b >= 1 and c >= 1 and d >= 2 and e >= 2


@given(ITEMS)
def test_provisional_ptsd_follows_the_cluster_rule(answers: dict[int, int]) -> None:
    """For any answers, the provisional-diagnosis finding is what the re-stated rule says."""
    finding = PCL5.score(answers).finding(PROVISIONAL)
    assert finding is not None and finding.met is restated(answers)


@given(ITEMS)
def test_cluster_sums_add_up_to_the_total(answers: dict[int, int]) -> None:
    """B 1-5, C 6-7, D 8-14 and E 15-20 partition the twenty items: their sums make the total."""
    scored = PCL5.score(answers)
    sums = dict(scored.subscales)
    assert sums["cluster_b"] == sum(answers[n] for n in range(1, 6))
    assert sums["cluster_c"] == answers[6] + answers[7]
    assert sums["cluster_d"] == sum(answers[n] for n in range(8, 15))
    assert sums["cluster_e"] == sum(answers[n] for n in range(15, 21))
    assert sum(sums.values()) == scored.total


def test_one_symptom_short_in_any_cluster_is_no_provisional_diagnosis() -> None:
    """The minimum (1 B, 1 C, 2 D, 2 E, each rated 2) meets the rule; one fewer anywhere, or a 1 for a 2, does not."""
    minimum = {n: 0 for n in range(1, 21)} | {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}
    assert PCL5.score(minimum).finding(PROVISIONAL).met  # type: ignore[union-attr]
    for item in (1, 6, 8, 15):
        assert not PCL5.score(minimum | {item: 0}).finding(PROVISIONAL).met  # type: ignore[union-attr]
    assert not PCL5.score(minimum | {9: 1}).finding(PROVISIONAL).met  # type: ignore[union-attr]


def test_the_total_cut_off_is_the_clinics() -> None:
    """A total at the protocol's cut-off reads probable PTSD; one below does not; another cut-off moves the band."""
    at_33 = {n: 2 for n in range(1, 21)} | {1: 0, 2: 0, 3: 0, 4: 1}  # 33
    assert PCL5.score(at_33).total == 33 and PCL5.score(at_33).band.name == "probable PTSD"  # type: ignore[union-attr]
    below = at_33 | {4: 0}
    assert PCL5.score(below).band.name.startswith("below")  # type: ignore[union-attr]
    at_31 = at_33 | {4: 0, 5: 1}
    assert PCL5.score(at_31).total == 31 and pcl5(31).score(at_31).band.name == "probable PTSD"  # type: ignore[union-attr]
