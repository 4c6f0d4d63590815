"""Migrations after the first wave (0004 on), appended in order, never edited once released."""

from __future__ import annotations

from sqlite_utils import Database

from ketadesk.store.migration_set import MIGRATION_SET, migrations


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


@migrations(name="0008_confirmed_extremes")
def confirmed_extremes(db: Database) -> None:
    """A reading's extremes the nurse confirmed before it was saved (SBP 262 "is this the reading?" — yes).

    The extreme kinds joined by commas, as the alerts are; empty for an ordinary reading and
    for every reading before this. Who confirmed is who entered the reading (``entered_by``):
    the question is asked of the nurse saving it, in the same write. The schema version is
    the count of migrations applied, counted here rather than written as a number, so this
    migration keeps its place whichever of its siblings in the same wave is merged first.
    """
    db.execute("ALTER TABLE vitals ADD COLUMN confirmed_extremes TEXT NOT NULL DEFAULT ''")
    applied = db.execute("SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]).fetchone()
    db.execute(f"PRAGMA user_version = {int(applied[0]) + 1}")
