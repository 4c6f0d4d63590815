"""The course watch's migrations: its record (0017) and the index its course figures are read from (0018).

0017 holds patients' requests and their decisions, screenings and acknowledged flags.

Its own module, imported last by :mod:`ketadesk.store.schema`, so its number comes from its
place in the set (:func:`~ketadesk.store.migration_set.migration_number`) whatever was
released before it.
"""

from __future__ import annotations

# Outcome measures register first: this migration follows 0016 whatever order the waves are imported in.
from ketadesk.store import schema_outcomes  # noqa: F401
from ketadesk.store.guards import WATCH_ROWS, append_only_triggers
from ketadesk.store.migration_set import MigrationTarget, migration_number, migrations

# Written out, not read from core: a released migration must not change when core's sets do.
_REQUESTS = "('extra_infusion', 'higher_dose', 'earlier_visit')"
# Each part says IS NOT NULL first: a CHECK that comes out NULL (a missing score "BETWEEN 0 AND 12") passes.
_SCORED_OR_RESULT = """(
    (kind = 'audit_c' AND score IS NOT NULL AND score BETWEEN 0 AND 12 AND result IS NULL)
    OR (kind = 'dast_10' AND score IS NOT NULL AND score BETWEEN 0 AND 10 AND result IS NULL)
    OR (kind = 'urine_drug_screen' AND score IS NULL AND result IS NOT NULL
        AND result IN ('negative', 'positive', 'positive_prescribed'))
    OR (kind = 'prescription_monitoring' AND score IS NULL AND result IS NOT NULL
        AND result IN ('no_concerns', 'concerns')))"""


@migrations(name="0017_course_watch")
def course_watch(db: MigrationTarget) -> None:
    """The tolerance and misuse watch's record: what patients asked for, screenings, physicians' acknowledgements.

    ``patient_requests`` (an extra infusion, a higher dose, an earlier visit: when asked,
    who wrote it down) and ``request_decisions`` (one per request: granted or refused, why,
    by which physician) belong to a course. ``screenings`` (AUDIT-C or DAST-10 with its
    total in the instrument's range, a urine drug screen or a prescription-monitoring check
    with its result) belong to the patient. ``flag_acknowledgements`` hold a physician's
    review of one occurrence of a flag — the rule, its version, the fingerprint of the
    inputs, those inputs as shown, a note — with the physician's Ed25519 signature over the
    row (its id, its columns, the key) in the row itself, so a row forged or edited with raw
    SQL no longer verifies. Every table is append-only; each row is audited.
    """
    for statement in (
        f"""CREATE TABLE patient_requests (
            id INTEGER PRIMARY KEY,
            course_id INTEGER NOT NULL REFERENCES courses(id),
            kind TEXT NOT NULL CHECK (kind IN {_REQUESTS}),
            detail TEXT NOT NULL,
            requested_at TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX patient_requests_course ON patient_requests(course_id, id)",
        """CREATE TABLE request_decisions (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL UNIQUE REFERENCES patient_requests(id),
            decision TEXT NOT NULL CHECK (decision IN ('granted', 'refused')),
            reason TEXT NOT NULL CHECK (trim(reason) != ''),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        f"""CREATE TABLE screenings (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            kind TEXT NOT NULL,
            score INTEGER,
            result TEXT,
            detail TEXT NOT NULL DEFAULT '',
            done_at TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id),
            CHECK {_SCORED_OR_RESULT}
        ) STRICT""",
        "CREATE INDEX screenings_patient ON screenings(patient_id, kind, done_at)",
        """CREATE TABLE flag_acknowledgements (
            id INTEGER PRIMARY KEY,
            course_id INTEGER NOT NULL REFERENCES courses(id),
            rule TEXT NOT NULL,
            rule_version INTEGER NOT NULL CHECK (rule_version >= 1),
            fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
            inputs TEXT NOT NULL,
            note TEXT NOT NULL CHECK (trim(note) != ''),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id),
            key_id INTEGER NOT NULL REFERENCES signing_keys(id),
            signature BLOB NOT NULL CHECK (length(signature) = 64),
            UNIQUE (course_id, rule, fingerprint)
        ) STRICT""",
    ):
        db.execute(statement)
    append_only_triggers(db, WATCH_ROWS)
    db.execute(f"PRAGMA user_version = {migration_number('0017_course_watch')}")


@migrations(name="0018_course_figures")
def course_figures(db: MigrationTarget) -> None:
    """An index holding every reading's pressures and SpO2 by visit, so a course's extremes are read from it alone.

    The course screen and the course PDF show each visit's highest blood pressure and lowest
    SpO2 (:mod:`ketadesk.core.course_record`). A long course's visits have thousands of
    readings spread over a ten-year table; read through ``vitals_visit`` each one costs a
    look-up in the table, through this index none does.
    """
    db.execute("CREATE INDEX vitals_figures ON vitals(visit_id, entered_in_error, sbp, dbp, spo2)")
    db.execute(f"PRAGMA user_version = {migration_number('0018_course_figures')}")
