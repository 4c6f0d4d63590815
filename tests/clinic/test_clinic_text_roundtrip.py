"""Whatever a user types into names and notes either comes back exactly (NFC, trimmed) or is refused whole."""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.patient import NAME_MAX, NOTE_MAX
from tests.clinic.clinic_steps import row_counts
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient

pytestmark = BOTH_ENGINES  # on a file and on a server's database

SQL = [
    "'); DROP TABLE vitals;--",
    "Robert'); DROP TABLE patients;--",
    "' OR '1'='1",
    '"; DELETE FROM audit; --',
    "%",
    "_",
    "\\",
    "\\%",
    "O''Brien",
    "x' || (SELECT hash FROM audit) || '",
    "NULL",
    "\x00",
    "%%_\\_%",
]
# Any Unicode text, the SQL metacharacters above, and mixtures of the two.
TEXT = st.one_of(
    st.text(max_size=120),
    st.sampled_from(SQL),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=20), st.sampled_from(SQL), st.text(max_size=20)),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=NAME_MAX - 2, max_size=NAME_MAX + 3),
)
# Fixtures give one database per test; each example writes under its own MRN, so examples do not interfere.
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_MRNS = itertools.count(1)


def _expected(raw: str) -> str:
    """What the record must hold for typed ``raw``: Windows line ends made plain, NFC, trimmed."""
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()


def _expected_name(raw: str) -> str:
    """A name as the record must hold it: NFC, and every run of spaces of any kind (U+1680 too) one plain space."""
    spaced = "".join(" " if unicodedata.category(c) == "Zs" else c for c in _expected(raw))
    return " ".join(part for part in spaced.split(" ") if part)


def _next_mrn() -> str:
    return f"RT-{next(_MRNS):06d}"


@SETTINGS
@given(family=TEXT, given_name=TEXT)
@example(family="'); DROP TABLE vitals;--", given_name="Zoë")
@example(family="Zoe\u0308", given_name="  Ångström\t")
@example(family="O'Brien", given_name="\ud800")
@example(family="Müller\u2028", given_name="Ana")
@example(family="A", given_name="0\u1680A")  # an Ogham space mark: a space, made plain
def test_patient_names_round_trip_or_are_refused_whole(nurse: Clinic, family: str, given_name: str) -> None:
    """A name is stored exactly as typed after NFC and trimming, or refused with ValidationError and nothing stored."""
    mrn = _next_mrn()
    before = row_counts(nurse)
    try:
        change = nurse.patients.register(make_patient(mrn=mrn, family_name=family, given_name=given_name))
    except ValidationError as error:
        assert error.field in ("family_name", "given_name")
        assert row_counts(nurse) == before
        assert nurse.patients.by_mrn(mrn) is None
        return
    assert change.created_id is not None
    stored = nurse.patients.get(change.created_id)
    assert (stored.family_name, stored.given_name) == (_expected_name(family), _expected_name(given_name))
    assert [p.mrn for p in nurse.patients.find(stored.family_name, limit=10_000) if p.mrn == mrn] == [mrn]
    assert "vitals" in row_counts(nurse)
    assert nurse.maintenance.check() == []


@SETTINGS
@given(allergies=TEXT, medications=TEXT, note=TEXT)
@example(allergies="Penicillin'); DROP TABLE vitals;--", medications="line one\nline two\t", note="  ")
@example(allergies="x" * (NOTE_MAX + 1), medications="", note="")
def test_patient_free_text_round_trips_or_is_refused_whole(
    nurse: Clinic, allergies: str, medications: str, note: str
) -> None:
    """Allergies, medications and the substance-use note keep newlines and any script, or are refused whole."""
    mrn = _next_mrn()
    before = row_counts(nurse)
    try:
        change = nurse.patients.register(
            make_patient(
                mrn=mrn, allergies=allergies, medications=medications, substance_use=True, substance_use_note=note
            )
        )
    except ValidationError as error:
        assert error.field in ("allergies", "medications", "substance_use_note")
        assert row_counts(nurse) == before
        return
    assert change.created_id is not None
    stored = nurse.patients.get(change.created_id)
    assert (stored.allergies, stored.medications, stored.substance_use_note) == (
        _expected(allergies),
        _expected(medications),
        _expected(note),
    )


@SETTINGS
@given(text=TEXT, kind=st.sampled_from(["nursing", "dissociation", "adverse_event", "intervention", "physician"]))
@example(text="'); DROP TABLE vitals;--", kind="nursing")
@example(text="Felt like floating 🌊\r\nthen calm", kind="dissociation")
@example(text="\u202eevil", kind="nursing")
def test_visit_notes_round_trip_or_are_refused_whole(nurse: Clinic, visit_id: int, text: str, kind: str) -> None:
    """A visit note is stored exactly (NFC, trimmed) with its kind, or refused with ValidationError naming 'text'."""
    before = row_counts(nurse)
    try:
        change = nurse.bedside.add_note(visit_id, kind, text)
    except ValidationError as error:
        assert error.field == "text"
        assert row_counts(nurse) == before
        return
    notes = nurse.visits.get(visit_id).detail.notes
    saved = next(n for n in notes if n.id == change.created_id)
    assert (saved.kind, saved.text) == (kind, _expected(text))
    assert nurse.maintenance.check() == []


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
@example(text="\x00")
@example(text="Zoe\u0308")
@example(text="%' OR 1=1 --")
def test_searching_any_text_never_fails(nurse: Clinic, text: str) -> None:
    """find_patients answers any text with a list (wildcards and quotes are literal), never an error."""
    if nurse.patients.count() == 0:
        nurse.patients.register(make_patient(mrn="KD-55555"))
    found = nurse.patients.find(text)
    assert isinstance(found, list)
    needle = _expected(text)
    for patient in found:
        haystack = f"{patient.mrn} {patient.family_name} {patient.given_name} {patient.family_name}"
        assert needle.lower() in haystack.lower() or patient.mrn.startswith(needle.upper())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lo"]), min_size=1, max_size=NAME_MAX))
def test_names_of_letters_in_any_script_are_always_accepted(nurse: Clinic, name: str) -> None:
    """A one-line name made of letters in any script is never refused."""
    change = nurse.patients.register(make_patient(mrn=_next_mrn(), family_name=name, given_name=name))
    assert change.created_id is not None
    assert nurse.patients.get(change.created_id).family_name == _expected(name)
