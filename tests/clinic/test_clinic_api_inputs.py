"""Any input through any public entry point of the clinic API: only the project's own errors, nothing bad stored.

The entry points are found by looking at the areas a ``Clinic`` holds (a new use case is
fuzzed without being listed); their arguments come from their annotations
(``tests/clinic/api_inputs.py``), right and wrong. Each call is made as the nurse, the
physician, the administrator or the program itself, on one clinic with visits in several
phases. What may escape is a ``ValidationError``, ``PermissionDenied``, ``StoreError`` or, for a file
that is already there, the ``FileExistsError`` the CLI and the screens answer;
a refused value leaves every table as it was; no text that deceives is stored; and the
clinic's own check still finds nothing wrong at the end. All of it runs twice: on a clinic file and
on a clinic database on the throwaway PostgreSQL server (ids ``[…-postgresql]``).

``KETADESK_FUZZ_EXAMPLES`` sets the examples per entry point (8 in ``make test``; the
examples are derandomized there, so a run is repeatable).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketadesk.clinic import Clinic, accounts, keys
from ketadesk.clinic.anchors import witness_path
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.errors import PermissionDenied, ValidationError
from ketadesk.core.protocol import load_protocol
from ketadesk.core.scales import AldreteScore
from ketadesk.core.signing_keys import KdfCost
from ketadesk.core.text import DIRECTION_CONTROLS, invisible
from ketadesk.store.db import open_store
from ketadesk.store.errors import StoreError
from tests.clinic.api_inputs import NoStrategy, World, call_strategy, core_words, entry_points
from tests.clinic.clinic_steps import chart, row_counts, table_names, tick_discharge
from tests.engines import ENGINES
from tests.helpers import PASSWORDS, make_patient, ready_to_infuse, set_up_staff
from tests.pg_server import ThrowawayServer

# A file already there is FileExistsError by design: the CLI answers it with --force, the screens ask.
PROJECT_ERRORS = (ValidationError, PermissionDenied, StoreError, FileExistsError)
CALLERS = ["nurse", "nurse", "doctor", "admin", "system"]  # the nurse most, as at the bedside
EXAMPLES = int(os.environ.get("KETADESK_FUZZ_EXAMPLES", "8"))
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
# Refusals that are themselves recorded: a wrong password counts towards a lockout and is audited.
REFUSALS_RECORDED = {"accounts.authenticate", "accounts.check_password", "accounts.confirm_password", "clinic.sign_in"}
REFUSALS_RECORDED |= {"signing.sign_visit", "signing.add_addendum", "approvals.approve_at_bedside"}
# Scratch, not record: a draft keeps what was typed until the note is saved (and refuses it then).
SCRATCH_TABLES = {"drafts"}


def _walk(nurse: Clinic, physician: Clinic, clock: FakeClock, visit_id: int, *, to: str) -> None:
    """Move one visit to ``to``: pre-assessment, infusing or signed."""
    if to == "pre":
        nurse.infusion.start_pre_assessment(visit_id)
        return
    ready_to_infuse(nurse, visit_id)
    clock.advance(minutes=2)
    nurse.infusion.start_infusion(visit_id)
    if to == "infusing":
        return
    for _ in range(4):
        clock.advance(minutes=10)
        chart(nurse, visit_id)
    nurse.infusion.stop_infusion(visit_id)
    nurse.bedside.record_sedation(visit_id, moaas=5, rass=0)
    nurse.discharge.record_aldrete(visit_id, AldreteScore(2, 2, 2, 2, 2))
    for _ in range(2):
        clock.advance(minutes=15)
        chart(nurse, visit_id)
    nurse.discharge.mark_ready(visit_id)
    tick_discharge(nurse, visit_id)
    nurse.discharge.discharge(visit_id)
    physician.signing.sign_visit(visit_id, PASSWORDS["doctor"])


def _database(request: pytest.FixtureRequest, folder: Path) -> Iterator[Path | str]:
    """The world's database on the engine of the run: a file in ``folder``, or a copy of the server's template."""
    if request.param == "sqlite":
        yield folder / "clinic.sqlite"
        return
    server: ThrowawayServer = request.getfixturevalue("postgresql_server")
    template, _signature = request.getfixturevalue("postgresql_template")
    name = server.create_database(template)
    url = server.url(name)
    with closing(open_store(url, migrate=False)) as store:  # every copy shares the template's installation
        witness = witness_path(store)
    if witness is not None:
        witness.unlink(missing_ok=True)
    yield url
    server.drop_database(name)


@pytest.fixture(scope="module", params=ENGINES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One clinic for every entry point: two patients, visits scheduled, in pre-assessment, infusing and signed.

    Once on a file and once on a server's database (the ids end ``-sqlite`` and ``-postgresql``).
    """
    folder = tmp_path_factory.mktemp("api-inputs")
    clock = FakeClock(START)
    databases = _database(request, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # a relative path (even Path("")) writes in the test's folder, never the checkout
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        patch.setattr(keys, "KDF_COST", KdfCost(time_cost=1, memory_cost=8, parallelism=1))
        clinic = Clinic.open(next(databases), clock, load_protocol(default_protocol_text()))
        set_up_staff(clinic)
        nurse = clinic.sign_in("nurse", PASSWORDS["nurse"])
        physician = clinic.sign_in("doctor", PASSWORDS["doctor"])
        admin = clinic.sign_in("admin", PASSWORDS["admin"])
        visits = []
        for number, to in enumerate(("scheduled", "pre", "infusing", "signed"), start=1):
            patient_id = nurse.patients.register(make_patient(f"KD-{number:05d}")).created_id or 0
            course_id = nurse.scheduling.plan_course(patient_id, nurse.today()).created_id
            visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), number, course_id=course_id)
            visits.append(visit_id.created_id or 0)
            if to != "scheduled":
                _walk(nurse, physician, clock, visits[-1], to=to)
        yield World(
            clinic=clinic,
            ids=tuple(sorted({*visits, 1, 2, 3, 4, 5})),
            folder=folder,
            items=(*clinic.protocol.pre_infusion_checklist, *clinic.protocol.discharge_checklist),
            users=tuple(u for u, _ in clinic.accounts.users()),
            views=tuple(clinic.visits.get(v) for v in visits),
            summaries=tuple(clinic.visits.board()),
            entries=tuple(admin.audit.search(limit=20)),
            words=core_words(),
            callers={"system": clinic, "nurse": nurse, "doctor": physician, "admin": admin},
            clock=clock,
        )
        clinic.close()
    next(databases, None)  # the server's copy dropped


def _bad_text_stored(clinic: Clinic) -> list[str]:
    """Every stored text (scratch aside) holding a direction control or an invisible character a name may not hold."""
    found = []
    for table in table_names(clinic):
        if table in SCRATCH_TABLES or table.startswith("sqlite_"):
            continue
        for row in clinic.store.all(f'SELECT * FROM "{table}"'):
            for value in tuple(row):
                if isinstance(value, str) and any(
                    ord(c) in DIRECTION_CONTROLS or (invisible(ord(c)) and c not in "\u200c\u200d\u200e\u200f")
                    for c in value
                ):
                    found.append(f"{table}: {value[:40]!r}")
    return found


def _call(target: Any, function: Any, drawn: dict[str, Any]) -> Any:
    """Call as a caller would: positional parameters in order (until one is left out), the rest by name."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "self" or name not in drawn:
            continue
        if (
            parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
            and not kwargs
            and len(args) == _position(function, name)
        ):
            args.append(drawn[name])
        else:
            kwargs[name] = drawn[name]
    return target(*args, **kwargs)


def _position(function: Any, name: str) -> int:
    return [p for p in inspect.signature(function).parameters if p != "self"].index(name)


@contextmanager
def _unchanged_unless_it_wrote(clinic: Clinic, name: str) -> Iterator[None]:
    """A refused value (ValidationError) leaves every table as it was; other outcomes may write."""
    before = row_counts(clinic)
    try:
        yield
    except ValidationError:
        if name not in REFUSALS_RECORDED:
            assert row_counts(clinic) == before, f"{name} was refused but changed the database"
        raise


def _entry_point_names() -> list[str]:
    """The entry points of a Clinic on a throwaway database (only the shape is read)."""
    from ketadesk.clinic.api import Clinic as ApiClinic
    from ketadesk.clinic.session import Session

    shell = ApiClinic.__new__(ApiClinic)
    ApiClinic.__init__(shell, Session.__new__(Session))
    return sorted(entry_points(shell))


NAMES = _entry_point_names()


def test_every_entry_point_has_a_strategy(world: World) -> None:
    """Every public method of every area (and sign-in, first start) gets arguments: none is left unfuzzed."""
    missing = []
    for name, (_, function) in entry_points(world.clinic).items():
        try:
            call_strategy(world, function)
        except NoStrategy as error:
            missing.append(f"{name}: {error}")
    assert missing == []
    assert len(NAMES) > 100 and "patients.register" in NAMES and "patients.find" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_any_input_gives_only_the_projects_errors(world: World, name: str) -> None:
    """Whatever the arguments and whoever calls, only the project's errors escape and nothing bad is stored."""
    callers = world.callers
    world.clock.advance(minutes=20)  # a lockout from wrong passwords fuzzed before has run out
    attribute, function = entry_points(world.clinic)[name]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("KETADESK_FUZZ_RANDOM"),
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(
        caller=st.sampled_from(["nurse", "nurse", "doctor", "admin", "system"]), drawn=call_strategy(world, function)
    )
    def run(caller: str, drawn: dict[str, Any]) -> None:
        clinic = callers[caller]
        target = getattr(getattr(clinic, attribute), function.__name__) if attribute else getattr(clinic, name[7:])
        try:
            with _unchanged_unless_it_wrote(world.clinic, name):
                _call(target, function, drawn)
        except PROJECT_ERRORS:
            pass

    run()
    assert _bad_text_stored(world.clinic) == []


def test_the_clinic_still_checks_clean_after_everything(world: World) -> None:
    """After every entry point was fed everything, the clinic's own check finds nothing wrong."""
    assert world.clinic.maintenance.check() == []
    assert not list(Path(world.folder).glob("**/*.partial"))
