"""Two windows on one file: readers see committed readings at once, writers wait their turn, the chain holds."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ketadesk.core.users import User
from ketadesk.core.vitals import Source, VitalSigns
from ketadesk.store import audit, visits
from ketadesk.store.audit import verify_chain
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_engine import PostgresStore
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES

WRITES_PER_WINDOW = 25


@pytest.fixture
def second(db_path: Path, store: Store) -> Iterator[Store]:
    """A second Store on the same database, as a second KetaDesk window (or workstation) would open it."""
    other = open_store(store.url if isinstance(store, PostgresStore) else db_path)
    yield other
    other.close()


def test_second_window_sees_a_committed_reading_at_once(
    store: Store,
    second: Store,
    nurse: User,
    visit_id: int,
    reading: Callable[..., VitalSigns],
) -> None:
    """A reading saved in one window is visible in the other immediately, without reopening."""
    assert visits.detail(second, visit_id)[0].vitals == ()
    saved = visits.add_vitals(
        store,
        visit_id,
        reading(10),
        source=Source.MANUAL,
        alerts=[],
        is_baseline=True,
        at="2025-03-03T14:10:30.000Z",
        actor_id=nurse.id,
    )
    seen = visits.detail(second, visit_id)[0].vitals
    assert [v.id for v in seen] == [saved]
    assert seen[0].vitals == reading(10)


def test_reader_is_not_blocked_by_an_open_write(
    store: Store,
    second: Store,
    nurse: User,
    visit_id: int,
    reading: Callable[..., VitalSigns],
) -> None:
    """While one window is mid-write, the other still reads (the last committed state) without waiting."""
    with store.transaction():
        visits.add_vitals(
            store,
            visit_id,
            reading(10),
            source=Source.MANUAL,
            alerts=[],
            is_baseline=True,
            at="2025-03-03T14:10:30.000Z",
            actor_id=nurse.id,
        )
        assert visits.detail(second, visit_id)[0].vitals == ()
        assert visits.current_phase(second, visit_id) is visits.current_phase(store, visit_id)
    assert len(visits.detail(second, visit_id)[0].vitals) == 1


def test_concurrent_writes_from_two_windows(
    store: Store,
    second: Store,
    nurse: User,
    visit_id: int,
    count: Callable[[Store, str], int],
) -> None:
    """Two windows writing at the same time both succeed (busy timeout), and the audit chain stays valid."""
    notes_before, audit_before = count(store, "notes"), audit.count(store)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def chart(window: Store, name: str) -> None:
        try:
            start.wait(timeout=10)
            for n in range(WRITES_PER_WINDOW):
                visits.add_note(
                    window,
                    visit_id,
                    "observation",
                    f"{name} {n}",
                    at=f"2025-03-03T14:{n:02d}:00.000Z",
                    actor_id=nurse.id,
                )
        except BaseException as error:  # reported to the main thread below
            failures.append(error)

    threads = [threading.Thread(target=chart, args=(window, name)) for window, name in ((store, "A"), (second, "B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer is stuck"
    assert failures == []

    assert count(store, "notes") == notes_before + 2 * WRITES_PER_WINDOW
    assert audit.count(second) == audit_before + 2 * WRITES_PER_WINDOW
    texts = {r[0] for r in store.all("SELECT text FROM notes")}
    assert {f"A {n}" for n in range(WRITES_PER_WINDOW)} | {f"B {n}" for n in range(WRITES_PER_WINDOW)} <= texts
    assert verify_chain(store) is None
    assert verify_chain(second) is None


def test_interleaved_writes_keep_one_chain(store: Store, second: Store, nurse: User, visit_id: int) -> None:
    """Writes alternating between windows link into one chain, each row to the one before it."""
    for n in range(6):
        window = store if n % 2 == 0 else second
        visits.add_note(
            window, visit_id, "observation", f"turn {n}", at=f"2025-03-03T14:{n:02d}:00.000Z", actor_id=nurse.id
        )
    assert verify_chain(store) is None
    hashes = store.all("SELECT prev_hash, hash FROM audit ORDER BY id")
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(hashes))


def test_writer_waits_for_the_other_window(store: Store, second: Store, nurse: User, visit_id: int) -> None:
    """A write started while the other window holds the write lock waits and then commits after it."""
    finished = threading.Event()
    failures: list[BaseException] = []

    def write_from_second() -> None:
        try:
            visits.add_note(
                second, visit_id, "observation", "second window", at="2025-03-03T14:30:00.000Z", actor_id=nurse.id
            )
        except BaseException as error:
            failures.append(error)
        finally:
            finished.set()

    with store.transaction():
        visits.add_note(
            store, visit_id, "observation", "first window", at="2025-03-03T14:29:00.000Z", actor_id=nurse.id
        )
        worker = threading.Thread(target=write_from_second)
        worker.start()
        assert not finished.wait(timeout=0.3), "the second window wrote through an open write lock"
    worker.join(timeout=30)
    assert failures == []
    texts = [r[0] for r in store.all("SELECT text FROM notes ORDER BY id")]
    assert texts == ["first window", "second window"]
    assert verify_chain(store) is None


def test_write_still_locked_after_the_timeout_is_a_store_error(
    store: Store,
    second: Store,
    nurse: User,
    visit_id: int,
    count: Callable[[Store, str], int],
) -> None:
    """If the other window keeps the write lock past the busy timeout, the write fails as a StoreError, unsaved."""
    # The real timeout is seconds; the outcome is the same.
    if isinstance(second, PostgresStore):
        second.execute("SET lock_timeout = '50ms'")
    else:
        second.conn.execute("PRAGMA busy_timeout = 50")
    notes_before = count(store, "notes")
    with store.transaction():
        visits.add_note(
            store, visit_id, "observation", "holding the lock", at="2025-03-03T14:29:00.000Z", actor_id=nurse.id
        )
        with pytest.raises(StoreError, match="busy"):
            visits.add_note(
                second, visit_id, "observation", "must wait", at="2025-03-03T14:30:00.000Z", actor_id=nurse.id
            )
        assert not second.in_transaction
    assert count(store, "notes") == notes_before + 1
    assert [r[0] for r in second.all("SELECT text FROM notes")] == ["holding the lock"]
    visits.add_note(second, visit_id, "observation", "after the lock", at="2025-03-03T14:31:00.000Z", actor_id=nurse.id)
    assert verify_chain(second) is None


def test_a_commit_in_the_other_window_moves_the_revision(
    store: Store, second: Store, nurse: User, visit_id: int
) -> None:
    """The value a screen polls changes when another window or workstation commits (on SQLite only then)."""
    quiet = store.revision()
    if store.engine == "sqlite":  # PostgreSQL's log position also moves for the server's own housekeeping
        assert store.revision() == quiet
    visits.add_note(
        second, visit_id, "observation", "from the other chair", at="2025-03-03T14:40:00.000Z", actor_id=nurse.id
    )
    assert store.revision() != quiet
