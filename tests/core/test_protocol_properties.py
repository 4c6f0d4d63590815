"""Property tests of the clinic protocol: any override loads or is refused with a ProtocolError naming the line,
and any text never crashes the loader; a clinic's own licensed CADSS-6 wording."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.protocol import ProtocolError, load_protocol
from tests.core.protocol_overrides import DEFAULT_TEXT, refused

# --- property tests ---------------------------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(st.integers(min_value=-1000, max_value=1000))
def test_any_sbp_below_is_either_used_or_refused_on_line_2(value: int) -> None:
    """Any whole sbp_below is used exactly when it is 40–150 (and below 180), else refused at line 2."""
    override = f"[alerts]\nsbp_below = {value}\n"
    if 40 <= value <= 150:
        assert load_protocol(DEFAULT_TEXT, override).alerts.sbp_below == value
    else:
        error = refused(override)
        assert (error.key, error.line) == ("[alerts] sbp_below", 2)


SECTIONS_AND_KEYS = st.sampled_from(
    [
        ("clinic", "name"),
        ("clinic", "chairs"),
        ("clinic", "page_size"),
        ("infusion", "duration_min"),
        ("infusion", "concentration_mg_per_ml"),
        ("dose", "default_mg_per_kg"),
        ("dose", "min_mg_per_kg"),
        ("dose", "max_mg_per_kg"),
        ("dose", "max_step_mg_per_kg"),
        ("observation", "minimum_min"),
        ("vitals_interval_min", "infusing"),
        ("alerts", "sbp_at_or_above"),
        ("alerts", "rr_above"),
        ("alerts", "baseline_dbp_above"),
        ("discharge", "aldrete_pass"),
        ("course", "default_template"),
        ("alerts", "no_such_key"),
        ("no_such_table", "x"),
    ]
)
TOML_VALUES = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(max_size=20).map(json.dumps),
    st.lists(st.integers(min_value=-5, max_value=10), max_size=4).map(str),
    st.text(max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SECTIONS_AND_KEYS, TOML_VALUES), max_size=4))
def test_any_override_loads_or_is_refused_with_a_protocol_error(entries: list[tuple[tuple[str, str], str]]) -> None:
    """Whatever a clinic writes, loading gives a Protocol or a ProtocolError, never another exception."""
    override = "".join(f"[{section}]\n{key} = {value}\n" for (section, key), value in entries)
    try:
        protocol = load_protocol(DEFAULT_TEXT, override, source="clinic.toml")
    except ProtocolError as error:
        assert error.source == "clinic.toml"
        assert error.key
        assert error.line is None or 1 <= error.line <= len(override.splitlines())
    else:
        assert protocol.dose.min_mg_per_kg <= protocol.dose.default_mg_per_kg <= protocol.dose.max_mg_per_kg
        assert protocol.alerts.sbp_below < protocol.alerts.sbp_at_or_above
        assert protocol.alerts.rr_below < protocol.alerts.rr_above


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_override_never_crashes(text: str) -> None:
    """Arbitrary text as a clinic file gives a Protocol or a ProtocolError, never another exception."""
    with contextlib.suppress(ProtocolError):
        load_protocol(DEFAULT_TEXT, text, source="clinic.toml")


def test_a_clinic_may_put_its_licensed_cadss6_wording_in_its_protocol(default_text: str) -> None:
    """An override of one CADSS-6 label changes only that label; an unknown item or an empty label is refused."""
    from ketadesk.core.protocol import ProtocolError, load_protocol

    protocol = load_protocol(default_text, '[scales.cadss6]\nitem_2 = "Licensed wording of item 2"\n', "protocol.toml")
    labels = dict(protocol.cadss6_items)
    assert labels[2] == "Licensed wording of item 2" and "slow motion" in labels[1]
    with pytest.raises(ProtocolError, match="item_3"):
        load_protocol(default_text, '[scales.cadss6]\nitem_3 = "Not a CADSS-6 item"\n', "protocol.toml")
    with pytest.raises(ProtocolError, match="item_22"):
        load_protocol(default_text, '[scales.cadss6]\nitem_22 = "  "\n', "protocol.toml")
