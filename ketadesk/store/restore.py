"""Putting a backup back in place of the database: the file-level steps, each undone if a later one fails.

The order keeps something whole at every moment a process could be killed: the backup
is copied into a temporary beside the database (never a name anyone takes for a
backup), the restore is audited in that copy, the current file (with its ``-wal``) is
renamed aside — never deleted — and only then is the copy renamed into the database's
place. The restore's entry in the restored trail names the backup and its head and the
file set aside and its head, so ``check`` knows the chain forked there on purpose.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from ketadesk.core.audit_head import AuditHead
from ketadesk.core.clock import from_utc_iso
from ketadesk.store import audit, backup_files, backup_verify, users
from ketadesk.store.db import BUSY_TIMEOUT_MS, Store, open_store
from ketadesk.store.errors import StoreError

RESTORE = "restore"
RECOVERY = "recovery"
"""A recovery to an earlier moment by other means (the server's own tools, a file copied back by hand), recorded."""


@dataclass(frozen=True, slots=True)
class RestorePoint:
    """The newest restore (or recovery) a trail records: where the trail forks, when, and how far the old one went.

    ``entry`` is the first entry of the trail as restored: a restore's own entry; for a recovery, the first
    entry written after the moment recovered to (the workstations may have written before it was recorded).
    """

    entry: int
    at: str
    set_aside_entry: int | None


def settle(database: Path) -> None:
    """Fold the database's ``-wal`` into it, refusing when another program has it open.

    A damaged file that cannot even be read is left as it is (it is set aside whole).
    """
    if not database.exists():
        return
    try:
        conn = sqlite3.connect(str(database), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise StoreError(f"{database} is open in another window or program; close KetaDesk there first") from error
        busy = None
    except sqlite3.DatabaseError:
        busy = None
    finally:
        conn.close()
    if busy is not None and busy[0]:
        raise StoreError(f"{database} is open in another window or program; close KetaDesk there first")


def head_of_file(path: Path) -> AuditHead | None:
    """The audit head a file holds, or None when it has none or cannot be read (a damaged current file)."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, ValueError):
        return None
    try:
        return backup_verify.head_in(conn)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()


def stage(backup: Path, folder: Path) -> Path:
    """Copy the backup into a new temporary in ``folder`` (online API from a read-only connection), synced."""
    backup_files.remove_leftovers(folder)
    partial = backup_files.partial_path(folder)
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(str(partial))
            try:
                target.execute("PRAGMA journal_mode = OFF")
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        finally:
            source.close()
        with open(partial, "r+b") as handle:
            os.fsync(handle.fileno())
    except (sqlite3.Error, OSError) as error:
        backup_files.discard(partial)
        raise StoreError(f"the backup could not be copied into place ({error}); nothing was changed") from error
    except BaseException:
        backup_files.discard(partial)
        raise
    return partial


def _head_json(head: AuditHead | None) -> dict[str, object] | None:
    return None if head is None else {"entry": head.entry, "hash": head.hash, "at": head.at}


def record_restore(
    partial: Path,
    *,
    at: str,
    backup: Path,
    backup_head: AuditHead | None,
    aside: Path | None,
    aside_head: AuditHead | None,
) -> AuditHead:
    """Open the staged copy (bringing an older schema up to date), audit the restore in it as the program itself.

    Returns the head the restored file now ends at (its restore entry).
    """
    store = open_store(partial)
    try:
        system = users.system_user(store, at)
        audit.write(
            store,
            at=at,
            actor_id=system.id,
            action=RESTORE,
            entity="database",
            entity_id=None,
            after={
                "backup": str(backup),
                "backup_head": _head_json(backup_head),
                "set_aside": None if aside is None else str(aside),
                "set_aside_head": _head_json(aside_head),
            },
        )
        head = audit.head(store)
    finally:
        store.close()
    if head is None:
        raise StoreError("the restored file has no installation, so its restore could not be audited")
    return head


def swap_in(partial: Path, database: Path, aside: Path | None) -> None:
    """Rename the current file (and its side files) to ``aside``, then the staged copy into the database's place.

    If the second rename fails, the current file is put back as it was.
    """
    moved: list[tuple[Path, Path]] = []
    try:
        if aside is not None:
            for old, new in zip(
                (database, *backup_files.side_files(database)), (aside, *backup_files.side_files(aside)), strict=True
            ):
                if old.exists():
                    os.replace(old, new)
                    moved.append((old, new))
        os.replace(partial, database)
    except OSError as error:
        for old, new in reversed(moved):
            with suppress(OSError):
                os.replace(new, old)
        backup_files.discard(partial)
        raise StoreError(
            f"the backup could not be put in place ({error.strerror or error}); nothing was changed"
        ) from error
    backup_files.fsync_folder(database.parent)


def record_recovery(
    store: Store, *, at: str, actor_id: int, reason: str, to: str, found: AuditHead, witnessed: AuditHead | None
) -> tuple[AuditHead, int]:
    """Audit a recovery to the moment ``to`` (UTC ISO), made by other means, as the administrator ``actor_id``.

    The entry names the first entry written after that moment (where the trail forks), the
    head the record ends at as found, and the head this workstation had witnessed: anchors of
    the record as it was, taken before this entry, are then known for what they are.
    Returns the head now (the recovery's entry) and the fork.
    """
    with store.transaction():
        # After the last entry made by then, not at the first made after it: a workstation's clock running
        # ahead (or a generated clinic's) leaves entries stamped later among the older ones.
        # From the end backwards: the entries after the moment are few, and the times have no index.
        row = store.one("SELECT id FROM audit WHERE at <= ? ORDER BY id DESC LIMIT 1", (to,))
        fork = int(row[0]) + 1 if row is not None else 1
        audit.append(
            store,
            at=at,
            actor_id=actor_id,
            action=RECOVERY,
            entity="database",
            entity_id=None,
            after={
                "recovered_to": to,
                "reason": reason,
                "fork_entry": fork,
                "found_head": _head_json(found),
                "witnessed_head": _head_json(witnessed),
                "set_aside_head": None,  # how far the record went is not known here: other anchors may be further
            },
        )
    head = audit.head(store)
    if head is None:
        raise StoreError("the database has no installation, so its recovery could not be audited")
    return head, fork


@dataclass(frozen=True, slots=True)
class Recovery:
    """The newest recovery a trail records: its entry, when and by whom it was recorded, to when, why, the fork."""

    entry: int
    at: str
    by: str
    to: str
    reason: str
    fork: int | None


def last_recovery(store: Store) -> Recovery | None:
    """The newest recovery recorded (:func:`record_recovery`), or None: ``check`` names it under its clean line."""
    row = store.one(
        "SELECT a.id, a.at, u.login, a.after FROM audit a JOIN users u ON u.id = a.actor_id"
        " WHERE a.entity = 'database' AND a.entity_id IS NULL AND a.action = ? ORDER BY a.id DESC LIMIT 1",
        (RECOVERY,),
    )
    if row is None:
        return None
    try:
        after = json.loads(row[3] or "null")
    except ValueError:
        after = None
    said = after if isinstance(after, dict) else {}
    fork = said.get("fork_entry")
    return Recovery(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        str(said.get("recovered_to", "")),
        str(said.get("reason", "")),
        fork if isinstance(fork, int) else None,
    )


def last_restore(store: Store) -> RestorePoint | None:
    """The newest restore or recovery the open database's trail records, or None when there was none."""
    row = store.one(
        "SELECT id, at, after FROM audit WHERE entity = 'database' AND entity_id IS NULL AND action IN (?, ?)"
        " ORDER BY id DESC LIMIT 1",
        (RESTORE, RECOVERY),
    )
    if row is None:
        return None
    try:
        after = json.loads(row[2] or "null")
        aside = after.get("set_aside_head") if isinstance(after, dict) else None
        entry = aside.get("entry") if isinstance(aside, dict) else None
        fork = after.get("fork_entry") if isinstance(after, dict) else None
        from_utc_iso(str(row[1]))
    except ValueError:
        return None
    start = fork if isinstance(fork, int) and 0 < fork <= int(row[0]) else int(row[0])
    return RestorePoint(start, str(row[1]), entry if isinstance(entry, int) else None)
