"""Migrations after the first wave (0004 on), appended in order, never edited once released."""

from __future__ import annotations

from sqlite_utils import Database

from ketadesk.store.migration_set import migrations


@migrations(name="0004_signature_worklist")
def signature_worklist(db: Database) -> None:
    """Partial indexes over the two phases that make the physician's worklist (dropped by 0005).

    Every discharged visit has exactly one "discharged" step, and a "signed" step can only
    follow it, so the count waiting for a signature was the difference of two index counts;
    on a ten-year clinic that still took 10–20 ms, and 0005 keeps the worklist as a table.
    """
    db.execute("CREATE INDEX visit_events_discharged ON visit_events(visit_id) WHERE phase = 'discharged'")
    db.execute("CREATE INDEX visit_events_signed ON visit_events(visit_id) WHERE phase = 'signed'")
    db.execute("PRAGMA user_version = 4")


@migrations(name="0005_signature_worklist_table")
def signature_worklist_table(db: Database) -> None:
    """The physician's worklist as a table the database keeps itself, replacing 0004's indexes.

    A row appears when a visit's "discharged" step is written and goes when its "signed"
    step is, both by trigger in the same statement, so nothing the program or raw SQL
    writes can leave it out of step with the phase events it is derived from (``ketadesk
    check`` compares the two). It holds no clinical fact of its own — which is why it is the
    one table whose rows are deleted — and the status bar's count is one small count(*).
    """
    for statement in (
        "DROP INDEX visit_events_discharged",
        "DROP INDEX visit_events_signed",
        """CREATE TABLE awaiting_signature (
            visit_id INTEGER PRIMARY KEY REFERENCES visits(id),
            discharged_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX awaiting_signature_order ON awaiting_signature(discharged_at, visit_id)",
        """INSERT INTO awaiting_signature (visit_id, discharged_at)
           SELECT e.visit_id, e.at FROM visit_events e WHERE e.phase = 'discharged'
           AND NOT EXISTS (SELECT 1 FROM visit_events s WHERE s.visit_id = e.visit_id AND s.phase = 'signed')""",
        """CREATE TRIGGER awaiting_signature_on_discharge AFTER INSERT ON visit_events
           WHEN NEW.phase = 'discharged'
           BEGIN INSERT INTO awaiting_signature (visit_id, discharged_at) VALUES (NEW.visit_id, NEW.at); END""",
        """CREATE TRIGGER awaiting_signature_on_sign AFTER INSERT ON visit_events
           WHEN NEW.phase = 'signed'
           BEGIN DELETE FROM awaiting_signature WHERE visit_id = NEW.visit_id; END""",
    ):
        db.execute(statement)
    db.execute("PRAGMA user_version = 5")


@migrations(name="0006_acknowledgement_entered_by")
def acknowledgement_entered_by(db: Database) -> None:
    """Who typed an approval, when it is not the physician whose approval it is.

    A physician at the bedside approves in the nurse's session with their own password: the
    acknowledgement is the physician's (``by``) and names the nurse it was entered by
    (``entered_by``). Earlier rows have none: they were entered by their author.
    """
    db.execute("ALTER TABLE acknowledgements ADD COLUMN entered_by INTEGER REFERENCES users(id)")
    db.execute("PRAGMA user_version = 6")


@migrations(name="0010_corrections")
def corrections(db: Database) -> None:
    """Who corrected or struck an entry, when and why: one row per correction, for every kind of entry.

    A corrected reading, score, checklist answer or note is a new row of its own table; this
    row points from the original (``original_id``) to it (``replacement_id``). A strike as
    entered in error is this row alone, with no replacement. An entry is corrected once
    (a second correction corrects the replacement), the reason is never empty, and like
    every clinical row these are never changed, never deleted, and refused on a signed
    visit. Readings keep their own ``corrects_id`` pointer as before; earlier corrections
    of readings have no row here (their reason went into a correction note).
    """
    for statement in (
        """CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            record TEXT NOT NULL CHECK (record IN ('vitals', 'score', 'checklist', 'note')),
            original_id INTEGER NOT NULL,
            replacement_id INTEGER,
            reason TEXT NOT NULL CHECK (trim(reason) != ''),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id),
            UNIQUE (record, original_id)
        ) STRICT""",
        "CREATE INDEX corrections_visit ON corrections(visit_id, id)",
        """CREATE TRIGGER corrections_signed_lock BEFORE INSERT ON corrections WHEN
        (SELECT phase FROM visit_events WHERE visit_id = NEW.visit_id ORDER BY id DESC LIMIT 1) = 'signed'
        BEGIN SELECT RAISE(ABORT, 'KetaDesk: this visit is signed and locked; add an addendum instead'); END""",
    ):
        db.execute(statement)
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER corrections_no_{action.lower()} BEFORE {action} ON corrections
            BEGIN SELECT RAISE(ABORT, 'KetaDesk: corrections rows are never changed or deleted;
            record a correction instead'); END"""
        )
    # 0007–0009 are other branches' migrations: once they are merged before this one, this is 10.
    db.execute("PRAGMA user_version = 7")
