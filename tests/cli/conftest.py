"""Fixtures for CLI tests: no test may touch the real data folder, and one demo database is built once."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ketadesk.cli import main


@pytest.fixture(autouse=True)
def isolated_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the per-user data folder into the test's temp dir and forget any KETADESK_DB of the developer."""
    folder = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.delenv("KETADESK_DB", raising=False)
    return folder


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo clinic of 8 patients, written once per session through the CLI itself."""
    path = tmp_path_factory.mktemp("demo-master") / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--patients", "8"]) == 0
    return path


@pytest.fixture
def demo_copy(demo_master: Path, tmp_path: Path) -> Callable[[str], Path]:
    """A private copy of the demo database (tests that tamper with it must not share it)."""

    def copy(name: str = "clinic.sqlite") -> Path:
        target = tmp_path / name
        shutil.copyfile(demo_master, target)
        return target

    return copy
