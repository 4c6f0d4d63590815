"""The database's own guards, as triggers: clinical rows are append-only, a signed visit is locked.

Used by migration 0001, which is never edited once released: what these create is part of
that migration, so a change here is a new migration instead (0002 onwards add their own
triggers for the tables they add).
"""

from __future__ import annotations

from ketadesk.store.migration_set import MigrationTarget

# Tables whose rows are clinical record: never updated, never deleted.
_APPEND_ONLY_0001 = (
    "patient_revisions",
    "visit_events",
    "checklist_entries",
    "weights",
    "doses",
    "vitals",
    "notes",
    "acknowledgements",
    "scores",
    "audit",
)
# Every append-only table, including those added by later migrations.
# Approval requests, verbal orders and the physicians' answers to them: clinical, locked with the visit.
ORDER_ROWS = ("approval_requests", "approval_answers", "verbal_orders", "verbal_order_reviews")
# Signing keys' public halves, their seals, and where keyed signatures begin (0012): kept forever.
KEY_ROWS = ("signing_keys", "signing_key_seals", "keyed_signatures_from")
# Physicians' signatures over their approvals, answers and reviews, and where they begin (0015).
RECORD_SIGNATURE_ROWS = ("record_signatures", "record_signatures_from")
# Outcome measures, the instruments each course uses, and the suicide-risk flag's assessments and overrides (0016).
OUTCOME_ROWS = ("course_instruments", "outcome_measures", "risk_assessments", "risk_overrides")
# The course watch (0017): patients' requests and their decisions, screenings, physicians' acknowledged flags.
WATCH_ROWS = ("patient_requests", "request_decisions", "screenings", "flag_acknowledgements")
# What each clean full check verified, sealed with the chain's key (0019): where the incremental check starts.
CHECKPOINT_ROWS = ("checkpoints",)
APPEND_ONLY = (
    *_APPEND_ONLY_0001,
    "adverse_events",
    "interventions",
    "addenda",
    "signatures",
    "doses_given",
    "corrections",
    *ORDER_ROWS,
    *KEY_ROWS,
    "protocols",
    "visit_protocols",
    *RECORD_SIGNATURE_ROWS,
    *OUTCOME_ROWS,
    *WATCH_ROWS,
    *CHECKPOINT_ROWS,
)
# Tables whose rows may never be deleted (a few scheduling columns may change, audited).
NEVER_DELETED = ("users", "patients", "courses", "visits")


# Rows that belong to a visit and so are frozen once the visit is signed (0001's tables; later
# migrations lock the tables they add themselves: adverse events, interventions, corrections).
VISIT_ROWS = ("visit_events", "checklist_entries", "weights", "doses", "vitals", "notes", "acknowledgements", "scores")


def signed_lock_triggers(db: MigrationTarget) -> None:
    """A signed visit accepts nothing more, whoever sends it, raw SQL included.

    Corrections after signing are addenda, which live in their own table.
    """
    signed = "(SELECT phase FROM visit_events WHERE visit_id = NEW.visit_id ORDER BY id DESC LIMIT 1) = 'signed'"
    for table in VISIT_ROWS:
        db.execute(
            f"""CREATE TRIGGER {table}_signed_lock BEFORE INSERT ON {table} WHEN {signed}
            BEGIN SELECT RAISE(ABORT, 'KetaDesk: this visit is signed and locked; add an addendum instead'); END"""
        )
    db.execute(
        """CREATE TRIGGER visits_signed_lock BEFORE UPDATE ON visits WHEN
        (SELECT phase FROM visit_events WHERE visit_id = OLD.id ORDER BY id DESC LIMIT 1) = 'signed'
        BEGIN SELECT RAISE(ABORT, 'KetaDesk: this visit is signed and locked; add an addendum instead'); END"""
    )


def guard_triggers(db: MigrationTarget) -> None:
    """Clinical rows are never updated or deleted, and the core records never deleted, raw SQL included."""
    for table in _APPEND_ONLY_0001:
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, 'KetaDesk: {table} rows are never changed or deleted;
                record a correction instead'); END"""
            )
    for table in NEVER_DELETED:
        db.execute(
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'KetaDesk: {table} rows are never deleted'); END"""
        )


def append_only_triggers(db: MigrationTarget, tables: tuple[str, ...]) -> None:
    """Rows of ``tables`` are never updated or deleted (for the tables a later migration adds)."""
    for table in tables:
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, 'KetaDesk: {table} rows are never changed or deleted;
                record a correction instead'); END"""
            )


def visit_lock_triggers(db: MigrationTarget, tables: tuple[str, ...]) -> None:
    """A signed visit accepts no new row in ``tables`` (each has a ``visit_id``), raw SQL included."""
    for table in tables:
        db.execute(
            f"""CREATE TRIGGER {table}_signed_lock BEFORE INSERT ON {table} WHEN
            (SELECT phase FROM visit_events WHERE visit_id = NEW.visit_id ORDER BY id DESC LIMIT 1) = 'signed'
            BEGIN SELECT RAISE(ABORT, 'KetaDesk: this visit is signed and locked; add an addendum instead'); END"""
        )
