"""Patients: registration, append-only revisions, search, and names that come back exactly as typed."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.users import User
from ketadesk.store import patients, users
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import NotFound, StoreError
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES

Count = Callable[[Store, str], int]
AT = "2025-03-03T14:00:00.000Z"
LATER = "2025-03-10T09:30:00.000Z"


def test_register_and_get_round_trip(store: Store, nurse: User, make_patient: Callable[..., Patient]) -> None:
    """Every field of a registered patient comes back from get() as it was given."""
    given_patient = make_patient(
        weight_kg=71.2,
        diagnoses=(Diagnosis.OCD, Diagnosis.BIPOLAR_DEPRESSION),
        substance_use=True,
        substance_use_note="Cannabis weekly",
        contraindications="None known",
        medications="Lamotrigine 200 mg\nPRN",
    )
    patient_id = patients.register(store, given_patient, at=AT, actor_id=nurse.id)
    back = patients.get(store, patient_id)
    assert back == given_patient
    assert back.id == patient_id
    assert back.diagnoses == (Diagnosis.OCD, Diagnosis.BIPOLAR_DEPRESSION)
    assert patients.revisions(store, patient_id) == 1


def test_patient_without_weight_or_diagnoses(store: Store, nurse: User, make_patient: Callable[..., Patient]) -> None:
    """Optional fields left empty are stored as empty, not as placeholders."""
    patient_id = patients.register(
        store, make_patient(weight_kg=None, diagnoses=(), allergies="", sex=Sex.UNKNOWN), at=AT, actor_id=nurse.id
    )
    back = patients.get(store, patient_id)
    assert (back.weight_kg, back.diagnoses, back.allergies, back.sex) == (None, (), "", Sex.UNKNOWN)


def test_duplicate_mrn_is_refused(
    store: Store, nurse: User, patient_id: int, make_patient: Callable[..., Patient], count: Count
) -> None:
    """A second patient with a registered MRN is refused with a message naming the MRN."""
    with pytest.raises(StoreError, match="KD-0001 is already registered"):
        patients.register(store, make_patient(family_name="Other", given_name="Person"), at=AT, actor_id=nurse.id)
    assert count(store, "patients") == 1
    assert patients.get(store, patient_id).family_name == "Okafor"


def test_revise_adds_revision_two(
    store: Store, nurse: User, patient_id: int, make_patient: Callable[..., Patient]
) -> None:
    """An edit becomes revision 2; get() returns the new values; revision 1 is still there unchanged."""
    edited = make_patient(weight_kg=66.0, allergies="Penicillin; latex")
    assert patients.revise(store, patient_id, edited, at=LATER, actor_id=nurse.id) == 2
    assert patients.get(store, patient_id) == edited
    assert patients.revisions(store, patient_id) == 2
    first = store.one(
        "SELECT weight_kg, allergies, recorded_at FROM patient_revisions WHERE patient_id = ? AND revision = 1",
        (patient_id,),
    )
    assert first is not None
    assert tuple(first) == (68.5, "Penicillin", "2025-03-03T14:01:00.000Z")


def test_revisions_keep_counting(
    store: Store, nurse: User, patient_id: int, make_patient: Callable[..., Patient]
) -> None:
    """Each further edit takes the next revision number and the newest one is current."""
    for number, weight in enumerate((67.0, 66.0, 65.5), start=2):
        assert patients.revise(store, patient_id, make_patient(weight_kg=weight), at=LATER, actor_id=nurse.id) == number
    assert patients.get(store, patient_id).weight_kg == 65.5


def test_unchanged_revise_adds_nothing(
    store: Store, nurse: User, patient_id: int, make_patient: Callable[..., Patient], count: Count
) -> None:
    """Saving a patient without changes writes no revision and no audit row."""
    before = (count(store, "patient_revisions"), count(store, "audit"))
    assert patients.revise(store, patient_id, make_patient(), at=LATER, actor_id=nurse.id) == 1
    assert (count(store, "patient_revisions"), count(store, "audit")) == before


def test_mrn_cannot_be_revised(
    store: Store, nurse: User, patient_id: int, make_patient: Callable[..., Patient], count: Count
) -> None:
    """The MRN is fixed at registration; an edit that changes it is refused without writing."""
    before = count(store, "patient_revisions")
    with pytest.raises(StoreError, match="MRN is fixed"):
        patients.revise(store, patient_id, make_patient(mrn="KD-0999"), at=LATER, actor_id=nurse.id)
    assert count(store, "patient_revisions") == before


def test_unknown_patient_is_not_found(store: Store) -> None:
    """Asking for a patient id that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        patients.get(store, 4242)


def test_by_mrn_ignores_case_and_spaces(store: Store, patient_id: int) -> None:
    """Looking up an MRN as typed (lower case, stray spaces) finds the patient; an unknown MRN finds none."""
    found = patients.by_mrn(store, "  kd-0001 ")
    assert found is not None and found.id == patient_id
    assert patients.by_mrn(store, "KD-0002") is None


@pytest.fixture
def ward(store: Store, nurse: User, make_patient: Callable[..., Patient]) -> dict[str, int]:
    """A few patients with similar names and MRNs."""
    people = {
        "okafor": make_patient("KD-0001", "Okafor", "Chiamaka"),
        "okonkwo": make_patient("KD-0002", "Okonkwo", "Emeka"),
        "brien": make_patient("KD-0102", "O'Brien", "Siobhán"),
        "percent": make_patient("AB-0001", "Fifty%Off", "Test"),
        "under": make_patient("AB-0002", "Snake_Case", "Test"),
        "slash": make_patient("AB-0003", "Back\\Slash", "Test"),
        "plain": make_patient("AB-0004", "Fiftyxoff", "Snakexcase"),
    }
    return {key: patients.register(store, p, at=AT, actor_id=nurse.id) for key, p in people.items()}


def _ids(found: list[Patient]) -> set[int | None]:
    return {p.id for p in found}


def test_find_by_part_of_a_name(store: Store, ward: dict[str, int]) -> None:
    """Any part of a family or given name finds the patient, ignoring ASCII case."""
    assert _ids(patients.find(store, "oka")) == {ward["okafor"]}
    assert _ids(patients.find(store, "OK")) == {ward["okafor"], ward["okonkwo"]}
    assert _ids(patients.find(store, "emek")) == {ward["okonkwo"]}
    assert _ids(patients.find(store, "Chiamaka Okafor")) == {ward["okafor"]}


def test_find_by_mrn_prefix(store: Store, ward: dict[str, int]) -> None:
    """The start of an MRN finds every patient whose MRN begins with it, and only those."""
    assert _ids(patients.find(store, "kd-00")) == {ward["okafor"], ward["okonkwo"]}
    assert _ids(patients.find(store, "KD-01")) == {ward["brien"]}
    assert patients.find(store, "0001") == []  # prefix, not substring


def test_find_sorts_by_family_then_given_name(store: Store, ward: dict[str, int]) -> None:
    """Results come sorted by family name regardless of case, as on a printed list."""
    names = [p.family_name for p in patients.find(store, "o")]
    assert names == sorted(names, key=str.casefold)


def test_find_blank_text_finds_nobody(store: Store, ward: dict[str, int]) -> None:
    """An empty or blank search returns no one rather than everyone."""
    assert patients.find(store, "") == []
    assert patients.find(store, "   ") == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("%", "percent"),
        ("y%o", "percent"),
        ("_", "under"),
        ("e_c", "under"),
        ("\\", "slash"),
        ("'", "brien"),
        ("O'B", "brien"),
    ],
)
def test_find_treats_sql_wildcards_as_plain_text(store: Store, ward: dict[str, int], text: str, key: str) -> None:
    """%, _, backslash and quotes in a search match only themselves, never everything."""
    assert _ids(patients.find(store, text)) == {ward[key]}


def test_find_respects_the_limit(store: Store, ward: dict[str, int]) -> None:
    """find() returns at most ``limit`` patients."""
    assert len(patients.find(store, "t", limit=2)) == 2


def test_find_uses_the_current_revision(
    store: Store, nurse: User, patient_id: int, make_patient: Callable[..., Patient]
) -> None:
    """After a name change, the new name finds the patient and the old one no longer does."""
    patients.revise(store, patient_id, make_patient(family_name="Adeyemi"), at=LATER, actor_id=nurse.id)
    assert _ids(patients.find(store, "Adeyemi")) == {patient_id}
    assert patients.find(store, "Okafor") == []


def test_injection_shaped_names_are_just_names(
    store: Store, nurse: User, make_patient: Callable[..., Patient], count: Count
) -> None:
    """A name that looks like SQL is stored and found as text, and every table survives."""
    name = "Robert'); DROP TABLE patients;--"
    patient_id = patients.register(store, make_patient(mrn="XK-1", family_name=name), at=AT, actor_id=nurse.id)
    assert patients.get(store, patient_id).family_name == name
    assert _ids(patients.find(store, "DROP TABLE")) == {patient_id}
    assert count(store, "patients") == 1


# ----------------------------------------------------------------------------- any Unicode


def _has_letter(text: str) -> bool:
    return any(unicodedata.category(c).startswith("L") for c in text)


names = (
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=100)
    .map(lambda t: unicodedata.normalize("NFC", t))
    .filter(lambda t: 1 <= len(t) <= 100 and _has_letter(t))
)
notes = st.text(st.characters(exclude_categories=("Cs", "Co", "Cn"), exclude_characters="\x00"), max_size=300)
_mrns = (f"HY-{n:05d}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One database for every hypothesis example (each example registers under a new MRN)."""
    path: Path = tmp_path_factory.mktemp("unicode") / "names.sqlite"
    opened = open_store(path)
    users.system_user(opened, AT)
    yield opened
    opened.close()


@settings(max_examples=50, deadline=None)
@given(family=names, given_name=names, allergies=notes)
def test_any_unicode_name_round_trips_exactly(
    shared_store: Store, family: str, given_name: str, allergies: str
) -> None:
    """Any NFC name in any script (and any note text) comes back byte for byte and can be searched for."""
    store = shared_store
    system = users.system_user(store, AT)
    patient = Patient(
        mrn=next(_mrns),
        family_name=family,
        given_name=given_name,
        date_of_birth=date(1990, 1, 1),
        sex=Sex.OTHER,
        allergies=allergies,
    )
    patient_id = patients.register(store, patient, at=AT, actor_id=system.id)
    back = patients.get(store, patient_id)
    assert back.family_name == family
    assert back.given_name == given_name
    assert back.allergies == allergies
    assert patient_id in _ids(patients.find(store, family.strip() or patient.mrn, limit=10_000))
