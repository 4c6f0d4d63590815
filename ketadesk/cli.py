"""The command line: the jobs that need no window, on the same clinic API as the screens.

A user's mistake prints one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ketadesk import cli_backups, cli_check, cli_pg, cli_recovered, cli_server, cli_visits
from ketadesk.clinic import (
    Clinic,
    NewerDatabaseError,
    PermissionDenied,
    ProtocolError,
    StoreError,
    ValidationError,
    config,
)
from ketadesk.clinic.demo_files import DEMO_FILE
from ketadesk.core.clock import SystemClock

EXIT_USAGE = 2
EXIT_FAILED = 1


class _Parser(argparse.ArgumentParser):
    """argparse that reports mistakes as one line, like every other KetaDesk error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"ketadesk: {message} (see 'ketadesk --help')\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    parser = _Parser(prog="ketadesk", description="KetaDesk: the bedside workstation of a ketamine infusion clinic.")
    parser.add_argument("--version", action="version", version=f"KetaDesk {config.package_version()}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file, or a postgresql:// URL for visits, check, backup, restore, recovered, report, export, fhir"
        f" and csv (default: ${config.DB_ENV}, else {config.DB_FILE} in the data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="fill a database with a realistic demo clinic")
    demo.add_argument("--patients", type=int, default=24, metavar="N", help="number of patients (default 24)")
    demo.add_argument("--seed", type=int, default=7, help="random seed, for a repeatable demo")

    cli_visits.add_parser(commands)
    cli_recovered.add_parser(commands)

    gui = commands.add_parser("gui", help="start the bedside workstation (the default with no command)")
    gui.add_argument("--user", metavar="LOGIN", help="fill in this login at sign-in (the password is still asked)")
    gui.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)

    check = commands.add_parser(
        "check", help="check the database: integrity, schema, audit chain, records and users against the audit trail"
    )
    cli_check.add_arguments(check)

    cli_backups.add_parsers(commands)
    cli_server.add_parsers(commands)
    _add_report_commands(commands)
    return parser


def _add_report_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """report, export, fhir and csv: files for the chart, another clinic or a spreadsheet."""
    force = {"action": "store_true", "help": "replace the file if it exists (otherwise an existing file is kept)"}
    report = commands.add_parser("report", help="write a visit's PDF report, or a course summary with --course")
    report.add_argument("visit", nargs="?", type=int, metavar="VISIT_ID", help="the visit to report")
    report.add_argument("--course", type=int, metavar="COURSE_ID", help="a course summary instead of one visit")
    report.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="the PDF to write")
    report.add_argument("--force", **force)

    export = commands.add_parser("export", help="one PDF per visit into a folder, with a manifest CSV")
    export.add_argument("dest", metavar="DIR", help="the folder to write into (made if missing)")
    export.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first visit date (default: the oldest)")
    export.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last visit date (default: the newest)")
    export.add_argument("--signed-only", action="store_true", help="only visits a physician has signed")
    export.add_argument(
        "--workers", type=int, metavar="N", help="processes building PDFs (default: up to 2, by the number of CPUs)"
    )
    export.add_argument("--force", action="store_true", help="replace files that exist in DIR")

    fhir = commands.add_parser("fhir", help="write a visit as a FHIR R4 Bundle (JSON)")
    fhir.add_argument("visit", type=int, metavar="VISIT_ID", help="the visit to export")
    fhir.add_argument("-o", "--output", required=True, metavar="FILE.json", help="the JSON file to write")
    fhir.add_argument("--force", **force)

    vitals = commands.add_parser("csv", help="write vital signs as CSV with ISO times (one visit, or --all)")
    vitals.add_argument("visit", nargs="?", type=int, metavar="VISIT_ID", help="the visit to export")
    vitals.add_argument("--all", action="store_true", help="every visit in the database")
    vitals.add_argument("-o", "--output", required=True, metavar="FILE.csv", help="the CSV file to write")
    vitals.add_argument(
        "--no-bom", action="store_true", help="leave out the UTF-8 byte-order mark spreadsheets use to read the file"
    )
    vitals.add_argument("--force", **force)


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    sys.stderr.write(f"ketadesk: {message}\n")
    return code


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} patients")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


Target = Path | str
"""A clinic database on the command line: a SQLite file, or a ``postgresql://`` URL (:func:`cli_pg.server_url`)."""


def _open(path: Target, *, daily_backup: bool = False) -> Clinic:
    """Open the clinic; with ``daily_backup``, make a file's automatic backup of today first if it is missing.

    A server's database has no folder beside it for a protocol file (the workstation's own is
    used) and no daily file copy (its dumps are the administrator's: ``ketadesk backup``).
    """
    file = path if isinstance(path, Path) else None
    clinic = Clinic.open(path, SystemClock(), config.load_clinic_protocol(file))
    if clinic.read_only:  # every command refuses at once, one line, before any file is made
        clinic.close()
        clinic.require_writable()
    if daily_backup and file is not None:
        try:
            cli_backups.daily_backup_or_warn(clinic, file)  # a failure warns; the command carries on
        except BaseException:
            clinic.close()
            raise
    return clinic


def _cmd_demo(args: argparse.Namespace, path: Path) -> int:
    if not 1 <= args.patients <= 5000:
        return _fail(f"--patients {args.patients} is out of range; use 1–5000", EXIT_USAGE)
    if path.exists():  # an empty file is replaced; one holding a clinic never is
        clinic = _open(path)
        try:
            if clinic.patients.count() or not clinic.accounts.needs_setup():
                return _fail(
                    f"{path} already holds patients or users; the demo fills only a new, empty database "
                    "(give another --db)"
                )
        finally:
            clinic.close()
    print(f"Writing a demo clinic of {args.patients} patients to {path}")
    from ketadesk.clinic.demo_files import make_demo  # built aside, renamed into place whole

    protocol = config.load_clinic_protocol(path)
    made = make_demo(path, SystemClock(), protocol, patients=args.patients, seed=args.seed, progress=_progress)
    print(f"Done: {args.patients} patients, {made.visits_today} visits today, {made.audit_entries} audit entries.")
    if made.showcase:
        print("Visits to look at first (ketadesk report ID -o FILE.pdf, fhir ID -o FILE.json, csv ID -o FILE.csv):")
        width = max(len(str(s.visit_id)) for s in made.showcase)
        for shown in made.showcase:
            course = "" if shown.course_id is None else f" (course {shown.course_id})"
            print(f"  {shown.visit_id:>{width}}  {shown.patient}{course}: {shown.shows}")
    return 0


def _cmd_visits(args: argparse.Namespace, path: Target) -> int:
    try:
        typed = cli_visits.typed_range(args)
    except ValidationError as error:
        return _fail(str(error), EXIT_USAGE)
    if isinstance(path, Path) and not path.exists():
        return _fail(f"{path} does not exist; check --db or {config.DB_ENV} (a new clinic starts with 'ketadesk gui')")
    clinic = _open(path, daily_backup=True)
    try:
        days = cli_visits.day_range(typed, clinic.today())
        rows = cli_visits.rows(cli_visits.listed(clinic, days), days)
    finally:
        clinic.close()
    cli_visits.print_rows(rows, days, as_json=args.json)
    return 0


def _cmd_check(path: Path, args: argparse.Namespace) -> int:
    if not path.exists():
        return _fail(f"{path} does not exist")
    try:
        clinic = _open(path)
    except StoreError as error:  # damaged beyond opening, read-only: its one line, not a traceback
        return _fail(f"check failed: {error}", EXIT_FAILED)
    try:
        if args.since_last_full_check:
            return cli_check.since(clinic, str(path))
        return cli_check.full(clinic, str(path), args.quick, "integrity, foreign keys")
    except sqlite3.DatabaseError as error:
        return _fail(f"check failed: the file is damaged ({error})", EXIT_FAILED)
    finally:
        clinic.close()


def _existing(path: Target) -> Clinic:
    """Open a database that must already exist (reports never create an empty one; a server's is made by
    ``ketadesk server init``)."""
    if isinstance(path, Path) and not path.exists():
        raise FileNotFoundError(2, "No such database (check --db or $KETADESK_DB)", str(path))
    return _open(path)


def _export_progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} visits")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n >= 1024 else f"{n} bytes"


def _cmd_report(args: argparse.Namespace, path: Target) -> int:
    if (args.visit is None) == (args.course is None):
        return _fail("give either VISIT_ID or --course COURSE_ID (one of them)", EXIT_USAGE)
    clinic = _existing(path)
    try:
        output = Path(args.output)
        if args.course is not None:
            made = clinic.reports.save_course_report(args.course, output, overwrite=args.force)
            print(f"Course {args.course} summary written: {made.path} ({_size(made.size)})")
        else:
            made = clinic.reports.save_visit_report(args.visit, output, overwrite=args.force)
            print(f"Visit {args.visit} report written: {made.path} ({_size(made.size)})")
    finally:
        clinic.close()
    return 0


def _cmd_export(args: argparse.Namespace, path: Target) -> int:
    for flag, text in (("--from", args.first), ("--to", args.last)):
        if text and not _is_date(text):
            return _fail(f"{flag} {text!r} is not a date; write it as YYYY-MM-DD", EXIT_USAGE)
    first = date.fromisoformat(args.first) if args.first else None
    last = date.fromisoformat(args.last) if args.last else None
    if args.workers is not None and not 1 <= args.workers <= 16:
        return _fail(f"--workers {args.workers} is out of range; use 1–16", EXIT_USAGE)
    workers = args.workers or max(1, min(2, os.cpu_count() or 1))
    clinic = _existing(path)
    try:
        batch = clinic.reports.export_reports(
            Path(args.dest),
            first,
            last,
            signed_only=args.signed_only,
            overwrite=args.force,
            progress=_export_progress,
            workers=workers,
        )
    finally:
        clinic.close()
    which = "signed visits" if args.signed_only else "visits"
    print(f"{len(batch.files)} {which} exported to {batch.folder}; manifest: {batch.manifest}")
    return 0


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _cmd_fhir(args: argparse.Namespace, path: Target) -> int:
    clinic = _existing(path)
    try:
        made = clinic.reports.save_visit_fhir(args.visit, Path(args.output), overwrite=args.force)
    finally:
        clinic.close()
    print(f"Visit {args.visit} FHIR R4 Bundle written: {made.path} ({_size(made.size)})")
    return 0


def _cmd_csv(args: argparse.Namespace, path: Target) -> int:
    if (args.visit is None) == (not args.all):
        return _fail("give either VISIT_ID or --all (one of them)", EXIT_USAGE)
    clinic = _existing(path)
    try:
        made = clinic.reports.save_vitals_csv(
            Path(args.output), None if args.all else [args.visit], overwrite=args.force, bom=not args.no_bom
        )
    finally:
        clinic.close()
    print(f"Vital signs written: {made.path} ({_size(made.size)})")
    return 0


_REPORT_COMMANDS = {"report": _cmd_report, "export": _cmd_export, "fhir": _cmd_fhir, "csv": _cmd_csv}


def _cmd_gui(args: argparse.Namespace, path: Target) -> int:
    from ketadesk.ui.system_needs import start_lacks

    lacks = start_lacks(path if isinstance(path, Path) else None)  # a server's database has no folder here
    stopping = [lack for lack in lacks if lack.stops_start]
    if stopping:
        return _fail(str(stopping[0]))
    for lack in lacks:  # the program runs without these; said once, on the way in
        sys.stderr.write(f"ketadesk: note: {lack}\n")
    from ketadesk.ui.window.app import run_gui

    notes = [str(lack) for lack in lacks]
    return run_gui(path, args.user, exit_after_start=args.exit_after_start, notes=notes)


_ON_A_SERVER = {**_REPORT_COMMANDS, "visits": _cmd_visits, "gui": _cmd_gui, "recovered": cli_recovered.cmd_recovered}
"""The commands that read or write a clinic's record alike on a file and on a server's database."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CLI command and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # An explicit empty list means "no arguments", not "read the process's own command line".
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "gui"])
    try:
        if args.command == "server":  # the server's own URLs, never --db
            return cli_server.cmd_server(args)
        server = cli_pg.server_url(args.db)
        if server is not None:  # a clinic database on a PostgreSQL server
            if args.command in cli_pg.COMMANDS:  # check, backup, restore: the server's own ways
                return cli_pg.run(args, server)
            if args.command in _ON_A_SERVER:  # the same commands as on a file, through the URL
                return _ON_A_SERVER[args.command](args, server)
            works = ", ".join(sorted({*cli_pg.COMMANDS, *_ON_A_SERVER}))  # demo, migrate (--db is its source)
            return _fail(
                f"{args.command} needs a SQLite file for --db; a postgresql:// URL works for {works}", EXIT_USAGE
            )
        if args.command == "demo" and not args.db and not os.environ.get(config.DB_ENV):
            folder = config.data_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / DEMO_FILE
        else:
            path = config.database_path(args.db)
        if args.command == "demo":
            return _cmd_demo(args, path)
        if args.command == "visits":
            return _cmd_visits(args, path)
        if args.command == "check":
            return _cmd_check(path, args)
        if args.command == "gui":
            return _cmd_gui(args, path)
        if args.command == "backup":
            return cli_backups.cmd_backup(args, path)
        if args.command == "migrate":
            return cli_server.cmd_migrate(args, path)
        if args.command == "restore":
            return cli_backups.cmd_restore(args, path)
        if args.command == "recovered":
            return cli_recovered.cmd_recovered(args, path)
        if args.command in _REPORT_COMMANDS:
            return _REPORT_COMMANDS[args.command](args, path)
    except (ValidationError, PermissionDenied, ProtocolError, NewerDatabaseError, StoreError) as error:
        return _fail(str(error))
    except FileExistsError as error:
        return _fail(f"{error.filename} {error.strerror}; give --force to replace it")
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except OSError as error:
        return _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
    return _fail(f"unknown command {args.command!r}", EXIT_USAGE)
