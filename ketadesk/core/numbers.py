"""How a typed number is read, once for every measurement (weight, temperature, dose, amount given, vitals).

Plain digits, an optional decimal point (or comma) and at most as many decimals as the
record keeps: "72.45" kg is refused, not stored as 72.4, because a silently rounded number is
a different number from the one the nurse read. Trailing zeros carry no digit and are fine
("0.5000" mg/kg is 0.5 mg/kg, "36.60" °C is 36.6 °C). Signs, exponents ("3.66e1"),
underscores, thousands separators, non-ASCII digits, NaN and infinity are not numbers a
nurse types: each is refused. Leading and trailing spaces are ignored.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

_PLAIN = re.compile(r"(\d*)(?:\.(\d*))?", flags=re.ASCII)


class NotPlain(Exception):
    """Not a plain number: the caller refuses it with its own field, value and range."""


class TooPrecise(Exception):
    """A plain number with more decimals than the record keeps."""


def typed_text(raw: object) -> str:
    """The text of a typed value: a number given by a program is read as it would be typed."""
    if isinstance(raw, bool):  # True is 1 to Python, but nobody types "True" kg
        return repr(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return repr(raw)
        # repr is the shortest text that reads back as the float: 72.45 stays "72.45", 1e-05 becomes "0.00001".
        return format(Decimal(repr(raw)), "f")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, str):
        return raw.strip().replace(",", ".")
    return repr(raw)


def read_plain(raw: object, places: int) -> Decimal:
    """The number typed in ``raw`` with at most ``places`` decimals (trailing zeros aside).

    Raises :class:`NotPlain` for anything but digits with an optional point, and
    :class:`TooPrecise` for more decimals than ``places``; the caller turns either into a
    ValidationError naming its field, the value and the allowed form.
    """
    text = typed_text(raw)
    match = _PLAIN.fullmatch(text)
    if match is None or not (match.group(1) or match.group(2)):
        raise NotPlain(text)
    whole = match.group(1).lstrip("0") or "0"
    decimals = (match.group(2) or "").rstrip("0")
    if len(decimals) > places:
        raise TooPrecise(text)
    if len(whole) > 9:  # no measurement has ten digits; Decimal would read them, but nothing is that big
        return Decimal("1e9")
    return Decimal(f"{whole}.{decimals or '0'}")


def allowed_form(places: int) -> str:
    """How the allowed form reads in a message."""
    if places == 0:
        return "a whole number"
    return f"a number with at most {'one decimal' if places == 1 else f'{places} decimals'}"
