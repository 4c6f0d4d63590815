"""Backups through SQLite's online backup API: copied aside, verified, audited, then published.

The online API copies a live database without stopping the bedside. The copy is written
under a temporary name (:mod:`ketadesk.core.backup_files`), kept only once its pages,
its schema and its own audit chain verify (:mod:`ketadesk.store.backup_verify`), and
published by a rename inside the transaction that writes its audit entry: the file and
its entry exist both or neither. The heavy part, :func:`copy_verified`, can run on a
worker thread with its own connection, so a window never freezes while it runs.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ketadesk.core.audit_head import AuditHead
from ketadesk.store import backup_files, backup_verify
from ketadesk.store.backup_publish import VerifiedCopy, check_destination, publish
from ketadesk.store.db import BUSY_TIMEOUT_MS, Store
from ketadesk.store.errors import StoreError

# A full disk, simulated without root: the copy may hold at most this many pages (tests set it).
TARGET_MAX_PAGES: int | None = None


def copy_verified(
    source: sqlite3.Connection | Path,
    folder: Path,
    *,
    secret: bytes | None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifiedCopy:
    """Copy the database into a new temporary in ``folder`` and verify the copy; raise StoreError if it fails.

    ``source`` is the open store's connection or, from a worker thread, the database's path
    (read through a connection of its own). The copy needs no journal (it is a temporary) and
    ends in rollback-journal mode, one self-contained file.
    """
    if not folder.is_dir():
        raise StoreError(f"the folder {folder} does not exist")
    backup_files.remove_leftovers(folder)
    partial = backup_files.partial_path(folder)
    own = isinstance(source, Path)
    try:
        conn = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000) if isinstance(source, Path) else source
        try:
            target = sqlite3.connect(str(partial))
            try:
                target.execute("PRAGMA journal_mode = OFF")
                if TARGET_MAX_PAGES is not None:
                    target.execute(f"PRAGMA max_page_count = {TARGET_MAX_PAGES}")

                def step(status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(total - remaining, total)

                # From a connection of its own, one step: a single read transaction, no restarts as others write.
                conn.backup(target, pages=-1 if own else 256, progress=step)
                target.execute("PRAGMA journal_mode = DELETE")
                target.row_factory = sqlite3.Row
                problem = backup_verify.problem_of(target, secret)
                head = backup_verify.head_in(target) if problem is None else None
            finally:
                target.close()
        finally:
            if own:
                conn.close()
        if problem is not None:
            raise StoreError(f"the backup did not verify ({problem}); nothing was kept")
        with open(partial, "r+b") as handle:  # writable: Windows cannot flush a read-only handle
            os.fsync(handle.fileno())
    except sqlite3.Error as error:
        backup_files.discard(partial)
        raise StoreError(f"the backup could not be written ({error}); nothing was kept") from error
    except OSError as error:
        backup_files.discard(partial)
        raise StoreError(f"the backup could not be written ({error.strerror or error}); nothing was kept") from error
    except BaseException:
        backup_files.discard(partial)  # a failed or cancelled backup leaves no half file behind
        raise
    return VerifiedCopy(partial, head)


def backup_to(
    store: Store,
    destination: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    at: str | None = None,
    actor_id: int | None = None,
) -> Path:
    """Copy the open database to ``destination``, verify the copy, audit the backup and publish it.

    On PostgreSQL the copy is the program's logical dump (:mod:`ketadesk.store.pg_dump`).
    """
    if store.engine == "postgresql":
        from ketadesk.store import pg_dump

        if at is None:
            raise StoreError("a dump of a server's database is audited: it needs the time it is taken")
        return pg_dump.dump_to(store, destination, at=at, actor_id=actor_id)
    destination = check_destination(store, destination)
    copy = copy_verified(store.conn, destination.parent, secret=store.chain.secret, progress=progress)
    return publish(store, copy, destination, at=at, actor_id=actor_id)


def daily_target(store: Store, folder: Path, today: date) -> Path | None:
    """Where today's automatic backup goes (the folder made), or None when it already exists."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_files.daily_name(store.path, today)
    return None if target.exists() else target


def prune(store: Store, folder: Path, keep: int) -> list[Path]:
    """Keep only the newest ``keep`` daily backups of this database (others' and hand-made ones are left)."""
    dated = backup_files.dailies_in(folder, store.path)
    gone = dated[:-keep] if keep > 0 else []
    for old in gone:
        old.unlink(missing_ok=True)
    return gone


def daily_backup(store: Store, folder: Path, today: date, keep: int, *, at: str, actor_id: int | None) -> Path | None:
    """Make today's automatic backup if there is none yet, and keep only the newest ``keep``.

    Returns the new file, or None when today's backup already existed.
    """
    target = daily_target(store, folder, today)
    made = None
    if target is not None:
        made = backup_to(store, target, at=at, actor_id=actor_id)
    prune(store, folder, keep)
    return made


def head_of(path: Path) -> AuditHead | None:
    """The audit head a backup holds (its last entry and its installation), or None when it is not a readable backup.

    Read-only, two indexed reads: a backup is an anchor of the chain as it stood when it was taken.
    A PostgreSQL clinic's logical dump says its head in its manifest.
    """
    from ketadesk.store import pg_dump_file

    if pg_dump_file.is_dump(path):
        return pg_dump_file.head_of(path)
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, ValueError, OSError):
        return None
    try:
        return backup_verify.head_in(conn)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()


def check(store: Store, *, quick: bool = False) -> list[str]:
    """Run integrity_check (``quick``: quick_check) and foreign_key_check; return what failed (empty when all is well).

    The full check also reads every index against its table, which the quick one skips. On
    PostgreSQL: the server's own checks and every foreign key (:mod:`ketadesk.store.pg_integrity`).
    """
    if store.engine == "postgresql":
        from ketadesk.store import pg_integrity
        from ketadesk.store.pg_engine import PostgresStore

        assert isinstance(store, PostgresStore)
        return pg_integrity.problems(store, quick=quick)
    problems: list[str] = []
    pragma = "quick_check" if quick else "integrity_check"
    found = [row[0] for row in store.conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
    if found != ["ok"]:
        problems.extend(f"{pragma}: {line}" for line in found[:20])
    for row in store.conn.execute("PRAGMA foreign_key_check").fetchall()[:10]:
        problems.append(f"foreign_key_check: {row[0]} row {row[1]} points at a missing {row[2]}")
    return problems
