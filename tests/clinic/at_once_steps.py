"""Two workstations at once, in the clinic tests: one act placed inside another's, and a lock that must be held."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ketadesk.clinic import Clinic
from ketadesk.clinic.session import Session
from ketadesk.store.db import BUSY_TIMEOUT_MS, Store
from ketadesk.store.errors import BusyDatabaseError
from ketadesk.store.pg_connection import LOCK_TIMEOUT
from ketadesk.store.pg_engine import PostgresStore
from tests.clinic.clinic_steps import RowCounts, row_counts


@contextmanager
def first_in_between(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, second: Clinic, first: Callable[[], object], watched: Clinic
) -> Iterator[list[RowCounts]]:
    """While the block runs, the first call of ``owner.name`` for ``second``'s session runs ``first`` before it.

    ``owner.name`` is what the second's use case calls after its checks and before its write
    (its clock stamp, or the opening of the physician's signing key). What the database holds
    right after the first act is yielded, to compare with what it holds after the refusal.
    """
    original = getattr(owner, name)
    after_first: list[RowCounts] = []

    def wrapped(session: Session, *args: Any, **kwargs: Any) -> Any:
        if session is second.session and not after_first:
            first()
            after_first.append(row_counts(watched))
        return original(session, *args, **kwargs)

    monkeypatch.setattr(owner, name, wrapped)
    yield after_first
    monkeypatch.undo()


@contextmanager
def briefly_waiting(store: Store) -> Iterator[None]:
    """The store waits a tenth of a second for the write lock instead of five (the test expects it to be held)."""
    if isinstance(store, PostgresStore):
        store.connection.raw.execute("SET lock_timeout = '100ms'")
        yield
        store.connection.raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    else:
        store.conn.execute("PRAGMA busy_timeout = 100")
        yield
        store.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@contextmanager
def held_off_meanwhile(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, second: object, attempt: Callable[[], object], store: Store
) -> Iterator[list[BaseException]]:
    """While the block runs, ``attempt`` (the other workstation's act, on ``store``) is tried once right after
    ``owner.name`` has answered the second workstation (its first argument is ``second``: its store or session).

    The second reads and writes under one lock, so the attempt must be held off: the refusals it met (the
    write lock busy, waited for a tenth of a second) are yielded. Empty, the act went in between.
    """
    original = getattr(owner, name)
    held: list[BaseException] = []

    def wrapped(first: object, *args: Any, **kwargs: Any) -> Any:
        answer = original(first, *args, **kwargs)
        if first is second and not held:
            with briefly_waiting(store):
                try:
                    attempt()
                except BusyDatabaseError as error:
                    held.append(error)
        return answer

    monkeypatch.setattr(owner, name, wrapped)
    yield held
    monkeypatch.undo()
