"""The one way the clinic writes a file: atomically, never replacing a file unless told to, and audited.

Reports, exports, the audit log's CSV, backups and the demo all write through here: a
temporary file in the same folder, flushed and synced, then renamed (or hard-linked, so a
file that appeared meanwhile is never replaced) into place. A reader sees the old file or
the whole new one, never a part. :func:`audited_write` also leaves the "export" audit entry
with the file's size and SHA-256, in the same transaction that puts the file in place: a
file and its entry exist both or neither. Temporaries are named ``.<name>.<random>.ketadesk-
unfinished`` and removed by the next write of the same file (or an export of the folder).
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


def _checked_target(path: Path, overwrite: bool) -> Path:
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
    return path


TEMPORARY_SUFFIX = ".ketadesk-unfinished"
"""How a file being written is named until it is complete: hidden, and saying what it is."""


def temporary_files(folder: Path, name: str = "") -> list[Path]:
    """The unfinished temporaries left in ``folder`` (for ``name`` only, when given) by a write that was killed."""
    pattern = f".{name}.*{TEMPORARY_SUFFIX}" if name else f".*{TEMPORARY_SUFFIX}"
    try:
        return sorted(folder.glob(pattern))
    except OSError:
        return []


def remove_temporaries(folder: Path, name: str = "") -> int:
    """Remove what :func:`temporary_files` finds; how many were removed (cleaned at the next run)."""
    removed = 0
    for leftover in temporary_files(folder, name):
        with suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed


def _stage(path: Path, mode: int) -> tuple[int, str]:
    remove_temporaries(path.parent, path.name)  # left by a write of this file that was killed
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    except OSError as error:  # name the file the user asked for, not the temporary one
        raise OSError(error.errno, error.strerror, str(path)) from error
    os.chmod(temporary, mode)  # mkstemp makes the file private; an export is for reading elsewhere
    return handle, temporary


def _publish(temporary: str, path: Path, overwrite: bool) -> None:
    """Put the complete temporary file in place (never over a file that appeared meanwhile, unless ``overwrite``)."""
    if overwrite:
        os.replace(temporary, path)
        return
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


@contextmanager
def atomic_file(path: Path, *, overwrite: bool = False, mode: int = 0o644) -> Iterator[IO[bytes]]:
    """Write ``path`` through a temporary file in the same folder, renamed into place when complete.

    Without ``overwrite`` an existing file is never replaced: :class:`FileExistsError`, and
    nothing is written. A reader sees the old file or the whole new one, never a part.
    """
    path = _checked_target(path, overwrite)
    handle, temporary = _stage(path, mode)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        _publish(temporary, path, overwrite)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


class StagedFile:
    """A file being written for :func:`audited_file`: bytes in, their size and SHA-256 counted as they go."""

    def __init__(self, out: IO[bytes], path: Path) -> None:
        self._out = out
        self.path = path
        self.size = 0
        self._digest = hashlib.sha256()
        self.extra: dict[str, Any] = {}
        """More for the audit entry, known only once the file is written (a CSV's row count)."""
        self.made: ExportedFile | None = None
        """The file as published and audited (set when the block ends without error)."""

    def write(self, data: bytes) -> int:
        """Write ``data`` into the temporary file."""
        self._digest.update(data)
        self.size += len(data)
        return self._out.write(data)

    def exported(self) -> ExportedFile:
        """What was written so far, as the audit entry records it."""
        return ExportedFile(self.path, self.size, self._digest.hexdigest())


@contextmanager
def audited_file(
    session: Session,
    path: Path,
    *,
    kind: str,
    entity: str,
    entity_id: int | None,
    overwrite: bool = False,
    **extra: Any,
) -> Iterator[StagedFile]:
    """Write a file and its "export" audit entry: both or neither.

    The bytes go to a hidden temporary file first; then, in one transaction, the audit
    entry is written and the file put in place, and the transaction commits. A refused
    write (the database busy, read-only or full) leaves no file; a commit that fails after
    the file was put in place removes it again. The file never exists unaudited, and an
    entry never names a file that was not written.
    """
    path = _checked_target(path, overwrite)
    handle, temporary = _stage(path, 0o644)
    try:
        with os.fdopen(handle, "wb") as out:
            staged = StagedFile(out, path)
            yield staged
            out.flush()
            os.fsync(out.fileno())
        made = staged.exported()
        published = False
        try:
            with session.store.transaction():
                audit_file(session, made, kind=kind, entity=entity, entity_id=entity_id, **{**extra, **staged.extra})
                _publish(temporary, path, overwrite)
                published = True
        except BaseException:
            if published:
                with suppress(OSError):
                    path.unlink()
            raise
        staged.made = made
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
    """Write ``data`` to ``path`` and its audit entry, both or neither (see :func:`audited_file`)."""
    with audited_file(
        session, path, kind=kind, entity=entity, entity_id=entity_id, overwrite=overwrite, **extra
    ) as out:
        out.write(data)
    assert out.made is not None
    return out.made


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
