"""The first wave's migrations: the tables, the guards, the bedside record and signatures (0001–0003).

Released migrations are never edited; a change is a new migration in :mod:`ketadesk.store.schema_later`.
"""

from __future__ import annotations

from ketadesk.store.guards import guard_triggers, signed_lock_triggers
from ketadesk.store.migration_set import MigrationTarget, migrations


@migrations(name="0001_initial")
def initial(db: MigrationTarget) -> None:
    """Users, patients with revisions, courses, visits and every clinical record of a visit.

    Corrections are rows that point at what they correct (``corrects_id``); the phase of
    a visit is the latest of its ``visit_events``; the audit chain links each row to the
    hash of the row before it.
    """
    statements = [
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            login TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            credentials TEXT NOT NULL DEFAULT '',
            roles TEXT NOT NULL,
            password_hash TEXT,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            mrn TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            created_by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        """CREATE TABLE patient_revisions (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            revision INTEGER NOT NULL,
            family_name TEXT NOT NULL,
            given_name TEXT NOT NULL,
            date_of_birth TEXT NOT NULL,
            sex TEXT NOT NULL,
            weight_kg REAL,
            diagnoses TEXT NOT NULL DEFAULT '',
            allergies TEXT NOT NULL DEFAULT '',
            medications TEXT NOT NULL DEFAULT '',
            substance_use INTEGER NOT NULL CHECK (substance_use IN (0, 1)),
            substance_use_note TEXT NOT NULL DEFAULT '',
            contraindications TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL,
            recorded_by INTEGER NOT NULL REFERENCES users(id),
            UNIQUE (patient_id, revision)
        ) STRICT""",
        "CREATE INDEX patient_revisions_family ON patient_revisions(family_name COLLATE NOCASE)",
        """CREATE TABLE courses (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            template_key TEXT NOT NULL,
            visits_per_week TEXT NOT NULL,
            induction_count INTEGER NOT NULL CHECK (induction_count > 0),
            maintenance_interval_days INTEGER NOT NULL,
            start_date TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX courses_patient ON courses(patient_id)",
        """CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            course_id INTEGER REFERENCES courses(id),
            sequence INTEGER,
            scheduled_date TEXT NOT NULL,
            chair INTEGER,
            created_at TEXT NOT NULL,
            created_by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX visits_date ON visits(scheduled_date, chair)",
        "CREATE INDEX visits_patient ON visits(patient_id, scheduled_date)",
        "CREATE INDEX visits_course ON visits(course_id, sequence)",
        """CREATE TABLE visit_events (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            phase TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id),
            reason TEXT NOT NULL DEFAULT ''
        ) STRICT""",
        "CREATE INDEX visit_events_visit ON visit_events(visit_id, id)",
        """CREATE TABLE checklist_entries (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            checklist TEXT NOT NULL,
            item_key TEXT NOT NULL,
            checked INTEGER NOT NULL CHECK (checked IN (0, 1)),
            note TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX checklist_entries_visit ON checklist_entries(visit_id, id)",
        """CREATE TABLE weights (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            weight_kg REAL NOT NULL CHECK (weight_kg BETWEEN 25 AND 350),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX weights_visit ON weights(visit_id, id)",
        """CREATE TABLE doses (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            drug TEXT NOT NULL,
            route TEXT NOT NULL,
            mg_per_kg REAL NOT NULL,
            weight_kg REAL NOT NULL,
            dose_mg REAL NOT NULL,
            concentration_mg_per_ml REAL NOT NULL,
            volume_ml REAL NOT NULL,
            duration_min INTEGER NOT NULL,
            rate_ml_per_h REAL NOT NULL,
            lot_number TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX doses_visit ON doses(visit_id, id)",
        """CREATE TABLE vitals (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            taken_at TEXT NOT NULL,
            sbp INTEGER NOT NULL CHECK (sbp BETWEEN 40 AND 300),
            dbp INTEGER NOT NULL CHECK (dbp BETWEEN 20 AND 200 AND dbp < sbp),
            hr INTEGER NOT NULL CHECK (hr BETWEEN 20 AND 250),
            spo2 INTEGER NOT NULL CHECK (spo2 BETWEEN 50 AND 100),
            rr INTEGER NOT NULL CHECK (rr BETWEEN 2 AND 60),
            temp_c REAL CHECK (temp_c IS NULL OR temp_c BETWEEN 30 AND 43),
            source TEXT NOT NULL,
            alerts TEXT NOT NULL DEFAULT '',
            is_baseline INTEGER NOT NULL DEFAULT 0 CHECK (is_baseline IN (0, 1)),
            entered_at TEXT NOT NULL,
            entered_by INTEGER NOT NULL REFERENCES users(id),
            corrects_id INTEGER REFERENCES vitals(id),
            entered_in_error INTEGER NOT NULL DEFAULT 0 CHECK (entered_in_error IN (0, 1))
        ) STRICT""",
        "CREATE INDEX vitals_visit ON vitals(visit_id, taken_at)",
        "CREATE INDEX vitals_corrects ON vitals(corrects_id) WHERE corrects_id IS NOT NULL",
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id),
            corrects_id INTEGER REFERENCES notes(id)
        ) STRICT""",
        "CREATE INDEX notes_visit ON notes(visit_id, at)",
        "CREATE INDEX notes_corrects ON notes(corrects_id) WHERE corrects_id IS NOT NULL",
        """CREATE TABLE acknowledgements (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            subject TEXT NOT NULL,
            subject_id INTEGER,
            note TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX acknowledgements_visit ON acknowledgements(visit_id, subject, subject_id)",
        """CREATE TABLE scores (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            scale TEXT NOT NULL,
            total INTEGER NOT NULL,
            items TEXT NOT NULL DEFAULT '',
            taken_at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX scores_visit ON scores(visit_id, scale, taken_at)",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            before TEXT,
            after TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX audit_entity ON audit(entity, entity_id)",
    ]
    for statement in statements:
        db.execute(statement)
    guard_triggers(db)
    signed_lock_triggers(db)
    db.execute("PRAGMA user_version = 1")


@migrations(name="0002_bedside")
def bedside(db: MigrationTarget) -> None:
    """Adverse events, interventions given for them, and note drafts.

    Adverse events and interventions are clinical record: append-only and locked with the
    visit. Drafts are the nurse's unsaved typing, kept so an interruption loses nothing;
    they are scratch, replaced as the nurse types and cleared when the note is saved,
    and are not audited keystroke by keystroke (the saved note is).
    """
    for statement in (
        """CREATE TABLE adverse_events (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            kind TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            onset_at TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX adverse_events_visit ON adverse_events(visit_id, onset_at)",
        """CREATE TABLE interventions (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            adverse_event_id INTEGER REFERENCES adverse_events(id),
            drug TEXT NOT NULL,
            dose TEXT NOT NULL,
            route TEXT NOT NULL,
            given_at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX interventions_visit ON interventions(visit_id, given_at)",
        """CREATE TABLE drafts (
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            field TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (visit_id, user_id, field)
        ) STRICT""",
    ):
        db.execute(statement)
    for table in ("adverse_events", "interventions"):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, 'KetaDesk: {table} rows are never changed or deleted;
                record a correction instead'); END"""
            )
        db.execute(
            f"""CREATE TRIGGER {table}_signed_lock BEFORE INSERT ON {table} WHEN
            (SELECT phase FROM visit_events WHERE visit_id = NEW.visit_id ORDER BY id DESC LIMIT 1) = 'signed'
            BEGIN SELECT RAISE(ABORT, 'KetaDesk: this visit is signed and locked; add an addendum instead'); END"""
        )
    db.execute("PRAGMA user_version = 2")


@migrations(name="0003_signatures")
def signatures(db: MigrationTarget) -> None:
    """Sign-in safety for users, physicians' signatures, and addenda after signing.

    A signature records who signed, as printed, with credentials, when, what it means, and
    the SHA-256 of the canonical content it covers, so any later change to that content is
    found by ``ketadesk check``. Addenda are the only way to add to a signed visit; each is
    signed by its author. Both tables are append-only.
    """
    for statement in (
        "ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE users ADD COLUMN locked_until TEXT",
        """CREATE TABLE addenda (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            text TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX addenda_visit ON addenda(visit_id, id)",
        """CREATE TABLE signatures (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            addendum_id INTEGER REFERENCES addenda(id),
            signer_id INTEGER NOT NULL REFERENCES users(id),
            printed_name TEXT NOT NULL,
            credentials TEXT NOT NULL,
            meaning TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            content_hash TEXT NOT NULL CHECK (length(content_hash) = 64)
        ) STRICT""",
        "CREATE INDEX signatures_visit ON signatures(visit_id, id)",
        "CREATE UNIQUE INDEX signatures_one_per_visit ON signatures(visit_id) WHERE addendum_id IS NULL",
        "CREATE UNIQUE INDEX signatures_one_per_addendum ON signatures(addendum_id) WHERE addendum_id IS NOT NULL",
    ):
        db.execute(statement)
    for table in ("addenda", "signatures"):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, 'KetaDesk: {table} rows are never changed or deleted;
                record a correction instead'); END"""
            )
    db.execute("PRAGMA user_version = 3")
