"""Patients through the clinic API: register, edit as revisions, find, and refuse bad input whole."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from ketadesk.clinic import Clinic, StoreError
from ketadesk.core.patient import Diagnosis
from ketadesk.store import audit as store_audit
from ketadesk.store import patients as store_patients
from tests.clinic.clinic_steps import Refused
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient

pytestmark = BOTH_ENGINES  # every use case here on a file and on a server's database


def test_register_stores_the_cleaned_patient_and_audits_it(nurse: Clinic) -> None:
    """Registering normalises the fields (MRN upper case, names trimmed), stores them and adds one audit entry."""
    before = nurse.audit.count()
    change = nurse.patients.register(make_patient(mrn="kd-00042", family_name="  Núñez ", given_name="Zoë\n"))
    assert change.created_id is not None
    assert change.patients == frozenset({change.created_id})
    stored = nurse.patients.get(change.created_id)
    assert (stored.mrn, stored.family_name, stored.given_name) == ("KD-00042", "Núñez", "Zoë")
    assert stored.diagnoses == (Diagnosis.PTSD,)
    assert nurse.patients.count() == 1
    assert nurse.audit.count() == before + 1
    assert nurse.patients.by_mrn("kd-00042") == stored
    assert nurse.maintenance.check() == []


def test_edit_creates_a_new_revision_and_keeps_the_old(nurse: Clinic) -> None:
    """An edit is a new revision with an audit entry holding the old and new values; the current record changes."""
    patient_id = nurse.patients.register(make_patient()).created_id
    assert patient_id is not None
    before = nurse.audit.count()
    nurse.patients.edit(patient_id, make_patient(allergies="Penicillin; latex", weight_kg=72.5))
    assert nurse.patients.get(patient_id).allergies == "Penicillin; latex"
    assert nurse.patients.get(patient_id).weight_kg == 72.5
    assert store_patients.revisions(nurse.store, patient_id) == 2
    assert nurse.audit.count() == before + 1
    entry = store_audit.entries_for(nurse.store, "patient", patient_id)[-1]
    assert entry.action == "revise"
    assert entry.actor == "nurse"
    assert '"Penicillin"' in (entry.before or "")
    assert "Penicillin; latex" in (entry.after or "")
    assert nurse.maintenance.check() == []


def test_edit_with_nothing_changed_writes_nothing(nurse: Clinic) -> None:
    """Saving an unchanged patient adds no revision and no audit entry."""
    patient_id = nurse.patients.register(make_patient()).created_id
    assert patient_id is not None
    before = nurse.audit.count()
    nurse.patients.edit(patient_id, make_patient())
    assert store_patients.revisions(nurse.store, patient_id) == 1
    assert nurse.audit.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mrn": "K"}, "mrn"),
        ({"mrn": "KD 0001"}, "mrn"),
        ({"family_name": "   "}, "family_name"),
        ({"family_name": "1234"}, "family_name"),
        ({"given_name": "Zoë\x00"}, "given_name"),
        ({"given_name": "Line\nbreak"}, "given_name"),
        ({"date_of_birth": date(2030, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": date(1890, 1, 1)}, "date_of_birth"),
        ({"weight_kg": 12.0}, "weight_kg"),
        ({"weight_kg": "seventy"}, "weight_kg"),
        ({"diagnoses": (Diagnosis.PTSD, Diagnosis.PTSD)}, "diagnoses"),
        ({"allergies": "x" * 4001}, "allergies"),
        ({"medications": "Sertraline\x07"}, "medications"),
    ],
)
def test_register_refuses_a_bad_field_and_stores_nothing(
    nurse: Clinic, refused: Refused, changes: dict[str, object], field: str
) -> None:
    """A bad field raises ValidationError naming it; no patient, revision or audit entry is written."""
    with refused(field=field):
        nurse.patients.register(make_patient(**changes))  # type: ignore[arg-type]
    assert nurse.patients.count() == 0


def test_edit_refuses_a_bad_field_and_keeps_the_record(nurse: Clinic, refused: Refused) -> None:
    """A bad edit raises ValidationError naming the field and leaves the current revision as it was."""
    patient_id = nurse.patients.register(make_patient()).created_id
    assert patient_id is not None
    with refused(field="family_name"):
        nurse.patients.edit(patient_id, make_patient(family_name=""))
    assert nurse.patients.get(patient_id).family_name == "Núñez"
    assert store_patients.revisions(nurse.store, patient_id) == 1


def test_duplicate_mrn_and_changed_mrn_are_refused(nurse: Clinic, refused: Refused) -> None:
    """An MRN is registered once and never changed by an edit; both refusals store nothing."""
    patient_id = nurse.patients.register(make_patient()).created_id
    assert patient_id is not None
    with refused(field="mrn", match="already registered"):
        nurse.patients.register(make_patient(family_name="Other"))
    with refused(StoreError, match="MRN is fixed"):
        nurse.patients.edit(patient_id, make_patient(mrn="KD-99999"))


def test_find_by_name_part_and_mrn_prefix(nurse: Clinic) -> None:
    """find_patients matches any part of a name and the start of an MRN, and treats % and _ literally."""
    for mrn, family, given in [
        ("KD-1001", "Núñez", "Zoë"),
        ("KD-1002", "Lindqvist", "Åsa"),
        ("AB-2001", "O'Brien", "Siobhan"),
    ]:
        nurse.patients.register(make_patient(mrn=mrn, family_name=family, given_name=given))
    assert [p.mrn for p in nurse.patients.find("ñe")] == ["KD-1001"]
    assert [p.mrn for p in nurse.patients.find("kd-100")] == ["KD-1002", "KD-1001"]  # sorted by family name
    assert [p.mrn for p in nurse.patients.find("Åsa Lindqvist")] == ["KD-1002"]
    assert [p.mrn for p in nurse.patients.find("O'Bri")] == ["AB-2001"]
    assert nurse.patients.find("%") == []
    assert nurse.patients.find("_") == []
    assert nurse.patients.find("   ") == []


def test_find_matches_a_name_typed_in_decomposed_form(nurse: Clinic) -> None:
    """A search typed with combining accents (NFD, as some keyboards send) finds the name stored in NFC."""
    nurse.patients.register(make_patient())
    typed = unicodedata.normalize("NFD", "Zoë")
    assert typed != "Zoë"
    assert [p.given_name for p in nurse.patients.find(typed)] == ["Zoë"]


def test_find_shows_the_latest_revision(nurse: Clinic) -> None:
    """After a name change, the new name is found and the old one is not."""
    patient_id = nurse.patients.register(make_patient()).created_id
    assert patient_id is not None
    nurse.patients.edit(patient_id, make_patient(family_name="Okafor"))
    assert [p.id for p in nurse.patients.find("Okafor")] == [patient_id]
    assert nurse.patients.find("Núñez") == []


def test_search_with_a_nul_character_matches_nothing(nurse: Clinic) -> None:
    """SQLite's LIKE stops at NUL, so 'Zo\\0…' must not quietly search for 'Zo' (no stored name holds a NUL)."""
    nurse.patients.register(make_patient())
    assert nurse.patients.find("Zo") != []
    assert nurse.patients.find("Zo\x00xyz") == []
    assert nurse.patients.find("\x00") == []
