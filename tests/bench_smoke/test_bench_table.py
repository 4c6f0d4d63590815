"""``python -m bench``'s table shows issue 11's rows: ``check`` full and quick, and the signing steps."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from bench import signatures
from bench.__main__ import FULL, _fraction, _scaled
from bench.table import check_rows, table

TIMING = {"n": 10, "median_ms": 300.0, "p95_ms": 400.0, "mean_ms": 310.0, "min_ms": 250.0, "max_ms": 420.0}
SIGNING: dict[str, Any] = {
    "kdf_cost": "64 MiB, 3 passes, 4 lanes",
    "open_key_ms": 150.0,
    "sign_ms": 0.03,
    "verify_ms": 0.1,
    "load_public_key_ms": 0.003,
    "visits_signed": 10,
    "password_check": TIMING,
    "sign_visit": TIMING,
    "check_after_signing": [],
}


def _check(seconds: float, problems: list[str]) -> dict[str, Any]:
    return {"quick": False, "seconds": seconds, "problems": problems, "audit_rows": 4_002_644, "rss_peak_mib": 90.0}


def test_check_rows_compare_the_full_size_clinic_with_the_issues_figure() -> None:
    """On the full ten-year clinic both checks are shown with their audit rows; the full one against 60 s."""
    rows = check_rows({"full_size": True, "check": _check(150.0, []), "check_quick": _check(120.0, ["x"])})
    assert [r[0] for r in rows] == [
        "ketadesk check (full integrity_check), 4,002,644 audit rows",
        "ketadesk check --quick, 4,002,644 audit rows",
    ]
    assert rows[0][1:] == ("150.0 s", "RSS 90 MiB", "≤ 60 s", "[] MISS (was 167–188 s)")
    assert rows[1][3:] == ("vs 167–188 s before", "1 problems MISS, 0.72× of 167 s")


def test_the_full_check_within_a_minute_is_ok() -> None:
    """Issue 17's goal: the full check on the full-size clinic in 60 s at most, clean, says OK."""
    rows = check_rows({"full_size": True, "check": {**_check(58.0, []), "rss_peak_workers_mib": 2100.0}})
    assert rows[0][1:] == ("58.0 s", "RSS 90 MiB, workers 2100", "≤ 60 s", "[] OK (was 167–188 s)")
    assert check_rows({"full_size": True, "check": _check(58.0, ["x"])})[0][4].startswith("1 problems MISS")


def test_a_scaled_clinic_is_not_compared() -> None:
    """A smaller clinic's check has fewer rows: judged by the same goal, the table says it is scaled."""
    rows = check_rows({"full_size": False, "check": _check(1.5, []), "check_quick": _check(1.5, [])})
    assert rows[0][3:] == ("≤ 60 s", "[] OK (scaled clinic)")
    assert rows[1][3] == "(scaled: not comparable)"
    assert "×" not in rows[1][4]


def test_the_table_renders_the_signing_rows() -> None:
    """The signing part of the results comes out as rows: the key, sign, verify, password check, sign_visit."""
    text = table({"signatures": SIGNING})
    assert "signing: open the sealed key (argon2id, 64 MiB, 3 passes, 4 lanes)  150.0 ms" in text
    assert "signing: whole sign_visit, password check included (10 visits)" in text
    assert len(text.splitlines()) == 2 + len(signatures.rows(SIGNING))


def test_scale_takes_a_fraction_of_the_full_clinic() -> None:
    """``--scale 0.01`` is 1 % of every count over the same ten years; 0 and more than 1 are refused."""
    small = _scaled(_fraction("0.01"))
    assert (small.patients, small.visits, small.vitals, small.years) == (50, 1_000, 25_000, FULL.years)
    for bad in ("0", "1.5", "-0.1"):
        with pytest.raises(argparse.ArgumentTypeError):
            _fraction(bad)
