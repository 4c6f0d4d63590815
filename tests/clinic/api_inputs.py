"""Arguments of every kind for every public entry point of the clinic API, drawn from its annotations.

Each parameter gets, most of the time, a value of its annotated type that could be right
(an id of a visit that exists, a reading a nurse could type, a login of the clinic, a
protocol's checklist item) or is of the right type but wrong (text with a right-to-left
override, a lone surrogate, 50,000 characters, an id that names nothing, a date a thousand
years away), and sometimes a value of another type altogether (None, a datetime for a
date, a float for an int, a list for a string). :func:`strategy_for` raises
:class:`NoStrategy` for an annotation it does not know, so a new entry point whose
parameter nobody taught it about fails the test instead of going unfuzzed.
"""

from __future__ import annotations

import collections.abc
import enum
import inspect
import pkgutil
import types
import typing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import import_module
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import ketadesk.core
from ketadesk.clinic import Clinic
from ketadesk.clinic.usecase import UseCase
from ketadesk.clinic.views import VisitView
from ketadesk.core.audit import AuditEntry
from ketadesk.core.clock import FakeClock
from ketadesk.core.patient import Patient
from ketadesk.core.protocol import ChecklistItem
from ketadesk.core.records import VisitDetail, VisitSummary
from ketadesk.core.scales import AldreteScore
from ketadesk.core.users import User
from tests.helpers import PASSWORDS


class NoStrategy(TypeError):
    """An entry point's parameter has an annotation no strategy here covers."""


@dataclass(frozen=True)
class World:
    """What the arguments may point at: the clinic's ids, users, items and a folder to write in."""

    clinic: Clinic
    ids: tuple[int, ...]
    folder: Path
    items: tuple[ChecklistItem, ...]
    users: tuple[User, ...]
    views: tuple[VisitView, ...]
    summaries: tuple[VisitSummary, ...]
    entries: tuple[AuditEntry, ...]
    words: tuple[str, ...]
    callers: dict[str, Clinic]
    clock: FakeClock


# Characters that deceive, break or overflow: the text every free-text field must survive.
NASTY = (
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200e",
    "\ufeff",
    "\u00ad",
    "\u3164",
    "\ud800",
    "\udfff",
    "\x00",
    "\x1b",
    "\r\n",
    "\u2028",
    "%",
    "_",
    "\\",
    "'",
    "e1",
)


def core_words() -> tuple[str, ...]:
    """Every value of every enum in core (kinds, routes, roles, phases, checklists …): words an API takes."""
    words: set[str] = set()
    for module_info in pkgutil.iter_modules(ketadesk.core.__path__):
        module = import_module(f"ketadesk.core.{module_info.name}")
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, enum.Enum) and value.__module__ == module.__name__:
                words.update(str(m.value) for m in value)
    return tuple(sorted(words))


PLAUSIBLE_TEXT = (
    "",
    " ",
    "120",
    "80",
    "76",
    "98",
    "14",
    "36.6",
    "36.64",
    "3.66e1",
    "+36.6",
    "0.5",
    "0.5000",
    "70",
    "72.45",
    "KT2301-11",
    "KD-00001",
    "Smith",
    "Nausea",
    "4 mg",
    "IV",
    "Ondansetron",
    "Reviewed; discharge approved",
    "pre_infusion",
    "discharge",
    "2026-11-24",
    "2026-11-24T09:00:00.000Z",
    *PASSWORDS,
    *PASSWORDS.values(),
    "system",
)


def texts(world: World) -> st.SearchStrategy[str]:
    """Text that could be right, text that deceives, and text far too long."""
    nasty_text = st.lists(st.sampled_from(NASTY) | st.sampled_from(PLAUSIBLE_TEXT), max_size=6).map("".join)
    return st.one_of(
        st.sampled_from(PLAUSIBLE_TEXT),
        st.sampled_from(world.words),
        st.sampled_from([item.key for item in world.items]),
        nasty_text,
        st.text(max_size=30),
        st.sampled_from(["x" * 50_001, "\u202e" * 5000, "é" * 4001, "9" * 400]),
    )


def ints(world: World) -> st.SearchStrategy[int]:
    """Ids that exist, small numbers, and numbers past 64 bits."""
    return st.one_of(
        st.sampled_from(world.ids),
        st.integers(-3, 40),
        st.sampled_from([2**63 - 1, -(2**63), 2**63, 10**30]),
    )


def floats() -> st.SearchStrategy[float]:
    """Numbers with too many decimals, NaN, infinity and huge ones."""
    return st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([72.45, 36.6, 0.5, 70.0]))


def dates() -> st.SearchStrategy[date]:
    """Days near today and days at the ends of the calendar."""
    today = date(2026, 11, 24)
    return st.one_of(
        st.integers(-400, 400).map(lambda d: today + timedelta(days=d)),
        st.sampled_from([date.min, date.max, date(1900, 1, 1)]),
        st.dates(),
    )


def datetimes() -> st.SearchStrategy[datetime]:
    """Moments near now in any offset, and at the ends of time."""
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    offsets = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
    return st.one_of(
        st.builds(lambda m, z: (now + timedelta(minutes=m)).astimezone(z), st.integers(-2000, 2000), offsets),
        st.datetimes(timezones=offsets),
        st.sampled_from([datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)]),
    )


def paths(world: World) -> st.SearchStrategy[Path]:
    """Files in the test's folder, in folders not there, a folder itself, and names too long."""
    return st.sampled_from(
        [
            world.folder / "out.pdf",
            world.folder / "out.csv",
            world.folder / "missing" / "deeper" / "out.pdf",
            world.folder,
            world.folder / ("n" * 300),
            Path(""),
            Path("/proc/ketadesk-not-here/out.pdf"),
            world.folder / "export",
        ]
    )


def anything(world: World) -> st.SearchStrategy[object]:
    """A value of any type: what a confused caller hands over."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        floats(),
        st.text(max_size=5),
        st.binary(max_size=5),
        st.datetimes(),
        dates(),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.just(object()),
        st.just(world.folder),
    )


def patients(world: World) -> st.SearchStrategy[Patient]:
    """Patients with any field plausible, deceiving or of the wrong type."""

    def field(right: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(right, right, right, anything(world))

    return st.builds(
        Patient,
        mrn=field(st.sampled_from(["KD-00001", "KD-77001", "kd-77002"]) | texts(world)),
        family_name=field(st.sampled_from(["Smith", "SMITH", "王", "محمد", "Núñez"]) | texts(world)),
        given_name=field(st.sampled_from(["Ann", "Zoë", "ann"]) | texts(world)),
        date_of_birth=field(dates() | datetimes()),
        sex=field(st.sampled_from(["female", "male", "x", "Female"])),
        weight_kg=field(st.none() | floats() | texts(world)),
        diagnoses=field(st.lists(st.sampled_from(["ptsd", "ocd", "depression", "other"]), max_size=3).map(tuple)),
        allergies=field(texts(world)),
        medications=field(texts(world)),
        substance_use=field(st.booleans()),
        substance_use_note=field(texts(world)),
        contraindications=field(texts(world)),
    )


def _dataclass_values(world: World, hint: Any) -> st.SearchStrategy[Any] | None:
    handed_out: dict[Any, st.SearchStrategy[Any]] = {
        Patient: patients(world),
        AldreteScore: st.builds(AldreteScore, *[st.integers(0, 2)] * 5),
        ChecklistItem: st.sampled_from(world.items) | st.builds(ChecklistItem, texts(world), texts(world)),
        User: st.sampled_from(world.users),
        VisitView: st.sampled_from(world.views),
        VisitDetail: st.sampled_from([v.detail for v in world.views]),
        VisitSummary: st.sampled_from(world.summaries),
        AuditEntry: st.sampled_from(world.entries),
    }
    return handed_out.get(hint)


def strategy_for(world: World, hint: Any) -> st.SearchStrategy[Any]:
    """Values of the annotated type (right and wrong ones), or :class:`NoStrategy`."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy_for(world, h) for h in arguments])
    simple: dict[Any, st.SearchStrategy[Any]] = {
        type(None): st.none(),
        bool: st.booleans(),
        int: ints(world),
        float: floats(),
        str: texts(world),
        date: dates(),
        datetime: datetimes(),
        Path: paths(world),
        object: anything(world) | st.sampled_from(world.words),
    }
    if hint in simple:
        return simple[hint]
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint)) | texts(world)
    found = _dataclass_values(world, hint)
    if found is not None:
        return found
    if origin is collections.abc.Callable:
        return st.just(lambda *_: None)
    if origin is frozenset:
        return st.lists(strategy_for(world, arguments[0]), max_size=4).map(
            lambda items: frozenset(i for i in items if isinstance(i, collections.abc.Hashable))
        )
    if origin in (list, collections.abc.Sequence):
        return st.lists(strategy_for(world, arguments[0]), max_size=4)
    if origin in (dict, collections.abc.Mapping):
        return st.dictionaries(strategy_for(world, arguments[0]), strategy_for(world, arguments[1]), max_size=6)
    raise NoStrategy(f"no strategy for the annotation {hint!r}: teach tests/clinic/api_inputs.py about it")


def wrong_or_right(world: World, hint: Any) -> st.SearchStrategy[Any]:
    """Mostly a value of the annotated type, sometimes any value at all."""
    right = strategy_for(world, hint)
    return st.one_of(right, right, right, anything(world))


def entry_points(clinic: Clinic) -> dict[str, tuple[Any, Any]]:
    """Every public method of every area a Clinic holds, and the Clinic's own sign-in and first start.

    Keyed ``area.method``; each value is (the callable on ``clinic``, its undecorated function
    for the annotations). Found by looking, not listed, so a new use case is fuzzed without
    anyone adding it here.
    """
    found: dict[str, tuple[Any, Any]] = {}
    for attribute, area in clinic.areas().items():
        for name, member in vars(type(area)).items():
            if name.startswith("_"):
                continue
            if isinstance(member, UseCase):
                found[f"{attribute}.{name}"] = (attribute, member.func)
            elif inspect.isfunction(member):
                found[f"{attribute}.{name}"] = (attribute, inspect.unwrap(member))
    for name in ("sign_in", "setup_clinic"):
        found[f"clinic.{name}"] = ("", getattr(Clinic, name))
    return found


# What a caller who means well passes, by parameter name: so that some calls get past the
# first refusal and reach the deeper rules (a reading with one implausible value, a dose too precise).
LIKELY: dict[str, tuple[Any, ...]] = {
    "sbp": ("120", "140", 130, "300", "72.0"),
    "dbp": ("80", 82, "190"),
    "hr": ("76", 250, "+72"),
    "spo2": ("98", "100"),
    "rr": ("14", 12),
    "temp_c": ("36.6", "36.60", "3.66e1", "+36.6", 36.64, None),
    "weight": ("70", "72.45", "72.40", 70.0),
    "mg_per_kg": ("0.5", "0.5000", "0.5005", 0.75),
    "given_mg": ("20", "20.05", None),
    "lot_number": ("KT2301-11",),
    "moaas": (5, 3, 9),
    "rass": (0, -2, 7),
    "items": ({1: 0, 2: 1, 6: 0, 7: 0, 15: 0, 22: 0}, {"1": 0}),
    "checklist": ("pre_infusion", "discharge"),
    "kind": ("nursing", "nausea", "other", "x"),
    "drug": ("Ondansetron",),
    "dose": ("4 mg", "4"),
    "route": ("IV", "PO"),
    "reason": ("Nausea", "Chart corrected", "\u202eNHOJ"),
    "text": ("Comfortable, talking", "שלום, feeling better", "Smi\u200bth"),
    "note": ("", "Done"),
    "action_note": ("Repeated the reading",),
    "password": tuple(PASSWORDS.values()),
    "physician_login": ("doctor", "nurse"),
    "login": tuple(PASSWORDS),
    "display_name": ("Ann Lee", "\u202eeeL nnA"),
    # The course watch: a screening's result, a decision on a request, a flag's fingerprint.
    "result": ("negative", "positive", "concerns", None),
    "decision": ("granted", "refused", "declined"),
    "fingerprint": ("0" * 64, "f" * 63, ""),
    # Outcome measures: a PHQ-9 answered whole (item 9 above 0 raises the flag), one half-answered, a risk level.
    "answers": ({**dict.fromkeys(range(1, 9), 1), 9: 1, 10: 1}, dict.fromkeys(range(1, 10), 0), {1: 0}, {"1": 0}),
    "instrument": ("phq9", "gad7", "pcl5", "beck"),
    "mode": ("nurse", "patient", "proxy"),
    "level": ("low", "high", "severe"),
    "action": ("Safety plan reviewed", ""),
    "keys": (["phq9", "gad7"], ["fq"], ["beck"], []),
}


def call_strategy(world: World, function: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``function``: every parameter given (so defaults are fuzzed too), or left out.

    Half the calls are a well-meaning caller's (each parameter its likely values or its type's),
    half a confused one's (any parameter may be of any type).
    """
    hints = typing.get_type_hints(function)
    careful: dict[str, st.SearchStrategy[Any]] = {}
    confused: dict[str, st.SearchStrategy[Any]] = {}
    required: set[str] = set()
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "self":
            continue
        if name not in hints:
            raise NoStrategy(f"{function.__qualname__}: parameter {name} has no annotation")
        right = strategy_for(world, hints[name])
        if name in LIKELY:
            careful[name] = st.sampled_from(LIKELY[name]) | right
        elif name.endswith("_id") and hints[name] in (int, int | None):
            careful[name] = st.sampled_from(world.ids)  # a record that exists
        else:
            careful[name] = right
        confused[name] = wrong_or_right(world, hints[name])
        if parameter.default is inspect.Parameter.empty:
            required.add(name)

    def arguments(drawn: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {k: v for k, v in drawn.items() if k in required},
            optional={k: v for k, v in drawn.items() if k not in required},
        )

    return arguments(careful) | arguments(confused)
