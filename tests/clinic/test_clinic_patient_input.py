"""Registering and finding patients through the API: bad input named, deceiving names refused, a duplicate asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from ketadesk.clinic import Clinic
from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import PossibleDuplicate
from ketadesk.core.text import SEARCH_MAX
from tests.engines import BOTH_ENGINES
from tests.helpers import make_patient

pytestmark = BOTH_ENGINES  # on a file and on a server's database

BORN = date(1979, 4, 2)


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"sex": "x"}, "sex", "one of female, male, other, unknown"),
        ({"diagnoses": ("depression",)}, "diagnoses", "one of generalised_anxiety"),
        ({"date_of_birth": datetime(1980, 1, 1, 12, 0)}, "date_of_birth", "a date"),
        ({"family_name": 42}, "family_name", "text"),
        ({"weight_kg": "72.45"}, "weight_kg", "at most one decimal"),
        ({"substance_use": "no"}, "substance_use", "yes or no"),
        ({"given_name": "\u202eNHOJ"}, "given_name", "letters of any script"),
    ],
)
def test_a_bad_field_is_named_with_what_is_allowed(
    nurse: Clinic, changes: dict[str, object], field: str, allowed: str
) -> None:
    """A bad sex, diagnosis, datetime birth date, a number for a name: a ValidationError naming it; nothing stored."""
    with pytest.raises(ValidationError) as caught:
        nurse.patients.register(make_patient("KD-40001", **changes))
    assert caught.value.field == field and allowed in caught.value.allowed
    assert nurse.patients.count() == 0


def test_smith_with_a_zero_width_space_is_not_a_second_smith(nurse: Clinic) -> None:
    """The issue's example: "Smith" and "Smith" + U+200B were two patients; the second is now refused."""
    nurse.patients.register(make_patient("KD-40001", family_name="Smith", date_of_birth=BORN))
    with pytest.raises(ValidationError, match="U\\+200B"):
        nurse.patients.register(make_patient("KD-40002", family_name="Smith\u200b", date_of_birth=BORN))


def test_the_same_name_and_birth_date_is_refused_unless_confirmed(nurse: Clinic) -> None:
    """A second registration of one name and birth date names the MRN there; confirmed, it registers."""
    first = make_patient("KD-40001", family_name="Smith", given_name="Ann", date_of_birth=BORN)
    nurse.patients.register(first)
    again = replace(first, mrn="KD-40002", family_name="SMITH ", given_name=" ann")
    with pytest.raises(PossibleDuplicate) as caught:
        nurse.patients.register(again)
    assert caught.value.existing.mrn == "KD-40001" and "MRN KD-40001" in caught.value.message
    assert nurse.patients.count() == 1
    assert nurse.patients.register(again, confirm_duplicate=True).created_id is not None
    assert nurse.patients.count() == 2


@pytest.mark.parametrize("name", ["王小明", "محمد", "כהן"])
def test_names_in_chinese_arabic_and_hebrew_register_and_are_found(nurse: Clinic, name: str) -> None:
    """Any script still registers, is found, and prints on the banner."""
    created = nurse.patients.register(make_patient("KD-40003", family_name=name)).created_id
    assert created is not None
    (found,) = nurse.patients.find(name)
    assert found.family_name == name and name in found.display_name


@pytest.mark.parametrize("text", ["x" * 50_000, "Smi\ud800", "\udfff"])
def test_a_search_too_long_or_broken_is_refused_not_crashed_on(nurse: Clinic, text: str) -> None:
    """50,000 characters (past SQLite's LIKE limit) or half a surrogate pair: a ValidationError naming the search."""
    for search in (nurse.patients.find, nurse.visits.search):
        with pytest.raises(ValidationError) as caught:
            search(text)
        assert caught.value.field in ("search", "text")  # the search, or the parameter it came in as
    assert nurse.patients.find("x" * SEARCH_MAX) == []


def test_the_dose_and_weight_keep_what_was_typed_or_refuse_it(nurse: Clinic, visit_id: int) -> None:
    """ "72.45" kg is refused at the bedside (the record keeps 0.1); "0.5000" mg/kg is the dose 0.5."""
    nurse.infusion.start_pre_assessment(visit_id)
    with pytest.raises(ValidationError, match="more decimals than the record keeps"):
        nurse.infusion.record_weight(visit_id, "72.45")
    nurse.infusion.record_weight(visit_id, "72.40")
    plan, _ = nurse.infusion.calculate_dose(visit_id, "0.5000", "KT2301-11")
    assert (plan.weight_kg, plan.mg_per_kg) == (72.4, 0.5)
