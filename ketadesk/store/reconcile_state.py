"""The users and the schema against what their history says they must be.

Users are the one table whose rows change in place (a lockout, a new password, a disabled
login), each change with its audit entry; replaying a user's entries in order gives what
the row must hold now, so a role raised to administrator or a credential edited by raw
SQL shows as a difference. The password hash itself never enters the audit trail (it is a
secret), but since migration 0014 its SHA-256 does: a hash replaced behind the program's
back no longer matches. Users created earlier have no such digest until their next
password change; for them the password cannot be checked, everything else can.

The schema's tables, triggers and indexes are compared with a fresh in-memory database
built by the same migrations: a dropped guard trigger, an added one, a dropped index or an
altered definition is named (on PostgreSQL: :mod:`ketadesk.store.pg_schema_check`).
"""

from __future__ import annotations

import json

from ketadesk.store.db import Store
from ketadesk.store.payloads import password_digest
from ketadesk.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET
from ketadesk.store.schema_expected import expected_schema, schema_objects

UNKNOWN = "(not recorded)"  # a password digest the audit trail does not hold (users created before 0014)
_FIELDS = ("login", "display_name", "credentials", "roles", "active", "failed_attempts", "locked_until")


def _replay(store: Store, problems: list[str]) -> dict[int, dict[str, object]]:
    users: dict[int, dict[str, object]] = {}
    rows = store.execute(
        "SELECT id, action, entity_id, after FROM audit WHERE entity = 'user' AND entity_id IS NOT NULL ORDER BY id"
    )
    for entry_id, action, user_id, after_text in rows:
        try:
            after = json.loads(after_text) if after_text else {}
        except ValueError:
            problems.append(f"audit: entry {entry_id} (user {user_id}, {action}) holds no readable payload")
            continue
        if not isinstance(after, dict):
            continue
        state = users.get(user_id)
        if action == "create":
            users[user_id] = {
                **{name: after.get(name) for name in ("login", "display_name", "credentials", "roles")},
                "active": 1,
                "failed_attempts": 0,
                "locked_until": None,
                "password": after.get("password_sha256", UNKNOWN),
            }
        elif state is None:
            problems.append(f"audit: entry {entry_id} changes user {user_id}, whom no entry created")
        elif action == "set_password":
            state.update(failed_attempts=0, locked_until=None, password=after.get("password_sha256", UNKNOWN))
        elif action in ("enable", "disable"):
            state["active"] = int(bool(after.get("active")))
        elif "failed_attempts" in after:
            state.update(failed_attempts=after.get("failed_attempts"), locked_until=after.get("locked_until"))
    return users


def users_problems(store: Store) -> list[str]:
    """Each user as the table holds it against the user its audit entries make, field by field."""
    problems: list[str] = []
    replayed = _replay(store, problems)
    seen: set[int] = set()
    for row in store.execute(f"SELECT id, password_hash, {', '.join(_FIELDS)} FROM users ORDER BY id"):
        user_id = int(row["id"])
        seen.add(user_id)
        name = row["login"]
        expected = replayed.get(user_id)
        if expected is None:
            problems.append(f"user {name}: no audit entry created this login (id {user_id})")
            continue
        for field in _FIELDS:
            if row[field] != expected[field]:
                verb = "are" if field in ("roles", "credentials") else "is"
                problems.append(
                    f"user {name}: {field.replace('_', ' ')} {verb} {_shown(row[field])} in the table,"
                    f" {_shown(expected[field])} in the audit trail"
                )
        recorded = expected["password"]
        if recorded != UNKNOWN and password_digest(row["password_hash"]) != recorded:
            problems.append(f"user {name}: the password hash is not the one the audit trail records")
    for user_id in sorted(set(replayed) - seen):
        problems.append(
            f"users: user {user_id} ({replayed[user_id]['login']}) was created in the audit trail, not in the table"
        )
    return problems


def _shown(value: object) -> str:
    return "empty" if value is None or value == "" else str(value)


def schema_problems(store: Store) -> list[str]:
    """Tables, triggers and indexes that are missing, altered, or that no migration creates; migrations out of order.

    On PostgreSQL, its own catalog against the same migrations' objects (:mod:`ketadesk.store.pg_schema_check`).
    """
    if store.engine == "postgresql":
        from ketadesk.store import pg_schema_check
        from ketadesk.store.pg_engine import PostgresStore

        assert isinstance(store, PostgresStore)
        return pg_schema_check.schema_problems(store)
    expected = expected_schema()
    actual = schema_objects(store.conn)
    problems: list[str] = []
    for name, (kind, sql) in sorted(expected.items()):
        found = actual.get(name)
        if found is None:
            problems.append(f"schema: {kind} {name} is missing (the migrations create it)")
        elif found != (kind, sql):
            problems.append(f"schema: {kind} {name} differs from what the migrations create")
    for name, (kind, _sql) in sorted(actual.items()):
        if name not in expected:
            problems.append(f"schema: {kind} {name} is not created by any migration")
    if "_sqlite_migrations" in actual:
        applied = [
            r[0]
            for r in store.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,)
            )
        ]
        if applied != list(KNOWN_MIGRATIONS[: len(applied)]) or len(applied) != len(KNOWN_MIGRATIONS):
            problems.append(f"schema: the migrations recorded ({len(applied)}) are not this program's in order")
    return problems
