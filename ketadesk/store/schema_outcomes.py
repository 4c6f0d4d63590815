"""Migrations of outcome measures between infusions (0016 on), appended in order, never edited once released."""

from __future__ import annotations

# The third wave registers first: these migrations follow 0015 whatever order the waves are imported in.
from ketadesk.store import schema_third  # noqa: F401
from ketadesk.store.guards import OUTCOME_ROWS, append_only_triggers, visit_lock_triggers
from ketadesk.store.migration_set import MigrationTarget, migration_number, migrations


@migrations(name="0016_outcome_measures")
def outcome_measures(db: MigrationTarget) -> None:
    """The instruments each course uses, the measures taken with them, and the suicide-risk flag's answers.

    ``course_instruments``: the instruments chosen for a course (their keys joined by commas);
    the latest row of a course counts, so a change is a new row. ``outcome_measures``: one
    instrument's answers for a patient (in a course, at a visit if any) with the totals, the
    status against the course baseline as computed when entered and the versions of the
    scoring and the rules that computed them, who entered it (the nurse's session, whether the
    nurse or the patient typed: ``mode``) and when. A correction is a new row pointing at the
    one it replaces (``corrects_id``, once per row, with its reason), a strike a row with
    ``entered_in_error``, as for readings. ``risk_assessments``: a clinician's assessment of
    the risk a PHQ-9 item-9 answer raised (level, action taken); ``risk_overrides``: a
    physician's decision to go on without one, with the reason, naming the session it was
    typed in when not the physician's own. All four are append-only; the rows of a visit are
    locked with it once it is signed.
    """
    for statement in (
        """CREATE TABLE course_instruments (
            id INTEGER PRIMARY KEY,
            course_id INTEGER NOT NULL REFERENCES courses(id),
            instruments TEXT NOT NULL CHECK (instruments != ''),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX course_instruments_course ON course_instruments(course_id, id)",
        """CREATE TABLE outcome_measures (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            course_id INTEGER REFERENCES courses(id),
            visit_id INTEGER REFERENCES visits(id),
            instrument TEXT NOT NULL,
            answers TEXT NOT NULL CHECK (json_valid(answers)),
            scores TEXT NOT NULL CHECK (json_valid(scores)),
            status TEXT NOT NULL CHECK (json_valid(status)),
            total INTEGER NOT NULL,
            scoring_version TEXT NOT NULL,
            rule_version TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('nurse', 'patient')),
            entered_at TEXT NOT NULL,
            entered_by INTEGER NOT NULL REFERENCES users(id),
            corrects_id INTEGER REFERENCES outcome_measures(id),
            entered_in_error INTEGER NOT NULL DEFAULT 0 CHECK (entered_in_error IN (0, 1)),
            correction_reason TEXT NOT NULL DEFAULT '',
            CHECK ((corrects_id IS NULL) = (trim(correction_reason) = '')),
            CHECK (entered_in_error = 0 OR corrects_id IS NOT NULL)
        ) STRICT""",
        "CREATE INDEX outcome_measures_patient ON outcome_measures(patient_id, instrument, entered_at)",
        "CREATE INDEX outcome_measures_visit ON outcome_measures(visit_id) WHERE visit_id IS NOT NULL",
        "CREATE INDEX outcome_measures_course ON outcome_measures(course_id) WHERE course_id IS NOT NULL",
        "CREATE UNIQUE INDEX outcome_measures_corrected_once ON outcome_measures(corrects_id)"
        " WHERE corrects_id IS NOT NULL",
        """CREATE TABLE risk_assessments (
            id INTEGER PRIMARY KEY,
            measure_id INTEGER NOT NULL REFERENCES outcome_measures(id),
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            visit_id INTEGER REFERENCES visits(id),
            level TEXT NOT NULL CHECK (level IN ('low', 'moderate', 'high')),
            action TEXT NOT NULL CHECK (trim(action) != ''),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX risk_assessments_patient ON risk_assessments(patient_id, id)",
        """CREATE TABLE risk_overrides (
            id INTEGER PRIMARY KEY,
            measure_id INTEGER NOT NULL REFERENCES outcome_measures(id),
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            visit_id INTEGER REFERENCES visits(id),
            reason TEXT NOT NULL CHECK (trim(reason) != ''),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id),
            entered_by INTEGER REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX risk_overrides_patient ON risk_overrides(patient_id, id)",
    ):
        db.execute(statement)
    append_only_triggers(db, OUTCOME_ROWS)
    visit_lock_triggers(db, ("outcome_measures", "risk_assessments", "risk_overrides"))
    db.execute(f"PRAGMA user_version = {migration_number('0016_outcome_measures')}")
