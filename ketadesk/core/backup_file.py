"""One backup as ``backup --list`` shows it: a SQLite copy or a PostgreSQL dump, and whether it verifies.

A core record, so the clinic API can name it and both kinds of backup (a SQLite copy,
:mod:`ketadesk.store.backup_verify`; a server's dump, :mod:`ketadesk.store.pg_dump_file`)
describe one the same way without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ketadesk.core.audit_head import AuditHead


@dataclass(frozen=True, slots=True)
class BackupFile:
    """One backup as ``backup --list`` shows it; ``problem`` is None when it verifies."""

    path: Path
    taken: datetime
    size: int
    head: AuditHead | None
    problem: str | None
