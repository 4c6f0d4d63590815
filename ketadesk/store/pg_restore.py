"""Putting a logical dump back: into an empty PostgreSQL database, whole, verified before and after, audited.

The dump is verified first (:mod:`ketadesk.store.pg_dump_file`); the database must hold no
record (none but the rows its migrations write) and be at the dump's schema. Then, in one
transaction under the store's write lock: the tables' own triggers are set aside
(``ALTER TABLE … DISABLE TRIGGER USER``, which only the tables' owner may do, and which no
other session sees before the commit), every row is copied in as the dump holds it (the
worklists' rows too, rather than re-made by the triggers), each id's counter set after the
largest id, the triggers put back, the audit chain walked again with the chain's key, and
the restore audited as on SQLite (:func:`ketadesk.store.restore.record_restore`), naming
the dump and its head. Anything failing rolls it all back: the database stays empty.

Foreign keys stay enforced while the rows go in (tables in the order they reference each
other), so a dump whose rows point nowhere does not arrive.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import psycopg

from ketadesk.core.audit_head import AuditHead
from ketadesk.store import audit, chain_key, pg_dump, pg_dump_file, users
from ketadesk.store.db import open_store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_dialect import quoted
from ketadesk.store.pg_engine import PostgresStore
from ketadesk.store.pg_schema import applied
from ketadesk.store.restore import RESTORE

# The rows a database's migrations write themselves: a database holding only these is empty.
MIGRATION_ROWS = frozenset({"installation", "keyed_signatures_from", "record_signatures_from"})

_REFERENCES = """
SELECT c.relname, p.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_class p ON p.oid = k.confrelid WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace
"""


def load_order(store: PostgresStore, names: list[str]) -> list[str]:
    """``names`` ordered so that every table comes after the tables it references (its own rows aside)."""
    references: dict[str, set[str]] = {name: set() for name in names}
    for child, parent in store.all(_REFERENCES):
        if child in references and parent != child:
            references[child].add(str(parent))
    ordered: list[str] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed:
            return
        placed.add(name)  # before its parents: a cycle of references ends here
        for parent in sorted(references[name]):
            if parent in references:
                place(parent)
        ordered.append(name)

    for name in sorted(names):
        place(name)
    return ordered


def _refusal(store: PostgresStore, manifest: dict[str, Any]) -> str | None:
    """Why the database cannot take this dump (None: it is empty and at the dump's schema)."""
    if applied(store) != manifest["migrations"]:
        return (
            f"the dump is of schema {manifest['schema_version']} and this program makes schema "
            f"{store.schema_version()}; restore it with the KetaDesk that wrote it"
        )
    target = pg_dump.tables(store)
    for table in manifest["tables"]:
        if [list(c) for c in target.get(table["name"], [])] != table["columns"]:
            return f"the table {table['name']} of the database is not the dump's"
    for name in target:
        if name not in MIGRATION_ROWS and store.one(f"SELECT 1 FROM {quoted(name)} LIMIT 1") is not None:
            return f"{store.name} is not empty (its table {name} has rows): a dump is restored into an empty database"
    return None


def _copy_in(store: PostgresStore, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    tables = {t["name"]: t for t in manifest["tables"]}
    order = load_order(store, list(tables))
    for name in order:
        store.execute(f"ALTER TABLE {quoted(name)} DISABLE TRIGGER USER")
    for name in reversed(order):
        store.execute(f"DELETE FROM {quoted(name)}")  # the migrations' own rows: the dump has the record's
    raw = store.connection.raw
    for name in order:
        table = tables[name]
        columns = ", ".join(quoted(column) for column, _kind in table["columns"])
        with raw.cursor() as cursor, cursor.copy(f"COPY {quoted(name)} ({columns}) FROM STDIN") as copy:
            for values in pg_dump_file.rows(archive, table):
                copy.write_row(values)
        if any(column == "id" for column, _kind in table["columns"]):
            raw.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {quoted(name)}"
                f" WHERE pg_get_serial_sequence(%s, 'id') IS NOT NULL",
                (name, name),
            )
    for name in order:
        store.execute(f"ALTER TABLE {quoted(name)} ENABLE TRIGGER USER")


def _arrived(store: PostgresStore, manifest: dict[str, Any]) -> None:
    """The rows as the dump counts them, and the chain walked again with the key: or the restore is undone."""
    for table in manifest["tables"]:
        row = store.one(f"SELECT count(*) FROM {quoted(table['name'])}")
        if row is None or row[0] != table["rows"]:
            found = row[0] if row else 0
            raise StoreError(f"{table['name']} holds {found} rows after the restore, not {table['rows']}")
    broken = audit.verify_chain(store, key=store.chain.secret)
    if broken is not None:
        raise StoreError(f"the restored audit chain does not hold: entry {broken.audit_id} {broken.reason}")


def _head_json(head: AuditHead | None) -> dict[str, object] | None:
    return None if head is None else {"entry": head.entry, "hash": head.hash, "at": head.at}


def restore_dump(url: str, dump: Path, *, at: str) -> tuple[AuditHead | None, AuditHead]:
    """Restore ``dump`` into the empty database at ``url``; the dump's head and the head now (its restore entry)."""
    dump = Path(dump)
    checked = pg_dump_file.verify(dump)
    if checked.problem is not None:
        raise StoreError(f"{dump} cannot be restored: {checked.problem}; nothing was changed")
    store = open_store(url)  # an empty database gets the schema first, and an installation set aside below
    if not isinstance(store, PostgresStore):
        store.close()
        raise StoreError(f"{url} is not a PostgreSQL database; a SQLite clinic restores a SQLite backup")
    fresh = store.chain
    try:
        with zipfile.ZipFile(dump) as archive:
            manifest = pg_dump_file.read_manifest(archive)
            refused = _refusal(store, manifest)
            if refused is not None:
                raise StoreError(f"{dump} cannot be restored: {refused}; nothing was changed")
            with store.transaction():
                _copy_in(store, archive, manifest)
                store.chain = chain_key.load(store.connection)
                _arrived(store, manifest)
                audit.append(
                    store,
                    at=at,
                    actor_id=users.system_user(store, at).id,
                    action=RESTORE,
                    entity="database",
                    entity_id=None,
                    after={
                        "backup": str(dump.resolve()),
                        "backup_head": _head_json(checked.head),
                        "set_aside": None,
                        "set_aside_head": None,
                    },
                )
        head = audit.head(store)
        store.gather_statistics()
    except (psycopg.errors.InsufficientPrivilege, StoreError) as error:
        denied = error if isinstance(error, psycopg.errors.InsufficientPrivilege) else error.__cause__
        if not isinstance(denied, psycopg.errors.InsufficientPrivilege):  # the store's own refusal, as it said it
            raise
        raise StoreError(
            f"{dump} cannot be restored by this role ({denied.diag.message_primary}): a restore sets the tables' "
            "triggers aside while the rows go in, which only their owner may; give the owner's URL. Nothing was changed"
        ) from error
    except psycopg.Error as error:
        raise StoreError(f"{dump} could not be restored ({error}); nothing was changed") from error
    finally:
        store.close()
    if head is None:
        raise StoreError("the restored database has no installation, so its restore could not be audited")
    if fresh.installation is not None and fresh.folder is not None and fresh.installation != head.installation:
        chain_key.key_path(fresh.folder, fresh.installation).unlink(missing_ok=True)  # never used: no entry sealed
    return checked.head, head
