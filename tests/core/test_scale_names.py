"""The Scale enum: store keys, names, ranges, how a total is written, resolved sedation and the Aldrete pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import Protocol
from ketadesk.core.scales import (
    ALDRETE_ITEM_LABELS,
    ALDRETE_ITEMS,
    CADSS6_MAX,
    MOAAS_LEVELS,
    RASS_LEVELS,
    SEDATION_RESOLVED,
    AldreteScore,
    Scale,
    aldrete_verdict,
    check_moaas,
    check_rass,
    scale_label,
    sedation_resolved,
    sedation_resolved_text,
)

RASS_RANGE = st.integers(min_value=-5, max_value=4)
MOAAS_RANGE = st.integers(min_value=0, max_value=5)


def test_values_are_the_keys_the_store_keeps() -> None:
    """Each scale's value is the key written to ``scores.scale``, so stored rows read back as the enum."""
    assert [s.value for s in Scale] == ["moaas", "rass", "cadss6", "aldrete"]
    assert Scale("cadss6") is Scale.CADSS6
    assert Scale.RASS == "rass"


def test_labels_and_short_labels() -> None:
    """Names as clinicians write them; only the modified Aldrete is shortened for a narrow column."""
    assert [s.label for s in Scale] == ["MOAA/S", "RASS", "CADSS-6", "Modified Aldrete"]
    assert [s.short_label for s in Scale] == ["MOAA/S", "RASS", "CADSS-6", "Aldrete"]


def test_ranges_follow_the_published_definitions() -> None:
    """MOAA/S 0–5, RASS −5 to +4, CADSS-6 six items of 0–4, Aldrete five items of 0–2."""
    assert Scale.MOAAS.range == (0, 5)
    assert Scale.RASS.range == (-5, 4)
    assert Scale.CADSS6.range == (0, 24) == (0, CADSS6_MAX)
    assert Scale.ALDRETE.range == (0, 2 * len(ALDRETE_ITEMS)) == (0, 10)
    assert [s.range_text for s in Scale] == ["0–5", "−5 to +4", "0–24", "0–10"]


def test_levels_are_the_definition_tables() -> None:
    """MOAA/S and RASS carry their level definitions; scales scored by items have none."""
    assert Scale.MOAAS.levels == MOAAS_LEVELS
    assert Scale.RASS.levels == RASS_LEVELS
    assert Scale.CADSS6.levels == {} and Scale.ALDRETE.levels == {}
    assert Scale.RASS.definition(0) == "Alert and calm"
    assert Scale.MOAAS.definition(9) == ""


@given(RASS_RANGE)
def test_rass_is_written_with_its_sign(level: int) -> None:
    """RASS reads back from its text, positive levels carry ``+`` and negative ones the minus sign (U+2212)."""
    text = Scale.RASS.show(level)
    assert int(text.replace("−", "-")) == level
    assert text.startswith("+") is (level > 0)
    assert text.startswith("−") is (level < 0)


@given(st.integers(min_value=-10, max_value=10))
def test_ascii_variant_matches_the_old_criterion_text(level: int) -> None:
    """With an ASCII minus and ``+0`` the text is Python's ``{:+d}``, as the discharge criterion always wrote it."""
    assert Scale.RASS.show(level, minus="-", zero="+0") == f"{level:+d}"


@given(st.integers(min_value=0, max_value=24))
def test_unsigned_scales_are_written_as_the_number(total: int) -> None:
    """A MOAA/S, CADSS-6 or Aldrete total is written as the plain number."""
    for scale in (Scale.MOAAS, Scale.CADSS6, Scale.ALDRETE):
        assert scale.show(total) == str(total)


def test_scale_label_keeps_an_unknown_key_visible() -> None:
    """A stored key the program does not know is shown as stored rather than hidden."""
    assert scale_label("moaas") == "MOAA/S"
    assert scale_label("phq9") == "phq9"


def test_level_refusals_name_the_range() -> None:
    """The refusals still say the range in words the nurse reads: ``MOAA/S is 0–5``, ``RASS is −5 to +4``."""
    with pytest.raises(ValidationError) as moaas:
        check_moaas(6)
    with pytest.raises(ValidationError) as rass:
        check_rass(5)
    assert (moaas.value.field, moaas.value.allowed) == ("moaas", "MOAA/S is 0–5")
    assert (rass.value.field, rass.value.allowed) == ("rass", "RASS is −5 to +4")


@given(MOAAS_RANGE, RASS_RANGE)
def test_sedation_resolves_only_at_moaas_5_and_rass_0(moaas: int, rass: int) -> None:
    """Sedation counts as resolved for exactly one pair of levels: fully responsive and alert and calm."""
    assert sedation_resolved(moaas, rass) is (moaas == 5 and rass == 0)


def test_resolved_sedation_in_words() -> None:
    """The words match the protocol's criterion label."""
    assert SEDATION_RESOLVED == {Scale.MOAAS: 5, Scale.RASS: 0}
    assert sedation_resolved_text() == "MOAA/S 5 and RASS 0"


@given(st.integers(min_value=0, max_value=10))
def test_aldrete_verdict_uses_the_protocol_pass_mark(protocol: Protocol, total: int) -> None:
    """A total passes when it reaches the clinic's pass mark (9 by default), whatever the total."""
    verdict = aldrete_verdict(total, protocol)
    assert verdict.pass_mark == protocol.aldrete_pass == 9
    assert verdict.passed is (total >= 9)


def test_aldrete_items_in_the_scale_order() -> None:
    """The items a score stores are keyed and ordered as the scale lists them, each with a heading."""
    score = AldreteScore(2, 1, 0, 2, 1)
    assert list(score.items) == [key for key, _ in ALDRETE_ITEMS] == list(ALDRETE_ITEM_LABELS)
    assert score.items == {"activity": 2, "respiration": 1, "circulation": 0, "consciousness": 2, "spo2": 1}
    assert sum(score.items.values()) == score.total
    assert ALDRETE_ITEM_LABELS["spo2"] == "SpO2"
