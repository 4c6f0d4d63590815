"""The one named set every migration registers in, in the order its modules are imported.

Its own module so the waves of migrations (``schema_first``, ``schema_later``) can register
without importing :mod:`ketadesk.store.schema`, which imports them in order.

The set is KetaDesk's own list rather than sqlite-utils' ``Migrations`` object: opening a
file only needs the migrations' names (is the file up to date, or newer than this program?),
and importing sqlite-utils costs about 80 ms at every start (it imports numpy). sqlite-utils
still applies them (:meth:`MigrationSet.apply`), with its record of each in ``_sqlite_migrations``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ketadesk.store.sql_seam import Executes

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "ketadesk"
MigrationFunction = Callable[[Any], None]


@dataclass(frozen=True)
class Migration:
    """One registered migration: its name (what ``_sqlite_migrations`` records) and what it does."""

    name: str
    fn: MigrationFunction


class MigrationSet:
    """The migrations in the order they run; ``@migrations(name=…)`` registers one (sqlite-utils' own decorator)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[Migration] = []

    def __call__(self, *, name: str | None = None) -> Callable[[MigrationFunction], MigrationFunction]:
        """Register the decorated function under ``name`` (its own name when none is given), after those before."""

        def register(fn: MigrationFunction) -> MigrationFunction:
            named = name or fn.__name__
            if any(m.name == named for m in self._migrations):
                raise ValueError(f"migration {named!r} is registered twice in set {self.name!r}")
            self._migrations.append(Migration(named, fn))
            return fn

        return register

    def names(self) -> tuple[str, ...]:
        """Every migration's name, in order."""
        return tuple(m.name for m in self._migrations)

    def apply(self, db: Database, *, stop_before: str | Iterable[str] | None = None) -> None:
        """Run the migrations a SQLite file has not had yet, each in a transaction with its record (sqlite-utils')."""
        from sqlite_utils import Migrations  # only when a file is created or upgraded

        applying = Migrations(self.name)
        for migration in self._migrations:
            applying(name=migration.name)(migration.fn)
        applying.apply(db, stop_before=stop_before)


migrations = MigrationSet(MIGRATION_SET)


def migration_number(name: str) -> int:
    """A migration's place in the set (1-based): what ``user_version`` says once it has run.

    Read from the set rather than written out, so the number a migration sets can never
    disagree with its place among the others.
    """
    return 1 + migrations.names().index(name)


class MigrationTarget(Protocol):
    """What a migration writes to: sqlite-utils' ``Database`` on a SQLite file, or the PostgreSQL engine's target.

    A migration is written once, in SQLite's dialect; on PostgreSQL each statement it runs is
    translated (:mod:`ketadesk.store.pg_schema`), so the two engines cannot drift apart.
    """

    def execute(self, sql: str) -> object: ...

    @property
    def conn(self) -> Executes: ...
