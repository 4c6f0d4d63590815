"""Keeping the record sound: backups through SQLite's online API, and ``check`` of everything that can drift."""

from __future__ import annotations

from pathlib import Path

from ketadesk.clinic import anchors, config
from ketadesk.clinic.signing import Signing
from ketadesk.clinic.usecase import Area
from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.errors import ValidationError
from ketadesk.core.users import ADMIN_ONLY, Role
from ketadesk.store import audit as store_audit
from ketadesk.store import backup as store_backup
from ketadesk.store import signatures as store_signatures
from ketadesk.store import users as store_users
from ketadesk.store import visits as store_visits
from ketadesk.store.schema import SCHEMA_VERSION


class Maintenance(Area):
    """Backups and the integrity check (the system user may run these)."""

    def backup(self, destination: Path) -> Path:
        """Copy the database to ``destination`` through the online backup API, verified."""
        s = self.session
        made = store_backup.backup_to(s.store, destination, at=s.stamp(), actor_id=s.user.id)
        anchors.witness_backup(s.store, made)
        return made

    def daily_backup(self, folder: Path) -> Path | None:
        """Today's automatic backup, if not made yet; keeps the protocol's number of days."""
        s = self.session
        made = store_backup.daily_backup(
            s.store, folder, s.today(), s.protocol.backups_kept, at=s.stamp(), actor_id=s.user.id
        )
        if made is not None:
            anchors.witness_backup(s.store, made)
        return made

    def check(self) -> list[str]:
        """Integrity, keys, schema, audit chain, signatures, worklist, who is in a chair; empty if all hold."""
        store = self.session.store
        problems = store_backup.check(store)
        version = store.schema_version()
        if version != SCHEMA_VERSION:
            problems.append(f"schema version is {version}, expected {SCHEMA_VERSION}")
        broken = store_audit.verify_chain(store, key=store.chain.secret)
        if broken is not None:
            problems.append(f"audit chain: entry {broken.audit_id} {broken.reason}")
        problems.extend(anchors.problems(store))
        problems.extend(f"signature: {p}" for p in Signing(self.session).problems())
        problems.extend(
            f"signature worklist: visit {v} is out of step with its phase steps"
            for v in store_signatures.worklist_out_of_step(store)
        )
        problems.extend(
            f"in the chair: visit {v} is out of step with its phase steps"
            for v in store_visits.in_the_chair_out_of_step(store)
        )
        return problems

    def save_clinic_settings(self, name: str, chairs: int) -> Path:
        """Write the clinic's name and chairs into ``protocol.toml`` beside the database (atomically), audited.

        An administrator's act — except at first start, before anyone exists, when the
        program itself writes what the person setting the clinic up typed.
        """
        s = self.session
        if Role.SYSTEM not in s.user.roles or store_users.with_password_count(s.store) > 0:
            s.user.require("change the clinic's settings", *ADMIN_ONLY)
        database = s.store.path
        if database is None:
            raise ValidationError("database", "", "a clinic database in a file, with its protocol beside it")
        path = config.save_clinic_settings(database, name, chairs)
        store_audit.write(
            s.store,
            at=s.stamp(),
            actor_id=s.user.id,
            action=AuditAction.PROTOCOL,
            entity=AuditEntity.PROTOCOL,
            entity_id=None,
            after={"file": str(path.resolve()), "clinic": {"name": name.strip(), "chairs": chairs}},
        )
        return path

    def schema_version(self) -> int:
        """The database's schema version."""
        return self.session.store.schema_version()
