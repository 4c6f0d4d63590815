"""Two people editing one patient at once: the second save is refused, naming who changed what and when.

Each form remembers the record it was filled from (``opened``); the clinic compares it with the
record under the write lock, so nothing one workstation saved is replaced unseen by another.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.patient import ChangedMeanwhile, changed_fields
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient

pytestmark = BOTH_ENGINES  # every use case here on a file and on a server's database


@pytest.fixture
def registered(nurse: Clinic) -> int:
    created = nurse.patients.register(make_patient("KD-00041", weight_kg=70.0)).created_id
    assert created is not None
    return created


def test_the_second_save_is_told_who_changed_what_and_when_and_nothing_is_overwritten(
    nurse: Clinic, physician: Clinic, registered: int, clock: FakeClock
) -> None:
    """Both open the record; the physician saves a new weight; the nurse's allergy edit is refused, not stored."""
    opened_by_nurse = nurse.patients.get(registered)
    opened_by_physician = physician.patients.get(registered)
    physician.patients.edit(registered, replace(opened_by_physician, weight_kg=72.5), opened=opened_by_physician)
    with pytest.raises(ChangedMeanwhile) as refused:
        nurse.patients.edit(registered, replace(opened_by_nurse, allergies="Latex"), opened=opened_by_nurse)
    words = str(refused.value)
    assert words.startswith("KD-00041 was changed by doctor at ")
    assert "(weight kg)" in words and "what you typed is kept" in words
    assert clock.now().astimezone().strftime("%Y-%m-%d %H:%M") in words
    now = nurse.patients.get(registered)
    assert (now.weight_kg, now.allergies) == (72.5, make_patient().allergies)
    revisions = nurse.store.one("SELECT count(*) FROM patient_revisions WHERE patient_id = ?", (registered,))
    assert revisions is not None and revisions[0] == 2  # the registration and the physician's edit, nothing more


def test_opened_again_the_same_edit_is_saved(nurse: Clinic, physician: Clinic, registered: int) -> None:
    """After looking at the other change (the form opened again), the edit is made on top of it."""
    opened = nurse.patients.get(registered)
    physician.patients.edit(registered, replace(opened, weight_kg=72.5), opened=opened)
    fresh = nurse.patients.get(registered)
    nurse.patients.edit(registered, replace(fresh, allergies="Latex"), opened=fresh)
    now = nurse.patients.get(registered)
    assert (now.weight_kg, now.allergies) == (72.5, "Latex")


def test_the_same_change_made_twice_is_no_conflict(nurse: Clinic, physician: Clinic, registered: int) -> None:
    """Both typed the same new weight: the second finds its change already there (nothing to replace)."""
    opened = nurse.patients.get(registered)
    physician.patients.edit(registered, replace(opened, weight_kg=72.5), opened=opened)
    nurse.patients.edit(registered, replace(opened, weight_kg=72.5), opened=opened)
    assert nurse.patients.get(registered).weight_kg == 72.5


def test_changed_fields_names_each_field_in_words() -> None:
    """Only the fields that differ, as the form names them."""
    before = make_patient("KD-00042")
    after = replace(before, family_name="Other", substance_use_note="Alcohol", substance_use=True)
    assert changed_fields(before, after) == ["family name", "substance use", "substance use note"]
    assert changed_fields(before, before) == []
