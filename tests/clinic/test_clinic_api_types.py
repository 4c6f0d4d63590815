"""The clinic API speaks core's types: no store record type reaches a screen through a signature."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing

import ketadesk.clinic
from ketadesk.clinic import Clinic
from ketadesk.clinic.usecase import Area, BoundUseCase, UseCase
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _areas() -> dict[str, type[Area]]:
    """Every area class a Clinic holds, by attribute name (from each area property's annotated return type)."""
    # The area classes are imported by the clinic only when first used: their names resolved from their modules.
    classes = {
        name: value
        for info in pkgutil.iter_modules(ketadesk.clinic.__path__, "ketadesk.clinic.")
        if not info.name.rsplit(".", 1)[1].startswith("demo")
        for name, value in vars(importlib.import_module(info.name)).items()
        if inspect.isclass(value) and issubclass(value, Area)
    }
    found: dict[str, type[Area]] = {}
    for attribute in Clinic.area_names():
        made = typing.get_type_hints(getattr(Clinic, attribute).func, localns=classes)["return"]
        assert inspect.isclass(made) and issubclass(made, Area) and made is not Area, attribute
        found[attribute] = made
    return found


def _public_callables(area: type[Area]) -> dict[str, object]:
    """The area's public methods and use cases (their functions, for the annotations)."""
    members: dict[str, object] = {}
    for name, value in vars(area).items():
        if name.startswith("_"):
            continue
        if isinstance(value, UseCase):
            members[name] = value.func
        elif inspect.isfunction(value):
            members[name] = value
    return members


def test_every_area_is_found() -> None:
    """The clinic holds the areas the clinic talks about, each from its own module."""
    areas = _areas()
    assert set(areas) >= {
        "patients",
        "scheduling",
        "visits",
        "infusion",
        "bedside",
        "discharge",
        "signing",
        "accounts",
        "audit",
        "reports",
        "maintenance",
    }
    assert len({area.__module__ for area in areas.values()}) == len(areas)


def test_no_store_type_in_any_signature() -> None:
    """Parameters and return values of every public area method are core, clinic or built-in types."""
    leaks: list[str] = []
    for attribute, area in _areas().items():
        for name, function in _public_callables(area).items():
            for hint_name, hint in typing.get_type_hints(function).items():
                text = repr(hint)
                if "ketadesk.store" in text:
                    leaks.append(f"clinic.{attribute}.{name} {hint_name}: {text}")
    assert leaks == []


def test_a_bound_use_case_keeps_its_documentation(clinic: Clinic) -> None:
    """``clinic.bedside.record_vitals`` is a use case that still reads like the method it wraps."""
    bound = clinic.bedside.record_vitals
    assert isinstance(bound, BoundUseCase)
    assert bound.__name__ == "record_vitals" and "vitals" in (type(clinic.bedside).record_vitals.__doc__ or "")
