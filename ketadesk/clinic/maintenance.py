"""Keeping the record sound: backups through SQLite's online API, and ``check`` of everything that can drift."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ketadesk.clinic import (
    anchors,
    backups,
    check_since,
    check_workers,
    config,
    record_signing,
    recovery,
    watch_signing,
)
from ketadesk.clinic.signing import Signing
from ketadesk.clinic.usecase import Area
from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.users import ADMIN_ONLY, Role
from ketadesk.store import audit as store_audit
from ketadesk.store import backup as store_backup
from ketadesk.store import checkpoints as store_checkpoints
from ketadesk.store import reconcile as store_reconcile
from ketadesk.store import reconcile_state as store_reconcile_state
from ketadesk.store import users as store_users
from ketadesk.store.errors import StoreError, damaged_message
from ketadesk.store.schema import SCHEMA_VERSION

_PAGE = re.compile(r"page \d+", re.IGNORECASE)


def _one_line(problem: str) -> str:
    """One problem, one line: SQLite's integrity check writes some of its findings over several."""
    text = problem.replace("*** in database main ***", "").replace("\r", " ").replace("\n", " ")
    return " ".join(text.split())


class Maintenance(Area):
    """Backups and the integrity check (the system user may run these)."""

    def backup(self, destination: Path) -> Path:
        """Copy the database to ``destination`` through the online backup API, verified."""
        s = self.session
        made = store_backup.backup_to(s.store, destination, at=s.stamp(), actor_id=s.user.id)
        anchors.witness_backup(s.store, made)
        return made

    def manual_backup(self, folder: Path) -> Path:
        """A backup made by hand into ``folder`` (made if missing), named for this database and the time now.

        On PostgreSQL, the program's logical dump of the server's database (:mod:`ketadesk.clinic.server_backups`).
        """
        folder.mkdir(parents=True, exist_ok=True)
        stamp = self.session.now().astimezone().strftime("%Y-%m-%d-%H%M%S")
        store = self.session.store
        if store.engine == "postgresql":
            from ketadesk.clinic import server_backups

            return self.backup(folder / server_backups.dump_name(store, stamp))
        return self.backup(folder / backups.manual_name(store.path, stamp))

    def list_backups(self) -> list[backups.BackupFile]:
        """This database's backups, oldest first, each verified (a server's: the dumps its audit names, and ours)."""
        store = self.session.store
        if store.engine == "postgresql":
            from ketadesk.clinic import server_backups

            return server_backups.list_dumps(store)
        return backups.list_backups(store.path) if store.path is not None else []

    def integrity_scope(self) -> str:
        """What the integrity part of :meth:`check` covers on this database, in a few words."""
        store = self.session.store
        if store.engine == "postgresql":
            from ketadesk.store import pg_integrity

            return pg_integrity.scope(store)
        return "integrity, foreign keys"

    def daily_backup(self, folder: Path) -> Path | None:
        """Today's automatic backup, if not made yet (and a patient exists); keeps the protocol's number of days."""
        job = self.daily_backup_due(folder)
        if job is None:
            return None
        try:
            job.copy()
            return job.finish()
        finally:
            job.discard()

    def daily_backup_due(self, folder: Path) -> backups.DailyBackup | None:
        """Today's automatic backup still to make, in two steps (copy on any thread, then finish), or None."""
        return backups.due(self.session, folder)

    def check(self, *, quick: bool = False) -> list[str]:
        """Integrity, keys, schema, audit chain, signatures, records against the audit trail …; empty if all hold.

        ``quick``: SQLite's quick_check instead of the full integrity_check (on PostgreSQL, the
        indexes checked against themselves only). Each part runs on its own, so a damaged file
        gives one line per part it could not read, never a crash.
        """
        return self._check(quick)[0]

    def _check(self, quick: bool) -> tuple[list[str], list[str]]:
        """:meth:`check`'s findings, and the parts run again in this process because a worker's share failed."""
        store = self.session.store
        shared = check_workers.start(store, quick=quick)  # a large file's heavy parts, in worker processes
        try:
            return self._checked(quick, shared), sorted(shared.fell_back) if shared is not None else []
        finally:
            if shared is not None:
                shared.close()

    def _checked(self, quick: bool, shared: check_workers.SharedCheck | None) -> list[str]:
        """:meth:`check`'s parts in order, the heavy ones collected from ``shared`` when the workers have them."""
        store = self.session.store
        problems: list[str] = []
        signing = Signing(self.session)
        parts: tuple[tuple[str, Callable[[], list[str]]], ...] = (
            ("integrity", shared.integrity if shared else lambda: store_backup.check(store, quick=quick)),
            ("schema version", self._version_problems),
            ("audit chain", lambda: self._chain_problems(shared)),
            ("audit anchors", lambda: anchors.problems(store)),
            (
                "signatures",
                lambda: [
                    f"signature: {p}"
                    for p in (signing.problems() if shared is None else signing.key_problems() + shared.signatures())
                ],
            ),
            ("record signatures", lambda: [f"signature: {p}" for p in record_signing.problems(store)]),
            ("watch signatures", lambda: [f"signature: {p}" for p in watch_signing.problems(store)]),
            ("worklists", self._worklist_problems),
            ("schema", lambda: store_reconcile_state.schema_problems(store)),
            ("users", lambda: store_reconcile_state.users_problems(store)),
            ("records", shared.records if shared else lambda: store_reconcile.records_problems(store)),
        )
        damaged = False
        on_server = store.engine == "postgresql"
        # While the workers run their shares, this process does the small parts; the lines keep the parts' order.
        waited = {"integrity", "audit chain", "signatures", "records"} if shared is not None else set()
        findings: dict[str, list[str]] = {}
        for part, run in sorted(parts, key=lambda p: p[0] in waited):
            try:
                findings[part] = run()
            except Exception as error:  # a damaged file can fail anywhere: a line, never a crash
                if on_server:  # a server answers or refuses; what it refused is named, not taken for damage
                    findings[part] = [f"{part}: could not be checked ({error})"]
                else:
                    findings[part] = [f"{part}: could not be checked, the file is damaged here ({error})"]
                    damaged = True
        for part, _ in parts:
            found = findings[part]
            damaged = damaged or (part == "integrity" and any(not p.startswith("foreign_key") for p in found))
            problems.extend(_one_line(p) for p in found)
        if damaged and on_server:
            from ketadesk.store import pg_integrity

            problems.append(pg_integrity.damaged_line(store))
        elif damaged:  # said as damage, with where and what to do, after the lines that found it
            where = next((m.group(0) for p in problems if (m := _PAGE.search(p))), "")
            path = store.path
            newest = config.newest_backup(path) if path is not None else None
            problems.append(damaged_message(path, "see the lines above", where.lower(), newest))
        return problems

    def _version_problems(self) -> list[str]:
        version = self.session.store.schema_version()
        return [] if version == SCHEMA_VERSION else [f"schema version is {version}, expected {SCHEMA_VERSION}"]

    def _chain_problems(self, shared: check_workers.SharedCheck | None) -> list[str]:
        store = self.session.store
        broken = store_audit.verify_chain(store, key=store.chain.secret) if shared is None else shared.chain()
        return [] if broken is None else [f"audit chain: entry {broken.audit_id} {broken.reason}"]

    def _worklist_problems(self) -> list[str]:
        return check_since.worklist_problems(self.session.store)

    def full_check(self, *, quick: bool = False) -> check_since.FullCheck:
        """:meth:`check`, and when it finds nothing, the checkpoint the check at every start begins from.

        What ``ketadesk check`` runs. The checkpoint names the record as it stood just before
        the check began (read in one statement), so all it names was among what the check read.
        """
        store = self.session.store
        try:
            verified, _ = store_checkpoints.mark(store)
        except Exception:  # a file too damaged to count: the check itself says where
            verified = None
        problems, ran_again = self._check(quick)
        if ran_again:  # nothing was checked less, but the check took longer, and the administrator is told why
            again = f"; {', '.join(ran_again)} checked again in one pass here, a worker's share of it having failed"
        else:
            again = ""
        if problems:
            found = f"no checkpoint recorded: the check found problems{again}"
            return check_since.FullCheck(tuple(problems), None, found)
        if verified is None:
            empty = f"no checkpoint recorded: the record has no audit entries yet{again}"
            return check_since.FullCheck((), None, empty)
        scope = f"{'quick' if quick else 'full'} ({self.integrity_scope()})"
        try:
            made, note = check_since.record(self.session, verified, scope)
        except StoreError as error:  # locked or full: the check held, only its checkpoint is missing
            return check_since.FullCheck((), None, f"no checkpoint recorded: {error}{again}")
        return check_since.FullCheck((), made, note + again)

    def check_since_last_full_check(self) -> check_since.SinceCheck:
        """The check at every start: what was written since the last clean full check, from its keyed checkpoint.

        Seconds, not minutes, on a ten-year clinic; it reads what came after the checkpoint and
        the few small things it reads whole. It says what it covered, what it did not and when
        the last full check was; with no checkpoint the chain's key vouches for, it says a full
        check is needed (its ``ok`` is then False). Writes nothing.
        """
        return check_since.check_since(self.session)

    def start_check(self) -> check_since.StartCheck:
        """:meth:`check_since_last_full_check` as a job for another thread (the window's check at every start)."""
        return check_since.StartCheck(self.session)

    def last_full_check(self) -> check_since.LastFullCheck | None:
        """The newest clean full check its keyed checkpoint vouches for (None: none yet, or no key here)."""
        return check_since.last_full_check(self.session)

    def save_clinic_settings(self, name: str, chairs: int, time_zone: str | None = None) -> Path:
        """Write the clinic's name, chairs and time zone into its ``protocol.toml`` (beside a file), audited.

        Written atomically; in force from the next start. ``time_zone`` is the IANA zone the
        reports print times in ("" for the workstation's own; None leaves it as it is). An
        administrator's act — except at first start, before anyone exists, when the program
        itself writes what the person setting the clinic up typed.
        """
        s = self.session
        if Role.SYSTEM not in s.user.roles or store_users.with_password_count(s.store) > 0:
            s.user.require("change the clinic's settings", *ADMIN_ONLY)
        # A server's database has no folder beside it: the workstation's own protocol file, where it is read from.
        path = config.save_clinic_settings(s.store.path, name, chairs, time_zone)
        clinic: dict[str, str | int] = {"name": name.strip(), "chairs": chairs}
        if time_zone is not None:
            clinic["time_zone"] = time_zone.strip()
        store_audit.write(
            s.store,
            at=s.stamp(),
            actor_id=s.user.id,
            action=AuditAction.PROTOCOL,
            entity=AuditEntity.PROTOCOL,
            entity_id=None,
            after={"file": str(path.resolve()), "clinic": clinic},
        )
        return path

    def record_recovery(self, to: datetime, reason: str) -> recovery.RecordedRecovery:
        """Record that the database was recovered to the moment ``to`` by other means, and why (an administrator's act).

        See :mod:`ketadesk.clinic.recovery`: the anchors of the record as it was are then known for what they are.
        """
        return recovery.record_recovery(self.session, to, reason)

    def last_recovery(self) -> str:
        """The newest recovery recorded, as one line ("" when none): what ``check`` says beside its clean line."""
        return recovery.last_recovery(self.session)

    def schema_version(self) -> int:
        """The database's schema version."""
        return self.session.store.schema_version()
