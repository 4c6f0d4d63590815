"""Signing and verifying one signature: what a physician waits for, and what ``check`` pays per signature.

``python -m bench.signatures`` prints the median of each step at the program's own argon2id
cost: opening the sealed key (the password-derived key: the slow step, by design), the
Ed25519 signature itself, and verifying one (which ``check`` does for every signature).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from ketadesk.clinic.keys import KDF_COST
from ketadesk.core import signing_keys
from ketadesk.core.signing import canonical_signature


def _median_ms(step: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(reps: int = 200) -> dict[str, float]:
    """Median milliseconds: open the key, sign one signature row, verify one."""
    sealed = signing_keys.new_key("bench-password-1", 3, KDF_COST)
    private = signing_keys.open_key(sealed, "bench-password-1", 3)
    message = canonical_signature(
        visit_id=81234, addendum_id=None, signer_id=3, printed_name="Samuel Okonkwo", credentials="MD",
        meaning="Reviewed; discharge approved", signed_at="2026-11-24T10:41:07.000Z", content_hash="a" * 64, key_id=3,
    )  # fmt: skip
    signature = signing_keys.sign(private, message)
    public = signing_keys.verifier(sealed.public_key)
    return {
        "open_key_ms": _median_ms(lambda: signing_keys.open_key(sealed, "bench-password-1", 3), max(5, reps // 20)),
        "sign_ms": _median_ms(lambda: signing_keys.sign(private, message), reps),
        "verify_ms": _median_ms(lambda: signing_keys.verifies(public, signature, message), reps),
        "load_public_key_ms": _median_ms(lambda: signing_keys.verifier(sealed.public_key), reps),
    }


if __name__ == "__main__":
    for name, ms in run().items():
        print(f"{name:>20}: {ms:.3f} ms")
