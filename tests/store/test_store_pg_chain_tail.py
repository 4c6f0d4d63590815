"""On a server, a write learns the audit chain's last entry in the same round trip as its BEGIN and its lock.

The entry each new row is sealed to is read once, under the write lock, and then moved by
each row the write appends: what another workstation committed before the lock is seen, a
savepoint rolled back forgets what it appended, and a write that went around the store (the
raw connection: COPY) reads the tail again. The witness after a commit is the write's own
last entry, which is the server's head (the lock was held until the COMMIT).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing

import pytest

from ketadesk.core.users import User
from ketadesk.store import audit
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_engine import PgConnection

pytestmark = pytest.mark.parametrize("engine", ["postgresql"])  # this engine alone


def _entry(store: Store, actor: User, at: str, what: str) -> int:
    return audit.append(store, at=at, actor_id=actor.id, action="note", entity="database", entity_id=None, after=what)


def _ids(store: Store) -> list[int]:
    return [int(row[0]) for row in store.all("SELECT id FROM audit ORDER BY id")]


def test_another_workstations_commit_before_the_lock_is_sealed_to(
    engine: str, store: Store, system: User, at: Callable[[float], str]
) -> None:
    """Two workstations taking turns: each row follows the other's, and the chain verifies with its MACs."""
    assert store.url is not None
    with closing(open_store(store.url)) as other:
        for n in range(3):
            for writer in (store, other):
                with writer.transaction():
                    _entry(writer, system, at(n), f"{writer is store} {n} a")
                    _entry(writer, system, at(n), f"{writer is store} {n} b")
    assert _ids(store) == list(range(1, len(_ids(store)) + 1))
    assert audit.verify_chain(store, key=store.chain.secret) is None


def test_a_savepoint_rolled_back_forgets_the_entry_it_appended(
    engine: str, store: Store, system: User, at: Callable[[float], str]
) -> None:
    """The row after a rolled-back savepoint is sealed to the row before it, not to the one that is gone."""
    before = len(_ids(store))
    with store.transaction():
        _entry(store, system, at(1), "kept")
        with pytest.raises(RuntimeError), store.transaction():
            _entry(store, system, at(1), "rolled back")
            raise RuntimeError("the inner step failed")
        _entry(store, system, at(2), "after it")
    assert len(_ids(store)) == before + 2
    assert audit.verify_chain(store, key=store.chain.secret) is None


def test_a_row_written_around_the_store_is_read_before_the_next_entry(
    engine: str, store: Store, system: User, at: Callable[[float], str]
) -> None:
    """An audit row inserted on the raw connection mid-write: the next entry chains to it (hashes checked)."""
    with store.transaction():
        _entry(store, system, at(1), "first")
        last = store.one("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
        assert last is not None
        stamp, after = at(2), '"around"'
        digest = audit.row_hash(last[1], stamp, system.id, "note", "database", None, None, after)
        store.connection.raw.execute(
            "INSERT INTO audit (id, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)"
            " VALUES (%s, %s, %s, 'note', 'database', NULL, NULL, %s, %s, %s)",
            (last[0] + 1, stamp, system.id, after, last[1], digest),
        )
        _entry(store, system, at(3), "next")
    assert audit.verify_chain(store, key=None) is None


def test_the_witness_after_a_commit_is_the_servers_head(
    engine: str, store: Store, system: User, at: Callable[[float], str]
) -> None:
    """What the store knows it committed last is what the server's last audit row says."""
    with store.transaction():
        _entry(store, system, at(1), "one")
        _entry(store, system, at(1), "two")
    assert audit.head_after_commit(store) == audit.head(store)
    assert store.committed_head() is not None


def _round_trips(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """What each round trip to the server carried: the statements that waited, then the one that took them."""
    trips: list[list[str]] = []
    execute = PgConnection.execute

    def counted(self: PgConnection, sql: str, parameters: object = ()) -> object:
        waiting = [each.split(maxsplit=1)[0] for each in self.waiting]
        trips.append([*waiting, sql.split(maxsplit=1)[0]])
        return execute(self, sql, parameters)

    monkeypatch.setattr(PgConnection, "execute", counted)
    return trips


def test_a_write_of_one_audit_row_is_two_round_trips(
    engine: str, store: Store, system: User, at: Callable[[float], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """BEGIN and the lock go with the read of the chain's tail (the row is sealed to it); the row with the COMMIT.

    The COMMIT carries the write's announcement to the other workstations too (NOTIFY, see pg_listen).
    """
    trips = _round_trips(monkeypatch)
    with store.transaction():
        _entry(store, system, at(1), "one")
        _entry(store, system, at(1), "two")  # sealed to the first: the tail is not read again
    assert trips == [["BEGIN", "SELECT", "SELECT"], ["INSERT", "INSERT", "NOTIFY", "COMMIT"]]
    assert audit.verify_chain(store, key=store.chain.secret) is None


def test_a_row_and_its_audit_entry_are_two_round_trips(
    engine: str, store: Store, system: User, at: Callable[[float], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row's INSERT takes BEGIN, the lock and the tail (its id is needed); its audit row goes with the COMMIT."""
    trips = _round_trips(monkeypatch)
    with store.transaction():
        row_id = store.insert(
            "INSERT INTO protocols (sha256, text, at, by) VALUES (?, ?, ?, ?)", ("0" * 64, "{}", at(1), system.id)
        )
        _entry(store, system, at(1), f"protocol {row_id}")
    assert trips == [["BEGIN", "SELECT", "SELECT", "INSERT"], ["INSERT", "NOTIFY", "COMMIT"]]
    assert audit.verify_chain(store, key=store.chain.secret) is None


def test_a_write_that_fails_on_the_server_sends_nothing_after_it_and_is_rolled_back(
    engine: str, store: Store, system: User, at: Callable[[float], str]
) -> None:
    """An audit row refused (a duplicate id) fails its COMMIT's round trip: the transaction is rolled back, whole."""
    before = _ids(store)
    with pytest.raises(StoreError, match="refused"), store.transaction():
        _entry(store, system, at(1), "kept?")
        tail = store.chain_tail()
        assert tail is not None
        store.write_unanswered(
            "INSERT INTO audit (id, at, actor_id, action, entity, entity_id, before, after, prev_hash, hash)"
            " VALUES (?, ?, ?, 'note', 'database', NULL, NULL, NULL, ?, ?)",
            (tail[0], at(1), system.id, "x", "y"),
        )
    assert _ids(store) == before
    with store.transaction():  # the connection is usable: nothing of the failed write waits or stays open
        _entry(store, system, at(2), "next")
    assert _ids(store) == [*before, before[-1] + 1 if before else 1]
    assert audit.verify_chain(store, key=store.chain.secret) is None


def test_a_transaction_with_nothing_inside_sends_nothing(
    engine: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No statement, no round trip: the server never sees it begin (nor its lock taken)."""
    trips = _round_trips(monkeypatch)
    with store.transaction():
        pass
    with pytest.raises(RuntimeError), store.transaction():
        raise RuntimeError("refused before anything was written")
    assert trips == []


def test_queries_that_need_not_wait_for_each_other_go_in_one_round_trip(
    engine: str, store: Store, system: User, at: Callable[[float], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole history's kinds of record: sent together, answered each in its order, outside a write or inside one."""
    with store.transaction():
        first = _entry(store, system, at(1), "one")
        second = _entry(store, system, at(1), "two")
    queries = [
        ("SELECT id FROM audit WHERE id = ?", (second,)),
        ("SELECT id FROM audit WHERE id IN (?, ?) ORDER BY id", (first, second)),
        ("SELECT id FROM audit WHERE id = ?", (second + 100,)),
    ]
    trips = _round_trips(monkeypatch)
    answers = store.all_at_once(queries)
    assert [[row["id"] for row in found] for found in answers] == [[second], [first, second], []]
    assert trips == [["SELECT", "SELECT", "SELECT"]]
    trips.clear()
    with store.transaction():  # inside a write they go with its BEGIN, its lock and its read of the tail
        inside = store.all_at_once(queries[:2])
        _entry(store, system, at(2), "three")
    assert [len(found) for found in inside] == [1, 2]
    assert trips == [["BEGIN", "SELECT", "SELECT", "SELECT", "SELECT"], ["INSERT", "NOTIFY", "COMMIT"]]
    assert store.all_at_once([]) == []
    assert audit.verify_chain(store, key=store.chain.secret) is None
