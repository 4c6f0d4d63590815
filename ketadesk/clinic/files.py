"""The one way the clinic writes a file: atomically, never replacing a file unless told to, and audited.

Reports, exports, the audit log's CSV, backups and the demo all write through here: a
temporary file in the same folder, flushed and synced, then renamed (or hard-linked, so a
file that appeared meanwhile is never replaced) into place. A reader sees the old file or
the whole new one, never a part. :func:`audited_write` also leaves the "export" audit entry
with the file's size and SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ketadesk.clinic.session import Session
from ketadesk.core.audit import AuditAction
from ketadesk.core.errors import ValidationError
from ketadesk.store import audit as store_audit


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """A file an export wrote."""

    path: Path
    size: int
    sha256: str


@contextmanager
def atomic_file(path: Path, *, overwrite: bool = False, mode: int = 0o644) -> Iterator[IO[bytes]]:
    """Write ``path`` through a temporary file in the same folder, renamed into place when complete.

    Without ``overwrite`` an existing file is never replaced: :class:`FileExistsError`, and
    nothing is written. A reader sees the old file or the whole new one, never a part.
    """
    path = Path(path).expanduser()
    folder = path.parent
    if not folder.is_dir():
        raise ValidationError(
            "file",
            str(path),
            "a file in an existing folder",
            message=f"The folder {folder} does not exist; nothing was written.",
        )
    if path.is_dir():
        raise ValidationError(
            "file", str(path), "a file name, not a folder", message=f"{path} is a folder; give a file name."
        )
    if not overwrite and path.exists():
        raise FileExistsError(17, "already exists", str(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:  # name the file the user asked for, not the temporary one
        raise OSError(error.errno, error.strerror, str(path)) from error
    try:
        os.chmod(temporary, mode)  # mkstemp makes the file private; an export is for reading elsewhere
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(temporary, path)
        else:
            try:
                # A hard link never replaces a file that appeared meanwhile.
                os.link(temporary, path)
            except FileExistsError:
                raise FileExistsError(17, "already exists", str(path)) from None
            except OSError:  # a file system without hard links (FAT on a USB stick)
                if path.exists():
                    raise FileExistsError(17, "already exists", str(path)) from None
                os.replace(temporary, path)
            else:
                os.unlink(temporary)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


def write_file(path: Path, data: bytes, *, overwrite: bool = False, mode: int = 0o644) -> ExportedFile:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path, overwrite=overwrite, mode=mode) as out:
        out.write(data)
    return ExportedFile(Path(path).expanduser(), len(data), hashlib.sha256(data).hexdigest())


def audit_file(
    session: Session, made: ExportedFile, *, kind: str, entity: str, entity_id: int | None, **extra: Any
) -> ExportedFile:
    """Leave the "export" audit entry for a file just written (its kind, where, its size and SHA-256)."""
    store_audit.write(
        session.store,
        at=session.stamp(),
        actor_id=session.user.id,
        action=AuditAction.EXPORT,
        entity=entity,
        entity_id=entity_id,
        after={"kind": kind, "file": str(made.path.resolve()), "bytes": made.size, "sha256": made.sha256, **extra},
    )
    return made


def audited_write(
    session: Session,
    path: Path,
    data: bytes,
    *,
    kind: str,
    entity: str,
    entity_id: int | None,
    overwrite: bool = False,
    **extra: Any,
) -> ExportedFile:
    """Write ``data`` to ``path`` atomically (through this module's :func:`write_file`) and audit it."""
    return audit_file(
        session, write_file(path, data, overwrite=overwrite), kind=kind, entity=entity, entity_id=entity_id, **extra
    )


def rewrite_record(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Overwrite the small record at ``path`` in place: one write at its start, no rename, no fsync.

    For the audit chain's witness, rewritten after every write: a rename costs a journal
    commit (0.4 ms here, as much as the durable write itself), one write of under a
    sector costs microseconds and is not torn. A longer file left from before is cut to the record.
    """
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), mode)
    try:
        os.write(handle, data)
        if os.fstat(handle).st_size > len(data):
            os.ftruncate(handle, len(data))
    finally:
        os.close(handle)
