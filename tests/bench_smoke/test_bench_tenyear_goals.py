"""``python -m bench --only tenyear`` on a tiny clinic: every read runs in its fresh process, and the table judges
them against issue 17's goals (board ≤ 10 ms, every history ≤ 30 ms with the largest's first call in a fresh
process, a write within 1.3× bare; batch exports ≥ 15 a second in one process and ≥ 30 with two workers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import reports, tenyear
from bench.__main__ import _scaled
from bench.table import GOALS, table


def test_the_tenyear_reads_run_small_and_are_judged_on_the_issues_goals(tmp_path: Path) -> None:
    """A 0.2 % clinic: the largest history's first call is timed in fresh processes and judged with the others."""
    now = datetime.now().astimezone().replace(hour=14, minute=0, second=0, microsecond=0)
    spec = replace(_scaled(0.002), now=now)
    said: list[str] = []
    result: dict[str, Any] = tenyear.run(tmp_path / "tiny.sqlite", spec, said.append, reps=2, sample=3, check=False)
    first = result["largest_first"]
    assert first["first"]["n"] == tenyear.LARGEST_STARTS and first["visits"] >= 1 and first["first_ms"] > 0
    assert first["visits"] == result["history"]["largest"]["visits"]
    text = table({"tenyear": result})
    line = next(row for row in text.splitlines() if "the first call in a fresh process" in row)
    assert f"< {GOALS['history_ms']:.0f} ms" in line and line.rstrip().endswith(("OK", "MISS"))
    assert "< 10 ms" in next(row for row in text.splitlines() if row.startswith("board(today)"))


def test_the_batch_goal_is_higher_with_two_workers() -> None:
    """One process is judged against 15 reports a second, two workers against 30."""
    one: dict[str, Any] = {
        "readings": 20,
        "pages": 2,
        "repeat": {"median_ms": 50.0, "p95_ms": 60.0},
        "build_only": {"median_ms": 40.0, "p95_ms": 45.0},
        "first_ms": 300.0,
    }
    batch = {"reports": 100, "seconds": 4.0, "rss_peak_mib": 90.0, "largest_worker_rss_mib": 0.0}
    made = reports.rows(
        {
            "one": one,
            "batch_1": {**batch, "workers": 1, "per_second": 20.0},
            "batch_2": {**batch, "workers": 2, "per_second": 25.0, "largest_worker_rss_mib": 80.0},
        }
    )
    verdicts = {row[0]: (row[3], row[4]) for row in made if row[0].startswith("batch export")}
    assert verdicts == {
        "batch export: 100 visit reports + manifest, 2 worker processes": ("≥ 30/s", "25.0/s MISS"),
        "batch export: 100 visit reports + manifest, 1 process": ("≥ 15/s", "20.0/s OK"),
    }
