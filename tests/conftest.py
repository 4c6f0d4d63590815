"""Shared fixtures: a fake clock, the default protocol, and a clinic on a real temp database.

Qt is told to draw offscreen before anything imports it, so tests run with no display.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol, load_protocol
from ketadesk.core.users import Role
from tests.helpers import make_patient

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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path."""
    return tmp_path / "clinic.sqlite"


@pytest.fixture
def clinic(db_path: Path, clock: FakeClock, default_protocol: Protocol) -> Iterator[Clinic]:
    """A clinic on a real temporary database, acting as the program's own user."""
    opened = Clinic.open(db_path, clock, default_protocol)
    opened.accounts.add_user("nurse", "Maria Santos", "RN", frozenset({Role.NURSE}))
    opened.accounts.add_user("doctor", "Samuel Okonkwo", "MD", frozenset({Role.PHYSICIAN}))
    opened.accounts.add_user("admin", "Rita Lindgren", "", frozenset({Role.ADMINISTRATOR}))
    yield opened
    opened.close()


@pytest.fixture
def nurse(clinic: Clinic) -> Clinic:
    """The clinic acting as a nurse."""
    user = clinic.accounts.by_login("nurse")
    assert user is not None
    return clinic.as_user(user)


@pytest.fixture
def physician(clinic: Clinic) -> Clinic:
    """The clinic acting as a physician."""
    user = clinic.accounts.by_login("doctor")
    assert user is not None
    return clinic.as_user(user)


@pytest.fixture
def administrator(clinic: Clinic) -> Clinic:
    """The clinic acting as an administrator."""
    user = clinic.accounts.by_login("admin")
    assert user is not None
    return clinic.as_user(user)


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
