"""What the server tests share: fresh role and database names on the throwaway server, removed afterwards,
a connection as any role, and a small demo clinic built the way `ketadesk demo` builds one.

Roles belong to the whole server, not to one database, so every test names its own and drops them.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from argon2 import PasswordHasher

from ketadesk.clinic import Clinic, accounts, keys
from ketadesk.clinic.demo import build_demo
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.signing_keys import KdfCost
from tests.conftest import START
from tests.pg_server import PASSWORD_PREFIX, ThrowawayServer

APP_PASSWORD = "the-application-role-password-1"


@dataclass(frozen=True, slots=True)
class Names:
    """One test's clinic database and roles on the shared server."""

    database: str
    owner: str
    app: str


def fresh_names(*, password_app: bool = False) -> Names:
    """Names no other test uses; ``password_app``: an application role the server asks a password of."""
    tag = uuid.uuid4().hex[:10]
    app = f"{PASSWORD_PREFIX}app_{tag}" if password_app else f"kd_app_{tag}"
    return Names(f"kd_clinic_{tag}", f"kd_owner_{tag}", app)


def drop(server: ThrowawayServer, names: Names, *others: str) -> None:
    """Remove the test's database and roles (and any other roles it made), whatever state it left them in."""
    with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{names.database}" WITH (FORCE)')
        for role in (names.app, names.owner, *others):
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@contextmanager
def connected(server: ThrowawayServer, database: str, role: str | None = None) -> Iterator[psycopg.Connection[Any]]:
    """A plain psycopg connection (autocommit) to ``database`` as ``role`` (the server's superuser by default)."""
    url = server.url(database) if role is None else server.url(database, user=role)
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


def build_demo_file(path: Path, protocol: Protocol, *, patients: int = 6) -> Path:
    """A demo clinic in the SQLite file ``path`` (argon2 at its lowest cost), closed: the WAL in the file."""
    from pytest import MonkeyPatch

    with MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        patch.setattr(keys, "KDF_COST", KdfCost(time_cost=1, memory_cost=8, parallelism=1))
        clinic = Clinic.open(path, FakeClock(START), protocol)
        try:
            for _ in build_demo(clinic, patients=patients, seed=7):
                pass
        finally:
            clinic.close()
    return path


def edit_behind_the_programs_back(path: Path, table: str, change: str) -> None:
    """Run ``change`` on ``path`` with ``table``'s update guard lifted and put back, as someone with the file could."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (f"{table}_no_update",)
        ).fetchone()
        conn.execute(f"DROP TRIGGER {table}_no_update")
        conn.execute(change)
        conn.execute(trigger[0])
    finally:
        conn.close()


def sqlite_rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    """Every row of ``table`` in the SQLite file, in id (rowid) order."""
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')]
    finally:
        conn.close()


def sqlite_tables(path: Path) -> list[str]:
    """The clinic's tables in the SQLite file (not SQLite's or sqlite-utils' own)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '\\_%'"
            " ESCAPE '\\' ORDER BY name"
        )
        return [str(r[0]) for r in rows]
    finally:
        conn.close()
