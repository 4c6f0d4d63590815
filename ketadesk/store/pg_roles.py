"""The clinic database's roles: an owner that never logs in, and the application role that owns nothing.

The triggers that keep the record append-only and lock a signed visit protect it only from
those who cannot drop or disable them, and PostgreSQL lets the owner of a table do both. So
the workstations never connect as the owner:

- the **owner role** (``NOLOGIN``) owns the database, its tables, triggers and functions.
  Nobody signs in as it; an administrator's own connection (a superuser, or the role that
  created it with ``CREATEROLE``) becomes it with ``SET ROLE`` to migrate (``ketadesk server
  migrate``) or to copy a SQLite clinic in (``ketadesk migrate --to``);
- the **application role** (``LOGIN``) owns nothing and holds no more than the store uses:
  SELECT on every table; INSERT on every table but those the migrations write
  (:data:`MIGRATION_WRITTEN`) and the worklists the triggers keep (:data:`TRIGGER_WRITTEN`,
  whose trigger functions run as their owner); UPDATE of the few columns the store changes
  (:data:`UPDATES`) and DELETE of drafts alone; USAGE of the id sequences; EXECUTE of the
  functions. No TRUNCATE, REFERENCES, TRIGGER or MAINTAIN; no CREATE in the schema; not a
  superuser, so ``session_replication_role`` (which switches every trigger off) is out of reach.

The grants are re-applied after every migration (:func:`grant_application`), so a table a
later migration adds is granted the same way. Everything lives in schema ``public`` of a
database of its own (PostgreSQL 16 or newer, whose ``public`` belongs to the database's owner).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from ketadesk.store.errors import StoreError
from ketadesk.store.pg_engine import PostgresStore

# Written by the migrations alone (the versions, the installation, where keyed signatures begin).
MIGRATION_WRITTEN = (
    "schema_version",
    "schema_migrations",
    "installation",
    "keyed_signatures_from",
    "record_signatures_from",
)
# Kept by visit_events' triggers (their functions are SECURITY DEFINER: they write as the owner).
TRIGGER_WRITTEN = ("awaiting_signature", "in_the_chair")
# The columns the store updates in place (a login's lockout, password and standing; a booking's day
# and chair; a nurse's draft) and the one table it deletes from: tests/store/test_store_pg_grants.py
# reads every UPDATE and DELETE the store writes and holds this list to them.
UPDATES = {
    "users": ("failed_attempts", "locked_until", "password_hash", "active"),
    "visits": ("scheduled_date", "chair"),
    "drafts": ("text", "updated_at"),
}
DELETES = ("drafts",)
SCHEMA = "public"
LOWEST_SERVER = 160000  # PostgreSQL 16: GRANT … WITH SET, and a CREATEROLE role's ADMIN of the roles it creates


@dataclass(frozen=True, slots=True)
class Administrator:
    """Who is connected to set the server up: a superuser, or a role with CREATEROLE and CREATEDB."""

    name: str
    superuser: bool


def run(store: PostgresStore, statement: sql.Composed | sql.SQL, what: str) -> None:
    """One statement the store's dialect cannot say (role and privilege DDL, names quoted as identifiers)."""
    try:
        store.connection.raw.execute(statement)
    except psycopg.Error as error:
        said = (error.diag.message_primary or str(error)).strip()
        raise StoreError(f"{store.name}: could not {what}: {said}") from error


def _name(text: str) -> sql.Identifier:
    return sql.Identifier(text)


def administrator(store: PostgresStore) -> Administrator:
    """The connected role, if it may create the clinic's roles and database; refused with what it lacks."""
    row = store.one(
        "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, current_setting('server_version_num')::int"
        " FROM pg_roles WHERE rolname = current_user"
    )
    if row is None:
        raise StoreError(f"{store.name}: the connected role could not be read")
    name, superuser, createrole, createdb, version = str(row[0]), bool(row[1]), bool(row[2]), bool(row[3]), int(row[4])
    if version < LOWEST_SERVER:
        raise StoreError(
            f"{store.name} runs PostgreSQL {version // 10000}; KetaDesk's roles need PostgreSQL 16 or newer"
        )
    if not superuser and not (createrole and createdb):
        raise StoreError(
            f"{store.name}: the role {name} may not create roles and databases; connect as a superuser or as a "
            "role with CREATEROLE and CREATEDB"
        )
    return Administrator(name, superuser)


def already_there(store: PostgresStore, database: str, roles: tuple[str, ...]) -> list[str]:
    """Which of the database and the roles exist already, in words ("the database ketadesk", "the role x")."""
    found = (
        [f"the database {database}"] if store.one("SELECT 1 FROM pg_database WHERE datname = ?", (database,)) else []
    )
    for role in roles:
        if store.one("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)):
            found.append(f"the role {role}")
    return found


def password_verifier(store: PostgresStore, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` for ``role``, made here: the password never reaches the server."""
    made = store.connection.raw.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    return made.decode("ascii")


def create_roles(store: PostgresStore, admin: Administrator, owner: str, app: str, verifier: str) -> None:
    """The owner (no login) and the application role (login, with the verifier as its password)."""
    limits = sql.SQL("NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
    run(store, sql.SQL("CREATE ROLE {} NOLOGIN {}").format(_name(owner), limits), f"create the owner role {owner}")
    run(
        store,
        sql.SQL("CREATE ROLE {} LOGIN NOINHERIT {} PASSWORD {}").format(_name(app), limits, sql.Literal(verifier)),
        f"create the application role {app}",
    )
    if not admin.superuser:  # to create the database for the owner and to SET ROLE to it later (migrations)
        run(
            store,
            sql.SQL("GRANT {} TO {} WITH INHERIT FALSE, SET TRUE").format(_name(owner), _name(admin.name)),
            f"let {admin.name} act as {owner}",
        )


def create_database(store: PostgresStore, database: str, owner: str) -> None:
    """An empty UTF-8 database owned by the owner role (from ``template0``: nothing of the server's own in it)."""
    run(
        store,
        sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8'").format(_name(database), _name(owner)),
        f"create the database {database}",
    )


def undo(store: PostgresStore, database: str | None, roles: tuple[str, ...]) -> None:
    """Remove what a failed ``server init`` made (the database it created, then the roles), so it can run again."""
    if database is not None:
        run(store, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(_name(database)), f"drop {database}")
    for role in roles:
        run(store, sql.SQL("DROP ROLE IF EXISTS {}").format(_name(role)), f"drop the role {role}")


def database_owner(store: PostgresStore) -> str:
    """The role that owns the connected database."""
    row = store.one("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    if row is None:
        raise StoreError(f"{store.name}: the database's owner could not be read")
    return str(row[0])


def act_as_owner(store: PostgresStore) -> str:
    """``SET ROLE`` to the database's owner, so what is made is the owner's; refused for a role that may not."""
    owner = database_owner(store)
    row = store.one("SELECT current_user, pg_has_role(current_user, ?, 'SET')", (owner,))
    if row is None or row[0] == owner:
        return owner
    if not row[1]:
        raise StoreError(
            f"{store.name}: the role {row[0]} may not act as the database's owner {owner}; connect as a superuser "
            "or as the role that ran `ketadesk server init`"
        )
    run(store, sql.SQL("SET ROLE {}").format(_name(owner)), f"act as {owner}")
    return owner


def may_migrate(store: PostgresStore) -> bool:
    """True when the connected role may change the schema: it owns the tables, or may create them (no table yet)."""
    row = store.one(
        "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL"
        " THEN coalesce(has_schema_privilege(current_schema(), 'CREATE'), false)"
        " ELSE pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = to_regclass('schema_migrations')),"
        " 'USAGE') END"
    )
    return bool(row and row[0])


def lock_down(store: PostgresStore, database: str, app: str, admin: Administrator) -> None:
    """The database and its schema closed to everyone but the application role (and the administrator's connection)."""
    steps = [
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(_name(database)),
        # TEMPORARY: scratch tables of a session's own (a check's working lists) touch no record.
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(_name(database), _name(app)),
        sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(_name(SCHEMA)),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(_name(SCHEMA), _name(app)),
    ]
    if not admin.superuser:  # the administrator connects again to migrate
        steps.append(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(_name(database), _name(admin.name)))
    for step in steps:
        run(store, step, "close the database to other roles")


def tables(store: PostgresStore) -> list[str]:
    """The clinic's tables, by name."""
    return [str(r[0]) for r in store.all("SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY 1", (SCHEMA,))]


def application_roles(store: PostgresStore) -> list[str]:
    """The roles the grants were given to (those that may add audit rows, but do not own the table)."""
    rows = store.all(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants WHERE table_schema = ?"
        " AND table_name = 'audit' AND privilege_type = 'INSERT'"
        " AND grantee <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('audit'))"
        " ORDER BY 1",
        (SCHEMA,),
    )
    return [str(r[0]) for r in rows]


def grant_application(store: PostgresStore, apps: list[str]) -> None:
    """Give each application role exactly what the store uses, on every table there is now (run as the owner)."""
    present = tables(store)
    schema = _name(SCHEMA)
    appendable = [t for t in present if t not in MIGRATION_WRITTEN + TRIGGER_WRITTEN]
    for app in apps:
        role = _name(app)
        steps = [
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM PUBLIC, {}").format(schema, role),
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, role),
            sql.SQL("GRANT INSERT ON {} TO {}").format(sql.SQL(", ").join(map(_name, appendable)), role),
            *(
                sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(
                    sql.SQL(", ").join(map(_name, columns)), _name(table), role
                )
                for table, columns in UPDATES.items()
                if table in present
            ),
            *(sql.SQL("GRANT DELETE ON {} TO {}").format(_name(t), role) for t in DELETES if t in present),
            sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM PUBLIC, {}").format(schema, role),
            sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, role),
            sql.SQL("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {} FROM PUBLIC, {}").format(schema, role),
            sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {} TO {}").format(schema, role),
        ]
        with store.transaction():  # all of one role's grants or none
            for step in steps:
                run(store, step, f"grant {app} what the program uses")


def url_for(url: str, *, user: str, dbname: str) -> str:
    """``url`` (a URL or libpq key=value text) for another role and database on the same server, as a URL."""
    try:
        parts = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except psycopg.ProgrammingError as error:
        raise StoreError("the database URL could not be read") from error
    for key in ("user", "dbname", "password"):
        parts.pop(key, None)
    host = parts.pop("host", "")
    port = parts.pop("port", "")
    place = ""
    if host and not host.startswith("/") and "," not in host:
        place = quote(host, safe="") + (f":{port}" if port else "")
    else:  # a Unix socket's folder, or several hosts: as parameters
        parts.update({k: v for k, v in (("host", host), ("port", port)) if v})
    query = f"?{urlencode(parts, quote_via=quote)}" if parts else ""
    return f"postgresql://{quote(user, safe='')}@{place}/{quote(dbname, safe='')}{query}"


def _pgpass_field(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:")


def pgpass_entry(url: str, *, database: str, user: str) -> str:
    """The start of a pgpass line (``host:port:database:user:``) for ``user`` on ``url``'s server, as libpq reads it."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise StoreError("the database URL could not be read") from error
    host = str(parts.get("host") or "localhost")  # libpq looks up "localhost" for its default socket
    port = str(parts.get("port") or "*")
    if "," in host or "," in port:  # several hosts: one line for all of them
        host, port = "*", "*"
    return ":".join(_pgpass_field(f) for f in (host, port, database, user)) + ":"
