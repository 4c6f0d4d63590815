"""The two engines a store test can run on; a module marked ``both_engines`` runs its store tests on both.

``pytestmark = BOTH_ENGINES`` gives every test that uses the ``engine`` fixture (through
``store`` or ``store_target``) two ids, ``…[sqlite]`` and ``…[postgresql]``; a test of the
module that opens no store of the fixtures' runs once. The PostgreSQL run uses the
throwaway server of tests/pg_server.py (skipped with its reason where there is none, a
failure in CI).
"""

from __future__ import annotations

import pytest

ENGINES = ("sqlite", "postgresql")
BOTH_ENGINES = pytest.mark.both_engines


def parametrize_engines(metafunc: pytest.Metafunc) -> None:
    """``pytest_generate_tests``: a test marked ``both_engines`` that uses ``engine`` runs on each engine."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines") is not None:
        metafunc.parametrize("engine", ENGINES)
