"""A recovery to an earlier moment made outside the program, recorded in the audit trail by an administrator.

A PostgreSQL server is recovered with its own tools (a base backup and the write-ahead log,
``recovery_target_time``); a file may be copied back from the machine's own backups. Either
way the record then ends before the anchors outside it (the workstations' witness files, the
newest backup), and ``check`` says so, as it must: a record cut short looks just like that.
When the cut was deliberate, an administrator says so here, in their own name and with a
reason: the entry (keyed, like every entry) names the moment recovered to, where the trail
forks, where the record ended as found and what this workstation had witnessed. Anchors of
the record as it was, taken before the entry and past the fork, are then known for what they
are, and this workstation's witness starts again at the new head.

Nothing is recorded when nothing here shows a rollback (the entry would only blunt the next
real finding), when the audit chain does not hold (a recovery is no answer to a rewritten
entry), or for a moment in the future or before the record began.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from ketadesk.clinic import anchors
from ketadesk.clinic.session import Session
from ketadesk.core.audit_head import AuditHead
from ketadesk.core.clock import from_utc_iso, to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.users import ADMIN_ONLY
from ketadesk.store import audit as store_audit
from ketadesk.store import restore as store_restore
from ketadesk.store.errors import StoreError


@dataclass(frozen=True, slots=True)
class RecordedRecovery:
    """What was recorded: the moment recovered to, the heads found and witnessed, and the recovery's own entry."""

    to: datetime
    fork: int
    """The first entry written after that moment: the record's own from there on, the old one's anchors aside."""
    found: AuditHead
    witnessed: AuditHead | None
    entry: AuditHead
    before: tuple[str, ...]
    """What ``check`` said of the anchors before the recovery was recorded."""


def _witnessed(session: Session) -> AuditHead | None:
    path = anchors.witness_path(session.store)
    if path is None:
        return None
    try:
        return anchors.read_witness(path)
    except (OSError, ValueError):
        return None  # an unreadable witness is check's finding; the entry says none was read


def record_recovery(session: Session, to: datetime, reason: str) -> RecordedRecovery:
    """Record, as the signed-in administrator, that the record was recovered to the moment ``to``, and why."""
    session.user.require("record a recovery of the database", *ADMIN_ONLY)
    why = clean_text("reason", reason, max_length=NOTE_MAX, required=True, label="The reason for the recovery")
    if to.tzinfo is None:
        raise ValidationError("to", to.isoformat(), "a moment with its time zone")
    store = session.store
    found = store_audit.head(store)
    if found is None:
        raise StoreError("the database has no audit head (no installation), so a recovery cannot be recorded")
    now = session.now()
    if to > now:
        raise ValidationError("to", to.isoformat(timespec="minutes"), f"a moment before now ({now:%Y-%m-%d %H:%M})")
    first = store.one("SELECT at FROM audit ORDER BY id LIMIT 1")
    if first is not None and to_utc_iso(to) < str(first[0]):
        raise ValidationError("to", to.isoformat(timespec="minutes"), f"a moment after the record began ({first[0]})")
    before = tuple(anchors.anchor_problems(store))
    if not before:
        raise StoreError(
            "nothing here shows the record rolled back (this workstation's witness and the newest backup agree with "
            "it): a recovery is recorded where check finds the record ending before its anchors; nothing was recorded"
        )
    broken = store_audit.verify_chain(store, key=store.chain.secret)
    if broken is not None:
        raise StoreError(
            f"the audit chain does not hold (entry {broken.audit_id} {broken.reason}); a recovery does not explain "
            "that, so nothing was recorded: run check and find out why"
        )
    witnessed = _witnessed(session)
    entry, fork = store_restore.record_recovery(
        store,
        at=session.stamp(),
        actor_id=session.user.id,
        reason=why,
        to=to_utc_iso(to),
        found=found,
        witnessed=witnessed,
    )
    with suppress(OSError):  # a witness that cannot be written is found by check, not hidden
        anchors.witness_now(store)
    anchors.install_witness(store)  # it was held where it disagreed; it follows the record again
    return RecordedRecovery(to, fork, found, witnessed, entry, before)


def last_recovery(session: Session) -> str:
    """The newest recovery the trail records, as one line for ``check`` to print ("" when none was recorded)."""
    found = store_restore.last_recovery(session.store)
    if found is None:
        return ""
    to, at = _local(found.to), _local(found.at)
    fork = f"; entries from {found.fork:,} on came after it" if found.fork is not None else ""
    return f"recovered to {to}, recorded by {found.by} on {at} (audit entry {found.entry:,}){fork}: {found.reason}"


def _local(stamp: str) -> str:
    try:
        return f"{from_utc_iso(stamp).astimezone():%Y-%m-%d %H:%M:%S}"
    except ValueError:
        return stamp
