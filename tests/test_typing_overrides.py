"""The mypy override list in pyproject.toml only shrinks, and never covers core or reports.

`make lint` runs `mypy --strict ketadesk`; modules not yet clean are listed in an override that
ignores their errors. These tests read pyproject.toml (no mypy run, no Qt) so the list can lose
modules but never gain one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

# The modules allowed an override when the list was made. When a module is cleaned, delete it
# from pyproject.toml and from here; never add one.
RECORDED_UNCLEAN: frozenset[str] = frozenset()

# These layers are strict-clean and stay so: no override of any kind may name them.
ALWAYS_CLEAN = ("ketadesk.core", "ketadesk.reports")


def _modules(override: dict[str, Any]) -> list[str]:
    module = override.get("module", [])
    return [module] if isinstance(module, str) else list(module)


def overridden_ketadesk_modules(pyproject: dict[str, Any]) -> set[str]:
    """Every ketadesk module (or pattern) named by any [[tool.mypy.overrides]] entry."""
    overrides: list[dict[str, Any]] = pyproject.get("tool", {}).get("mypy", {}).get("overrides", [])
    return {
        name
        for override in overrides
        for name in _modules(override)
        if name == "ketadesk" or name.startswith("ketadesk.")
    }


def _covers(pattern: str, package: str) -> bool:
    """True if a mypy module pattern (``a.b`` or ``a.b.*``) reaches ``package`` or anything inside it."""
    if pattern.endswith(".*"):
        base = pattern.removesuffix(".*")
        return package == base or package.startswith(base + ".") or base.startswith(package + ".")
    return pattern == package or pattern.startswith(package + ".")


@pytest.fixture
def pyproject(pytestconfig: pytest.Config) -> dict[str, Any]:
    """The project's pyproject.toml, parsed."""
    return tomllib.loads((pytestconfig.rootpath / "pyproject.toml").read_text(encoding="utf-8"))


def test_override_list_only_shrinks(pyproject: dict[str, Any]) -> None:
    """No ketadesk module is given a mypy override beyond those recorded when the list was made."""
    added = overridden_ketadesk_modules(pyproject) - RECORDED_UNCLEAN
    assert not added, f"mypy overrides may only shrink; clean these modules instead of listing them: {sorted(added)}"


def test_core_and_reports_are_never_overridden(pyproject: dict[str, Any]) -> None:
    """No override, not even a wildcard, reaches ketadesk.core or ketadesk.reports."""
    reaching = sorted(
        name for name in overridden_ketadesk_modules(pyproject) for package in ALWAYS_CLEAN if _covers(name, package)
    )
    assert not reaching, f"core and reports must stay mypy --strict clean: {reaching}"


def test_overridden_modules_still_exist(pyproject: dict[str, Any], pytestconfig: pytest.Config) -> None:
    """Each override names a real module, so a renamed module cannot leave a stale line behind."""
    root = pytestconfig.rootpath
    paths = {name: root / name.removesuffix(".*").replace(".", "/") for name in overridden_ketadesk_modules(pyproject)}
    missing = sorted(
        name
        for name, path in paths.items()
        if not path.with_suffix(".py").is_file() and not (path / "__init__.py").is_file()
    )
    assert not missing, f"overrides for modules that no longer exist (delete them): {missing}"


def test_no_type_ignore_in_clean_layers(pytestconfig: pytest.Config) -> None:
    """core and reports are clean without silencing comments: no `type: ignore` in their sources."""
    root = pytestconfig.rootpath
    silenced = [
        f"{path.relative_to(root)}:{number}"
        for package in ALWAYS_CLEAN
        for path in sorted((root / package.replace(".", "/")).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "type: ignore" in line
    ]
    assert not silenced, f"type: ignore in a strict-clean layer: {silenced}"


@pytest.mark.parametrize(
    ("pattern", "package", "expected"),
    [
        ("ketadesk.reports", "ketadesk.reports", True),
        ("ketadesk.reports.fonts", "ketadesk.reports", True),
        ("ketadesk.reports.*", "ketadesk.reports", True),
        ("ketadesk.*", "ketadesk.core", True),
        ("ketadesk.ui.*", "ketadesk.core", False),
        ("ketadesk.cli", "ketadesk.core", False),
        ("ketadesk.core_extra", "ketadesk.core", False),
    ],
)
def test_pattern_coverage(pattern: str, package: str, expected: bool) -> None:
    """The wildcard check catches patterns that reach a package and only those."""
    assert _covers(pattern, package) is expected


def test_shrink_check_catches_an_added_module() -> None:
    """A pyproject with one more overridden module than recorded is reported by the shrink check."""
    grown = {
        "tool": {
            "mypy": {
                "overrides": [
                    {"module": sorted(RECORDED_UNCLEAN), "ignore_errors": True},
                    {"module": "ketadesk.store.visits", "disallow_untyped_defs": False},
                    {"module": ["pyqtgraph", "pyqtgraph.*"], "ignore_missing_imports": True},
                ]
            }
        }
    }
    assert overridden_ketadesk_modules(grown) - RECORDED_UNCLEAN == {"ketadesk.store.visits"}


def test_repository_root_has_the_package(pytestconfig: pytest.Config) -> None:
    """The tests above read the right tree: the root they use holds ketadesk/ and pyproject.toml."""
    root: Path = pytestconfig.rootpath
    assert (root / "ketadesk" / "__init__.py").is_file() and (root / "pyproject.toml").is_file()
