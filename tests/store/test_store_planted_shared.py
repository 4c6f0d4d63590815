"""The full check shared into worker shares (:mod:`ketadesk.clinic.check_workers`) says what one pass says.

Every planted edit of ``test_store_planted_edits`` is checked twice on its copy: in one pass,
and in small shares (audit stretches, signature ranges, groups of kinds) run one after the
other by an executor that runs each at once (no race, as Picard's tests run their thread
pool) — the lines must be the same, in the same order. The clean demo and two edits are
also checked with real worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest

from ketadesk.clinic import Clinic, check_workers
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from tests.conftest import START
from tests.store.planted_edits import Kind
from tests.store.test_store_planted_edits import KINDS, _planted, demo_file  # noqa: F401  (demo_file: the fixture)


class _AtOnce(Executor):
    """Runs each share as it is submitted, here: the shares' joining is tested without processes."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # as a worker's failure reaches the check: through its future
            future.set_exception(error)
        return future


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[check_workers.SharedCheck]]:
    """Shares on any file, in small pieces; yields the shared checks started (to see what fell back)."""
    started: list[check_workers.SharedCheck] = []
    start = check_workers.start

    def recorded(store: Any, *, quick: bool) -> check_workers.SharedCheck | None:
        made = start(store, quick=quick)
        if made is not None:
            started.append(made)
        return made

    monkeypatch.setattr(check_workers, "POOL_FROM_ENTRIES", 1)
    monkeypatch.setattr(check_workers, "CHAIN_SHARES", 5)
    monkeypatch.setattr(check_workers, "SIGNATURE_SHARES", 3)
    monkeypatch.setattr(check_workers, "workers_here", lambda: 2)
    monkeypatch.setattr(check_workers, "start", recorded)
    yield started


@pytest.fixture
def at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shares run here, each as it is submitted (:class:`_AtOnce`), instead of in worker processes."""
    monkeypatch.setattr(check_workers, "pool", lambda workers: _AtOnce())


def _clean_copy(demo: Path, tmp_path: Path) -> Path:
    """A copy of the sound demo file."""
    copy = tmp_path / "clean.sqlite"
    copy.write_bytes(demo.read_bytes())
    return copy


def _check(path: Path, protocol: Protocol, *, alone: bool = False) -> list[str]:
    clinic = Clinic.open(path, FakeClock(START), protocol)
    try:
        if not alone:
            return clinic.maintenance.check()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(check_workers, "POOL_FROM_ENTRIES", 10**12)
            return clinic.maintenance.check()
    finally:
        clinic.close()


@pytest.mark.parametrize("kind", [pytest.param(k, id=k.name) for k in KINDS])
def test_each_planted_edit_is_named_alike_in_shares(
    kind: Kind,
    demo_file: Path,  # noqa: F811
    default_protocol: Protocol,
    tmp_path: Path,
    shared: list[check_workers.SharedCheck],
    at_once: None,
) -> None:
    """One pass and the shares give the same lines, in the same order (a damaged file: its part run here)."""
    copy = _planted(kind, demo_file, tmp_path)
    alone = _check(copy, default_protocol, alone=True)
    assert _check(copy, default_protocol) == alone
    assert len(shared) == 1 or kind.file_edit is not None  # a file too damaged to plan shares is checked alone


def test_the_clean_demo_needs_no_part_run_again(
    demo_file: Path,  # noqa: F811
    default_protocol: Protocol,
    tmp_path: Path,
    shared: list[check_workers.SharedCheck],
    at_once: None,
) -> None:
    """Every share's answer is used: no part falls back to one pass on a sound file."""
    copy = _clean_copy(demo_file, tmp_path)
    assert _check(copy, default_protocol) == []
    assert [s.fell_back for s in shared] == [set()]


@pytest.mark.parametrize("name", ["clean", "reading and its entry rewritten, chain re-hashed", "addendum rewritten"])
def test_worker_processes_find_what_one_pass_finds(
    name: str,
    demo_file: Path,  # noqa: F811
    default_protocol: Protocol,
    tmp_path: Path,
    shared: list[check_workers.SharedCheck],
) -> None:
    """With real worker processes (spawned, as ``ketadesk check`` starts them): the same lines, nothing run again."""
    kinds = {k.name: k for k in KINDS}
    copy = _clean_copy(demo_file, tmp_path) if name == "clean" else _planted(kinds[name], demo_file, tmp_path)
    alone = _check(copy, default_protocol, alone=True)
    assert _check(copy, default_protocol) == alone
    assert [s.fell_back for s in shared] == [set()]
    assert (alone == []) == (name == "clean")


def test_a_failed_share_is_checked_again_here_and_the_check_says_so(
    demo_file: Path,  # noqa: F811
    default_protocol: Protocol,
    tmp_path: Path,
    shared: list[check_workers.SharedCheck],
    at_once: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker's share of the signatures fails (a killed worker, a read error): that part runs again in the
    check's own process, the findings are those of one pass, and the full check's note names the part."""
    run_share = check_workers.run_share

    def failing(share: check_workers.Share) -> Any:
        if share.part == "signatures":
            raise OSError("the worker was killed")
        return run_share(share)

    monkeypatch.setattr(check_workers, "run_share", failing)
    copy = _clean_copy(demo_file, tmp_path)
    clinic = Clinic.open(copy, FakeClock(START), default_protocol)
    try:
        done = clinic.maintenance.full_check()
    finally:
        clinic.close()
    assert done.problems == () and done.checkpoint is not None
    assert [s.fell_back for s in shared] == [{"signatures"}]
    assert done.note.endswith("; signatures checked again in one pass here, a worker's share of it having failed")
