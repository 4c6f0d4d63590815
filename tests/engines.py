"""The two engines a store test can run on; a module marked ``both_engines`` runs its store tests on both.

``pytestmark = BOTH_ENGINES`` gives every test that uses the ``engine`` fixture (through
``store`` or ``store_target``) two ids, ``…[sqlite]`` and ``…[postgresql]``; a test of the
module that opens no store of the fixtures' runs once, and so does one marked
``sqlite_only(reason)``: what PostgreSQL does not do yet, listed where it is tested. The PostgreSQL run uses the
throwaway server of tests/pg_server.py (skipped with its reason where there is none, a
failure in CI).
"""

from __future__ import annotations

import pytest

ENGINES = ("sqlite", "postgresql")
BOTH_ENGINES = pytest.mark.both_engines


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """A test of a ``both_engines`` module that runs on SQLite alone for now, saying what PostgreSQL still lacks."""
    return pytest.mark.sqlite_only(reason=reason)


def parametrize_engines(metafunc: pytest.Metafunc) -> None:
    """``pytest_generate_tests``: a test marked ``both_engines`` that uses ``engine`` runs on each engine."""
    marked = metafunc.definition.get_closest_marker("both_engines") is not None
    if "engine" in metafunc.fixturenames and marked and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("engine", ENGINES)
