"""Migrations after the first wave (0004 on), appended in order, never edited once released."""

from __future__ import annotations

from ketadesk.store import chain_key
from ketadesk.store.guards import KEY_ROWS, ORDER_ROWS, append_only_triggers, visit_lock_triggers
from ketadesk.store.migration_set import MigrationTarget, migrations


@migrations(name="0004_signature_worklist")
def signature_worklist(db: MigrationTarget) -> None:
    """Partial indexes over the two phases that make the physician's worklist (dropped by 0005).

    Every discharged visit has exactly one "discharged" step, and a "signed" step can only
    follow it, so the count waiting for a signature was the difference of two index counts;
    on a ten-year clinic that still took 10–20 ms, and 0005 keeps the worklist as a table.
    """
    db.execute("CREATE INDEX visit_events_discharged ON visit_events(visit_id) WHERE phase = 'discharged'")
    db.execute("CREATE INDEX visit_events_signed ON visit_events(visit_id) WHERE phase = 'signed'")
    db.execute("PRAGMA user_version = 4")


@migrations(name="0005_signature_worklist_table")
def signature_worklist_table(db: MigrationTarget) -> None:
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
def acknowledgement_entered_by(db: MigrationTarget) -> None:
    """Who typed an approval, when it is not the physician whose approval it is.

    A physician at the bedside approves in the nurse's session with their own password: the
    acknowledgement is the physician's (``by``) and names the nurse it was entered by
    (``entered_by``). Earlier rows have none: they were entered by their author.
    """
    db.execute("ALTER TABLE acknowledgements ADD COLUMN entered_by INTEGER REFERENCES users(id)")
    db.execute("PRAGMA user_version = 6")


def _number(name: str) -> int:
    """A migration's place in the set (1-based): what ``user_version`` says once it has run.

    Read from the set rather than written out, so the number a migration sets can never
    disagree with its place among the others.
    """
    return 1 + [m.name for m in migrations._migrations].index(name)


@migrations(name="0007_in_the_chair")
def in_the_chair(db: MigrationTarget) -> None:
    """The visits whose patient is in a chair now, as a table the database keeps itself.

    The board shows every visit still in progress whatever day it was booked for (a patient
    infusing at midnight stays on their chair until discharged). Finding them from the phase
    steps alone means reading the latest step of every visit ever booked — 40–70 ms on a
    ten-year clinic, where the board has 20. So, like the signature worklist (0005), a row
    appears when a visit's step into the chair is written and goes when a step out of it is,
    by trigger in the same statement; ``ketadesk check`` compares it with the phase steps.
    The phases are :data:`~ketadesk.core.phases.IN_THE_CHAIR` as it stood for this migration.
    """
    # Written out, not read from core: a released migration must not change when core's set does.
    chair = "('pre_assessment', 'infusing', 'stopped_early', 'observation', 'ready_for_discharge')"
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


@migrations(name="0008_dose_given")
def dose_given(db: MigrationTarget) -> None:
    """The amount of the prepared dose actually given, recorded when the pump stops.

    A completed infusion records the prepared dose; an early stop records the amount
    calculated from the time it ran, as the nurse confirmed or corrected it, next to the
    calculated one. Clinical record: append-only and locked with the visit (a later row
    would be a correction, the latest counts). Visits stopped before this have no row; core
    derives theirs and says so.
    """
    db.execute(
        """CREATE TABLE doses_given (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            dose_id INTEGER NOT NULL REFERENCES doses(id),
            given_mg REAL NOT NULL CHECK (given_mg >= 0),
            calculated_mg REAL NOT NULL CHECK (calculated_mg >= 0),
            minutes_run REAL NOT NULL CHECK (minutes_run >= 0),
            basis TEXT NOT NULL CHECK (basis IN ('completed', 'confirmed', 'corrected')),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT"""
    )
    db.execute("CREATE INDEX doses_given_visit ON doses_given(visit_id, id)")
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER doses_given_no_{action.lower()} BEFORE {action} ON doses_given
            BEGIN SELECT RAISE(ABORT, 'KetaDesk: doses_given rows are never changed or deleted;
            record a correction instead'); END"""
        )
    db.execute(
        """CREATE TRIGGER doses_given_signed_lock BEFORE INSERT ON doses_given WHEN
        (SELECT phase FROM visit_events WHERE visit_id = NEW.visit_id ORDER BY id DESC LIMIT 1) = 'signed'
        BEGIN SELECT RAISE(ABORT, 'KetaDesk: this visit is signed and locked; add an addendum instead'); END"""
    )
    db.execute(f"PRAGMA user_version = {_number('0008_dose_given')}")


@migrations(name="0009_approval_requests")
def approval_requests(db: MigrationTarget) -> None:
    """Approvals asked of a physician elsewhere, verbal orders, and the physicians' answers to both.

    A request (what, why, the values, to whom) is the nurse's; its answer (approved or
    declined, with the acknowledgement an approval wrote) is the physician's, in a row of
    its own. A verbal or telephone order names the physician whose order it is and carries
    the nurse's read-back (required); its countersignature or dispute is the physician's
    row. Every table is clinical record: append-only, one answer per request or order, and
    locked with the visit once signed.
    """
    for statement in (
        """CREATE TABLE approval_requests (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            subject TEXT NOT NULL,
            subject_id INTEGER,
            reason TEXT NOT NULL,
            concerned TEXT NOT NULL DEFAULT '',
            physician_id INTEGER NOT NULL REFERENCES users(id),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX approval_requests_visit ON approval_requests(visit_id, id)",
        "CREATE INDEX approval_requests_physician ON approval_requests(physician_id, id)",
        """CREATE TABLE approval_answers (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL UNIQUE REFERENCES approval_requests(id),
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            decision TEXT NOT NULL CHECK (decision IN ('approved', 'declined')),
            reason TEXT NOT NULL,
            acknowledgement_id INTEGER REFERENCES acknowledgements(id),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX approval_answers_visit ON approval_answers(visit_id)",
        """CREATE TABLE verbal_orders (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            subject TEXT NOT NULL,
            subject_id INTEGER,
            mode TEXT NOT NULL CHECK (mode IN ('verbal', 'telephone')),
            order_text TEXT NOT NULL,
            concerned TEXT NOT NULL DEFAULT '',
            physician_id INTEGER NOT NULL REFERENCES users(id),
            read_back INTEGER NOT NULL CHECK (read_back = 1),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX verbal_orders_visit ON verbal_orders(visit_id, id)",
        "CREATE INDEX verbal_orders_physician ON verbal_orders(physician_id, id)",
        """CREATE TABLE verbal_order_reviews (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL UNIQUE REFERENCES verbal_orders(id),
            visit_id INTEGER NOT NULL REFERENCES visits(id),
            review TEXT NOT NULL CHECK (review IN ('countersigned', 'disputed')),
            reason TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX verbal_order_reviews_visit ON verbal_order_reviews(visit_id)",
    ):
        db.execute(statement)
    append_only_triggers(db, ORDER_ROWS)
    visit_lock_triggers(db, ORDER_ROWS)
    db.execute(f"PRAGMA user_version = {_number('0009_approval_requests')}")


@migrations(name="0010_confirmed_extremes")
def confirmed_extremes(db: MigrationTarget) -> None:
    """A reading's extremes the nurse confirmed before it was saved (SBP 262 "is this the reading?" — yes).

    The extreme kinds joined by commas, as the alerts are; empty for an ordinary reading and
    for every reading before this. Who confirmed is who entered the reading (``entered_by``):
    the question is asked of the nurse saving it, in the same write.
    """
    db.execute("ALTER TABLE vitals ADD COLUMN confirmed_extremes TEXT NOT NULL DEFAULT ''")
    db.execute(f"PRAGMA user_version = {_number('0010_confirmed_extremes')}")


@migrations(name="0011_corrections")
def corrections(db: MigrationTarget) -> None:
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
    db.execute(f"PRAGMA user_version = {_number('0011_corrections')}")


@migrations(name="0012_signing_keys")
def signing_keys(db: MigrationTarget) -> None:
    """Clinicians' signing keys, their sealed private halves, and a digital signature on every new signature row.

    ``signing_keys`` is the public keys' history, kept forever: whose key, which, since when,
    and why (``created`` with a first password, ``reset`` when an administrator set a new
    password and so a new key pair). ``signing_key_seals`` holds each private key sealed
    under its owner's password (the newest seal of a key is the one in use: changing one's
    own password seals the same key again). Both are append-only. A signature row now names
    the key (``key_id``) and carries the Ed25519 signature (``signature``); rows written
    before this migration have neither, and ``keyed_signatures_from`` records the first id
    that must have both, so a later row without one is reported by ``ketadesk check``.
    """
    for statement in (
        """CREATE TABLE signing_keys (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            public_key BLOB NOT NULL CHECK (length(public_key) = 32),
            reason TEXT NOT NULL CHECK (reason IN ('created', 'reset')),
            created_at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        "CREATE INDEX signing_keys_user ON signing_keys(user_id, id)",
        """CREATE TABLE signing_key_seals (
            id INTEGER PRIMARY KEY,
            key_id INTEGER NOT NULL REFERENCES signing_keys(id),
            kdf TEXT NOT NULL,
            salt BLOB NOT NULL,
            nonce BLOB NOT NULL,
            sealed BLOB NOT NULL,
            at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX signing_key_seals_key ON signing_key_seals(key_id, id)",
        "CREATE TABLE keyed_signatures_from (id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL) STRICT",
        "INSERT INTO keyed_signatures_from (first_id) SELECT coalesce(max(id), 0) + 1 FROM signatures",
        "ALTER TABLE signatures ADD COLUMN key_id INTEGER REFERENCES signing_keys(id)",
        "ALTER TABLE signatures ADD COLUMN signature BLOB CHECK (signature IS NULL OR length(signature) = 64)",
    ):
        db.execute(statement)
    append_only_triggers(db, KEY_ROWS)
    db.execute(
        """CREATE TRIGGER keyed_signatures_from_one_row BEFORE INSERT ON keyed_signatures_from
        BEGIN SELECT RAISE(ABORT, 'KetaDesk: keyed_signatures_from holds one row, written by its migration'); END"""
    )
    db.execute(f"PRAGMA user_version = {_number('0012_signing_keys')}")


@migrations(name="0013_reconcile")
def protocol_in_force(db: MigrationTarget) -> None:
    """The protocol each visit was charted under: each distinct protocol once, by its content hash.

    A visit's row is written when its pre-assessment starts, so ``check`` can show that the
    protocol it ran under is the one recorded and that its text has not changed since
    (both tables are append-only, each row audited). Visits started before this have none.
    """
    for statement in (
        """CREATE TABLE protocols (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
            text TEXT NOT NULL,
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
        """CREATE TABLE visit_protocols (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL UNIQUE REFERENCES visits(id),
            protocol_id INTEGER NOT NULL REFERENCES protocols(id),
            at TEXT NOT NULL,
            by INTEGER NOT NULL REFERENCES users(id)
        ) STRICT""",
    ):
        db.execute(statement)
    append_only_triggers(db, ("protocols", "visit_protocols"))
    db.execute(f"PRAGMA user_version = {_number('0013_reconcile')}")


@migrations(name="0014_keyed_chain")
def keyed_chain(db: MigrationTarget) -> None:
    """The audit chain keyed with a secret held outside the database (:mod:`ketadesk.store.chain_key`).

    The installation gets its id (kept here, in ``installation``) and a key file in the
    key folder; every audit row gains a MAC beside its plain hash, which is kept, so rows
    verify as before; the rows already written are sealed once, here. A key folder that
    cannot be written fails the upgrade, which is then rolled back.
    """
    chain_key.key_the_chain(db.conn)
    db.execute(f"PRAGMA user_version = {_number('0014_keyed_chain')}")
