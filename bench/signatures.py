"""Signing and verifying one signature: what a physician waits for, and what ``check`` pays per signature.

``python -m bench.signatures`` prints the median of each step at the program's own argon2id
cost (:data:`ketadesk.clinic.keys.KDF_COST`, never lowered here):

- opening the sealed key (the password-derived key: the slow step, by design);
- the Ed25519 signature itself, and verifying one (which ``check`` does for every signature),
  and loading a public key;
- the password check a signature starts with (``Accounts.confirm_password``: one argon2
  verification and its audit row);
- a whole ``Clinic.signing.sign_visit`` by a physician signed in on a small generated clinic
  (:mod:`bench.clinic_gen`): the outstanding-orders check, the password check, opening the
  key, hashing the visit's record, the Ed25519 signature, the signature row, the "signed"
  step and their audit rows in one transaction. Each repetition signs another discharged
  visit that waits for a signature (a signed visit is locked), so the count is what the
  small clinic holds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import clinic_gen
from bench.clinic_gen.vocabulary import BENCH_PASSWORD, PHYSICIANS
from bench.stats import summary
from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.clinic.keys import KDF_COST
from ketadesk.core import signing_keys
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import load_protocol
from ketadesk.core.signing import canonical_signature
from ketadesk.store.db import open_store

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
# About five visits a day over a year: the last two days' discharges (a dozen or so) wait to be signed.
SMALL = clinic_gen.BulkSpec(patients=120, visits=1_300, vitals=32_000, years=1, now=NOW)


def _median_ms(step: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def primitives(reps: int = 200) -> dict[str, float]:
    """Median milliseconds: open the key, sign one signature row, verify one, load a public key."""
    sealed = signing_keys.new_key(BENCH_PASSWORD, 3, KDF_COST)
    private = signing_keys.open_key(sealed, BENCH_PASSWORD, 3)
    message = canonical_signature(
        visit_id=81234, addendum_id=None, signer_id=3, printed_name="Samuel Okonkwo", credentials="MD",
        meaning="Reviewed; discharge approved", signed_at="2026-11-24T10:41:07.000Z", content_hash="a" * 64, key_id=3,
    )  # fmt: skip
    signature = signing_keys.sign(private, message)
    public = signing_keys.verifier(sealed.public_key)
    return {
        "open_key_ms": _median_ms(lambda: signing_keys.open_key(sealed, BENCH_PASSWORD, 3), max(5, reps // 20)),
        "sign_ms": _median_ms(lambda: signing_keys.sign(private, message), reps),
        "verify_ms": _median_ms(lambda: signing_keys.verifies(public, signature, message), reps),
        "load_public_key_ms": _median_ms(lambda: signing_keys.verifier(sealed.public_key), reps),
    }


def sign_visits(folder: Path, spec: clinic_gen.BulkSpec = SMALL, limit: int = 10) -> dict[str, Any]:
    """Up to ``limit`` whole ``sign_visit`` calls by a signed-in physician, and as many password checks."""
    assert spec.now is not None
    protocol = load_protocol(default_protocol_text())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "signing.sqlite"
    for suffix in ("", "-wal", "-shm"):  # a fresh clinic each run: the last run's visits are signed
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(path)
    try:
        for _ in clinic_gen.generate(store, protocol, spec):
            pass
    finally:
        store.close()
    clock = FakeClock(spec.now + timedelta(minutes=5))
    clinic = Clinic.open(path, clock, protocol)
    try:
        physician = clinic.sign_in(PHYSICIANS[0][0], BENCH_PASSWORD)
        waiting = [v.id for v in physician.signing.awaiting()][:limit]
        if not waiting:
            raise RuntimeError(f"the small clinic at {path} has no visit waiting for a signature")
        checks, signs = [], []
        for visit_id in waiting:
            clock.advance(minutes=1)
            start = time.perf_counter()
            physician.accounts.confirm_password(BENCH_PASSWORD, "reauthenticate")
            checks.append(time.perf_counter() - start)
            start = time.perf_counter()
            physician.signing.sign_visit(visit_id, BENCH_PASSWORD)
            signs.append(time.perf_counter() - start)
        problems = clinic.maintenance.check(quick=True)
    finally:
        clinic.close()
    return {
        "visits_signed": len(signs),
        "password_check": summary(checks),
        "sign_visit": summary(signs),
        "check_after_signing": problems,
    }


def run(folder: Path, reps: int = 200, limit: int = 10) -> dict[str, Any]:
    """Everything :mod:`bench.__main__` reports: the primitives, then whole signatures on a small clinic."""
    cost = f"{KDF_COST.memory_cost // 1024} MiB, {KDF_COST.time_cost} passes, {KDF_COST.parallelism} lanes"
    return {"kdf_cost": cost, **primitives(reps), **sign_visits(folder, limit=limit)}


def rows(s: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """The signature rows of ``python -m bench``'s table: what, median, p95, goal, result."""
    whole, check = s["sign_visit"], s["password_check"]
    return [
        (f"signing: open the sealed key (argon2id, {s['kdf_cost']})", f"{s['open_key_ms']:.1f} ms", "", "", ""),
        ("signing: one Ed25519 signature", f"{s['sign_ms']:.3f} ms", "", "", ""),
        ("signing: verify one signature (check, per signature)", f"{s['verify_ms']:.3f} ms", "", "", ""),
        ("  load a public key", f"{s['load_public_key_ms']:.3f} ms", "", "", ""),
        ("signing: password check (Accounts.confirm_password)", f"{check['median_ms']:.1f} ms",
         f"{check['p95_ms']:.1f} ms", "", ""),
        (f"signing: whole sign_visit, password check included ({s['visits_signed']} visits)",
         f"{whole['median_ms']:.1f} ms", f"{whole['p95_ms']:.1f} ms", "",
         "check []" if s["check_after_signing"] == [] else f"check: {len(s['check_after_signing'])} problems"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Print the medians, or the whole result as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.signatures", description=__doc__)
    parser.add_argument("--reps", type=int, default=200, help="repetitions of the fast steps")
    parser.add_argument("--visits", type=int, default=10, help="whole sign_visit calls (at most what waits)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ketadesk-bench-signing-") as folder:
        # The small clinic's chain key and witness stay in the temporary folder, not in the user's config folder.
        os.environ.setdefault("KETADESK_KEY_DIR", str(Path(folder) / "keys"))
        result = run(Path(folder), args.reps, args.visits)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
