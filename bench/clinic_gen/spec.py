"""What a generated clinic looks like from outside: its size and seed, and how far a load has come."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

# Visits discharged this many days before "now" (and since) still wait for a signature, as in the demo.
UNSIGNED_DAYS = 2


@dataclass(frozen=True, slots=True)
class BulkSpec:
    """How big a clinic to generate, and from which seed."""

    patients: int = 5_000
    visits: int = 100_000
    vitals: int = 2_500_000
    years: int = 10
    seed: int = 20261127
    now: datetime | None = None
    """The moment the history ends (aware); today's visits are laid out around it. None: the system time."""
    today_visits: int | None = None
    """How many visits are booked today; None: the clinic's average day."""
    checklists: bool = False
    """Also write every checklist answer (about 14 rows and audit rows more per visit)."""
    cancel_rate: float = 0.03
    no_show_rate: float = 0.02


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a load has come: visits written of those planned, and rows written per table."""

    done: int
    total: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows written so far, every table together."""
        return sum(self.counts.values())


def chain_identity(spec: BulkSpec) -> tuple[str, bytes]:
    """The generated clinic's installation id and chain key: fixed by the spec, so the same spec gives the same file.

    A real installation's key is random (:func:`ketadesk.store.chain_key.issue`); a
    benchmark's is derived from its spec on purpose and is no secret.
    """
    digest = hashlib.sha256(repr(spec).encode("utf-8")).hexdigest()
    installation = f"bench-{digest[:24]}"
    return installation, hashlib.sha256(f"KetaDesk bench chain key {installation}".encode()).digest()
