"""``python -m bench --only server``'s parts, small, on the tests' throwaway server: each runs, and the table judges.

The figures themselves come from ``make bench`` on a durable server (docs/BENCHMARKS.md);
here the tests' server (durability off) only proves the wiring: the write variants, a read
step in a fresh process on a server's URL, the watching workstation's window seeing readings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bench import server_live, server_write, tenyear
from bench.table import table
from tests.pg_server import ThrowawayServer


def test_the_server_benchmarks_run_small_and_the_table_judges_them(postgresql_server: ThrowawayServer) -> None:
    """Ten writes a variant, two readings seen by the other window, a board and a history read on the URL."""
    write = server_write.run(lambda: postgresql_server.url(postgresql_server.create_database()), 10, 2, 2)
    assert {k: write[k]["n"] for k in server_write.VARIANTS} == dict.fromkeys(server_write.VARIANTS, 10)  # type: ignore[index]
    url = postgresql_server.url(postgresql_server.create_database())
    live = server_live.run(url, readings=2)
    assert live["shown"] == 2 and live["never_shown"] == []
    now = datetime.now().astimezone()
    board = tenyear.read_step("board", url, now, "--reps", "2")
    history = tenyear.read_step("history", url, now, "--reps", "1", "--sample", "1")
    assert board["visits"] == 1 and history["largest"]["visits"] == 1  # type: ignore[index]
    results: dict[str, Any] = {
        "server": {
            "server": {"server_version": "18", "synchronous_commit": "on"},
            "write": write,
            "copy": {"seconds": 1.0, "rows": 100},
            "board": board,
            "history": history,
            "live": live,
        }
    }
    text = table(results)
    assert "clinic API / bare" in text and "change → visible on another workstation's board (2/2 shown)" in text
    live_row = next(line for line in text.splitlines() if "change → visible" in line)
    assert live_row.rstrip().endswith("OK") == (live["latency"]["p95_ms"] < 2000)  # type: ignore[index]
