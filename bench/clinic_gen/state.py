"""What every part of the generator shares: the spec, the seeded random streams, the clock, the writer.

The generator is one object split by job across modules (planning, one day's events,
writing them); each part is a mixin over this state, so the hot loops still read plain
instance attributes and the random draws happen in exactly the order they always did —
the same :class:`BulkSpec` gives the same database.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from bench.clinic_gen.credentials import SigningKey
from bench.clinic_gen.model import Attempt, Event
from bench.clinic_gen.spec import UNSIGNED_DAYS, BulkSpec, chain_identity
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.instruments.rules import OutcomeStatus
from ketadesk.core.instruments.types import InstrumentKey, Scored
from ketadesk.core.protocol import Protocol
from ketadesk.store.bulk_insert import BulkWriter, fixed_installation
from ketadesk.store.db import Store

Scoring = tuple[Scored, str, str, tuple[str, str]]
"""An answer set scored by core, with the texts a measure stores: scores, answers, (instrument, scoring version)."""


def day_prefixes() -> Callable[[date, int], str]:
    """A function from (day, seconds into it) to the store's UTC ISO text, caching each day's prefix.

    Called for every row; formatting through ``datetime`` each time cost several seconds of a ten-year load.
    """
    cache: dict[date, str] = {}

    def at(day: date, sec: int) -> str:
        if 0 <= sec < 86_400:
            prefix = cache.get(day)
            if prefix is None:
                prefix = cache[day] = day.isoformat() + "T"
            hours, rest = divmod(sec, 3600)
            minutes, seconds = divmod(rest, 60)
            return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.000Z"
        return to_utc_iso(datetime.combine(day, time(), UTC) + timedelta(seconds=sec))

    return at


class GeneratorState:
    """The shared state of one load (see the module docstring)."""

    def __init__(self, store: Store, protocol: Protocol, spec: BulkSpec) -> None:
        if spec.patients < 1 or spec.visits < spec.patients or spec.vitals < 0 or spec.years < 1:
            raise ValueError("a bulk clinic needs ≥1 patient, at least one visit per patient and ≥1 year")
        self.store = store
        self.protocol = protocol
        self.spec = spec
        self.rng = random.Random(spec.seed)
        now = spec.now or datetime.now(UTC)
        if now.tzinfo is None:
            raise ValueError("BulkSpec.now must be timezone-aware")
        self.now = now.astimezone(UTC)
        self.today = now.astimezone().date()
        self.now_sec = int((self.now - datetime.combine(self.today, time(), UTC)).total_seconds())
        self.first_day = self.today - timedelta(days=round(365.25 * spec.years))
        self.template = protocol.template(None)
        self.chairs = max(1, protocol.chairs)
        self.at = day_prefixes()
        fixed_installation(store, *chain_identity(spec))  # before the writer reads the key it seals with
        self.w = BulkWriter(store)
        self.nurses: list[int] = []
        self.physicians: list[int] = []
        self.desk: list[int] = []
        # Each user's login, and the name and credentials they sign with (as signing.sign_visit takes them).
        self.logins: dict[int, str] = {}
        self.signs_as: dict[int, tuple[str, str]] = {}
        self.keys: dict[int, SigningKey] = {}
        """Each signer's signing key, opened (bench.clinic_gen.credentials)."""
        # Visits discharged before this day are signed, each on the day it is filed under here;
        # signing draws from its own generator so every other random choice of a seed stays as it was.
        self.sign_before = self.today - timedelta(days=UNSIGNED_DAYS)
        self.to_sign: dict[date, list[Attempt]] = {}
        self.sign_rng = random.Random(f"{spec.seed}:signing")
        self.signed: list[tuple[int, str]] = []
        # Outcome measures (bench.clinic_gen.outcomes): their own random stream, so every other draw stays as it was;
        # the instruments as the clinic words them; scorings and status texts remembered, as many repeat.
        self.outcome_rng = random.Random(f"{spec.seed}:outcomes")
        self.definitions = {i.key: i for i in protocol.outcomes.instruments}
        self.scorings: dict[tuple[InstrumentKey, tuple[tuple[int, int], ...]], Scoring] = {}
        self.status_texts: dict[OutcomeStatus, tuple[str, str]] = {}
        self._offsets: list[int] = [0]
        self._counter = 0

    def event(self, events: list[Event], day: date, sec: int, kind: int, *payload: object) -> None:
        """Note one thing that happens at ``sec`` seconds into ``day``; the day's events are written in time order."""
        self._counter += 1
        events.append((self.at(day, sec), self._counter, kind, payload))
