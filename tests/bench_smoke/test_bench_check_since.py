"""``python -m bench``'s rows for the check since the last full check: its figure against issue 17's 2 s."""

from __future__ import annotations

from typing import Any

from bench import check_since
from bench.table import check_rows


def _result(seconds: float, *, ok: bool = True, needed: str = "") -> dict[str, Any]:
    return {
        "full": {"seconds": 12.5, "problems": [], "note": "checkpoint recorded", "audit_rows": 420_575},
        "write": {"written": 50, "visits": 4, "seconds": 0.04},
        "since": {
            "open_seconds": 0.01,
            "seconds": seconds,
            "ok": ok,
            "problems": [],
            "full_check_needed": needed,
            "entries_checked": 52,
        },
    }


def test_the_check_since_within_its_goal_is_ok() -> None:
    """0.21 s after 50 vitals sets: shown beside the full check that left the checkpoint, OK against ≤ 2 s."""
    rows = check_rows({"check_since": _result(0.21)})
    assert rows[0] == ("ketadesk check, checkpoint recorded, 420,575 audit rows", "12.5 s", "", "", "[] OK")
    assert rows[1][1:] == ("0.21 s", "(open 0.01)", "≤ 2 s", "OK")
    assert "after 50 vitals sets (52 entries)" in rows[1][0]


def test_over_its_goal_or_with_nothing_to_start_from_is_a_miss() -> None:
    """Slower than 2 s is a MISS; so is a check since that found no checkpoint, however fast, with its reason."""
    assert check_since.rows(_result(2.5))[1][4] == "MISS"
    needed = check_since.rows(_result(0.01, ok=False, needed="no checkpoint"))[1][4]
    assert needed == "MISS (no checkpoint)"
