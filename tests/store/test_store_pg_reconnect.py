"""A workstation's connection to the clinic's server is lost and comes back: refused meanwhile, taken up again after.

The server cuts the connection (as a restart or a dropped network does) by ending the
workstation's backend as its superuser; it refuses new ones while the database does not
allow connections. Nothing here sleeps: the attempt to connect again runs on its own thread
and the tests wait for that thread to finish.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from ketadesk.store.db import open_store
from ketadesk.store.errors import UnreachableDatabaseError
from ketadesk.store.pg_engine import PostgresStore
from tests.pg_server import ThrowawayServer

pytestmark = pytest.mark.parametrize("engine", ["postgresql"])  # the server's own behaviour


@pytest.fixture
def workstation(engine: str, postgresql_url: str) -> Iterator[PostgresStore]:
    """One workstation's store on a database of this test's own, trying again at once after a failed attempt."""
    opened = open_store(postgresql_url)
    assert isinstance(opened, PostgresStore)
    opened.connection.redial_every = 0.0
    yield opened
    opened.close()


@pytest.fixture
def superuser(postgresql_server: ThrowawayServer) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(postgresql_server.url("postgres"), autocommit=True) as conn:
        yield conn


def _cut(superuser: psycopg.Connection[tuple[object, ...]], store: PostgresStore) -> None:
    """The server ends the workstation's connection."""
    database = store.connection.raw.info.dbname
    superuser.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND application_name = 'KetaDesk'",
        (database,),
    )


def _back(store: PostgresStore) -> bool:
    """Connected again within a few attempts (one may have been dialled before the server let anyone in)."""
    for _ in range(3):
        store.connection.wait_for_redial(10)
        if store.reachable() == "":
            return True
    return False


def _add_user(store: PostgresStore, login: str) -> int:
    return store.insert(
        "INSERT INTO users (login, display_name, roles, created_at) VALUES (?, ?, 'nurse', 't')", (login, login)
    )


def test_a_lost_connection_is_said_then_taken_up_again_with_its_settings(
    workstation: PostgresStore, superuser: psycopg.Connection[tuple[object, ...]]
) -> None:
    """The first statement after the cut is refused naming the database; once dialled again, reads work as before."""
    kept = _add_user(workstation, "before")
    _cut(superuser, workstation)
    with pytest.raises(UnreachableDatabaseError, match=rf"{workstation.name} cannot be reached.*connects again"):
        workstation.one("SELECT 1")
    assert _back(workstation)
    row = workstation.one("SELECT id FROM users WHERE login = 'before'")
    assert row is not None and row[0] == kept
    setting = workstation.one("SHOW lock_timeout")
    assert setting is not None and setting[0] == "5s"  # the new connection is set up as the first was
    total = workstation.one("SELECT sum(x) FROM (VALUES (1), (2)) AS t(x)")
    assert total is not None and total[0] == 3  # SQLite's numbers again


def test_a_write_cut_half_way_leaves_nothing_and_the_next_one_is_kept(
    workstation: PostgresStore, superuser: psycopg.Connection[tuple[object, ...]]
) -> None:
    """The connection is lost inside a transaction: refused, not taken up mid-way; none of its rows is there after."""
    with pytest.raises(UnreachableDatabaseError), workstation.transaction():
        _add_user(workstation, "half-a")
        _cut(superuser, workstation)
        _add_user(workstation, "half-b")
    assert not workstation.connection.in_transaction
    assert _back(workstation)
    assert workstation.all("SELECT login FROM users WHERE login LIKE 'half-%'") == []
    with workstation.transaction():
        _add_user(workstation, "after")
    assert [r[0] for r in workstation.all("SELECT login FROM users WHERE login = 'after'")] == ["after"]


def test_while_the_server_refuses_every_attempt_the_reason_is_given_and_nothing_waits(
    workstation: PostgresStore, superuser: psycopg.Connection[tuple[object, ...]]
) -> None:
    """Each question answers at once with why (the attempts run on their own thread); back, it is connected."""
    database = workstation.connection.raw.info.dbname
    superuser.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        _cut(superuser, workstation)
        with pytest.raises(UnreachableDatabaseError):
            workstation.one("SELECT 1")
        for _ in range(3):  # each attempt fails; each answer names the server's reason
            workstation.connection.wait_for_redial(10)
            reason = workstation.reachable()
            assert "not currently accepting connections" in reason or "does not allow connections" in reason
            with pytest.raises(UnreachableDatabaseError, match="cannot be reached"):
                workstation.one("SELECT 1")
    finally:
        superuser.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    assert _back(workstation)
    assert workstation.one("SELECT 1") is not None
