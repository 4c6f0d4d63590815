"""``ketadesk check``: the full check (which leaves a checkpoint when it finds nothing) or the check since it.

The full check reads every row and, when all holds, records a checkpoint sealed with the
chain's key; ``--since-last-full-check`` verifies only what came after the newest trusted
checkpoint, in seconds, and says what it did not cover. Both print findings one a line on
stderr and exit 1; the check since exits 1 too when no checkpoint can be trusted, since
it then vouched for nothing.
"""

from __future__ import annotations

import argparse
import sys

from ketadesk.clinic import Clinic
from ketadesk.clinic.check_since import SinceCheck

EXIT_FAILED = 1


def add_arguments(check: argparse.ArgumentParser) -> None:
    """The check's options, on the ``check`` subcommand."""
    how = check.add_mutually_exclusive_group()
    how.add_argument("--quick", action="store_true", help="SQLite's quick_check instead of the full integrity_check")
    how.add_argument(
        "--since-last-full-check",
        action="store_true",
        help="only what was written since the last clean full check (from its keyed checkpoint): seconds, not minutes",
    )


def _problems(problems: tuple[str, ...] | list[str]) -> int:
    for problem in problems:
        sys.stderr.write(f"ketadesk: check failed: {problem}\n")
    return EXIT_FAILED


def full(clinic: Clinic, target: str, quick: bool, ok_words: str) -> int:
    """The full check; ``ok_words``: what its clean line says it covered (the engine's integrity words)."""
    done = clinic.maintenance.full_check(quick=quick)
    if done.problems:
        return _problems(done.problems)
    version = clinic.maintenance.schema_version()
    print(f"{target}: ok ({ok_words}, schema {version}, audit chain, records, users, signatures)")
    print(f"  {done.note}")
    recovered = clinic.maintenance.last_recovery()
    if recovered:
        print(f"  {recovered}")
    return 0


def since(clinic: Clinic, target: str) -> int:
    """The check since the last full check: what it found, covered and left to the full check."""
    done: SinceCheck = clinic.maintenance.check_since_last_full_check()
    if done.problems:
        _problems(done.problems)
    if done.full_check_needed:
        sys.stderr.write(f"ketadesk: check since the last full check: {done.full_check_needed}\n")
        return EXIT_FAILED
    last = done.last_full_check
    assert last is not None  # a trusted checkpoint was found: it is the last full check
    when = last.at.astimezone().strftime("%Y-%m-%d %H:%M")
    if done.problems:
        sys.stderr.write(f"ketadesk: found since the last full check ({when}, by {last.by}); run a full check\n")
        return EXIT_FAILED
    print(
        f"{target}: ok since the last full check ({when}, by {last.by}, up to audit entry {last.entry:,});"
        f" {done.entries_checked:,} audit entries since"
    )
    print("  checked: " + "; ".join(done.covered))
    print("  not checked (the full check does): " + "; ".join(done.not_covered))
    return 0
