"""Is this a backup KetaDesk can trust: sound pages, a KetaDesk schema this program reads, a chain that holds.

The same verdict is used when a backup is written (on its temporary copy), when
``backup --list`` shows each one, and before ``restore`` puts one in place.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ketadesk.core.audit_head import AuditHead
from ketadesk.core.backup_file import BackupFile
from ketadesk.store import chain_key
from ketadesk.store.audit import verify_chain
from ketadesk.store.db import Store
from ketadesk.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, SCHEMA_VERSION


def _read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def head_in(conn: sqlite3.Connection) -> AuditHead | None:
    """The audit head a database holds (None: no installation or no entries yet)."""
    installation = conn.execute("SELECT installation FROM installation").fetchone()
    last = conn.execute("SELECT id, at, hash, mac FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if installation is None or last is None:
        return None
    return AuditHead(str(installation[0]), int(last[0]), str(last[2]), last[3], str(last[1]))


def problem_of(conn: sqlite3.Connection, secret: bytes | None, *, installation: str | None = None) -> str | None:
    """Why the open database is not a sound KetaDesk backup (None: it is), ``secret`` checking its chain's MACs.

    ``installation``: the one it must belong to (a backup of another clinic is not this one's).
    """
    found = [row[0] for row in conn.execute("PRAGMA integrity_check(5)").fetchall()]
    if found != ["ok"]:
        return f"it is damaged ({'; '.join(str(f) for f in found)})"
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"_sqlite_migrations", "audit", "installation"} <= names:
        return "it is not a KetaDesk database (or one older than the keyed audit chain)"
    applied = [
        r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,))
    ]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if any(name not in KNOWN_MIGRATIONS for name in applied) or version > SCHEMA_VERSION:
        newer = max(version, len(applied))
        return f"it was written by a newer KetaDesk (schema {newer}; this program reads {SCHEMA_VERSION})"
    head = head_in(conn)
    if installation is not None and head is not None and head.installation != installation:
        return f"it is a backup of another installation ({head.installation}), not of this database ({installation})"
    broken = verify_chain(Store(conn, None), key=secret)
    if broken is not None:
        return f"its audit chain does not hold: entry {broken.audit_id} {broken.reason}"
    return None


def verify_file(path: Path, *, installation: str | None = None, folder: Path | None = None) -> BackupFile:
    """Read one backup file (read-only) and say what it is: when taken, its size, its audit head, whether it verifies.

    The chain's key is looked up in this workstation's key folder (``folder``); without the key
    the chain is checked as plain hashes, as ``check`` does. A PostgreSQL clinic's logical dump
    is verified as one (:mod:`ketadesk.store.pg_dump_file`).
    """
    path = Path(path)
    from ketadesk.store import pg_dump_file

    if pg_dump_file.is_dump(path):
        return pg_dump_file.verify(path, installation=installation, folder=folder)
    try:
        stat = path.stat()
    except OSError as error:
        return BackupFile(path, datetime.fromtimestamp(0, UTC), 0, None, f"it cannot be read ({error.strerror})")
    taken = datetime.fromtimestamp(stat.st_mtime, UTC)
    try:
        conn = _read_only(path)
    except (sqlite3.Error, ValueError, OSError) as error:
        return BackupFile(path, taken, stat.st_size, None, f"it cannot be opened ({error})")
    try:
        try:
            head = head_in(conn)
        except (sqlite3.Error, ValueError):
            head = None
        try:
            key = chain_key.load(conn, folder)
            problem = problem_of(conn, key.secret, installation=installation)
        except sqlite3.DatabaseError as error:
            problem = f"it is not a readable KetaDesk database ({error})"
        except ValueError as error:  # text that is not text: damage the page checks did not see
            problem = f"it is damaged ({error})"
    finally:
        conn.close()
    return BackupFile(path, taken, stat.st_size, head, problem)


def audited_backups(database: Path, limit: int = 1000) -> list[Path]:
    """The files the database's audit trail says backups were written to, newest first (read-only; [] if unreadable).

    Read on a read-only connection so listing backups never writes to (or fails on) a damaged or read-only file.
    """
    if not database.is_file():
        return []
    try:
        conn = _read_only(database)
    except (sqlite3.Error, ValueError, OSError):
        return []
    try:
        rows = conn.execute(
            "SELECT json_extract(after, '$.file') FROM audit WHERE entity = 'database' AND entity_id IS NULL"
            " AND action = 'backup' ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
    except (sqlite3.Error, ValueError):
        return []
    finally:
        conn.close()
    return [Path(r[0]) for r in rows if isinstance(r[0], str)]
