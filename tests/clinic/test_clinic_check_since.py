"""The check since the last full check: a checkpoint only after a clean full check; after it, new writes pass and
an edit behind the program's back, a forged or moved checkpoint, a rewritten audit entry or a missing key do not."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store import chain_key
from tests.behind import Raw, behind_the_programs_back
from tests.clinic.clinic_steps import chart
from tests.engines import BOTH_ENGINES
from tests.store.planted_edits import KINDS, _rehash_from

pytestmark = BOTH_ENGINES  # on a file and on a server's database (planted edits: tests/behind.py)

# The planted edits that touch what the check since reads: rows written after the checkpoint, and what it reads whole.
SINCE_KINDS = {
    k.name: k
    for k in KINDS
    if k.name
    in (
        "role raised",
        "role removed",
        "credentials changed",
        "reading inserted",
        "reading changed",
        "reading deleted",
        "note inserted",
        "score inserted",
        "phase step inserted",
        "acknowledgement forged for the physician",
        "append-only trigger dropped",
        "trigger added",
        "schema version lowered",
    )
}


def _checked(clinic: Clinic) -> int:
    """A clean full check that leaves its checkpoint; the audit entry the checkpoint names."""
    done = clinic.maintenance.full_check()
    assert done.problems == () and done.checkpoint is not None, done.note
    return done.checkpoint.entry


@contextmanager
def _guard_lifted(raw: Raw, target: Path | str) -> Iterator[None]:
    """The readings' append-only trigger off for one edit and back exactly as it was (on a file, or a server)."""
    if isinstance(target, str):  # the superuser's connection on a server: disabled and enabled again
        raw.raw.execute("ALTER TABLE vitals DISABLE TRIGGER vitals_no_update")  # type: ignore[attr-defined]
        yield
        raw.raw.execute("ALTER TABLE vitals ENABLE TRIGGER vitals_no_update")  # type: ignore[attr-defined]
        return
    sql = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'vitals_no_update'").fetchone()[0]
    raw.execute("DROP TRIGGER vitals_no_update")
    yield
    raw.execute(sql)


def _after(nurse: Clinic, clock: FakeClock, visit_id: int, times: int = 3) -> None:
    for _ in range(times):
        clock.advance(minutes=10)
        chart(nurse, visit_id)


def test_without_a_checkpoint_a_full_check_is_needed(clinic: Clinic) -> None:
    """A clinic never fully checked: the check since says a full check is needed, and is not ok."""
    done = clinic.maintenance.check_since_last_full_check()
    assert not done.ok and "run a full check" in done.full_check_needed
    assert done.last_full_check is None and clinic.maintenance.last_full_check() is None


def test_a_full_check_with_findings_leaves_no_checkpoint(clinic: Clinic, clinic_target: Path | str) -> None:
    """A role raised behind the program's back: the full check says so and records nothing to start from."""
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("UPDATE users SET roles = 'administrator,nurse' WHERE login = 'nurse'")
    done = clinic.maintenance.full_check()
    assert any("user nurse: roles are" in p for p in done.problems) and done.checkpoint is None
    assert clinic.store.one("SELECT count(*) FROM checkpoints")[0] == 0  # type: ignore[index]
    assert not clinic.maintenance.check_since_last_full_check().ok


def test_new_writes_after_a_clean_full_check_pass(
    clinic: Clinic, nurse: Clinic, clock: FakeClock, infusing: int
) -> None:
    """After the checkpoint a nurse charts on; the check since passes, names the last full check, says its limits."""
    entry = _checked(clinic)
    _after(nurse, clock, infusing)
    done = clinic.maintenance.check_since_last_full_check()
    assert done.ok, done.problems
    assert done.last_full_check is not None and done.last_full_check.entry == entry
    assert done.entries_checked == clinic.audit.count() - entry > 3
    assert any("written since" in c for c in done.covered) and any("changed in place" in n for n in done.not_covered)
    assert clinic.maintenance.check() == []  # the checkpoint itself reconciles with its entry


@pytest.mark.parametrize("name", sorted(SINCE_KINDS))
def test_a_planted_edit_after_the_checkpoint_is_found(
    clinic: Clinic, nurse: Clinic, clock: FakeClock, infusing: int, clinic_target: Path | str, name: str
) -> None:
    """Each edit behind the program's back made after the checkpoint is named by the check since."""
    _checked(clinic)
    _after(nurse, clock, infusing)
    kind = SINCE_KINDS[name]
    assert kind.edit is not None
    with behind_the_programs_back(clinic_target) as raw:
        kind.edit(raw)  # type: ignore[arg-type]
    problems = clinic.maintenance.check_since_last_full_check().problems
    assert any(kind.expect in p for p in problems), problems


def test_an_older_row_removed_is_found_by_its_tables_count(
    clinic: Clinic, nurse: Clinic, clock: FakeClock, infusing: int, clinic_target: Path | str
) -> None:
    """A reading written before the checkpoint and deleted after it: the table's older rows no longer count up."""
    _after(nurse, clock, infusing, 2)
    _checked(clinic)
    _after(nurse, clock, infusing, 1)
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER vitals_no_delete")
        raw.execute("DELETE FROM vitals WHERE id = (SELECT min(id) FROM vitals)")
    problems = clinic.maintenance.check_since_last_full_check().problems
    assert any(p.startswith("vitals: ") and "rows were removed or slipped in" in p for p in problems), problems


def test_a_forged_checkpoint_is_reported_and_the_older_one_used(
    clinic: Clinic, nurse: Clinic, clock: FakeClock, infusing: int, clinic_target: Path | str
) -> None:
    """A checkpoint inserted by raw SQL (no key, no seal) is a finding, and the check starts from the true one."""
    entry = _checked(clinic)
    _after(nurse, clock, infusing)
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute(
            "INSERT INTO checkpoints (at, by, ran, scope, audit_id, audit_hash, high_water, mac) SELECT at, by, ran,"
            " scope, (SELECT max(id) FROM audit), (SELECT hash FROM audit ORDER BY id DESC LIMIT 1), high_water, mac"
            " FROM checkpoints"
        )
    done = clinic.maintenance.check_since_last_full_check()
    assert any("does not match its seal" in p and "not trusted" in p for p in done.problems), done.problems
    assert done.last_full_check is not None and done.last_full_check.entry == entry
    assert any("checkpoints: row" in p for p in done.problems)  # no audit entry was written with it


def test_a_checkpoint_moved_to_a_later_entry_is_not_trusted(
    clinic: Clinic, nurse: Clinic, clock: FakeClock, infusing: int, clinic_target: Path | str
) -> None:
    """The only checkpoint moved past rows an insider edited: its seal fails, so a full check is needed."""
    _checked(clinic)
    _after(nurse, clock, infusing)
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER checkpoints_no_update")
        raw.execute(
            "UPDATE checkpoints SET audit_id = (SELECT max(id) FROM audit),"
            " audit_hash = (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)"
        )
    done = clinic.maintenance.check_since_last_full_check()
    assert not done.ok and "run a full check" in done.full_check_needed
    assert any("does not match its seal" in p for p in done.problems)


@pytest.mark.parametrize("where", ["at", "after"])
def test_an_audit_entry_rewritten_at_or_after_the_checkpoint_is_found(
    clinic: Clinic, nurse: Clinic, clock: FakeClock, infusing: int, clinic_target: Path | str, where: str
) -> None:
    """The entry the checkpoint names, or one after it, changed and the chain re-hashed from there: named."""
    entry = _checked(clinic)
    _after(nurse, clock, infusing)
    target = entry if where == "at" else entry + 2
    with behind_the_programs_back(clinic_target) as raw:
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("UPDATE audit SET at = '2020-01-01T00:00:00Z' WHERE id = ?", (target,))
        _rehash_from(raw, target)  # type: ignore[arg-type]
    problems = clinic.maintenance.check_since_last_full_check().problems
    said = "is not the one the full check" if where == "at" else f"audit chain: entry {target} does not match its MAC"
    assert any(said in p for p in problems), problems


def test_without_the_key_it_says_what_it_cannot_check(
    clinic: Clinic, clinic_target: Path | str, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """The chain's key missing on this workstation: no checkpoint can be verified; it says so and what is missing."""
    _checked(clinic)
    installation = clinic.store.chain.installation
    assert installation is not None
    clinic.close()
    path = chain_key.key_path(chain_key.key_folder(), installation)
    kept = tmp_path / "kept.key"
    path.rename(kept)
    try:
        reopened = Clinic.open(clinic_target, clock, default_protocol)
        try:
            done = reopened.maintenance.check_since_last_full_check()
            assert not done.ok and "no checkpoint can be verified" in done.full_check_needed
            assert any(chain_key.MISSING in p for p in done.problems), done.problems
            assert reopened.maintenance.full_check().checkpoint is None
        finally:
            reopened.close()
    finally:
        kept.rename(path)  # a server's test databases share one installation's key: put it back


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    readings=st.lists(
        st.tuples(st.integers(100, 140), st.integers(60, 85), st.integers(55, 95), st.integers(95, 100)),
        min_size=1,
        max_size=4,
    ),
    tampered=st.none() | st.integers(0, 3),
)
def test_typed_readings_since_pass_and_a_changed_one_is_named(
    clinic: Clinic,
    nurse: Clinic,
    clock: FakeClock,
    infusing: int,
    clinic_target: Path | str,
    readings: list[tuple[int, int, int, int]],
    tampered: int | None,
) -> None:
    """Whatever readings are typed after the checkpoint, the check since passes, unless one is changed behind it."""
    _checked(clinic)
    for sbp, dbp, hr, spo2 in readings:
        clock.advance(minutes=5)
        nurse.bedside.record_vitals(infusing, sbp=str(sbp), dbp=str(dbp), hr=str(hr), spo2=str(spo2), rr="14")
    if tampered is None:
        assert clinic.maintenance.check_since_last_full_check().ok
        return
    with behind_the_programs_back(clinic_target) as raw:
        ids = [int(r[0]) for r in raw.execute("SELECT id FROM vitals ORDER BY id DESC LIMIT ?", (len(readings),))]
        row = ids[tampered % len(ids)]
        with _guard_lifted(raw, clinic_target):
            raw.execute("UPDATE vitals SET hr = hr + 1 WHERE id = ?", (row,))
        problems = clinic.maintenance.check_since_last_full_check().problems
        with _guard_lifted(raw, clinic_target):  # as it was, for the next example
            raw.execute("UPDATE vitals SET hr = hr - 1 WHERE id = ?", (row,))
    assert any(f"vitals: row {row} differs from its audit entry: hr" in p for p in problems), problems
