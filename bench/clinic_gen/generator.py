"""The load itself: plan the clinic, write it day by day in chunks, and check what was signed as it commits.

Durability is relaxed for the load only (:func:`ketadesk.store.bulk_insert.relaxed_durability`)
and restored when it finishes, fails or is closed early. Each chunk commits as one
transaction, so a load stopped half way leaves a shorter clinic with a valid audit chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from bench.clinic_gen.day import DayEvents
from bench.clinic_gen.model import DONE, Event, Person
from bench.clinic_gen.planning import Planning
from bench.clinic_gen.spec import BulkSpec, Progress
from bench.clinic_gen.vocabulary import TODAY_PHASES
from bench.clinic_gen.writing import Writing
from ketadesk.clinic.anchors import witness_now
from ketadesk.core.protocol import Protocol
from ketadesk.core.signing import canonical_visit, content_hash
from ketadesk.store import patients as store_patients
from ketadesk.store import visits as store_visits
from ketadesk.store.bulk_insert import relaxed_durability
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError

# Rows buffered before a chunk commits: large enough that commits cost little, small enough to bound memory.
FLUSH_ROWS = 250_000
# About this many of the visits signed since the last commit are read back and re-hashed (Generator.flush).
SPOT_CHECKS = 20


class Generator(Planning, DayEvents, Writing):
    """One load of one :class:`BulkSpec` into one store."""

    def run(self) -> Iterator[Progress]:
        """Plan, then write every day up to today, yielding progress after each chunk and at the end."""
        if store_patients.count(self.store):
            raise StoreError("a bulk load fills a database without patients; this one has patients already")
        rng = self.rng
        people = self.plan()
        by_day = self.lay_out_days(people)
        office: dict[date, list[Person]] = {}
        revisions: dict[date, list[Person]] = {}
        for person in people:
            first = person.attempts[0].day
            office.setdefault(first - timedelta(days=rng.randint(1, 14)), []).append(person)
            if len(person.attempts) > 3 and rng.random() < 0.15:
                revisions.setdefault(rng.choice(person.attempts[1:-1]).day, []).append(person)
        busy = sorted(set(by_day) | set(office) | set(revisions))
        self.add_users(busy[0] - timedelta(days=30))
        # Every day up to today, not only the busy ones: a physician may sign on a day with no visits.
        days = [busy[0] + timedelta(days=n) for n in range((max(busy[-1], self.today) - busy[0]).days + 1)]
        total = self.spec.visits
        done = 0
        with relaxed_durability(self.store):
            for day in days:
                events: list[Event] = []
                signing = self.to_sign.pop(day, None)
                if signing:
                    self.sign_events(day, signing, events)
                for person in office.get(day, ()):
                    self.office_events(person, events, day)
                for person in revisions.get(day, ()):
                    self.revise_event(person, events, day)
                is_today = day == self.today
                cutoff = self.now_sec if is_today else None
                todays = 0
                for attempt in sorted(by_day.get(day, ()), key=lambda a: a.start):
                    if attempt.outcome == DONE:
                        target = None
                        if is_today:
                            target = TODAY_PHASES[todays % len(TODAY_PHASES)]
                            todays += 1
                        self.visit_events(attempt, events, cutoff, target)
                    else:
                        self.cancel_events(attempt, events, cutoff)
                    done += 1
                self.dispatch(events)
                if self.w.buffered >= FLUSH_ROWS:
                    self.flush()
                    yield Progress(done, total, dict(self.w.counts))
            self.flush()
        # The same spec makes the same installation: the witness of an earlier file with this id starts again here.
        witness_now(self.store)
        yield Progress(done, total, dict(self.w.counts))

    def flush(self) -> None:
        """Commit what is buffered, then re-hash a sample of the visits just signed from the stored record.

        The signatures were sealed from the content gathered while writing (:class:`Sealable`);
        reading a few back and hashing them as ``ketadesk check`` does makes any drift between
        that and :func:`canonical_visit` or :func:`visits.details` stop the load at once.
        """
        self.w.flush()
        signed, self.signed = self.signed, []
        if not signed:
            return
        sample = signed[:: max(1, len(signed) // SPOT_CHECKS)]
        rows = store_visits.rows_by_id(self.store, (visit_id for visit_id, _ in sample))
        stored = {
            detail.summary.id: content_hash(canonical_visit(detail))
            for detail, _ in store_visits.details(self.store, rows)
        }
        for visit_id, sealed in sample:
            if stored[visit_id] != sealed:
                raise StoreError(
                    f"visit {visit_id}: the bulk loader sealed content that differs from the stored "
                    "record; its Sealable no longer follows canonical_visit"
                )


def generate(store: Store, protocol: Protocol, spec: BulkSpec | None = None) -> Iterator[Progress]:
    """Fill an open store (with no patients yet) with a synthetic clinic, yielding progress as chunks commit.

    The last item has ``done == total`` and the row count of every table written. Closing
    the generator early leaves the chunks committed so far, consistent and audit-chained.
    """
    return Generator(store, protocol, spec or BulkSpec()).run()


def load(
    store: Store, protocol: Protocol, spec: BulkSpec | None = None, progress: Callable[[Progress], None] | None = None
) -> Progress:
    """Run :func:`generate` to the end and return its final progress (rows written per table)."""
    last = Progress(0, (spec or BulkSpec()).visits)
    for step in generate(store, protocol, spec):
        last = step
        if progress is not None:
            progress(step)
    return last
