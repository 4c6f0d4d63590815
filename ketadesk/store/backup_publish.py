"""Putting a verified backup in place: the copy written aside, and its rename inside the audited transaction.

Shared by both kinds of backup (a SQLite copy, :mod:`ketadesk.store.backup`; a server's dump,
:mod:`ketadesk.store.pg_dump`): the file and its audit entry exist both or neither.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ketadesk.core.audit_head import AuditHead
from ketadesk.store import audit, backup_files
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError


@dataclass(frozen=True, slots=True)
class VerifiedCopy:
    """A copy written under a temporary name and verified, not yet published (``head``: where its trail ends)."""

    partial: Path
    head: AuditHead | None

    def discard(self) -> None:
        """Remove the temporary (a backup not published leaves nothing behind)."""
        backup_files.discard(self.partial)


def publish(store: Store, copy: VerifiedCopy, destination: Path, *, at: str | None, actor_id: int | None) -> Path:
    """Rename the verified copy to ``destination`` inside the transaction that audits it (both or neither).

    Without ``at`` (a test's copy) nothing is audited and the copy is simply renamed.
    """
    published = False
    try:
        if at is None:
            os.replace(copy.partial, destination)
        else:
            with store.transaction():
                audit.append(
                    store,
                    at=at,
                    actor_id=actor_id,
                    action="backup",
                    entity="database",
                    entity_id=None,
                    after={"file": str(destination)},
                )
                os.replace(copy.partial, destination)
                published = True
        backup_files.fsync_folder(destination.parent)
    except OSError as error:
        if published:
            destination.unlink(missing_ok=True)
        copy.discard()
        raise StoreError(
            f"the backup could not be put in place ({error.strerror or error}); nothing was kept"
        ) from error
    except BaseException:
        if published:  # the entry was not committed: the file goes too
            destination.unlink(missing_ok=True)
        copy.discard()
        raise
    return destination


def check_destination(store: Store, destination: Path) -> Path:
    """Refuse a destination that is a folder, in a missing folder, or the database itself."""
    destination = Path(destination)
    if destination.exists() and destination.is_dir():
        raise StoreError(f"{destination} is a folder; give a file name for the backup")
    if not destination.parent.exists():
        raise StoreError(f"the folder {destination.parent} does not exist")
    if store.path is not None and destination.resolve() == store.path.resolve():
        raise StoreError("a backup cannot overwrite the database it copies")
    return destination
