"""The audit log as an administrator reads it: filtered, counted, exported as CSV (the export audited)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ketadesk.clinic import files
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.files import ExportedFile
from ketadesk.clinic.usecase import Area, use_case
from ketadesk.core.audit import AuditAction, AuditEntity, AuditEntry
from ketadesk.core.users import ADMIN_ONLY
from ketadesk.store import audit as store_audit

CSV_COLUMNS = ("id", "at", "user", "action", "entity", "entity_id", "before", "after")


def _csv_text(entries: list[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([e.id, e.at, e.actor, e.action, e.entity, e.entity_id or "", e.before or "", e.after or ""])
    return out.getvalue()


class AuditLog(Area):
    """Every write's audit entry, for the administrator."""

    @use_case("read the audit log", roles=ADMIN_ONLY)
    def search(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        entity: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 1000,
    ) -> list[AuditEntry]:
        """Audit entries, newest first, filtered by user, action, kind of record and time."""
        return store_audit.search(
            self.session.store, actor=actor, action=action, entity=entity, since=since, until=until, limit=limit
        )

    @use_case("export the audit log", roles=ADMIN_ONLY, changes={Change.AUDIT})
    def csv(self, entries: list[AuditEntry]) -> str:
        """Audit entries as CSV text (exporting is itself audited)."""
        s = self.session
        text = _csv_text(entries)
        store_audit.write(
            s.store,
            at=s.stamp(),
            actor_id=s.user.id,
            action=AuditAction.EXPORT,
            entity=AuditEntity.AUDIT,
            entity_id=None,
            after={"rows": len(entries)},
        )
        return text

    @use_case("export the audit log", roles=ADMIN_ONLY, changes={Change.AUDIT})
    def save_csv(self, entries: list[AuditEntry], path: Path, *, overwrite: bool = False) -> Changes:
        """Write the entries as CSV to ``path`` atomically, and audit the export with the file's hash."""
        data = _csv_text(entries).encode("utf-8")
        made: ExportedFile = files.audited_write(
            self.session,
            path,
            data,
            kind="audit_csv",
            entity=AuditEntity.AUDIT,
            entity_id=None,
            overwrite=overwrite,
            rows=len(entries),
        )
        return Changes(warnings=(str(made.path),))

    def count(self) -> int:
        """How many audit entries the database holds."""
        return store_audit.count(self.session.store)
