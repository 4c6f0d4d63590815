"""The rows of ``ketadesk check`` in ``python -m bench``'s table: full and quick, and the check since a checkpoint."""

from __future__ import annotations

from typing import Any

from bench import check_since

# Issue 11: ``ketadesk check`` on the full ten-year clinic took 167–188 s before it reconciled everything.
CHECK_BEFORE_S = (167.0, 188.0)
CHECK_GOAL_S = 60.0  # issue 17: the full ``ketadesk check`` on the full-size ten-year clinic, on the 2-vCPU VM


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def check_rows(t: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """``ketadesk check`` on the ten-year clinic, full and ``--quick``; the full one against issue 17's 60 s (OK or
    MISS, with issue 11's 167–188 s beside it on the full-size clinic); then the check since the checkpoint a clean
    full check leaves, against issue 17's 2 s (at any size: it reads what is new).

    A scaled clinic is judged by the same code against the same goal, and says it is scaled: it has fewer rows.
    """
    rows: list[tuple[str, str, str, str, str]] = []
    full_size = t.get("full_size", False)
    low, high = CHECK_BEFORE_S
    for key, label in (("check", "ketadesk check (full integrity_check)"), ("check_quick", "ketadesk check --quick")):
        c = t.get(key)
        if not c:
            continue
        clean = "[] OK" if c["problems"] == [] else f"{len(c['problems'])} problems MISS"
        workers = c.get("rss_peak_workers_mib")
        memory = f"RSS {c['rss_peak_mib']:.0f} MiB" + (f", workers {workers:.0f}" if workers else "")
        if key == "check":
            clean = (
                f"{len(c['problems'])} problems MISS"
                if c["problems"]
                else "[] " + _verdict(c["seconds"] <= CHECK_GOAL_S)
            )
            before = f" (was {low:.0f}–{high:.0f} s)" if full_size else " (scaled clinic)"
            rows.append(
                (
                    f"{label}, {c['audit_rows']:,} audit rows",
                    f"{c['seconds']:.1f} s",
                    memory,
                    f"≤ {CHECK_GOAL_S:g} s",
                    clean + before,
                )
            )
            continue
        versus = f", {c['seconds'] / low:.2f}× of {low:.0f} s" if full_size else ""
        rows.append(
            (
                f"{label}, {c['audit_rows']:,} audit rows",
                f"{c['seconds']:.1f} s",
                memory,
                f"vs {low:.0f}–{high:.0f} s before" if full_size else "(scaled: not comparable)",
                f"{clean}{versus}",
            )
        )
    if t.get("check_since"):
        rows += check_since.rows(t["check_since"])
    return rows
