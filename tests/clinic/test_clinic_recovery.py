"""A recovery to an earlier moment made outside the program (the server's own tools, a file copied back), recorded.

The record then ends before the anchors outside it, and check says so; an administrator records
why, in their own name, and check is clean again while still catching the next cut. Refused: by
anyone but an administrator, where nothing shows a rollback, over a chain that does not hold,
for a moment in the future or before the record began, without a reason. On both engines: the
recovery is simulated by cutting the audit trail's tail of entries that only the trail holds
(sign-outs), as a server recovered to a moment ends at the last entry made by then.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, anchors
from ketadesk.core.audit_head import AuditHead
from ketadesk.core.clock import FakeClock, from_utc_iso
from ketadesk.core.errors import PermissionDenied, ValidationError
from ketadesk.core.protocol import Protocol
from ketadesk.store import audit as store_audit
from ketadesk.store.errors import StoreError
from tests.behind import behind_the_programs_back
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS

pytestmark = BOTH_ENGINES
REASON = "Disk lost at 10:40; the server recovered from last night's base backup and its WAL"


def _head(clinic: Clinic) -> AuditHead:
    head = store_audit.head(clinic.store)
    assert head is not None
    return head


def _sign_outs(clinic: Clinic, clock: FakeClock, count: int) -> None:
    """Entries only the audit trail holds, a minute apart (so a cut leaves the records whole)."""
    nurse = clinic.sign_in("nurse", PASSWORDS["nurse"])
    for _ in range(count):
        clock.advance(timedelta(minutes=1))
        nurse.accounts.sign_out()


def _cut_after(target: Path | str, entry: int) -> None:
    """The trail as a recovery to that entry leaves it: every later entry gone, the guards as they were."""
    with behind_the_programs_back(target) as conn:
        if isinstance(target, str):  # the server's superuser, its triggers off for this session alone
            conn.execute("SET session_replication_role = replica")
            conn.execute(f"DELETE FROM audit WHERE id > {entry}")
            return
        guard = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_no_delete'").fetchone()[0]
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute(f"DELETE FROM audit WHERE id > {entry}")
        conn.execute(guard)


def _anchor_lines(clinic: Clinic) -> list[str]:
    return [p for p in clinic.maintenance.check() if p.startswith("audit anchor")]


@pytest.fixture
def recovered(
    clinic: Clinic, clock: FakeClock, clinic_target: Path | str, default_protocol: Protocol
) -> Iterator[tuple[Clinic, AuditHead, AuditHead]]:
    """The clinic recovered to a moment and opened again: (it, the head it ends at, the head the witness saw after)."""
    _sign_outs(clinic, clock, 2)
    kept = _head(clinic)
    clock.advance(timedelta(minutes=5))
    _sign_outs(clinic, clock, 3)
    witnessed = _head(clinic)
    _cut_after(clinic_target, kept.entry)
    again = Clinic.open(clinic_target, clock, default_protocol)
    yield again, kept, witnessed
    again.close()


def _moment_after(head: AuditHead) -> datetime:
    return from_utc_iso(head.at) + timedelta(seconds=30)


def test_the_recovery_recorded_by_an_administrator_sets_the_old_records_anchors_aside(
    recovered: tuple[Clinic, AuditHead, AuditHead], clock: FakeClock, clinic_target: Path | str
) -> None:
    clinic, kept, witnessed = recovered
    before = _anchor_lines(clinic)
    assert len(before) == 1 and f"the record ends at entry {kept.entry:,}; entry {witnessed.entry:,} was" in before[0]
    assert ("ketadesk recovered --to TIME" in before[0]) is (clinic.store.engine == "postgresql")
    # The clinic worked on before anyone recorded the recovery: the witnessed entry is now another one.
    clock.advance(timedelta(minutes=10))
    _sign_outs(clinic, clock, 5)
    assert f"entry {witnessed.entry:,} is not the one witnessed on" in _anchor_lines(clinic)[0]
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    done = admin.maintenance.record_recovery(_moment_after(kept), REASON)
    assert done.fork == kept.entry + 1  # what came after the moment is the recovered record's own
    assert done.entry.entry > witnessed.entry and done.witnessed == witnessed
    assert len(done.before) == 1 and f"entry {witnessed.entry:,} is not the one witnessed on" in done.before[0]
    assert clinic.maintenance.check() == []
    said = clinic.maintenance.last_recovery()
    assert said.startswith("recovered to ") and f"entries from {kept.entry + 1:,} on came after it: {REASON}" in said
    assert "recorded by admin" in said
    path = anchors.witness_path(clinic.store)
    assert path is not None and anchors.read_witness(path) == _head(clinic)  # the witness follows the record again
    # Another workstation's witness still holds the old record's head (entered there before the recovery, its
    # entry number now another entry of the recovered record's): of the record as it was, set aside.
    anchors.write_witness(path, witnessed)
    assert clinic.maintenance.check() == []
    anchors.witness_now(clinic.store)
    _sign_outs(clinic, clock, 2)
    assert anchors.read_witness(path) == _head(clinic)
    # The next cut, after the recovery, is caught as any is.
    clock.advance(timedelta(minutes=1))
    cut_to = _head(clinic).entry - 2
    _cut_after(clinic_target, cut_to)
    lines = _anchor_lines(clinic)
    assert len(lines) == 1 and f"the record ends at entry {cut_to:,}" in lines[0], lines


def test_only_an_administrator_records_a_recovery(recovered: tuple[Clinic, AuditHead, AuditHead]) -> None:
    clinic, kept, _ = recovered
    nurse = clinic.sign_in("nurse", PASSWORDS["nurse"])
    entries = store_audit.count(clinic.store)
    with pytest.raises(PermissionDenied, match="cannot record a recovery of the database"):
        nurse.maintenance.record_recovery(_moment_after(kept), REASON)
    assert store_audit.count(clinic.store) == entries and clinic.maintenance.last_recovery() == ""
    assert len(_anchor_lines(clinic)) == 1  # still reported


def test_nothing_is_recorded_where_nothing_shows_a_rollback(clinic: Clinic, clock: FakeClock) -> None:
    _sign_outs(clinic, clock, 2)
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    entries = store_audit.count(clinic.store)
    with pytest.raises(StoreError, match="nothing here shows the record rolled back"):
        admin.maintenance.record_recovery(_moment_after(_head(clinic)) - timedelta(minutes=2), REASON)
    assert store_audit.count(clinic.store) == entries


@pytest.mark.parametrize(
    ("moment", "reason", "field", "says"),
    [
        (timedelta(days=1), REASON, "to", "a moment before now"),
        (-timedelta(days=400), REASON, "to", "a moment after the record began"),
        (timedelta(0), "   ", "reason", "required"),
    ],
)
def test_a_moment_that_cannot_be_or_no_reason_is_refused(
    recovered: tuple[Clinic, AuditHead, AuditHead],
    clock: FakeClock,
    moment: timedelta,
    reason: str,
    field: str,
    says: str,
) -> None:
    clinic, kept, _ = recovered
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    entries = store_audit.count(clinic.store)
    to = clock.now() + moment if moment else _moment_after(kept)
    with pytest.raises(ValidationError, match=says) as refused:
        admin.maintenance.record_recovery(to, reason)
    assert refused.value.field == field
    assert store_audit.count(clinic.store) == entries


def test_a_recovery_does_not_explain_a_chain_that_does_not_hold(
    recovered: tuple[Clinic, AuditHead, AuditHead], clinic_target: Path | str
) -> None:
    clinic, kept, _ = recovered
    with behind_the_programs_back(clinic_target) as conn:
        if isinstance(clinic_target, str):
            conn.execute("SET session_replication_role = replica")
        else:
            conn.execute("DROP TRIGGER audit_no_update")
        conn.execute(f"UPDATE audit SET after = '{{}}' WHERE id = {kept.entry - 1}")
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    with pytest.raises(StoreError, match="the audit chain does not hold"):
        admin.maintenance.record_recovery(_moment_after(kept), REASON)
    assert clinic.maintenance.last_recovery() == ""
