"""A SQLite clinic file copied whole into an empty PostgreSQL clinic database (``ketadesk migrate --to``).

Every row of every table arrives with its id, in one transaction on the server under the
store's write lock, read from one snapshot of the file (``BEGIN IMMEDIATE``: nobody writes to
the file meanwhile; it is rolled back, so the file is never changed). The guards stay on: the
rows go in through ``COPY``, which fires every row trigger as an INSERT does, in an order the
triggers accept — each table after the tables it refers to, and the phase steps last, so a
signed visit's rows are in before the step that locks it. The worklists the phase steps'
triggers keep (:data:`~ketadesk.store.pg_roles.TRIGGER_WRITTEN`) are made by those triggers on
arrival and then compared with the file's. The identity sequences are moved past the ids copied.

The rows the migrations wrote are the file's: the installation (so the audit chain's key on
this workstation is the database's key, and every MAC still holds), and where keyed and
record signatures begin. The target's migrations wrote their own; the installation row may
still change (no audit row exists yet), while the other two are append-only, so where they
differ from the file's (a clinic upgraded from before signing keys) their guards are lifted
for the one replacement and put back inside the same transaction. Only the tables' owner can
do that, never the application role; so the copy runs as the owner (:func:`~ketadesk.store.
pg_roles.act_as_owner`), and no other connection ever sees a guard lifted.

Before committing, the copy writes one audit entry of its own (action ``migrate``: the file, and
the head its chain ended at) and runs the caller's verification on the database as it now
stands (the clinic layer: the keyed audit chain, every signature); a problem rolls it all back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from ketadesk.core.audit_head import AuditHead
from ketadesk.store import audit, chain_key, pg_roles, users
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_engine import PostgresStore

MIGRATE = "migrate"
# PostgreSQL's version tables and SQLite's: each engine's own, never copied.
_VERSIONS = ("schema_version", "schema_migrations", "_sqlite_migrations")
# Rows the migrations wrote: made the file's rather than copied.
_SET_FROM_FILE = ("keyed_signatures_from", "record_signatures_from")
# Refers to no table and is referred to by none that a signed visit locks: copied last.
_LOCKING_STEPS = "visit_events"


@dataclass(frozen=True, slots=True)
class Copied:
    """What arrived: rows per table (the worklists included), and the audit entry that records the copy."""

    rows: dict[str, int]
    installation: str
    entry: int


def _sqlite_tables(source: Store) -> list[str]:
    rows = source.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'")
    return sorted(str(r[0]) for r in rows if r[0] not in _VERSIONS)


def emptiness(target: PostgresStore) -> str | None:
    """Why ``target`` is not an empty clinic database (rows beyond its migrations', tables not KetaDesk's), or None."""
    present = pg_roles.tables(target)
    if "schema_migrations" not in present:
        if present:
            return f"{target.name} holds tables that are not a KetaDesk clinic's ({', '.join(present[:5])})"
        return None
    found: list[str] = []
    for table in present:
        if table in pg_roles.MIGRATION_WRITTEN:
            continue
        row = target.connection.raw.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
        if row and row[0]:
            found.append(f"{row[0]:,} in {table}")
    if not found:
        return None
    return (
        f"{target.name} is not empty (rows: {', '.join(found[:6])}{', …' if len(found) > 6 else ''}); a clinic is "
        "copied only into an empty clinic database (`ketadesk server init` makes one); nothing was changed"
    )


def _order(source: Store, tables: list[str]) -> list[str]:
    """The tables each after the ones it refers to (alphabetical among equals), the phase steps last."""
    refers = {
        t: {str(r[2]) for r in source.all(f"PRAGMA foreign_key_list({t})")} & set(tables) - {t, _LOCKING_STEPS}
        for t in tables
        if t != _LOCKING_STEPS
    }
    if any(_LOCKING_STEPS in {str(r[2]) for r in source.all(f"PRAGMA foreign_key_list({t})")} for t in tables):
        raise StoreError("a table refers to visit_events, so it cannot be copied after the phase steps that lock it")
    ordered: list[str] = []
    while refers:
        ready = sorted(t for t, needs in refers.items() if needs <= set(ordered))
        if not ready:
            raise StoreError(f"the tables {', '.join(sorted(refers))} refer to each other in a circle")
        ordered.extend(ready)
        for t in ready:
            del refers[t]
    return [*ordered, _LOCKING_STEPS] if _LOCKING_STEPS in tables else ordered


def _columns(source: Store, target: PostgresStore, table: str) -> list[str]:
    mine = [str(r[1]) for r in source.all(f"PRAGMA table_info({table})")]
    theirs = target.all(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
        (pg_roles.SCHEMA, table),
    )
    if set(mine) != {str(r[0]) for r in theirs}:
        raise StoreError(f"the table {table} has other columns on {target.name} than in the file; nothing was copied")
    return mine


def _copy_table(source: Store, target: PostgresStore, table: str, columns: list[str]) -> int:
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)
    listed = ", ".join(f'"{c}"' for c in columns)
    count = 0
    try:
        with target.connection.raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in source.conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY rowid'):
                copy.write_row(tuple(row))
                count += 1
    except psycopg.Error as error:
        said = (error.diag.message_primary or str(error)).strip()
        raise StoreError(f"the rows of {table} were refused on {target.name}: {said}; nothing was copied") from error
    return count


def _rows(store: Store, table: str, order: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.all(f"SELECT * FROM {table} ORDER BY {order}")]


def _set_from_file(source: Store, target: PostgresStore) -> None:
    """The installation and where signatures begin, as the file has them (see the module's docstring)."""
    row = source.one("SELECT installation, key_check FROM installation")
    if row is None:
        raise StoreError(f"{source.path} has no installation id, so its audit chain has no key; nothing was copied")
    target.execute("UPDATE installation SET installation = ?, key_check = ? WHERE id = 1", (row[0], row[1]))
    for table in _SET_FROM_FILE:
        wanted = _rows(source, table, "id")
        if _rows(target, table, "id") == wanted:
            continue
        name = sql.Identifier(table)
        pg_roles.run(target, sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(name), f"lift the guards of {table}")
        target.execute(f"DELETE FROM {table}")
        for values in wanted:
            marks = ", ".join("?" for _ in values)
            target.execute(f"INSERT INTO {table} VALUES ({marks})", values)
        pg_roles.run(
            target, sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(name), f"restore the guards of {table}"
        )


def _advance_sequences(target: PostgresStore) -> None:
    rows = target.all(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ? AND is_identity = 'YES'",
        (pg_roles.SCHEMA,),
    )
    for table, column in rows:
        pg_roles.run(
            target,
            sql.SQL("SELECT setval(pg_get_serial_sequence({}, {}), max({})) FROM {}").format(
                sql.Literal(str(table)),
                sql.Literal(str(column)),
                sql.Identifier(str(column)),
                sql.Identifier(str(table)),
            ),
            f"move the ids of {table} past the rows copied",
        )


def copy_clinic(source: Store, target: PostgresStore, *, at: str, verify: Callable[[Store], list[str]]) -> Copied:
    """Copy the SQLite clinic ``source`` into the empty ``target`` (connected as its owner), or change nothing.

    ``verify`` runs on the target before the commit; any problem it names rolls the copy back.
    """
    if source.engine != "sqlite" or not isinstance(target, PostgresStore):
        raise StoreError("a clinic is copied from a SQLite file into a PostgreSQL database")
    if source.chain.secret is None:
        raise StoreError(f"{source.path}: {source.chain.problem}; the copy's audit chain could not be verified")
    tables = _sqlite_tables(source)
    expected = set(pg_roles.tables(target)) - set(_VERSIONS)
    if set(tables) != expected:
        differ = sorted(set(tables) ^ expected)
        raise StoreError(f"{target.name} and {source.path} have different tables ({', '.join(differ)}); nothing copied")
    copied = [t for t in _order(source, tables) if t not in pg_roles.MIGRATION_WRITTEN + pg_roles.TRIGGER_WRITTEN]
    before, rows = chain_key.load(target.connection), {}
    with target.transaction():
        refusal = emptiness(target)  # again, under the write lock: nobody wrote since it was looked at
        if refusal is not None:
            raise StoreError(refusal)
        source.conn.execute("BEGIN IMMEDIATE")
        try:
            _set_from_file(source, target)
            rows = {t: len(_rows(target, t, "id")) for t in ("installation", *_SET_FROM_FILE)}
            rows |= {t: _copy_table(source, target, t, _columns(source, target, t)) for t in copied}
            for table in pg_roles.TRIGGER_WRITTEN:
                if _rows(source, table, "visit_id") != _rows(target, table, "visit_id"):
                    raise StoreError(
                        f"{source.path}: its worklist {table} is out of step with its phase steps "
                        "(`ketadesk check` names the visits); nothing was copied"
                    )
                rows[table] = len(_rows(target, table, "visit_id"))
            head = audit.head(source)
        finally:
            source.conn.execute("ROLLBACK")
        _advance_sequences(target)
        try:
            target.chain = chain_key.load(target.connection)
            entry = _record(source, target, at, head)
            _advance_sequences(target)  # past the copy's own entry too (audit ids are given, not drawn)
            problems = verify(target)
        except BaseException:
            target.chain = before
            raise
        if problems:
            target.chain = before
            raise StoreError(f"the copy on {target.name} did not verify, so nothing was copied: {'; '.join(problems)}")
    target.gather_statistics()
    if before.installation and before.folder and before.installation != target.chain.installation:
        chain_key.key_path(before.folder, before.installation).unlink(missing_ok=True)  # the empty target's own
    return Copied(rows, str(target.chain.installation), entry)


def _record(source: Store, target: PostgresStore, at: str, head: AuditHead | None) -> int:
    """The copy's own audit entry, by the program itself: which file, and the entry its chain ended at."""
    if target.chain.secret is None:
        raise StoreError(f"{target.name}: {target.chain.problem}; nothing was copied")
    system = users.system_user(target, at)
    ended = None if head is None else {"entry": head.entry, "hash": head.hash, "mac": head.mac}
    file = str(source.path.resolve()) if source.path is not None else ""
    return audit.write(
        target,
        at=at,
        actor_id=system.id,
        action=MIGRATE,
        entity="database",
        entity_id=None,
        after={"from": "sqlite", "file": file, "file_head": ended},
    )
