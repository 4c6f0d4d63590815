"""The two engines a store test can run on; a module marked with ``BOTH_ENGINES`` runs each test on both.

``pytestmark = BOTH_ENGINES`` gives every test two ids, ``…[sqlite]`` and ``…[postgresql]``; the
PostgreSQL run uses the throwaway server of tests/pg_server.py (skipped with its reason where
there is none, a failure in CI).
"""

from __future__ import annotations

import pytest

ENGINES = ("sqlite", "postgresql")
BOTH_ENGINES = pytest.mark.parametrize("engine", ENGINES)
