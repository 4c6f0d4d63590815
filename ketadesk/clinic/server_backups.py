"""A PostgreSQL clinic's backups: the program's logical dump, the list of dumps, and a restore into an empty database.

A SQLite clinic's backups sit beside its file (:mod:`ketadesk.clinic.backups`). A server's
database has no folder beside it: a dump made by hand goes where ``DEST`` says, or into this
workstation's data folder (``backups/<database>-manual-<time>.kddump``). No workstation makes
a daily dump of the server by itself: every workstation would copy the whole record each day,
and the server's own backups (``pg_basebackup`` and WAL archiving, which recover to any moment)
are the administrator's (docs/POSTGRESQL.md). The dump is what the program can verify and
restore on its own, and an anchor of the audit chain outside the server, as a SQLite backup is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ketadesk.clinic import anchors
from ketadesk.clinic.anchors import workstation_dumps
from ketadesk.core.audit_head import AuditHead
from ketadesk.core.backup_file import BackupFile
from ketadesk.core.clock import Clock, to_utc_iso
from ketadesk.store import audit as store_audit
from ketadesk.store import pg_dump_file, pg_restore
from ketadesk.store.db import Store, open_store


def dump_name(store: Store, stamp: str) -> str:
    """The file name of a dump of ``store`` made by hand at ``stamp`` (YYYY-MM-DD-HHMMSS)."""
    return f"{pg_dump_file.database_name(store)}-manual-{stamp}{pg_dump_file.SUFFIX}"


def list_dumps(store: Store, folder: Path | None = None) -> list[BackupFile]:
    """Every dump of this database that still exists, oldest first: those its audit names, and this workstation's.

    Each is read and verified (its members, its manifest's MAC, its own chain, that it is this installation's).
    """
    found = {Path(f) for f in store_audit.backup_files(store, limit=1000)} | workstation_dumps(store, folder)
    listed = [
        pg_dump_file.verify(path, installation=store.chain.installation, folder=store.chain.folder)
        for path in found
        if path.is_file()
    ]
    return sorted(listed, key=lambda b: (b.taken, str(b.path)))


@dataclass(frozen=True, slots=True)
class RestoredDump:
    """What a restore into a server's database did: the dump (and its head), and the head now (its restore entry)."""

    database: str
    backup: Path
    backup_head: AuditHead | None
    head: AuditHead


def restore_dump(url: str, backup: Path, clock: Clock) -> RestoredDump:
    """Restore ``backup`` into the empty database at ``url``: verified first, audited, the witness restarted.

    A dump that does not verify, a database that is not empty or at another schema, is refused
    (StoreError, one line) and nothing changes.
    """
    backup_head, head = pg_restore.restore_dump(url, Path(backup), at=to_utc_iso(clock.now()))
    store = open_store(url)
    try:
        anchors.witness_now(store)
    except OSError:
        pass  # a witness that cannot be written is found by check, not hidden
    finally:
        store.close()
    return RestoredDump(url, Path(backup), backup_head, head)
