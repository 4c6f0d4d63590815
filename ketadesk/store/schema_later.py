"""Migrations after the first wave (0004 on), appended in order, never edited once released."""

from __future__ import annotations

from sqlite_utils import Database

from ketadesk.core.phases import IN_THE_CHAIR
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


@migrations(name="0007_in_the_chair")
def in_the_chair(db: Database) -> None:
    """The visits whose patient is in a chair now, as a table the database keeps itself.

    The board shows every visit still in progress whatever day it was booked for (a patient
    infusing at midnight stays on their chair until discharged). Finding them from the phase
    steps alone means reading the latest step of every visit ever booked — 40–70 ms on a
    ten-year clinic, where the board has 20. So, like the signature worklist (0005), a row
    appears when a visit's step into the chair is written and goes when a step out of it is,
    by trigger in the same statement; ``ketadesk check`` compares it with the phase steps.
    The phases are :data:`~ketadesk.core.phases.IN_THE_CHAIR` as it stood for this migration.
    """
    chair = "(" + ", ".join(f"'{phase.value}'" for phase in IN_THE_CHAIR) + ")"
    latest = "(SELECT phase FROM visit_events e WHERE e.visit_id = v.id ORDER BY e.id DESC LIMIT 1)"
    for statement in (
        """CREATE TABLE in_the_chair (
            visit_id INTEGER PRIMARY KEY REFERENCES visits(id),
            since TEXT NOT NULL
        ) STRICT""",
        f"""INSERT INTO in_the_chair (visit_id, since)
           SELECT v.id, (SELECT min(at) FROM visit_events e WHERE e.visit_id = v.id AND e.phase IN {chair})
           FROM visits v WHERE {latest} IN {chair}""",
        f"""CREATE TRIGGER in_the_chair_on_enter AFTER INSERT ON visit_events WHEN NEW.phase IN {chair}
           BEGIN INSERT OR IGNORE INTO in_the_chair (visit_id, since) VALUES (NEW.visit_id, NEW.at); END""",
        f"""CREATE TRIGGER in_the_chair_on_leave AFTER INSERT ON visit_events WHEN NEW.phase NOT IN {chair}
           BEGIN DELETE FROM in_the_chair WHERE visit_id = NEW.visit_id; END""",
    ):
        db.execute(statement)
    db.execute("PRAGMA user_version = 7")
