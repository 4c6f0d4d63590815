"""``ketadesk recovered --to TIME --as LOGIN --reason TEXT``: a recovery made outside the program, recorded.

After a PostgreSQL server is recovered to an earlier moment with its own tools, or a clinic
file copied back from the machine's backups, ``check`` reports the record ending before its
anchors. An administrator records why, in their own name: the password is asked at the
terminal (or read as one line of standard input), never taken from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path

from ketadesk.clinic import Clinic, config
from ketadesk.core.clock import SystemClock
from ketadesk.core.errors import ValidationError

_TIME = "a moment as YYYY-MM-DD HH:MM (this workstation's time), or ISO 8601 with its offset"


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``recovered``."""
    recovered = commands.add_parser(
        "recovered",
        help="record that the database was recovered to an earlier moment outside KetaDesk (an administrator's act)",
    )
    recovered.add_argument(
        "--to", required=True, metavar="TIME", help="the moment it was recovered to (the server's recovery target)"
    )
    recovered.add_argument("--as", dest="login", required=True, metavar="LOGIN", help="the administrator recording it")
    recovered.add_argument("--reason", required=True, metavar="TEXT", help="why it was recovered (kept in the audit)")


def typed_moment(text: str) -> datetime:
    """The moment typed for ``--to``: local time when it has no offset; a refusal names the option and the value."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("--to", text, _TIME) from None
    return moment.astimezone() if moment.tzinfo is None else moment


def _password(login: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {login}: ")
    return sys.stdin.readline().rstrip("\n")


def cmd_recovered(args: argparse.Namespace, target: Path | str) -> int:
    """Sign in as the administrator, record the recovery, sign out; print what was recorded."""
    to = typed_moment(args.to)
    file = target if isinstance(target, Path) else None
    if file is not None and not file.exists():
        raise ValidationError("--db", str(file), "an existing clinic file")
    clinic = Clinic.open(target, SystemClock(), config.load_clinic_protocol(file))
    try:
        clinic.require_writable()
        signed = clinic.sign_in(args.login, _password(args.login))
        try:
            done = signed.maintenance.record_recovery(to, args.reason)
        finally:
            signed.accounts.sign_out()
    finally:
        clinic.close()
    for line in done.before:
        print(f"Before: {line}")
    witnessed = f" (this workstation had witnessed entry {done.witnessed.entry:,})" if done.witnessed else ""
    print(
        f"Recorded: the record was recovered to {done.to.astimezone():%Y-%m-%d %H:%M:%S}; entries from "
        f"{done.fork:,} on were written after that moment. The recovery is audit entry {done.entry.entry:,}; "
        f"anchors of the record as it was{witnessed} are set aside, and this workstation's witness follows the "
        "record again. Run `ketadesk check` on each workstation."
    )
    return 0
