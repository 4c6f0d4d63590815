"""Backing up a PostgreSQL clinic database: the program's own logical dump, written aside, verified, then published.

The format and its verification are :mod:`ketadesk.store.pg_dump_file`. Why a dump of the
program's own rather than ``pg_dump``: a workstation has the program and psycopg, not the
server's tools (which must match the server's major version), and the program can verify
what it wrote, row by row and entry by entry, with the chain's key, which ``pg_dump``'s
archive cannot carry. It is a backup of the clinical record, not of the server: point-in-time
recovery is the server's own (``pg_basebackup`` and WAL archiving, docs/POSTGRESQL.md).

Every table is read in one ``REPEATABLE READ`` read-only transaction, so the dump is one
consistent moment (its audit head among it) while the workstations keep writing; rows are
streamed through a server-side cursor, so a ten-year clinic is never held in memory. As on
SQLite (:mod:`ketadesk.store.backup`), the dump is written under a temporary name, kept only
once it verifies, and renamed into place in the transaction that audits it.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import psycopg

from ketadesk.store import backup_files, pg_dump_file
from ketadesk.store.backup_publish import VerifiedCopy, check_destination, publish
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_dialect import quoted
from ketadesk.store.pg_engine import PostgresStore
from ketadesk.store.schema import MIGRATION_SET

# Each database's own record of the migrations it ran: a restore's target has its own, which must match.
NOT_DUMPED = frozenset({"schema_version", "schema_migrations"})
ROWS_PER_FETCH = 2000

_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY c.relname, a.attnum
"""


def tables(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Every table of the clinic database a dump holds, with its columns (name, type) in order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in store.all(_COLUMNS):
        if table not in NOT_DUMPED:
            found.setdefault(str(table), []).append((str(column), str(kind)))
    return found


def _plain(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes | memoryview) else value


def _table(raw: psycopg.Connection[Any], archive: zipfile.ZipFile, name: str, columns: list[tuple[str, str]]) -> Any:
    names = [column for column, _kind in columns]
    order = "id" if "id" in names else ", ".join(str(i + 1) for i in range(len(names)))
    digest, count = hashlib.sha256(), 0
    with archive.open(pg_dump_file.member(name), "w") as out, raw.cursor(name="ketadesk_dump") as cursor:
        cursor.itersize = ROWS_PER_FETCH
        cursor.execute(f"SELECT {', '.join(quoted(n) for n in names)} FROM {quoted(name)} ORDER BY {order}")
        for row in cursor:
            line = (json.dumps([_plain(v) for v in row], ensure_ascii=False, separators=(",", ":")) + "\n").encode()
            digest.update(line)
            out.write(line)
            count += 1
    return {"name": name, "columns": [list(c) for c in columns], "rows": count, "sha256": digest.hexdigest()}


def _snapshot(store: PostgresStore, archive: zipfile.ZipFile, at: str) -> dict[str, Any]:
    """Every table into ``archive`` and the manifest of what was written, all read at one moment."""
    raw = store.connection.raw
    raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        installation = store.one("SELECT installation, key_check FROM installation")
        if installation is None:
            raise StoreError(f"{store.name} has no installation id, so its dump could not be sealed")
        last = store.one("SELECT id, hash, mac, at FROM audit ORDER BY id DESC LIMIT 1")
        migrations = store.all(
            "SELECT name FROM schema_migrations WHERE migration_set = ? ORDER BY id", (MIGRATION_SET,)
        )
        return {
            "format": pg_dump_file.FORMAT,
            "version": pg_dump_file.VERSION,
            "database": store.name,
            "taken_at": at,
            "schema_version": store.schema_version(),
            "migrations": [str(r[0]) for r in migrations],
            "installation": str(installation[0]),
            "key_check": str(installation[1]),
            "head": None if last is None else {"entry": last[0], "hash": last[1], "mac": last[2], "at": last[3]},
            "tables": [_table(raw, archive, name, columns) for name, columns in tables(store).items()],
        }
    finally:
        raw.execute("ROLLBACK")


def write_verified(store: Store, folder: Path, *, at: str, secret: bytes | None) -> VerifiedCopy:
    """Dump the database into a new temporary in ``folder`` and verify it; raise StoreError if it fails."""
    if not isinstance(store, PostgresStore):
        raise StoreError("a logical dump is of a PostgreSQL clinic database; a SQLite file is backed up whole")
    if store.in_transaction:
        raise StoreError("a dump is taken outside any write, so that it is one moment of the record")
    if not folder.is_dir():
        raise StoreError(f"the folder {folder} does not exist")
    backup_files.remove_leftovers(folder)
    partial = backup_files.partial_path(folder)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            manifest = _snapshot(store, archive, at)
            manifest["mac"] = None if secret is None else pg_dump_file.manifest_mac(secret, manifest)
            archive.writestr(pg_dump_file.MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
        with open(partial, "r+b") as handle:
            os.fsync(handle.fileno())
        checked = pg_dump_file.verify(partial, folder=store.chain.folder)
        if checked.problem is not None:
            raise StoreError(f"the dump did not verify ({checked.problem}); nothing was kept")
    except OSError as error:
        backup_files.discard(partial)
        raise StoreError(f"the dump could not be written ({error.strerror or error}); nothing was kept") from error
    except psycopg.Error as error:
        backup_files.discard(partial)
        raise StoreError(f"the dump could not be read from {store.name} ({error}); nothing was kept") from error
    except BaseException:
        backup_files.discard(partial)  # a failed or cancelled dump leaves no half file behind
        raise
    return VerifiedCopy(partial, checked.head)


def dump_to(store: Store, destination: Path, *, at: str, actor_id: int | None) -> Path:
    """Dump the open database to ``destination``, verify the dump, audit the backup and publish it."""
    destination = check_destination(store, destination)
    copy = write_verified(store, destination.parent, at=at, secret=store.chain.secret)
    return publish(store, copy, destination, at=at, actor_id=actor_id)
