"""A small demo clinic on the throwaway PostgreSQL server, built once per module, and a copy of it per test.

Six patients (``build_demo``), a login locked out, two sign-outs last (entries that record no
row), and ``amcheck`` installed, so ``check``'s integrity part runs the server's own checks.
Each test gets a database copied from it (``CREATE DATABASE … TEMPLATE``, about a third of a
second) and may change it as it likes.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from argon2 import PasswordHasher

from ketadesk.clinic import Clinic, accounts
from ketadesk.clinic.demo import DEMO_PASSWORDS, build_demo
from ketadesk.core.clock import FakeClock
from ketadesk.core.errors import ValidationError
from ketadesk.core.protocol import Protocol
from tests.conftest import START
from tests.pg_server import ThrowawayServer


@pytest.fixture(scope="module")
def demo_database(postgresql_server: ThrowawayServer, default_protocol: Protocol) -> Iterator[str]:
    """The demo clinic's database (its name), closed; dropped after the module."""
    name = postgresql_server.create_database()
    url = postgresql_server.url(name)
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute("CREATE EXTENSION amcheck")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        clinic = Clinic.open(url, FakeClock(START), default_protocol)  # type: ignore[arg-type]
        try:
            for _ in build_demo(clinic, patients=6, seed=7):
                pass
            for _ in range(accounts.LOCK_AFTER):
                with pytest.raises(ValidationError):
                    clinic.sign_in("nurse2", "not the password")
            clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"]).accounts.sign_out()
            clinic.sign_in("nurse", DEMO_PASSWORDS["nurse"]).accounts.sign_out()
        finally:
            clinic.close()
    yield name
    postgresql_server.drop_database(name)


@pytest.fixture
def copy_of_demo(postgresql_server: ThrowawayServer, demo_database: str) -> Iterator[str]:
    """A copy of the demo database for one test (its URL), dropped after it."""
    name = postgresql_server.create_database(template=demo_database)
    yield postgresql_server.url(name)
    postgresql_server.drop_database(name)
