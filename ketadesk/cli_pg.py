"""The command line on a PostgreSQL clinic database: ``check``, ``backup [DEST]``, ``backup --list``, ``restore DUMP``.

``--db`` (or ``KETADESK_DB``) naming a ``postgresql://`` URL opens the server's database; the
password comes from where libpq looks (``PGPASSFILE``, a service file), never from the URL.
A backup is the program's logical dump (:mod:`ketadesk.clinic.server_backups`); a restore
goes into an empty database, with the URL of the role that owns its tables.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ketadesk.clinic import Clinic, config
from ketadesk.clinic.anchors import default_folder
from ketadesk.clinic.server_backups import restore_dump
from ketadesk.core.clock import SystemClock

COMMANDS = frozenset({"check", "backup", "restore"})
EXIT_USAGE = 2
EXIT_FAILED = 1


def server_url(explicit: str | None) -> str | None:
    """The ``postgresql://`` URL ``--db`` or ``KETADESK_DB`` names, or None when they name a file (or nothing)."""
    target = explicit or os.environ.get(config.DB_ENV) or ""
    return target if target.startswith(("postgresql://", "postgres://")) else None


def _open(url: str) -> Clinic:
    # The protocol is this workstation's: a server's database has no folder beside it to hold one.
    return Clinic.open(url, SystemClock(), config.load_clinic_protocol(None))


def _check(url: str, args: argparse.Namespace) -> int:
    from ketadesk import cli_check

    clinic = _open(url)
    try:
        if args.since_last_full_check:
            return cli_check.since(clinic, url)
        return cli_check.full(clinic, url, args.quick, clinic.maintenance.integrity_scope())
    finally:
        clinic.close()


def _backup(args: argparse.Namespace, url: str) -> int:
    clinic = _open(url)
    try:
        if args.list:
            if args.dest:
                sys.stderr.write("ketadesk: give either DEST or --list, not both\n")
                return EXIT_USAGE
            return _list(clinic)
        clinic.require_writable()
        if args.dest:
            made = clinic.maintenance.backup(Path(args.dest).expanduser())
        else:
            made = clinic.maintenance.manual_backup(default_folder())
    finally:
        clinic.close()
    print(f"Dump written and verified: {made}")
    return 0


def _list(clinic: Clinic) -> int:
    from ketadesk.cli_backups import backup_line

    found = clinic.maintenance.list_backups()
    if not found:
        print(f"No dumps of this database (they go in {default_folder()}, or where DEST says)")
        return 0
    print("Dumps of this database:")
    for one in found:
        print(f"  {backup_line(one)}")
    return EXIT_FAILED if any(one.problem is not None for one in found) else 0


def _restore(args: argparse.Namespace, url: str) -> int:
    done = restore_dump(url, Path(args.backup).expanduser(), SystemClock())
    head = f" (audit entry {done.backup_head.entry:,})" if done.backup_head is not None else ""
    print(f"Restored {done.backup}{head} into the empty database; the restore is audit entry {done.head.entry:,}")
    return 0


def run(args: argparse.Namespace, url: str) -> int:
    """One of :data:`COMMANDS` on the database at ``url``."""
    if args.command == "check":
        return _check(url, args)
    if args.command == "backup":
        return _backup(args, url)
    return _restore(args, url)
