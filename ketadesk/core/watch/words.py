"""How the watch's flags write their numbers, and how they compare them exactly.

A dose is typed with at most three decimals and kept as a float; ``1.5 × 0.1`` in floats is
``0.15000000000000002``, which would put a dose of exactly 0.15 mg/kg on the wrong side of
its boundary. Each dose is therefore compared as the decimal it was typed as (the float's
shortest text, ``Decimal("0.15")``), so "at 1.5× the first dose" means exactly that.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal


def exact(value: float) -> Decimal:
    """The decimal a dose or a protocol factor was written as (its shortest float text)."""
    return Decimal(repr(float(value)))


def mg(value: float) -> str:
    """``0.75 mg/kg``."""
    return f"{float(value):g} mg/kg"


def times(ratio: Decimal) -> str:
    """``1.5×`` (two decimals at most, trailing zeros dropped)."""
    text = f"{ratio:.2f}".rstrip("0").rstrip(".")
    return f"{text}×"


def days(span: timedelta) -> str:
    """``9.5 days``, ``1 day``: a span in days with one decimal at most."""
    value = span.total_seconds() / 86400
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} day" if text == "1" else f"{text} days"


def listed(items: list[str]) -> str:
    """``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
