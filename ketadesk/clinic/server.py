"""A clinic's PostgreSQL server set up, kept up to date, and a SQLite clinic moved onto it.

Three jobs of the server's administrator, never of a workstation (which connects as the
application role, :mod:`ketadesk.store.pg_roles`, and can change neither schema nor guards):

- :func:`init_server`: the owner role, the application role and the clinic database, migrated
  as the owner, the application role granted what the program uses;
- :func:`migrate_server`: a newer KetaDesk's migrations, run as the owner, and the grants renewed
  (a workstation that opens a database whose schema is older is told to ask for this);
- :func:`copy_to_server`: a SQLite clinic file, which must pass ``check``, copied whole into an
  empty clinic database, verified there before it is committed (:mod:`ketadesk.store.pg_copy`).

The administrator's own connection is used throughout (its password from ``PGPASSFILE``, a
service file or ``~/.pgpass``), becoming the owner with ``SET ROLE`` for what the owner must do.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from ketadesk.clinic import anchors, config, files, record_signing, watch_signing
from ketadesk.clinic.maintenance import Maintenance
from ketadesk.clinic.session import Session
from ketadesk.clinic.signing import Signing
from ketadesk.core.clock import Clock, to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.store import audit as store_audit
from ketadesk.store import chain_key, pg_copy, pg_roles, pg_schema
from ketadesk.store import users as store_users
from ketadesk.store.db import Store, open_store
from ketadesk.store.errors import StoreError
from ketadesk.store.pg_engine import PostgresStore, connect
from ketadesk.store.schema import SCHEMA_VERSION

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
PASSWORD_MIN = 16
_NAMES = "1–63 lower-case letters, digits and _, starting with a letter or _"


@dataclass(frozen=True, slots=True)
class ServerMade:
    """What ``server init`` made, and what the workstations and the administrator need from it."""

    database: str
    owner: str
    app: str
    app_url: str
    schema: int
    key_file: Path | None
    pgpass: Path | None


@dataclass(frozen=True, slots=True)
class ServerMigrated:
    """The schema before and after ``server migrate``, its owner, and the application roles granted anew."""

    before: int
    after: int
    owner: str
    apps: list[str]


@dataclass(frozen=True, slots=True)
class ClinicMoved:
    """A SQLite clinic copied into a PostgreSQL clinic database: the rows per table, the copy's own audit entry."""

    target: str
    rows: dict[str, int]
    entry: int


def checked_name(field: str, value: str) -> str:
    """A role or database name KetaDesk makes: plain lower-case, so it needs no quoting anywhere."""
    if not _ROLE.fullmatch(value):
        raise ValidationError(field, value, _NAMES)
    return value


def new_password() -> str:
    """A password for the application role nobody has to type: 43 random URL-safe characters."""
    return secrets.token_urlsafe(32)


def _checked_password(password: str) -> str:
    if len(password) < PASSWORD_MIN or any(ord(c) < 32 for c in password):
        # The value itself is never repeated in a message.
        raise ValidationError(
            "application role password",
            f"({len(password)} characters)",
            f"at least {PASSWORD_MIN} characters on one line",
        )
    return password


def _opened(url: str) -> PostgresStore:
    return PostgresStore(connect(url))


def init_server(
    admin_url: str, *, database: str, owner: str, app: str, password: str | None, pgpass: Path | None
) -> ServerMade:
    """Create the roles and the clinic database, migrate it as the owner, grant the application role; all or nothing.

    ``password`` is the application role's; with ``pgpass`` and no password one is made and
    written there (a pgpass file for the workstations' ``PGPASSFILE``; its other lines are kept).
    """
    names = (checked_name("database", database), checked_name("owner role", owner), checked_name("app role", app))
    if owner == app:
        raise ValidationError("app role", app, "a role other than the owner role")
    if password is None and pgpass is None:
        raise ValidationError("application role password", "", "a password typed, or --pgpass FILE to make one")
    secret = _checked_password(password if password is not None else new_password())
    if pgpass is not None and not Path(pgpass).expanduser().parent.is_dir():
        raise ValidationError("pgpass", str(pgpass), "a file in an existing folder")
    admin = _opened(admin_url)
    try:
        who = pg_roles.administrator(admin)
        there = pg_roles.already_there(admin, database, names[1:])
        if there:
            raise StoreError(
                f"{' and '.join(there)} already exist on {admin.name}; nothing was changed "
                "(choose other names with --database, --owner-role and --app-role)"
            )
        made: str | None = None
        try:
            pg_roles.create_roles(admin, who, owner, app, pg_roles.password_verifier(admin, app, secret))
            pg_roles.create_database(admin, database, owner)
            made = database
            key_file = _set_up(pg_roles.url_for(admin_url, user=who.name, dbname=database), database, app, who)
            written = None if pgpass is None else write_pgpass(pgpass, admin_url, database, app, secret)
        except BaseException:
            with suppress(StoreError):  # the first error is the one to read
                pg_roles.undo(admin, made, (app, owner))
            raise
    finally:
        admin.close()
    app_url = pg_roles.url_for(admin_url, user=app, dbname=database)
    return ServerMade(database, owner, app, app_url, SCHEMA_VERSION, key_file, written)


def _set_up(clinic_url: str, database: str, app: str, who: pg_roles.Administrator) -> Path | None:
    """In the new database, as its owner: closed to others, migrated, the application role granted."""
    store = _opened(clinic_url)
    try:
        pg_roles.act_as_owner(store)
        pg_roles.lock_down(store, database, app, who)
        pg_schema.bring_up_to_date(store, migrate=True)
        pg_roles.grant_application(store, [app])
        chain = chain_key.load(store.connection)
    finally:
        store.close()
    if chain.folder is None or chain.installation is None:
        return None
    return chain_key.key_path(chain.folder, chain.installation)


def write_pgpass(path: Path, url: str, database: str, role: str, password: str) -> Path:
    """Add (or replace) the role's line in the pgpass file at ``path``, written whole, readable by its owner alone."""
    entry = pg_roles.pgpass_entry(url, database=database, user=role)
    target = Path(path).expanduser()
    kept = target.read_text(encoding="utf-8").splitlines() if target.is_file() else []
    lines = [line for line in kept if not line.startswith(entry)]
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    files.write_file(target, "\n".join([*lines, entry + escaped, ""]).encode(), overwrite=True, mode=0o600)
    return target


def migrate_server(admin_url: str) -> ServerMigrated:
    """This KetaDesk's migrations on the clinic database at ``admin_url``, as its owner, then the grants renewed."""
    store = _opened(admin_url)
    try:
        owner = pg_roles.act_as_owner(store)
        before = len(pg_schema.applied(store))
        pg_schema.bring_up_to_date(store, migrate=True)
        apps = pg_roles.application_roles(store)
        pg_roles.grant_application(store, apps)
    finally:
        store.close()
    return ServerMigrated(before, SCHEMA_VERSION, owner, apps)


def _program_session(store: Store, clock: Clock) -> Session:
    """The program itself over ``store`` (check's reads), as it already exists there: nothing is written."""
    system = store_users.by_login(store, store_users.SYSTEM_LOGIN)
    if system is None:
        where = store.path if store.path is not None else getattr(store, "name", "the database")
        raise StoreError(f"{where} holds no clinic KetaDesk has opened; nothing was copied")
    return Session(store, clock, config.load_clinic_protocol(store.path), system)


def arrival_problems(clock: Clock) -> Callable[[Store], list[str]]:
    """The copy's verification on the server before it commits: the keyed audit chain and every signature."""

    def problems(store: Store) -> list[str]:
        broken = store_audit.verify_chain(store, key=store.chain.secret)
        found = [] if broken is None else [f"audit chain: entry {broken.audit_id} {broken.reason}"]
        found += [f"signature: {p}" for p in Signing(_program_session(store, clock)).signature_problems()]
        found += [f"signature: {p}" for p in record_signing.problems(store)]
        found += [f"signature: {p}" for p in watch_signing.problems(store)]
        return found

    return problems


def copy_to_server(source_path: Path, target_url: str, clock: Clock) -> ClinicMoved:
    """Copy the SQLite clinic at ``source_path`` whole into the empty clinic database at ``target_url``.

    The file must pass ``check`` (it is never changed: an older schema is refused, not upgraded);
    the target must be empty (a database with no table is migrated first). The copy runs as the
    target's owner; the application roles' grants are renewed, and the chain's head is witnessed.
    """
    if not Path(source_path).is_file():
        raise StoreError(f"{source_path} does not exist; give the clinic's file with --db")
    try:
        source = open_store(source_path, migrate=False)
    except StoreError as error:
        raise StoreError(f"{error}; open it once with this KetaDesk (`ketadesk check`), then copy it") from error
    try:
        target = _opened(target_url)
        try:
            pg_roles.act_as_owner(target)
            refusal = pg_copy.emptiness(target)  # the quick refusal first, before the file's whole check
            if refusal is not None:
                raise StoreError(refusal)
            found = Maintenance(_program_session(source, clock)).check()
            if found:
                more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                raise StoreError(f"{source_path} does not pass `ketadesk check`: {found[0]}{more}; nothing was copied")
            pg_schema.bring_up_to_date(target, migrate=True)
            copied = pg_copy.copy_clinic(source, target, at=to_utc_iso(clock.now()), verify=arrival_problems(clock))
            pg_roles.grant_application(target, pg_roles.application_roles(target))
            anchors.witness_now(target)
        finally:
            target.close()
    finally:
        source.close()
    return ClinicMoved(target.name, copied.rows, copied.entry)
