"""Text that deceives is refused: direction overrides and invisible characters in names and notes; any script stays."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import NOTE_MAX, clean_text, validate_name
from ketadesk.core.text import (
    DIRECTION_CONTROLS,
    SEARCH_MAX,
    invisible,
    name_key,
    normalise_text,
    search_text,
)

DECEIVING = [
    "\u202e",  # right-to-left override: "NHOJ" shows as "JOHN"
    "\u202a",
    "\u202d",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",  # zero-width space
    "\u2060",  # word joiner
    "\ufeff",  # BOM
    "\u00ad",  # soft hyphen
    "\u2062",  # invisible times
    "\u3164",  # Hangul filler (a "blank letter")
    "\U000e0041",  # tag latin capital A
]
NAME_ONLY = ["\u200e", "\u200f", "\u061c", "\u200c", "\u200d", "\ufe0f"]


@pytest.mark.parametrize("bad", DECEIVING + NAME_ONLY)
def test_a_name_with_an_invisible_or_direction_character_is_refused(bad: str) -> None:
    """ "Smith" with a zero-width space is refused, naming the field, the character and what is allowed."""
    with pytest.raises(ValidationError) as caught:
        validate_name("family_name", f"Smi{bad}th", "Family name")
    error = caught.value
    assert error.field == "family_name"
    assert f"U+{ord(bad):04X}" in error.message and "Family name" in error.message
    assert "letters of any script" in error.allowed


def test_the_reversed_name_override_is_refused() -> None:
    """The issue's example: a name stored reversed behind a right-to-left override, which displays as JOHN."""
    with pytest.raises(ValidationError, match="direction character"):
        validate_name("given_name", "\u202eNHOJ", "Given name")


@pytest.mark.parametrize("bad", DECEIVING)
def test_a_note_with_a_direction_override_or_invisible_character_is_refused(bad: str) -> None:
    """Free text refuses what reorders or hides, too."""
    with pytest.raises(ValidationError) as caught:
        clean_text("text", f"Gave 4 mg{bad} ondansetron", max_length=NOTE_MAX, required=True, label="Note")
    assert caught.value.field == "text" and "Note contains" in caught.value.message


@pytest.mark.parametrize(
    "note",
    [
        "Patient wrote: שלום, feeling better",  # Hebrew in a Latin sentence
        "قال المريض: أشعر بتحسن",  # Arabic
        "\u200fשלום\u200f (5 mg)",  # right-to-left marks around Hebrew
        "می\u200cخواهم",  # Persian with a zero-width non-joiner
        "患者说感觉好多了",  # Chinese
        "👨\u200d⚕️ doctor emoji, ❤️",  # emoji joiner and variation selector
    ],
)
def test_free_text_in_any_script_is_kept(note: str) -> None:
    """Arabic, Hebrew, Persian, Chinese and emoji stay, marks and joiners included."""
    assert clean_text("text", note, max_length=NOTE_MAX, required=True, label="Note") == unicodedata.normalize(
        "NFC", note
    )


@pytest.mark.parametrize("name", ["王小明", "محمد", "כהן", "Müller", "O'Brien-Núñez", "حسین\u200cزاده"])
def test_names_in_any_script_register(name: str) -> None:
    """Chinese, Arabic, Hebrew and accented Latin names are kept, and a Persian joiner between Arabic letters."""
    assert validate_name("family_name", name, "Family name") == name


def test_a_name_is_nfc_and_one_plain_space_between_words() -> None:
    """Decomposed accents are composed; any kind or run of spaces becomes one plain space."""
    assert validate_name("given_name", "Jose\u0301\u00a0 Mari\u0301a", "Given name") == "José María"


def test_a_joiner_in_a_latin_name_is_refused() -> None:
    """Between Latin letters a joiner is only a disguise."""
    with pytest.raises(ValidationError, match="U\\+200C"):
        validate_name("family_name", "Smi\u200cth", "Family name")


def test_the_same_name_however_it_is_typed_has_one_key() -> None:
    """Case, spacing, full-width letters and joiners do not make another person."""
    assert name_key("Smith", "Ann") == name_key("SMITH", "ann") == name_key("Ｓｍｉｔｈ", "Ann")
    assert name_key("Smith", "Ann") != name_key("Smith", "Anne")
    assert name_key("Ann Smith", "") != name_key("Ann", "Smith")


def test_a_lone_surrogate_is_refused_everywhere() -> None:
    """Half of a character pair cannot be stored or searched for: refused, not crashed on."""
    with pytest.raises(ValidationError):
        normalise_text("text", "a\udc80b", "Note")
    with pytest.raises(ValidationError) as caught:
        search_text("Smi\ud800")
    assert caught.value.field == "search"


def test_a_search_longer_than_any_name_is_refused() -> None:
    """Fifty thousand characters are no search: refused with the limit (SQLite's LIKE would fail)."""
    assert search_text("x" * SEARCH_MAX) == "x" * SEARCH_MAX
    with pytest.raises(ValidationError) as caught:
        search_text("x" * 50_000)
    assert caught.value.field == "search" and str(SEARCH_MAX) in caught.value.allowed


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_a_kept_name_holds_nothing_invisible(raw: str) -> None:
    """Any text is either refused or kept NFC, one line, with no direction control and nothing invisible."""
    try:
        name = validate_name("family_name", raw, "Family name")
    except ValidationError as error:
        assert error.field == "family_name" and error.allowed
    else:
        assert unicodedata.is_normalized("NFC", name)
        assert not any(ord(c) in DIRECTION_CONTROLS for c in name)
        assert not any(invisible(ord(c)) and c not in "\u200c\u200d" for c in name)
        assert name == name.strip() and "  " not in name


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_kept_free_text_never_reorders(raw: str) -> None:
    """Any text is either refused or kept with no embedding, override or isolate and no lone surrogate."""
    try:
        text = clean_text("note", raw, max_length=NOTE_MAX, required=False, label="Note")
    except ValidationError as error:
        assert error.field == "note"
    else:
        assert not any(ord(c) in DIRECTION_CONTROLS for c in text)
        text.encode("utf-8")
