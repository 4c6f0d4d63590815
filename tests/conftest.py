"""Shared fixtures: a fake clock, the default protocol, and a clinic on a real temp database.

Qt is told to draw offscreen before anything imports it, so tests run with no display.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The audit chain's keys and witness files go to a folder of this test run, never the real home
# (subprocesses the tests start inherit it). Set before any fixture opens a database.
os.environ["KETADESK_KEY_DIR"] = tempfile.mkdtemp(prefix="ketadesk-keys-")

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from ketadesk.clinic import Clinic, accounts, keys
from ketadesk.clinic.anchors import witness_path
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.core.signing_keys import KdfCost
from ketadesk.store.db import open_store
from tests.engines import parametrize_engines
from tests.helpers import PASSWORDS, make_patient, set_up_staff
from tests.pg_server import ThrowawayServer, started_for_tests

atexit.register(shutil.rmtree, os.environ["KETADESK_KEY_DIR"], ignore_errors=True)

# A weekday morning, in UTC; tests never read the real clock.
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when the test moves it."""
    return FakeClock(START)


@pytest.fixture(scope="session")
def default_protocol() -> Protocol:
    """The protocol that ships with the program."""
    return load_protocol(default_protocol_text())


@pytest.hookimpl(trylast=True)  # after the tests' own parameters: the engine ends the id ("…[vitals-postgresql]")
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_engines(metafunc)


@pytest.fixture
def engine() -> str:
    """The engine a test's store or clinic runs on: SQLite, unless its module runs it on both (BOTH_ENGINES)."""
    return "sqlite"


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[ThrowawayServer]:
    """A throwaway PostgreSQL for the whole run, started only when a test asks for one (tests/pg_server.py).

    Where none can be started the PostgreSQL tests fail when ``KETADESK_REQUIRE_POSTGRESQL=1``
    (CI), and are skipped with the reason otherwise, never silently.
    """
    server = started_for_tests()
    yield server
    server.stop()


@pytest.fixture
def postgresql_url(postgresql_server: ThrowawayServer) -> Iterator[str]:
    """A ``postgresql://`` URL to an empty database of this test's own, dropped after it."""
    name = postgresql_server.create_database()
    yield postgresql_server.url(name)
    postgresql_server.drop_database(name)


# The rows the migrations write (the versions, the installation, where signatures begin): kept by a reset.
MIGRATION_ROWS = (
    "schema_version",
    "schema_migrations",
    "installation",
    "keyed_signatures_from",
    "record_signatures_from",
)


@pytest.fixture(scope="session")
def postgresql_template(postgresql_server: ThrowawayServer) -> tuple[str, str]:
    """A database the program has migrated, never used itself: its name and its schema's signature."""
    name = postgresql_server.create_database()
    open_store(postgresql_server.url(name)).close()
    signature = postgresql_server.signature(name)
    postgresql_server.release(name)
    return name, signature


@pytest.fixture(scope="session")
def _postgresql_clinic() -> dict[str, str]:
    """The copy of the template the tests share (its name, once made)."""
    return {}


@pytest.fixture
def postgresql_clinic_url(
    postgresql_server: ThrowawayServer, postgresql_template: tuple[str, str], _postgresql_clinic: dict[str, str]
) -> str:
    """A URL to a migrated database with no rows but the migrations' own, as a fresh clinic database is.

    The tests share one copy of the migrated template, emptied before each test (about 0.1 s,
    against 1–2 s for a new copy); a copy whose schema a test changed (a trigger dropped, a
    migration recorded) is replaced by a new one. The migrations themselves are tested on
    empty databases of their own (``postgresql_url``).
    """
    template, signature = postgresql_template
    name = _postgresql_clinic.get("name")
    if name is not None and postgresql_server.signature(name) == signature:
        postgresql_server.emptied(name, keep=MIGRATION_ROWS)
    else:
        if name is not None:
            postgresql_server.drop_database(name)
        name = _postgresql_clinic["name"] = postgresql_server.create_database(template)
    return postgresql_server.url(name)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path."""
    return tmp_path / "clinic.sqlite"


@pytest.fixture(autouse=True)
def _quick_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords hash and signing keys seal at argon2's lowest cost, except in tests marked ``real_argon2``.

    The answers are the same at any cost.
    """
    if request.node.get_closest_marker("real_argon2") is None:
        monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        monkeypatch.setattr(keys, "KDF_COST", KdfCost(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def clinic_target(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's clinic lives: its file, or its own database on the throwaway server (reopened by it).

    Here, not in tests/clinic, so that the report tests' clinics run on both engines as well.
    """
    if engine != "postgresql":
        return db_path
    # A copy of the migrated template (a file copy on the server, not the migrations again): every copy has the
    # template's installation, so the witness an earlier test's copy left would read as a rollback; it goes first.
    template, _signature = request.getfixturevalue("postgresql_template")
    return server_copy(request, request.getfixturevalue("postgresql_server"), template)


def server_copy(request: pytest.FixtureRequest, server: ThrowawayServer, template: str) -> str:
    """A database of the test's own copied from ``template`` (dropped after it), its URL; the copies' witness gone.

    Every copy has the template's installation, so the witness an earlier test's copy left would read as a rollback.
    """
    name = server.create_database(template)
    request.addfinalizer(lambda: server.drop_database(name))
    url = server.url(name)
    with closing(open_store(url, migrate=False)) as store:
        witness = witness_path(store)
    if witness is not None:
        witness.unlink(missing_ok=True)
    return str(url)


@pytest.fixture
def blank_clinic(clinic_target: Path | str, clock: FakeClock, default_protocol: Protocol) -> Iterator[Clinic]:
    """A clinic on a new database nobody has set up yet, as the program itself: a file, or a server's database."""
    opened = Clinic.open(clinic_target, clock, default_protocol)
    yield opened
    opened.close()


@pytest.fixture
def clinic(blank_clinic: Clinic) -> Clinic:
    """A clinic set up as a real one is (its administrator adds a nurse and a physician), as the program itself.

    The program itself reads and runs maintenance; every act is made in a person's session,
    signed in with their password: use the ``nurse``, ``physician`` and ``administrator``.
    """
    set_up_staff(blank_clinic)
    return blank_clinic


@pytest.fixture
def nurse(clinic: Clinic) -> Clinic:
    """The clinic as the nurse, signed in with her password."""
    return clinic.sign_in("nurse", PASSWORDS["nurse"])


@pytest.fixture
def physician(clinic: Clinic) -> Clinic:
    """The clinic as the physician, signed in with his password."""
    return clinic.sign_in("doctor", PASSWORDS["doctor"])


@pytest.fixture
def administrator(clinic: Clinic) -> Clinic:
    """The clinic as the administrator, signed in with her password."""
    return clinic.sign_in("admin", PASSWORDS["admin"])


@pytest.fixture
def patient_id(nurse: Clinic) -> int:
    """A registered patient with a planned course."""
    created = nurse.patients.register(make_patient()).created_id
    assert created is not None
    nurse.scheduling.plan_course(created, nurse.today())
    return created


@pytest.fixture
def visit_id(nurse: Clinic, patient_id: int) -> int:
    """Today's first visit of that patient's course, in chair 1, not yet started."""
    course = nurse.scheduling.courses(patient_id)[-1]
    created = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 1, course_id=course.id).created_id
    assert created is not None
    return created


@pytest.fixture
def berlin() -> Iterator[None]:
    """The workstation's local time is Europe/Berlin (CET/CEST) for the test, then back as it was."""
    import time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()
