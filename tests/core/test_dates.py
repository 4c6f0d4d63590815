"""Dates typed by hand are read as typed, in every accepted form, and an impossible one is refused by name."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketadesk.core.dates import DateOrder, birth_date_in_words, in_words, parse_date
from ketadesk.core.errors import ValidationError

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


def test_a_leap_day_is_stored_as_typed() -> None:
    """1988-02-29 is 29 February 1988 in every form, never 2 January."""
    expected = date(1988, 2, 29)
    for text in ("1988-02-29", "1988/2/29", "19880229", "29/02/1988", "29.02.1988", "29021988"):
        assert parse_date("date_of_birth", text) == expected, text
    assert parse_date("date_of_birth", "02/29/1988", DateOrder.MONTH_FIRST) == expected
    assert parse_date("date_of_birth", "02291988", DateOrder.MONTH_FIRST) == expected


@given(day=DAYS, order=st.sampled_from(list(DateOrder)))
def test_every_accepted_form_round_trips(day: date, order: DateOrder) -> None:
    """ISO, the local order and digits only all give back the date that was meant."""
    local = (
        f"{day.day:02d}/{day.month:02d}/{day.year}"
        if order is DateOrder.DAY_FIRST
        else (f"{day.month:02d}/{day.day:02d}/{day.year}")
    )
    for text in (day.isoformat(), day.strftime("%Y%m%d"), local, f" {day.isoformat()} "):
        assert parse_date("date", text, order) == day


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1987-02-29", "does not"),
        ("2026-13-01", "does not"),
        ("31/04/1990", "does not"),
        ("880229", "four digits"),
        ("29/02/88", "four digits"),
        ("", "YYYY-MM-DD"),
        ("next tuesday", "YYYY-MM-DD"),
        ("1988-02-29T10:00", "YYYY-MM-DD"),
    ],
)
def test_an_impossible_or_unreadable_date_is_refused_by_name(text: str, says: str) -> None:
    """The refusal names the field, keeps the text and says what is allowed; no date is guessed."""
    with pytest.raises(ValidationError) as caught:
        parse_date("date_of_birth", text)
    assert caught.value.field == "date_of_birth" and caught.value.value == text
    assert says in caught.value.allowed


@given(text=st.text(max_size=20))
def test_any_text_is_a_date_or_a_named_refusal(text: str) -> None:
    """Whatever is typed, the parser answers with a date or a ValidationError, nothing else."""
    try:
        assert isinstance(parse_date("date", text), date)
    except ValidationError as error:
        assert error.field == "date"


def test_the_read_back_is_in_words() -> None:
    """A date of birth is read back with the month in words and the age."""
    assert in_words(date(1988, 2, 29)) == "29 February 1988"
    assert birth_date_in_words(date(1988, 2, 29), date(2026, 12, 1)) == "29 February 1988 — 38 years"
    assert birth_date_in_words(date(2025, 12, 1), date(2026, 12, 1)).endswith("— 1 year")
