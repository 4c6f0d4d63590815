"""Calendar dates typed by hand: read the way people type them, refused when impossible, read back in words.

A date of birth typed as ``1988-02-29`` must be stored as 29 February 1988 — never as
whatever an input mask makes of the digits. Accepted: ISO ``YYYY-MM-DD`` (``/`` or ``.``
also separate), the clinic's local order with a separator (``29/02/1988`` day first, or
``02/29/1988`` month first), and digits only (``19880229``, or ``29021988`` in the local
order). A year is always typed with four digits (``88`` could be 1988 or 2088). The screen
shows the date back in words before it is saved, so a day and month read the other way
round are seen, not stored.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from ketadesk.core.errors import ValidationError

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateOrder(StrEnum):
    """How the clinic writes a date with the year last: day first or month first."""

    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"

    @property
    def example(self) -> str:
        """The local form of 29 February 1988."""
        return "29/02/1988" if self is DateOrder.DAY_FIRST else "02/29/1988"


_SEPARATED = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")


def allowed_forms(order: DateOrder) -> str:
    """What a refusal tells the user they may type."""
    return f"a real date typed as YYYY-MM-DD (1988-02-29), {order.example} or digits only (19880229)"


def parse_date(field: str, text: str, order: DateOrder = DateOrder.DAY_FIRST, *, label: str = "Date") -> date:
    """The date ``text`` means, or a :class:`ValidationError` naming ``field``, the text and what is allowed."""
    try:
        return _parse(field, text, order)
    except ValidationError as error:
        shown = repr(text.strip()) if text.strip() else "(empty)"
        raise ValidationError(
            field, text, error.allowed, message=f"{label} {shown} is not allowed: {error.allowed}."
        ) from None


def _parse(field: str, text: str, order: DateOrder) -> date:
    typed = text.strip()
    allowed = allowed_forms(order)
    if not typed:
        raise ValidationError(field, text, allowed)
    year: str
    month: str
    day: str
    separated = _SEPARATED.match(typed)
    if separated:
        first, second, third = separated.groups()
        if len(first) == 4:
            year, month, day = first, second, third
        elif len(third) == 4:
            year = third
            day, month = (first, second) if order is DateOrder.DAY_FIRST else (second, first)
        else:
            raise ValidationError(field, text, "the year with four digits; " + allowed)
    elif typed.isdigit() and len(typed) == 8:
        if typed[:2] in ("19", "20"):
            year, month, day = typed[:4], typed[4:6], typed[6:]
        elif order is DateOrder.DAY_FIRST:
            day, month, year = typed[:2], typed[2:4], typed[4:]
        else:
            month, day, year = typed[:2], typed[2:4], typed[4:]
    elif typed.isdigit() and len(typed) == 6:
        raise ValidationError(field, text, "the year with four digits; " + allowed)
    else:
        raise ValidationError(field, text, allowed)
    if len(year) != 4:
        raise ValidationError(field, text, "the year with four digits; " + allowed)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(
            field, text, f"a date that exists (day {int(day)} of month {int(month)} in {int(year)} does not)"
        ) from None


def in_words(day: date) -> str:
    """``29 February 1988``: a date no one can read the other way round."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def day_in_words(day: date) -> str:
    """``Thursday 3 December 2026``: a booking read back with its weekday."""
    return f"{WEEKDAYS[day.weekday()]} {in_words(day)}"


def age_on(born: date, today: date) -> int:
    """Completed years from ``born`` to ``today``."""
    years = today.year - born.year
    return years - 1 if (today.month, today.day) < (born.month, born.day) else years


def birth_date_in_words(born: date, today: date) -> str:
    """``29 February 1988 — 38 years``: the read-back under a date-of-birth field."""
    years = age_on(born, today)
    return f"{in_words(born)} — {years} year{'' if years == 1 else 's'}"
