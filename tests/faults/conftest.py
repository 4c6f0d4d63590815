"""Fixtures for the fault suite: one small demo clinic built once, and private copies of it for each test.

``make test`` runs the fast version of each probe; ``make faults`` sets ``KETADESK_FAULTS=long``
and the same tests run many more kills and flips (their figures are printed, see docs/BENCHMARKS.md).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from ketadesk.cli import main
from ketadesk.clinic import accounts, keys
from ketadesk.core.signing_keys import KdfCost
from ketadesk.store import chain_key


@pytest.fixture(autouse=True)
def isolated_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No probe touches the real data folder, nor a KETADESK_DB of the developer."""
    folder = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.delenv("KETADESK_DB", raising=False)
    return folder


@pytest.fixture(scope="session")
def fault_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo clinic of 8 patients (enough visits for the export's worker processes), written once."""
    path = tmp_path_factory.mktemp("fault-master") / "clinic.sqlite"
    with pytest.MonkeyPatch.context() as patch:  # argon2 at its lowest cost, as in every other test (same answers)
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        patch.setattr(keys, "KDF_COST", KdfCost(time_cost=1, memory_cost=8, parallelism=1))
        assert main(["--db", str(path), "demo", "--patients", "8", "--seed", "3"]) == 0
    return path


@pytest.fixture
def clinic_copy(fault_master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """A private copy of the master clinic, on a workstation of its own (its key, no witness of other copies)."""
    with closing(sqlite3.connect(fault_master)) as conn:
        installation = conn.execute("SELECT installation FROM installation").fetchone()[0]
    key = chain_key.key_path(chain_key.key_folder(), installation)
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    shutil.copy2(key, keys / key.name)
    monkeypatch.setenv(chain_key.KEY_DIR_ENV, str(keys))

    def copy(name: str = "clinic.sqlite") -> Path:
        folder = tmp_path / "db"
        folder.mkdir(exist_ok=True)
        target = folder / name
        shutil.copyfile(fault_master, target)
        return target

    return copy
