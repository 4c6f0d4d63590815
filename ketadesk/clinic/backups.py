"""The clinic's backups: the daily one (from the CLI and the window), the list, and putting one back.

The daily backup is split in two so a window never freezes while it runs: :meth:`DailyBackup.copy`
is the heavy part (copy and verify, on a connection of its own, safe on a worker thread), and
:meth:`DailyBackup.finish` the quick one on the window's thread (audit, publish, prune, witness).
The CLI runs both in a row. Backups are the program's own work: audited as SYSTEM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ketadesk.clinic import anchors, config
from ketadesk.clinic.session import Session
from ketadesk.core.audit_head import AuditHead
from ketadesk.core.backup_file import BackupFile
from ketadesk.core.clock import Clock, to_utc_iso
from ketadesk.store import backup as store_backup
from ketadesk.store import backup_files, backup_publish, backup_verify
from ketadesk.store import patients as store_patients
from ketadesk.store import restore as store_restore
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import StoreError

__all__ = ["BackupFile", "DailyBackup", "Restored", "list_backups", "restore_backup"]


class DailyBackup:
    """Today's automatic backup of one database, not yet made: copy (any thread), then finish (the session's)."""

    def __init__(self, session: Session, folder: Path, target: Path) -> None:
        self.session = session
        self.folder = folder
        self.target = target
        self._source = session.store.path
        self._secret = session.store.chain.secret
        self._copy: backup_publish.VerifiedCopy | None = None

    def copy(self) -> None:
        """Copy the database into a temporary beside the target and verify it (raises StoreError; no file left)."""
        source = self._source if self._source is not None else self.session.store.conn
        self._copy = store_backup.copy_verified(source, self.folder, secret=self._secret)

    def finish(self) -> Path:
        """Audit and publish the verified copy, keep the protocol's number of days, and list it with the witness."""
        if self._copy is None:
            raise StoreError("the daily backup was not copied yet")
        s, made = self.session, self._copy
        self._copy = None
        if self.target.exists():  # another window made today's meanwhile
            made.discard()
            return self.target
        published = backup_publish.publish(s.store, made, self.target, at=s.stamp(), actor_id=s.user.id)
        store_backup.prune(s.store, self.folder, s.protocol.backups_kept)
        anchors.witness_backup(s.store, published)
        return published

    def discard(self) -> None:
        """Drop a copy never finished (the window closed meanwhile): its temporary is removed."""
        if self._copy is not None:
            self._copy.discard()
            self._copy = None


def due(session: Session, folder: Path) -> DailyBackup | None:
    """Today's backup still to make (None: made already, or nothing yet worth keeping: no patient).

    None on a PostgreSQL clinic: the server's own backups are the daily ones (:mod:`ketadesk.clinic.server_backups`).
    """
    store = session.store
    if store.engine == "postgresql" or store_patients.count(store) == 0:
        return None
    target = store_backup.daily_target(store, folder, session.today())
    if target is None:
        store_backup.prune(store, folder, session.protocol.backups_kept)
        return None
    return DailyBackup(session, folder, target)


def list_backups(database: Path) -> list[BackupFile]:
    """Every backup of ``database`` that still exists, oldest first: its backups folder, and files its audit names.

    Each is read and verified (pages, schema, its own chain, that it is this installation's);
    the temporaries of a backup under way or killed are never listed.
    """
    head = store_restore.head_of_file(database)
    installation = head.installation if head is not None else None
    found = set(backup_files.backups_in(config.backup_dir(database), database))
    found.update(backup_verify.audited_backups(database))
    listed = [
        backup_verify.verify_file(path, installation=installation)
        for path in found
        if path.is_file() and not backup_files.is_partial(path.name)
    ]
    return sorted(listed, key=lambda b: (b.taken, str(b.path)))


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: the backup put in place (and its head), the file set aside (and its head), the head now."""

    database: Path
    backup: Path
    backup_head: AuditHead | None
    set_aside: Path | None
    set_aside_head: AuditHead | None
    head: AuditHead


def _aside_path(database: Path, clock: Clock) -> Path:
    stamp = clock.now().astimezone().strftime("%Y%m%d-%H%M%S")
    candidate = database.with_name(f"{database.stem}.before-restore-{stamp}.sqlite")
    n = 2
    while candidate.exists():
        candidate = database.with_name(f"{database.stem}.before-restore-{stamp}-{n}.sqlite")
        n += 1
    return candidate


def restore_backup(database: Path, backup: Path, clock: Clock) -> Restored:
    """Put ``backup`` in place of ``database``: verified first, the current file kept aside, the restore audited.

    A backup that does not verify is refused (StoreError, one line) and nothing changes. The
    witness outside the file is restarted at the restored head, so ``check`` does not take the
    restore for a rollback — while a file copied back by hand still is one.
    """
    database, backup = Path(database), Path(backup)
    if not backup.is_file():
        raise StoreError(f"{backup} is not a file; nothing was restored")
    if database.exists() and backup.resolve() == database.resolve():
        raise StoreError(f"{backup} is the database itself; nothing was restored")
    if not database.parent.is_dir():
        raise StoreError(f"the folder {database.parent} does not exist; nothing was restored")
    checked = backup_verify.verify_file(backup)  # the database is not even read before the backup holds
    if checked.problem is not None:
        raise StoreError(f"{backup} cannot be restored: {checked.problem}; nothing was changed")
    store_restore.settle(database)
    current = store_restore.head_of_file(database)
    if current is not None and checked.head is not None and current.installation != checked.head.installation:
        raise StoreError(
            f"{backup} cannot be restored: it is a backup of another installation ({checked.head.installation}), "
            f"not of {database} ({current.installation}); nothing was changed"
        )
    aside = _aside_path(database, clock) if database.exists() else None
    partial = store_restore.stage(backup, database.parent)
    try:
        head = store_restore.record_restore(
            partial,
            at=to_utc_iso(clock.now()),
            backup=backup.resolve(),
            backup_head=checked.head,
            aside=aside,
            aside_head=current,
        )
    except BaseException:
        backup_files.discard(partial)
        raise
    store_restore.swap_in(partial, database, aside)
    _restart_witness(database)
    return Restored(database, backup, checked.head, aside, current, head)


def _restart_witness(database: Path) -> None:
    """The witness file now holds the restored head (a failure to write it is found by check, not hidden)."""
    store: Store = open_store(database)
    try:
        anchors.witness_now(store)
    except OSError:
        pass
    finally:
        store.close()


def daily_name(database: Path | None, day: date) -> str:
    """The file name of ``database``'s daily backup of ``day``."""
    return backup_files.daily_name(database, day)


def manual_name(database: Path | None, stamp: str) -> str:
    """The file name of ``database``'s backup made by hand at ``stamp`` (YYYY-MM-DD-HHMMSS)."""
    return backup_files.manual_name(database, stamp)
