"""The demo clinic's database file: built in a scratch file, published whole, a half-made one discarded.

The first-start screen offers a demo clinic beside the clinic's own database. Building it
takes a while (one patient a step, so the window keeps drawing), and a crash or a closed
window half-way must never leave a half-made demo where the program would open it. So the
demo is written into a hidden scratch file and renamed into place only when finished; a
stale WAL beside the final name is removed first, since SQLite would replay it into the new
file. No screen touches these files itself: it drives a :class:`DemoBuild`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ketadesk.clinic.api import Clinic
from ketadesk.core.clock import Clock
from ketadesk.core.protocol import Protocol

if TYPE_CHECKING:  # the demo's own modules load only when one is built (every start asks is_demo)
    from ketadesk.clinic.demo import Showcase

DEMO_FILE = "demo.sqlite"
"""The demo clinic sits beside the clinic's own database under this name (as `ketadesk demo` makes it)."""

_COMPANIONS = ("", "-wal", "-shm", "-journal")


def demo_path(database: Path) -> Path:
    """Where the demo clinic for ``database``'s folder lives."""
    return database.parent / DEMO_FILE


def is_demo(database: Path | None) -> bool:
    """True when ``database`` is a demo clinic's file (the window says so in its title)."""
    return database is not None and database.name == DEMO_FILE


def remove_database(path: Path) -> None:
    """Delete a database file and its WAL companions."""
    for suffix in _COMPANIONS:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def usable_demo(target: Path, clock: Clock, protocol: Protocol) -> bool:
    """True when the file at ``target`` is a clinic someone can sign in to (a demo made earlier opens as it is).

    Raises what opening the database raises (a newer schema, a file that is no database).
    """
    existing = Clinic.open(target, clock, protocol)
    try:
        return not existing.accounts.needs_setup()
    finally:
        existing.close()


@dataclass(frozen=True, slots=True)
class DemoMade:
    """What a finished demo holds, for the line `ketadesk demo` ends with."""

    visits_today: int
    audit_entries: int
    showcase: tuple[Showcase, ...]
    """The visits worth opening or exporting first, and what each shows."""


class DemoBuild:
    """A demo clinic being written into a scratch file beside ``target``, one patient per :meth:`step`."""

    def __init__(
        self,
        target: Path,
        clock: Clock,
        protocol: Protocol,
        *,
        patients: int,
        seed: int = 7,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Start the build: any scratch file left by an earlier attempt is removed, a fresh one opened."""
        self.target = target
        self.scratch = target.with_name(f".{target.stem}-building{target.suffix}")
        from ketadesk.clinic.demo import build_demo

        remove_database(self.scratch)
        self.clinic: Clinic | None = Clinic.open(self.scratch, clock, protocol)
        self._showcase: list[Showcase] = []
        self._steps: Iterator[None] = build_demo(
            self.clinic, patients=patients, seed=seed, progress=progress, showcase=self._showcase
        )

    def step(self) -> bool:
        """Write one more patient; False once the demo is complete (then :meth:`publish` it)."""
        try:
            next(self._steps)
        except StopIteration:
            return False
        return True

    def _close(self) -> None:
        if self.clinic is not None:
            self.clinic.close()
            self.clinic = None

    def summary(self) -> DemoMade:
        """The finished demo's visits today, audit entries and showcase (before :meth:`publish` closes it)."""
        assert self.clinic is not None
        return DemoMade(len(self.clinic.visits.board()), self.clinic.audit.count(), tuple(self._showcase))

    def publish(self) -> Path:
        """Close the finished demo and rename it into place at ``target`` in one step; returns ``target``."""
        self._close()
        if not self.target.exists():  # a stale WAL beside the new file would be replayed into it
            remove_database(self.target)
        os.replace(self.scratch, self.target)
        return self.target

    def discard(self) -> None:
        """Stop building and remove the half-made scratch file."""
        self._close()
        remove_database(self.scratch)


def make_demo(
    target: Path,
    clock: Clock,
    protocol: Protocol,
    *,
    patients: int,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> DemoMade:
    """Build a whole demo clinic at ``target`` (`ketadesk demo`): what it holds (:class:`DemoMade`).

    Built in the scratch file and renamed into place only when finished: a demo killed half-way
    leaves no database at ``target`` (the next run removes the scratch file and starts again).
    """
    build = DemoBuild(target, clock, protocol, patients=patients, seed=seed, progress=progress)
    try:
        while build.step():
            pass
        made = build.summary()
        build.publish()
    except BaseException:
        build.discard()
        raise
    return made
