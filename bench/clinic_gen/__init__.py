"""The benchmark's synthetic clinic: ten years of a whole clinic written straight into the store, fast.

For the benchmarks (``python -m bench``) only; it is not part of the product, and KetaDesk
never imports it (an import-linter contract holds that). It writes users, patients with
revisions, treatment courses, visits with their phase timelines, weights, doses, vitals
(with the alerts core classifies), sedation and Aldrete scores, acknowledgements of alert
readings and high baselines, a few adverse events with what was given for them,
physicians' signatures, outcome measures (each course's instruments, PHQ-9, GAD-7, PCL-5 or
the Fear Questionnaire before each induction infusion and every 14 days after, scored by
core, with the risk assessments a PHQ-9 item 9 above 0 calls for) and, optionally,
checklist answers — and for every row the audit
row the clinic API would have written, with the same action, entity and JSON payload
(:mod:`ketadesk.store.payloads`, shared with the store's own writes), hash-chained in id
order, so ``verify_chain`` and ``Clinic.check()`` pass.

What it needs from the store is the bulk-insert seam :mod:`ketadesk.store.bulk_insert`:
ids assigned up front, ``executemany`` in large transactions (parents before children),
the audit chain sealed row by row, and relaxed durability restored afterwards.

The parts, one job each:

- :mod:`~bench.clinic_gen.spec` — :class:`BulkSpec` (size and seed) and :class:`Progress`;
- :mod:`~bench.clinic_gen.vocabulary` — staff, names, reasons, adverse events;
- :mod:`~bench.clinic_gen.model` — the working records (patients, attempts, sealed content);
- :mod:`~bench.clinic_gen.planning` — every patient's visits, chairs and start times;
- :mod:`~bench.clinic_gen.day` — one day's acts as time-stamped events;
- :mod:`~bench.clinic_gen.outcomes` — each course's instruments, how it goes, its measures;
- :mod:`~bench.clinic_gen.writing` — the events as rows and audit rows;
- :mod:`~bench.clinic_gen.credentials` — the staff's password hash and fixed signing keys;
- :mod:`~bench.clinic_gen.generator` — the load: day by day, chunk by chunk, spot-checking signatures.

Signing: a physician signs each discharged visit the next working day (Monday to Friday)
after it, in one morning session, as ``clinic.signing.sign_visit`` would: a ``signatures`` row
sealing the visit's canonical content (``canonical_visit``) and carrying the physician's
Ed25519 signature by their generated key (each user gets one with their password, as
``create_user`` issues it), the "signed" step, and their audit rows. Visits discharged in
the last :data:`UNSIGNED_DAYS` days (and any whose signing would fall after "now") are left
for the physician's worklist. The content is gathered as the rows are written, and after
every commit a sample of the visits signed is read back and hashed exactly as ``ketadesk
check`` does: if the two ever part, the load stops with a ``StoreError``.

Everything comes from a seeded :class:`random.Random`: the same :class:`BulkSpec` gives
the same database. Ids are assigned in time order (each day's events are sorted by their
timestamp before they get ids).

Simplifications, on purpose: times of day are laid out in UTC; the clinic is open every
day; a visit has about ``vitals / visits`` readings (the manual ones on the protocol's
schedule — baseline, every 10 min infusing, every 15 min in observation — with a
monitor feed filling in between); the physician's password re-entry before each signature
is not written (as with the demo's signatures); no addenda; checklist answers are off by
default.
"""

from __future__ import annotations

from bench.clinic_gen.generator import generate, load
from bench.clinic_gen.spec import UNSIGNED_DAYS, BulkSpec, Progress

__all__ = ["UNSIGNED_DAYS", "BulkSpec", "Progress", "generate", "load"]
