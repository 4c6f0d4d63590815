"""Word of another workstation's commit on the clinic server reaches the listeners, and survives a lost connection.

Nothing here sleeps: a listener's socket is waited on with ``select`` (the window's
QSocketNotifier does the same in its event loop), the attempt to listen again runs on its
own thread and the tests wait for that thread.
"""

from __future__ import annotations

import select
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ketadesk.store.db import open_store
from ketadesk.store.pg_engine import PostgresStore
from ketadesk.store.pg_listen import Listener
from ketadesk.store.sqlite_engine import Store
from tests.pg_server import ThrowawayServer

on_the_server = pytest.mark.parametrize("engine", ["postgresql"])  # the server's own behaviour

WAIT_S = 10.0


@pytest.fixture
def workstations(engine: str, postgresql_clinic_url: str) -> Iterator[tuple[PostgresStore, PostgresStore]]:
    """Two workstations' stores on one clinic database."""
    first, second = open_store(postgresql_clinic_url), open_store(postgresql_clinic_url)
    assert isinstance(first, PostgresStore) and isinstance(second, PostgresStore)
    yield first, second
    first.close()
    second.close()


def _listening(store: PostgresStore) -> Listener:
    """A listener on ``store``'s server, once it listens (its dialling waited for)."""
    listener = store.listen()
    listener.redial_every = 0.0
    for _ in range(3):
        listener.wait_for_dial(WAIT_S)
        if listener.socket() is not None:
            assert listener.heard(), "listening begins with a look at what came before"
            assert not listener.heard()
            return listener
    raise AssertionError("the listener never listened")


def _stirs(listener: Listener, timeout: float = WAIT_S) -> bool:
    socket = listener.socket()
    assert socket is not None
    return bool(select.select([socket], [], [], timeout)[0])


def _add_user(store: Store, login: str) -> None:
    with store.transaction():
        store.insert(
            "INSERT INTO users (login, display_name, roles, created_at) VALUES (?, ?, 'nurse', 't')", (login, login)
        )


@on_the_server
def test_a_commit_at_one_workstation_is_heard_at_the_other_and_nothing_else_is(
    workstations: tuple[PostgresStore, PostgresStore],
) -> None:
    first, second = workstations
    listener = _listening(second)
    try:
        assert not _stirs(listener, timeout=0.0)
        _add_user(first, "rn.first")
        assert _stirs(listener)
        assert listener.heard()
        assert not listener.heard(), "each commit is heard once"
        _add_user(second, "rn.own")  # its own store's: the window drew it from the changes the write returned
        assert _stirs(listener) and not listener.heard()
        _add_user(first, "rn.first.again")
        assert _stirs(listener) and listener.heard()
    finally:
        listener.close()


@on_the_server
def test_a_rolled_back_write_is_not_announced(workstations: tuple[PostgresStore, PostgresStore]) -> None:
    first, second = workstations
    listener = _listening(second)
    try:
        with pytest.raises(RuntimeError), first.transaction():
            first.insert("INSERT INTO users (login, display_name, roles, created_at) VALUES ('y', 'y', 'nurse', 't')")
            raise RuntimeError("the nurse's write failed half-way")
        _add_user(first, "rn.after")  # the next commit is heard, and only once
        assert _stirs(listener) and listener.heard() and not listener.heard()
    finally:
        listener.close()


@on_the_server
def test_a_lost_listening_connection_says_look_and_listens_again(
    workstations: tuple[PostgresStore, PostgresStore], postgresql_server: ThrowawayServer
) -> None:
    """Cut by the server: heard at once (look, and find out), dialled again, and heard again (the catch-up)."""
    first, second = workstations
    listener = _listening(second)
    try:
        with psycopg.connect(postgresql_server.url("postgres"), autocommit=True) as superuser:
            superuser.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
        assert _stirs(listener)
        assert listener.heard(), "a lost connection is a reason to look"
        _add_user(first, "rn.meanwhile")  # committed while nobody listened: never announced to this listener
        again = _listening_again(listener)
        assert again, "listening again, the listener says look: what was committed meanwhile is to be read"
        _add_user(first, "rn.later")
        assert _stirs(listener) and listener.heard()
    finally:
        listener.close()


def _listening_again(listener: Listener) -> bool:
    for _ in range(3):
        listener.wait_for_dial(WAIT_S)
        if listener.socket() is not None:
            return listener.heard()
    return False


def test_a_file_is_asked_for_another_connections_commits_and_hears_none_of_its_own(tmp_path: Path) -> None:
    """SQLite announces nothing: ``PRAGMA data_version`` moves for another connection's commit, never for this one's."""
    store, beside = open_store(tmp_path / "clinic.sqlite"), open_store(tmp_path / "clinic.sqlite")
    try:
        heard = store.listen()
        assert heard.socket() is None and not heard.heard()
        _add_user(store, "rn.own")
        assert not heard.heard()
        _add_user(beside, "rn.beside")
        assert heard.heard()
        assert not heard.heard(), "each commit is heard once"
        heard.close()
    finally:
        store.close()
        beside.close()
