"""The command line's backups: ``backup [DEST]``, ``backup --list``, ``restore BACKUP``, and the daily backup's warning.

The daily backup another command makes on the way (``visits``) never stands between a
nurse and the list: when it fails (a full disk, a read-only folder) one warning line goes
to stderr and the command carries on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ketadesk.clinic import Clinic, StoreError, config
from ketadesk.clinic.backups import BackupFile, Restored, list_backups, restore_backup
from ketadesk.core.clock import SystemClock

EXIT_USAGE = 2
EXIT_FAILED = 1


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``backup`` and ``restore``."""
    backup = commands.add_parser("backup", help="copy the database safely (online backup API, verified), or --list")
    backup.add_argument(
        "dest",
        nargs="?",
        metavar="DEST",
        help="file to write (default: a dated file in the backups folder beside the database)",
    )
    backup.add_argument(
        "--list", action="store_true", help="list this database's backups: date, size, audit head, whether it verifies"
    )
    restore = commands.add_parser(
        "restore", help="put a verified backup in place of the database (the current file is kept aside)"
    )
    restore.add_argument("backup", metavar="BACKUP", help="the backup file to restore")


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    sys.stderr.write(f"ketadesk: {message}\n")
    return code


def daily_backup_or_warn(clinic: Clinic, database: Path) -> Path | None:
    """Today's automatic backup if it is missing; a failure is one warning line on stderr, never the end."""
    try:
        return clinic.maintenance.daily_backup(config.backup_dir(database))
    except (StoreError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        sys.stderr.write(f"ketadesk: warning: today's automatic backup failed ({reason}); carrying on without it\n")
        return None


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):,.1f} MiB"
    return f"{n / 1024:,.0f} KiB" if n >= 1024 else f"{n} bytes"


def backup_line(found: BackupFile) -> str:
    """One backup as ``--list`` prints it: when, how big, where its audit trail ends, whether it verifies, where."""
    when = found.taken.astimezone().strftime("%Y-%m-%d %H:%M")
    head = f"entry {found.head.entry:,}" if found.head is not None else "no audit head"
    verdict = "verified" if found.problem is None else f"DOES NOT VERIFY: {found.problem}"
    return f"{when}  {_size(found.size):>11}  {head:>14}  {verdict}  {found.path}"


def _list(path: Path) -> int:
    found = list_backups(path)
    if not found:
        print(f"No backups of {path} (they go in {config.backup_dir(path)})")
        return 0
    print(f"Backups of {path}:")
    for one in found:
        print(f"  {backup_line(one)}")
    bad = sum(1 for one in found if one.problem is not None)
    return EXIT_FAILED if bad else 0


def cmd_backup(args: argparse.Namespace, path: Path) -> int:
    """``ketadesk backup``: today's daily backup if missing, then the one asked for (or the list)."""
    if args.list:
        if args.dest:
            return _fail("give either DEST or --list, not both", EXIT_USAGE)
        return _list(path)
    if not path.exists():
        return _fail(f"{path} does not exist; nothing to back up")
    clinic = Clinic.open(path, SystemClock(), config.load_clinic_protocol(path))
    try:
        clinic.require_writable()  # a backup is audited in the database: a read-only one refuses, in one line
        daily_backup_or_warn(clinic, path)
        if args.dest:
            made = clinic.maintenance.backup(Path(args.dest).expanduser())
        else:
            made = clinic.maintenance.manual_backup(config.backup_dir(path))
    finally:
        clinic.close()
    print(f"Backup written and verified: {made}")
    return 0


def restored_text(done: Restored) -> str:
    """What the restore did, for the one line it prints."""
    head = f" (audit entry {done.backup_head.entry:,})" if done.backup_head is not None else ""
    if done.set_aside is None:
        kept = "there was no file to set aside"
    else:
        aside_head = f" (audit entry {done.set_aside_head.entry:,})" if done.set_aside_head is not None else ""
        kept = f"the file it replaced is kept as {done.set_aside}{aside_head}"
    return f"Restored {done.backup}{head} into {done.database}; {kept}; the restore is audit entry {done.head.entry:,}"


def cmd_restore(args: argparse.Namespace, path: Path) -> int:
    """``ketadesk restore BACKUP``: verified, the current file kept aside, audited, the witness restarted."""
    done = restore_backup(path, Path(args.backup).expanduser(), SystemClock())
    print(restored_text(done))
    return 0
