"""A copy of the database exactly as it was, made before a newer program upgrades its schema.

Installing a new KetaDesk never touches the clinic's file; the first open by the new program
migrates it (in one transaction, rolled back on any failure). Before that first change, the
file as the older program left it is copied whole into the backups folder beside it, so an
upgrade can always be undone by hand: the older program opens that copy as it always did.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from ketadesk.store.errors import StoreError

BACKUP_FOLDER = "backups"  # the same folder the daily backups go to (clinic.config.backup_dir)


def upgrade_copy_path(target: Path, from_version: int, to_version: int) -> Path:
    """Where the copy of ``target`` at ``from_version``, before its upgrade to ``to_version``, goes."""
    return target.parent / BACKUP_FOLDER / f"{target.stem}-schema-{from_version}-before-{to_version}.sqlite"


def copy_before_upgrade(conn: sqlite3.Connection, target: Path, from_version: int, to_version: int) -> Path:
    """Copy the open database (SQLite's online backup), check the copy, and put it in place whole.

    A copy made by an earlier, interrupted attempt at the same upgrade is kept as it is: it is
    the file before any upgrade began. A copy that cannot be made stops the upgrade, with the
    database unchanged.
    """
    copy = upgrade_copy_path(target, from_version, to_version)
    if copy.exists():
        return copy
    scratch = copy.with_name(f".{copy.name}.partial")
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(scratch)) as out:
            conn.backup(out)
            verdict = out.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise StoreError(f"the copy of {target} before its upgrade did not check out ({verdict})")
        os.replace(scratch, copy)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(
            f"{target} was not upgraded: a copy of it could not be made in {copy.parent} first ({error}); "
            "it has not been changed"
        ) from error
    finally:
        with contextlib.suppress(OSError):  # gone already, or its folder could not be made
            scratch.unlink()
    return copy
