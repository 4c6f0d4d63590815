"""Patients: MRNs, names in any script, dates of birth, and notes free of control characters."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import (
    NAME_MAX,
    NOTE_MAX,
    Diagnosis,
    Patient,
    Sex,
    clean_text,
    parse_date,
    validate_date_of_birth,
    validate_mrn,
    validate_name,
    validate_patient,
)

TODAY = date(2025, 3, 3)
CONTROL = ("Cc", "Cs", "Co", "Cn")


def make_patient(**changes: object) -> Patient:
    """A plausible patient with some fields changed."""
    fields: dict[str, object] = {
        "mrn": " kd-1001 ",
        "family_name": " Lee ",
        "given_name": "Ann",
        "date_of_birth": date(1980, 6, 15),
        "sex": Sex.FEMALE,
        "weight_kg": 72.0,
        "diagnoses": (Diagnosis.GENERALISED_ANXIETY,),
    }
    fields.update(changes)
    return Patient(**fields)  # type: ignore[arg-type]


# --- MRN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"), [("kd-1001", "KD-1001"), (" 123 ", "123"), ("A" * 20, "A" * 20), ("a1-", "A1-")]
)
def test_mrn_is_trimmed_and_upper_cased(raw: str, clean: str) -> None:
    """A valid MRN comes back trimmed and upper-case; 3 and 20 characters are allowed."""
    assert validate_mrn(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ab",
        "A" * 21,
        "-KD1",
        "KD 1001",
        "KD_1001",
        "'; DROP TABLE patients;--",
        "ÄB12",
        "ß12",
        "ıab",
        "١٢٣",
        "KD1\x00",
    ],
)
def test_bad_mrns_are_refused(raw: str) -> None:
    """Too short, too long, a leading hyphen, spaces, SQL and non-ASCII letters are refused with the rule."""
    with pytest.raises(ValidationError) as caught:
        validate_mrn(raw)
    assert caught.value.field == "mrn"
    assert "3–20 letters, digits or hyphens" in caught.value.message


def test_mrn_from_non_ascii_letters_does_not_become_another_patients_mrn() -> None:
    """'ß12' is refused rather than upper-cased into the different MRN 'SS12'."""
    assert validate_mrn("ss12") == "SS12"
    with pytest.raises(ValidationError):
        validate_mrn("ß12")


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Nguyễn", "李小龍", "Müller", "O'Brien", "Ng-Tan", "Ólafsdóttir", "محمد", "Иванова", "ʻIolani", "Jean Paul"],
)
def test_names_in_any_script_are_accepted(name: str) -> None:
    """Names in Latin, Vietnamese, Chinese, Arabic, Cyrillic and with apostrophes or hyphens are kept as typed."""
    assert validate_name("family_name", name, "Family name") == name


def test_names_are_normalised_to_nfc_and_trimmed() -> None:
    """A decomposed 'Müller' typed with spaces becomes the composed, trimmed form."""
    decomposed = " Mu\u0308ller\u00a0"
    assert validate_name("family_name", decomposed, "Family name") == "Müller"


def test_name_of_exactly_100_characters_is_accepted() -> None:
    """The longest allowed name is 100 characters."""
    assert validate_name("given_name", "a" * NAME_MAX, "Given name") == "a" * NAME_MAX


def test_name_over_100_characters_is_refused() -> None:
    """101 characters is refused with the length and the limit."""
    with pytest.raises(ValidationError) as caught:
        validate_name("given_name", "a" * (NAME_MAX + 1), "Given name")
    assert caught.value.field == "given_name"
    assert "101 characters long; at most 100" in caught.value.message


@pytest.mark.parametrize("raw", ["", "   ", "\u3000"])
def test_empty_name_is_refused(raw: str) -> None:
    """A blank name is refused as required."""
    with pytest.raises(ValidationError) as caught:
        validate_name("family_name", raw, "Family name")
    assert caught.value.message == "Family name is required."


@pytest.mark.parametrize(
    "raw", ["Ann\x00", "An\x07n", "Ann\x1b[31m", "An\rn", "A\x7fnn", "An\u0085n", "\ud800Ann", "Ann\ue000"]
)
def test_control_characters_in_names_are_refused(raw: str) -> None:
    """NUL, bell, escape, carriage return, DEL, NEL, surrogates and private-use characters are refused."""
    with pytest.raises(ValidationError) as caught:
        validate_name("family_name", raw, "Family name")
    assert caught.value.field == "family_name"
    assert "control character" in caught.value.message


@pytest.mark.parametrize("raw", ["Ann\nLee", "Ann\tLee", "Ann\u2028Lee", "Ann\u2029Lee"])
def test_names_must_be_one_line(raw: str) -> None:
    """Newlines, tabs and Unicode line or paragraph separators are refused in a name."""
    with pytest.raises(ValidationError) as caught:
        validate_name("family_name", raw, "Family name")
    assert caught.value.message == "Family name must be a single line."


@pytest.mark.parametrize("raw", ["123", "---", "'; --"])
def test_name_without_letters_is_refused(raw: str) -> None:
    """A name needs at least one letter."""
    with pytest.raises(ValidationError) as caught:
        validate_name("given_name", raw, "Given name")
    assert "has no letters" in caught.value.message


def test_sql_in_a_name_is_just_text() -> None:
    """A name that looks like SQL is kept as text; the store must bind it, not splice it."""
    assert validate_name("family_name", "O'Brien; DROP TABLE patients;--", "Family name") == (
        "O'Brien; DROP TABLE patients;--"
    )


# --- notes ------------------------------------------------------------------------------------


def test_notes_keep_newlines_and_tabs_but_not_other_controls() -> None:
    """Free-text notes may have lines and tabs; a bell character is refused."""
    assert (
        clean_text("allergies", " Penicillin\n\tRash ", max_length=NOTE_MAX, required=False, label="Allergies")
        == "Penicillin\n\tRash"
    )
    with pytest.raises(ValidationError) as caught:
        clean_text("allergies", "Penicillin\x07", max_length=NOTE_MAX, required=False, label="Allergies")
    assert "U+0007" in caught.value.message


def test_optional_note_may_be_empty() -> None:
    """A note that is not required may be empty."""
    assert clean_text("allergies", "  ", max_length=NOTE_MAX, required=False, label="Allergies") == ""


def test_long_note_is_refused_with_a_short_value() -> None:
    """An over-long note is refused, and the error keeps only its start."""
    with pytest.raises(ValidationError) as caught:
        clean_text("medications", "x" * (NOTE_MAX + 1), max_length=NOTE_MAX, required=False, label="Medications")
    assert caught.value.value == "x" * 20 + "…"


# --- dates ------------------------------------------------------------------------------------


def test_date_of_birth_today_and_in_the_past_is_accepted() -> None:
    """A date of birth of today or earlier is accepted."""
    assert validate_date_of_birth(TODAY, TODAY) == TODAY
    assert validate_date_of_birth(date(1980, 6, 15), TODAY) == date(1980, 6, 15)


def test_date_of_birth_in_the_future_is_refused() -> None:
    """Tomorrow as a date of birth is refused as in the future."""
    with pytest.raises(ValidationError) as caught:
        validate_date_of_birth(TODAY + timedelta(days=1), TODAY)
    assert caught.value.field == "date_of_birth"
    assert "in the future" in caught.value.message


def test_date_of_birth_more_than_120_years_ago_is_refused() -> None:
    """Born 120 calendar years ago is accepted; 121 is refused."""
    assert validate_date_of_birth(date(1905, 1, 1), TODAY) == date(1905, 1, 1)
    with pytest.raises(ValidationError) as caught:
        validate_date_of_birth(date(1904, 12, 31), TODAY)
    assert "more than 120 years ago" in caught.value.message


@pytest.mark.parametrize(("raw", "expected"), [("1980-06-15", date(1980, 6, 15)), (" 2000-02-29 ", date(2000, 2, 29))])
def test_parse_date_reads_iso_dates(raw: str, expected: date) -> None:
    """YYYY-MM-DD is read, spaces around it ignored."""
    assert parse_date("date_of_birth", raw, "Date of birth") == expected


@pytest.mark.parametrize(
    "raw",
    ["", "15/06/1980", "1980-13-01", "2001-02-29", "1980-6-15x", "٢٠٢٠-٠١-٠١", "'; DROP TABLE patients;--", "tomorrow"],
)
def test_parse_date_refuses_other_text(raw: str) -> None:
    """Other date formats, impossible dates and words are refused telling the nurse to write YYYY-MM-DD."""
    with pytest.raises(ValidationError) as caught:
        parse_date("date_of_birth", raw, "Date of birth")
    assert caught.value.field == "date_of_birth"
    assert "YYYY-MM-DD" in caught.value.message


# --- the patient --------------------------------------------------------------------------------


def test_validate_patient_normalises_every_field() -> None:
    """A typed patient comes back trimmed, MRN upper-case, a weight's trailing zero dropped."""
    patient = validate_patient(make_patient(weight_kg="72.00", allergies=" none "), TODAY)
    assert patient.mrn == "KD-1001"
    assert patient.family_name == "Lee"
    assert patient.weight_kg == 72.0
    assert patient.allergies == "none"
    assert patient.display_name == "LEE, Ann"


def test_validate_patient_allows_unknown_weight() -> None:
    """Weight may be left for the visit."""
    assert validate_patient(make_patient(weight_kg=None), TODAY).weight_kg is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_kg": 24.9}, "weight_kg"),
        ({"weight_kg": 350.1}, "weight_kg"),
        ({"mrn": "x"}, "mrn"),
        ({"family_name": ""}, "family_name"),
        ({"given_name": "A\x00"}, "given_name"),
        ({"date_of_birth": TODAY + timedelta(days=1)}, "date_of_birth"),
        ({"diagnoses": (Diagnosis.PTSD, Diagnosis.PTSD)}, "diagnoses"),
        ({"substance_use_note": "x\x1b"}, "substance_use_note"),
        ({"contraindications": "x" * (NOTE_MAX + 1)}, "contraindications"),
        ({"medications": "\x00"}, "medications"),
    ],
)
def test_validate_patient_names_the_bad_field(changes: dict[str, object], field: str) -> None:
    """Each bad field of a patient is refused naming that field."""
    with pytest.raises(ValidationError) as caught:
        validate_patient(make_patient(**changes), TODAY)
    assert caught.value.field == field


def test_validate_patient_keeps_substance_use_flag_and_id() -> None:
    """The substance-use caution and the stored id survive validation."""
    patient = validate_patient(make_patient(substance_use=True, substance_use_note="AUD in remission", id=7), TODAY)
    assert patient.substance_use is True
    assert patient.substance_use_note == "AUD in remission"
    assert patient.id == 7


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1980, 6, 15), date(2025, 6, 14), 44),
        (date(1980, 6, 15), date(2025, 6, 15), 45),
        (date(2000, 2, 29), date(2025, 2, 28), 24),
        (date(2000, 2, 29), date(2025, 3, 1), 25),
    ],
)
def test_age_turns_over_on_the_birthday(born: date, day: date, age: int) -> None:
    """Age goes up on the birthday, and for a 29 February birthday on 1 March in other years."""
    assert make_patient(date_of_birth=born).age_on(day) == age


def test_diagnoses_have_banner_labels() -> None:
    """Every diagnosis has a label for the banner."""
    assert Diagnosis.TREATMENT_RESISTANT_DEPRESSION.label == "Major / treatment-resistant depression"
    assert all(d.label for d in Diagnosis)


# --- property tests ---------------------------------------------------------------------------

NASTY = [
    "'; DROP TABLE patients;--",
    "١٢٣",
    "\u0301",
    " \u0301a",
    "e\u0301",
    "\ud800",
    "a" * 101,
    "\u2028",
    "ß" * 10,
    "\x00",
    "ǅ",
    "ﬃ",
    "Ꭰ",
    "\ufeffAnn",
]
ANY_TEXT = st.one_of(
    st.text(max_size=120), st.sampled_from(NASTY), st.text(alphabet=st.characters(), min_size=90, max_size=110)
)


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_validate_name_returns_clean_text_or_refuses(raw: str) -> None:
    """Any Unicode text gives an NFC, trimmed, one-line name of 1–100 characters with a letter, or a ValidationError."""
    try:
        name = validate_name("family_name", raw, "Family name")
    except ValidationError as error:
        assert error.field == "family_name"
        assert error.message.startswith("Family name")
    else:
        assert unicodedata.is_normalized("NFC", name)
        assert name == name.strip()
        assert 1 <= len(name) <= NAME_MAX
        assert not any(unicodedata.category(c) in CONTROL for c in name)
        assert not any(c in "\n\t\u2028\u2029" for c in name)
        assert any(unicodedata.category(c).startswith("L") for c in name)


@settings(max_examples=200, deadline=None)
@given(st.one_of(ANY_TEXT, st.from_regex(r"\s*[A-Za-z0-9][A-Za-z0-9-]{1,21}\s*", fullmatch=True)))
def test_validate_mrn_returns_an_ascii_mrn_or_refuses(raw: str) -> None:
    """Any text gives a 3–20 character upper-case ASCII MRN equal to the trimmed input, or an mrn ValidationError."""
    try:
        mrn = validate_mrn(raw)
    except ValidationError as error:
        assert error.field == "mrn"
        assert "3–20 letters, digits or hyphens" in error.message
    else:
        assert re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,19}", mrn)
        assert mrn == raw.strip().upper()


@settings(max_examples=200, deadline=None)
@given(st.one_of(ANY_TEXT, st.dates().map(date.isoformat), st.from_regex(r"\s*\d{4}-\d{2}-\d{2}\s*", fullmatch=True)))
def test_parse_date_returns_a_date_or_asks_for_iso(raw: str) -> None:
    """Any text gives a date or a ValidationError asking for YYYY-MM-DD."""
    try:
        parsed = parse_date("date_of_birth", raw, "Date of birth")
    except ValidationError as error:
        assert error.field == "date_of_birth"
        assert "YYYY-MM-DD" in error.message
    else:
        assert isinstance(parsed, date)


@settings(max_examples=200, deadline=None)
@given(st.dates())
def test_parse_date_reads_back_every_iso_date(day: date) -> None:
    """Every date written as YYYY-MM-DD reads back as the same date."""
    assert parse_date("date_of_birth", day.isoformat(), "Date of birth") == day


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)))
def test_date_of_birth_rule_holds_for_any_date(born: date) -> None:
    """Any date of birth is accepted exactly when it is not after today and at most 120 calendar years back."""
    ok = born <= TODAY and TODAY.year - born.year <= 120
    try:
        validate_date_of_birth(born, TODAY)
    except ValidationError as error:
        assert not ok
        assert error.field == "date_of_birth"
    else:
        assert ok


@pytest.mark.parametrize("typed", ["20200101", "2020-W01-1", "2020-1-1"])
def test_parse_date_takes_only_yyyy_mm_dd(typed: str) -> None:
    """Only the YYYY-MM-DD form is read, so the message and the rule agree."""
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_date("date_of_birth", typed, "Date of birth")


def test_clean_text_turns_windows_line_endings_into_newlines() -> None:
    """A note pasted with CR LF endings is kept, with plain newlines."""
    assert (
        clean_text("text", "line one\r\nline two", max_length=100, required=True, label="Note") == "line one\nline two"
    )
