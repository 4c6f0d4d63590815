"""The command line's PostgreSQL server jobs: ``server init``, ``server migrate``, and ``migrate --to``.

Each connects as the server's administrator, whose password libpq finds in ``PGPASSFILE``, a
service file or ``~/.pgpass``: a URL with a password is refused, and no password is ever an
argument (the application role's is made and written to a pgpass file, or typed at a prompt,
or read from standard input).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ketadesk.core.clock import SystemClock

EXIT_USAGE = 2
EXIT_FAILED = 1

_CREDENTIALS = """The administrator's password is never on the command line or in the URL: libpq
reads it from PGPASSFILE, a service file (pg_service.conf, ?service=NAME) or ~/.pgpass."""
_INIT = f"""Create the clinic's PostgreSQL roles and database, and migrate it:

  an owner role (NOLOGIN) that owns the schema, its tables, triggers and functions;
  an application role (LOGIN) that owns nothing: it reads every table, appends to the
  record, updates only the few columns the program changes, and cannot drop, alter,
  disable or bypass a trigger, truncate, or delete the record;
  the clinic database, owned by the owner role, migrated as the owner.

Connect as a superuser or as a role with CREATEROLE and CREATEDB (PostgreSQL 16 or
newer). {_CREDENTIALS}

The application role's password is never an argument either. With --pgpass FILE a
random one is made and written to FILE as a pgpass line (the file is created or its
other lines kept, mode 0600): give that file to each workstation as its PGPASSFILE.
Without --pgpass it is asked twice at the terminal, or read as one line from standard
input when that is not a terminal (at least 16 characters).

The workstations then open the database as the application role, and the audit
chain's key file named at the end is copied into each workstation's key folder. The
URL and the pgpass line printed name the server as --admin does: give --admin the
host name the workstations use."""
_MIGRATE_SERVER = f"""Bring the clinic database's schema up to this KetaDesk's, as the database's owner
(through SET ROLE from the administrator's connection), and renew the application
roles' grants for any table a migration added. A workstation that opens a database
whose schema is older is told to ask for this; a newer schema is refused untouched.

{_CREDENTIALS}"""
_MIGRATE = f"""Copy the SQLite clinic file (--db) whole into an empty PostgreSQL clinic database:
every row of every table with its ids, the id sequences moved past them, the audit
chain and every signature verified on arrival before anything is committed. The file
must pass `ketadesk check` and is never changed; a database that holds any record is
refused and left untouched. The copy runs as the database's owner, connected as the
administrator (a superuser, or the role that ran `server init`); every row goes in
with the triggers on.

{_CREDENTIALS}"""


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``server init``, ``server migrate`` and ``migrate --to``."""
    raw = argparse.RawDescriptionHelpFormatter
    admin = "the administrator's connection, a postgresql:// URL without a password"
    server = commands.add_parser("server", help="set up or upgrade the clinic's PostgreSQL server (roles, database)")
    jobs = server.add_subparsers(dest="server_job", metavar="JOB", required=True, parser_class=type(server))
    init = jobs.add_parser(
        "init",
        help="create the owner and application roles and the clinic database",
        description=_INIT,
        formatter_class=raw,
    )
    init.add_argument("--admin", required=True, metavar="URL", help=f"{admin}, to any database of the server")
    init.add_argument("--database", default="ketadesk", metavar="NAME", help="the clinic database (default ketadesk)")
    init.add_argument("--owner-role", default="ketadesk_owner", metavar="ROLE", help="default ketadesk_owner")
    init.add_argument("--app-role", default="ketadesk_app", metavar="ROLE", help="default ketadesk_app")
    init.add_argument(
        "--pgpass", metavar="FILE", help="make the application role's password and write it to this pgpass file"
    )
    upgrade = jobs.add_parser(
        "migrate",
        help="bring the clinic database's schema up to date, as its owner",
        description=_MIGRATE_SERVER,
        formatter_class=raw,
    )
    upgrade.add_argument("--admin", required=True, metavar="URL", help=f"{admin}, to the clinic database")
    move = commands.add_parser(
        "migrate",
        help="copy this SQLite clinic (--db) whole into an empty PostgreSQL clinic database",
        description=_MIGRATE,
        formatter_class=raw,
    )
    move.add_argument("--to", required=True, metavar="URL", help=f"{admin}, to the empty clinic database")


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    sys.stderr.write(f"ketadesk: {message}\n")
    return code


def _typed_password() -> str | None:
    """The application role's password: asked twice at a terminal, else one line of standard input (None: differed)."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password for the application role: ")
        return first if getpass.getpass("The same password again: ") == first else None
    return sys.stdin.readline().rstrip("\r\n")


def cmd_server(args: argparse.Namespace) -> int:
    """``server init`` or ``server migrate``."""
    from ketadesk.clinic import server  # psycopg is loaded only for the server's jobs

    if args.server_job == "migrate":
        done = server.migrate_server(args.admin)
        grants = ", ".join(done.apps) or "no application role yet"
        print(f"Schema {done.before} → {done.after}, migrated as {done.owner}; grants renewed for {grants}.")
        return 0
    password = None
    if args.pgpass is None:
        password = _typed_password()
        if password is None:
            return _fail("the two passwords differ; nothing was changed")
    made = server.init_server(
        args.admin,
        database=args.database,
        owner=args.owner_role,
        app=args.app_role,
        password=password,
        pgpass=None if args.pgpass is None else Path(args.pgpass),
    )
    print(f"Created the clinic database {made.database} (schema {made.schema}), owned by {made.owner} (no login).")
    print(f"The workstations open it as {made.app}: {made.app_url}")
    if made.pgpass is not None:
        print(f"Its password is in {made.pgpass}: give that file to each workstation as PGPASSFILE.")
    if made.key_file is not None:
        print(f"The audit chain's key: {made.key_file}; copy it into each workstation's key folder (mode 0600).")
    return 0


def cmd_migrate(args: argparse.Namespace, path: Path) -> int:
    """``migrate --to URL``: the SQLite clinic at ``path`` copied into the empty clinic database at the URL."""
    from ketadesk.clinic import server

    if not args.to.startswith(("postgresql://", "postgres://")):
        return _fail(f"--to {args.to!r} is not a postgresql:// URL of an empty clinic database", EXIT_USAGE)
    moved = server.copy_to_server(path, args.to, SystemClock())
    total = sum(moved.rows.values())
    print(f"Copied {path} into {moved.target}: {total:,} rows in {len(moved.rows)} tables,")
    print(f"{moved.rows.get('audit', 0):,} audit entries verified, and the copy's own entry {moved.entry:,}.")
    print(f"Keep {path} as it is now, and work in the database from here on.")
    return 0
