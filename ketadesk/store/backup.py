"""Backups through SQLite's online backup API, checked after they are written.

The online API copies a live database page by page without stopping the bedside, and
the copy is only kept once ``integrity_check`` on it says ``ok``.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ketadesk.core.audit_head import AuditHead
from ketadesk.store import audit
from ketadesk.store.db import Store
from ketadesk.store.errors import StoreError

PAGES_PER_STEP = 256
_DAILY = re.compile(r"ketadesk-(\d{4}-\d{2}-\d{2})\.sqlite")


def backup_to(
    store: Store,
    destination: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    at: str | None = None,
    actor_id: int | None = None,
) -> Path:
    """Copy the open database to ``destination``, verify the copy, and audit the backup.

    The copy is written beside the destination under a temporary name and renamed into
    place only when it checks out, so a failed backup never leaves a half file behind.
    """
    destination = Path(destination)
    if destination.exists() and destination.is_dir():
        raise StoreError(f"{destination} is a folder; give a file name for the backup")
    if not destination.parent.exists():
        raise StoreError(f"the folder {destination.parent} does not exist")
    if store.path is not None and destination.resolve() == store.path.resolve():
        raise StoreError("a backup cannot overwrite the database it copies")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        target = sqlite3.connect(str(partial))
        try:

            def step(status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            store.conn.backup(target, pages=PAGES_PER_STEP, progress=step)
            target.execute("PRAGMA journal_mode = DELETE")
            result = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
        if result != "ok":
            raise StoreError(f"the backup failed its integrity check ({result}); nothing was kept")
        with open(partial, "r+b") as handle:  # writable: Windows cannot flush a read-only handle
            os.fsync(handle.fileno())
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)  # a failed or cancelled backup leaves no half file behind
        raise
    if at is not None:
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
    return destination


def daily_backup(store: Store, folder: Path, today: date, keep: int, *, at: str, actor_id: int | None) -> Path | None:
    """Make today's automatic backup if there is none yet, and keep only the newest ``keep``.

    Returns the new file, or None when today's backup already existed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"ketadesk-{today.isoformat()}.sqlite"
    made = None
    if not target.exists():
        made = backup_to(store, target, at=at, actor_id=actor_id)
    dated = sorted((p for p in folder.iterdir() if _DAILY.fullmatch(p.name)), key=lambda p: p.name)
    for old in dated[:-keep] if keep > 0 else []:
        old.unlink()
    return made


def head_of(path: Path) -> AuditHead | None:
    """The audit head a backup holds (its last entry and its installation), or None when it is not a readable backup.

    Read-only, two indexed reads: a backup is an anchor of the chain as it stood when it was taken.
    """
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, ValueError, OSError):
        return None
    try:
        installation = conn.execute("SELECT installation FROM installation").fetchone()
        last = conn.execute("SELECT id, at, hash, mac FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if installation is None or last is None:
        return None
    return AuditHead(str(installation[0]), int(last[0]), str(last[2]), last[3], str(last[1]))


def check(store: Store, *, quick: bool = False) -> list[str]:
    """Run integrity_check (``quick``: quick_check) and foreign_key_check; return what failed (empty when all is well).

    The full check also reads every index against its table, which the quick one skips.
    """
    problems: list[str] = []
    pragma = "quick_check" if quick else "integrity_check"
    found = [row[0] for row in store.conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
    if found != ["ok"]:
        problems.extend(f"{pragma}: {line}" for line in found[:20])
    for row in store.conn.execute("PRAGMA foreign_key_check").fetchall()[:10]:
        problems.append(f"foreign_key_check: {row[0]} row {row[1]} points at a missing {row[2]}")
    return problems
