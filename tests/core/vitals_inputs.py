"""What the vitals tests type and check against: the fields, the shipped alert limits, nasty text, the ranges."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

from hypothesis import strategies as st

from ketadesk.core.protocol import load_protocol
from ketadesk.core.vitals import (
    PLAUSIBLE,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


WHOLE_FIELDS = ("sbp", "dbp", "hr", "spo2", "rr")


DECIMAL_FIELDS = ("temp_c", "weight_kg")


DEFAULT_LIMITS = load_protocol(files("ketadesk.resources").joinpath("protocol.toml").read_text(encoding="utf-8")).alerts


# Text a nurse, a barcode scanner or an attacker might type into a vitals box.
NASTY = [
    "",
    " ",
    "\t\n",
    "'; DROP TABLE vitals;--",
    "120; DELETE FROM visits",
    "1 OR 1=1",
    "١٢٣",
    "١٢٠",
    "１２０",
    "१२०",
    "²",
    "½",
    "12O",
    "l20",
    "120.0",
    "120,0",
    "+120",
    "-120",
    "1_20",
    "0x78",
    "1e2",
    "NaN",
    "inf",
    "-inf",
    "sNaN",
    "Infinity",
    "9" * 5000,
    "0" * 5000 + "120",
    "1" + "0" * 400,
    "1e100",
    "1e999999999",
    "1E-999999999",
    "\x00",
    "120\x00",
    "\u200b120",
    " 120 ",
    "\u00a0120\u00a0",
    "120 80",
    "37.",
    ".5",
    "37,5",
    "37.55",
    "36.6°",
    "🙂",
    "\ud800",
]


FUZZ_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"\s*[0-9]{1,8}([.,][0-9]{0,4})?\s*", fullmatch=True),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


def range_text(field: str) -> str:
    """The allowed range as the messages write it, e.g. '40–300'."""
    low, high = PLAUSIBLE[field]
    return f"{low:g}–{high:g}"
