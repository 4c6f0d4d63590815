"""The full check's heavy parts shared between worker processes, on a file large enough for it to pay.

On a ten-year clinic the full check re-hashes some four million audit entries, rebuilds
95,000 signed visits and runs SQLite's integrity_check and the reconciliation's grouping
queries: two minutes on one core. Those parts split into shares that need nothing of each
other — ranges of audit entries, ranges of signatures, two groups of record kinds, the
integrity check whole — and each share runs in a worker process on a read connection of
its own to the same file, so a machine's second core does half of it.

The shares' findings are joined in the check's order, so they are those of one pass: a
range of audit entries is walked from the stored hash of the entry before it and joined
only when the range before verified up to that very entry (:func:`~ketadesk.store.audit.first_break`).
Whatever goes wrong with a share (a damaged file, a worker killed, entries that moved between
reads), its part runs again in the check's own process as it always did, so a part's
findings and their words never depend on the workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass

from ketadesk.clinic.report_jobs import die_with_parent
from ketadesk.clinic.signing import signature_problems
from ketadesk.store import audit as store_audit
from ketadesk.store import backup as store_backup
from ketadesk.store import reconcile as store_reconcile
from ketadesk.store import signatures as store_signatures
from ketadesk.store.db import Store, share_reader

POOL_FROM_ENTRIES = 100_000
"""Audit entries from which the full check shares its work: below it, starting the workers costs more than it saves."""
CHAIN_SHARES = 8
SIGNATURE_SHARES = 6
"""Shares per part: enough that the two workers finish together (a share is taken by whichever is free)."""
MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class Share:
    """One share of a part of the full check: plain values, so a worker process can run it."""

    part: str
    """ "integrity", "audit chain", "signatures" or "records"."""
    path: str
    after: int = 0
    """The share's range of ids, ``after`` < id ≤ ``upto`` (records: which group of kinds, 0 or 1)."""
    upto: int = 0
    quick: bool = False
    key: bytes | None = None
    """The chain's key, for the MACs (None: plain hashes, as the check itself then checks them)."""


def run_share(share: Share) -> list[str] | store_audit.Stretch:
    """Run one share on a read connection of its own (in a worker process) and return what it found."""
    with share_reader(share.path) as store:
        if share.part == "integrity":
            return store_backup.check(store, quick=share.quick)
        if share.part == "audit chain":
            return store_audit.verify_stretch(store, share.after, share.upto, share.key)
        if share.part == "signatures":
            return signature_problems(store, share.after, share.upto)
        if share.after == 0:
            return store_reconcile.records_problems(store, store_reconcile.ALL_PAIRINGS[:1], rest=False)
        return store_reconcile.records_problems(store, store_reconcile.ALL_PAIRINGS[1:])


def _ranges(last: int, shares: int) -> list[tuple[int, int]]:
    """``(after, upto]`` ranges covering ids 1…``last`` in ``shares`` nearly equal parts."""
    bounds = [last * i // shares for i in range(shares + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(shares) if bounds[i + 1] > bounds[i]]


def workers_here() -> int:
    """The cores this process may run on (at most :data:`MAX_WORKERS`)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


class SharedCheck:
    """The shares of one full check, started together in worker processes and collected part by part.

    Each part's method returns what the part alone returns in the check's own process, and
    runs it there when a share of it failed.
    """

    def __init__(self, store: Store, *, quick: bool, workers: int) -> None:
        self._store, self._quick, self._key = store, quick, store.chain.secret
        self.fell_back: set[str] = set()
        """The parts that were run again in this process, a share of them having failed (for the tests)."""
        path = str(store.path)
        last_entry = _last_entry(store)
        self._shares: dict[str, list[Future[list[str] | store_audit.Stretch]]] = {}
        # The longest shares first, so the last ones to finish are short and the workers end together.
        planned = [
            Share("records", path, after=1),
            Share("integrity", path, quick=quick),
            Share("records", path, after=0),
            *(Share("signatures", path, a, u) for a, u in _ranges(store_signatures.last_id(store), SIGNATURE_SHARES)),
            *(Share("audit chain", path, a, u, key=self._key) for a, u in _ranges(last_entry, CHAIN_SHARES)),
        ]
        self._pool = pool(workers)  # once the shares are planned: a file that cannot be read starts no process
        for share in planned:
            self._shares.setdefault(share.part, []).append(self._pool.submit(run_share, share))
        self._shares["records"].reverse()  # submitted longest first; joined in the kinds' order

    def _collected(self, part: str) -> list[list[str] | store_audit.Stretch] | None:
        """Every share of ``part`` in order, or None when one of them failed."""
        try:
            return [future.result() for future in self._shares.get(part, [])]
        except Exception:  # a share that failed is run again whole, in this process, by its part
            self.fell_back.add(part)
            return None

    def _problems(self, part: str, alone: Callable[[], list[str]]) -> list[str]:
        results = self._collected(part)
        if results is None:
            return alone()
        return [problem for result in results if isinstance(result, list) for problem in result]

    def integrity(self) -> list[str]:
        """:func:`ketadesk.store.backup.check`'s findings."""
        return self._problems("integrity", lambda: store_backup.check(self._store, quick=self._quick))

    def chain(self) -> store_audit.ChainBreak | None:
        """:func:`ketadesk.store.audit.verify_chain`'s finding, from the ranges walked apart."""
        stretches = self._collected("audit chain")
        if stretches is not None:
            try:
                return store_audit.first_break([s for s in stretches if isinstance(s, store_audit.Stretch)])
            except store_audit.StretchesDisagree:  # the trail changed between reads: one walk decides
                self.fell_back.add("audit chain")
        return store_audit.verify_chain(self._store, key=self._key)

    def signatures(self) -> list[str]:
        """:func:`ketadesk.clinic.signing.signature_problems`'s findings, range after range."""
        return self._problems("signatures", lambda: signature_problems(self._store))

    def records(self) -> list[str]:
        """:func:`ketadesk.store.reconcile.records_problems`'s findings, group after group."""
        return self._problems("records", lambda: store_reconcile.records_problems(self._store))

    def close(self) -> None:
        """Stop the workers (a share not started yet is dropped)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def pool(workers: int) -> Executor:
    """The worker processes the shares run in (a test puts an executor in their place that runs them here)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        # "spawn": a forked child would inherit the open SQLite connection (and, in the GUI, Qt).
        # A frozen program must call multiprocessing.freeze_support() first thing (ketadesk.__main__ does).
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def _last_entry(store: Store) -> int:
    row = store.one("SELECT max(id) FROM audit")
    return int(row[0]) if row is not None and row[0] is not None else 0


def start(store: Store, *, quick: bool) -> SharedCheck | None:
    """The full check's shares under way in worker processes, or None when they would not pay.

    Only on an SQLite file (a server does its reading itself) of at least
    :data:`POOL_FROM_ENTRIES` audit entries, on a machine with a second core.
    """
    workers = workers_here()
    if store.engine != "sqlite" or store.path is None or workers < 2:
        return None
    try:
        if _last_entry(store) < POOL_FROM_ENTRIES:
            return None
        return SharedCheck(store, quick=quick, workers=workers)
    except Exception:  # a file too damaged to plan the shares, or no processes to be had: the check runs alone
        return None
