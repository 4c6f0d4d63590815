"""Every package of the program is in the wheel's package list (setuptools is told them one by one)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest


def test_every_package_is_listed(pytestconfig: pytest.Config) -> None:
    """A folder with an ``__init__.py`` under ketadesk/ that the list misses would be left out of the install."""
    root: Path = pytestconfig.rootpath
    listed = set(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(root).parts) for init in (root / "ketadesk").rglob("__init__.py")}
    assert found - listed == set()
    assert listed - found == {"ketadesk.resources"}  # mapped from resources/ by package-dir
