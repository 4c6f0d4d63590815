"""Small modules with one job: no Python file under ketadesk/, tests/, bench/ or tools/ is over 400 lines.

The files that were already longer when the rule came are listed below; the list only shrinks.
Split one below the limit and its entry must go (the test says so), and no new file may join.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MAX_LINES = 400
# Everything we write and keep: the package, its tests, the benchmarks and the tools.
ROOTS = ("ketadesk", "tests", "bench", "tools")

# Over the limit when the rule came (lines then, for the record; not a ceiling). Only delete lines.
ALLOWED_LONG: frozenset[str] = frozenset()


def line_counts(root: Path, folders: tuple[str, ...] = ROOTS) -> dict[str, int]:
    """Lines in each Python file under ``root``'s ``folders``, keyed by its path from ``root``.

    Generated output (``bench/out``) is not ours to keep short and is skipped.
    """
    return {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for folder in folders
        for path in sorted((root / folder).rglob("*.py"))
        if "out" not in path.relative_to(root).parts[1:2]
    }


def too_long(counts: dict[str, int], allowed: frozenset[str]) -> list[str]:
    """The files over the limit that are not on the allow-list, with their length."""
    return [f"{path} ({lines} lines)" for path, lines in counts.items() if lines > MAX_LINES and path not in allowed]


def stale(counts: dict[str, int], allowed: frozenset[str]) -> list[str]:
    """Allow-list entries that are now within the limit, or gone, and so must be deleted."""
    return sorted(path for path in allowed if counts.get(path, 0) <= MAX_LINES)


@pytest.fixture
def counts(pytestconfig: pytest.Config) -> dict[str, int]:
    """Line counts of the package, its tests, the benchmarks and the tools as they are in this tree."""
    return line_counts(pytestconfig.rootpath)


def test_no_new_long_module(counts: dict[str, int]) -> None:
    """No file under ketadesk/, tests/, bench/ or tools/ beyond the recorded ones is over 400 lines."""
    for folder in ROOTS:
        assert any(path.startswith(f"{folder}/") for path in counts), f"no Python files found under {folder}/"
    found = too_long(counts, ALLOWED_LONG)
    assert not found, f"over {MAX_LINES} lines (split by job instead of allow-listing): {found}"


def test_allow_list_only_shrinks(counts: dict[str, int]) -> None:
    """Every allow-listed file is still over the limit, so a split file's entry is deleted, not kept."""
    leftover = stale(counts, ALLOWED_LONG)
    assert not leftover, f"now within {MAX_LINES} lines or gone; delete from ALLOWED_LONG: {leftover}"


def test_every_folder_is_counted(tmp_path: Path) -> None:
    """A long file in tests/, bench/ or tools/ is counted like one in ketadesk/; bench/out is not."""
    for name in ("ketadesk/a.py", "tests/clinic/b.py", "bench/c.py", "tools/d.py", "bench/out/e.py", "docs/f.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n" * 401, encoding="utf-8")
    counts = line_counts(tmp_path)
    assert sorted(counts) == ["bench/c.py", "ketadesk/a.py", "tests/clinic/b.py", "tools/d.py"]
    assert len(too_long(counts, frozenset())) == 4


def test_checks_catch_a_new_long_file_and_a_stale_entry() -> None:
    """A new 401-line file is reported, a 400-line one is not, and a shrunk allow-listed file is stale."""
    counts = {"ketadesk/new.py": 401, "ketadesk/edge.py": 400, "ketadesk/old.py": 390}
    assert too_long(counts, frozenset({"ketadesk/old.py"})) == ["ketadesk/new.py (401 lines)"]
    assert stale(counts, frozenset({"ketadesk/old.py", "ketadesk/new.py"})) == ["ketadesk/old.py"]
