"""The audit chain's head witnessed outside the file: check reports a deleted tail, a rolled-back file, a copy
without its -wal, a re-hashed chain, a missing or wrong key; backups, PDFs and manifests carry the head.

On both engines, but for what only a file can suffer (an older copy put back, a copy without its -wal);
the insider's edits through :mod:`tests.behind` (the file's connection, or the server's superuser).
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from ketadesk.clinic import Clinic, anchors, config
from ketadesk.core.audit_head import AuditHead, parse_head
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.store import audit as store_audit
from ketadesk.store import backup as store_backup
from ketadesk.store import chain_key
from tests.behind import behind_the_programs_back
from tests.engines import BOTH_ENGINES, sqlite_only
from tests.helpers import PASSWORDS, make_patient

pytestmark = BOTH_ENGINES
ONLY_A_FILE = "a SQLite file copied or put back by hand; a server's database is never a file a workstation copies"


@pytest.fixture
def key_put_back(clinic: Clinic, tmp_path: Path) -> Iterator[Path]:
    """The chain key's file, put back as it was after the test.

    A server's clinic databases in these tests are copies of one template, one installation, one key
    file: a test that removes or replaces it would break every later test's chain on the server.
    """
    installation = clinic.store.chain.installation
    assert installation is not None
    path = chain_key.key_path(chain_key.key_folder(), installation)
    kept = shutil.copy2(path, tmp_path / "kept.key")
    yield path
    shutil.copy2(kept, path)


def _register(nurse: Clinic, count: int) -> None:
    for n in range(count):
        nurse.patients.register(make_patient(mrn=f"KD-{20000 + n}"))


def _head(clinic: Clinic) -> AuditHead:
    head = store_audit.head(clinic.store)
    assert head is not None
    return head


def _raw(target: Path | str, *statements: str) -> None:
    """Raw SQL as an insider with the file (or the server's superuser) would run it, guards dropped first."""
    with behind_the_programs_back(target) as conn:
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute("DROP TRIGGER audit_no_update")
        for statement in statements:
            conn.execute(statement)


def _anchor_lines(clinic: Clinic) -> list[str]:
    return [p for p in clinic.maintenance.check() if p.startswith(("audit anchor", "audit chain"))]


def _reopen(clinic: Clinic, path: Path, clock: FakeClock, protocol: Protocol) -> Clinic:
    clinic.close()
    return Clinic.open(path, clock, protocol)


def test_a_clean_clinic_has_no_anchor_findings(clinic: Clinic, nurse: Clinic) -> None:
    """With its key and its witness in step, check says nothing about the chain."""
    _register(nurse, 2)
    assert _anchor_lines(clinic) == []


def test_the_witness_follows_each_write(clinic: Clinic, nurse: Clinic) -> None:
    """After a committed write the witness file names the new head, entry, hash and MAC."""
    path = anchors.witness_path(clinic.store)
    assert path is not None
    before = anchors.read_witness(path)
    _register(nurse, 1)
    after = anchors.read_witness(path)
    assert before is not None and after is not None
    assert after == _head(clinic) and after.entry > before.entry and after.mac is not None


def test_deleted_tail_is_reported_against_the_witness(clinic: Clinic, nurse: Clinic, clinic_target: Path | str) -> None:
    """The last entries removed: the record ends before the entry the witness saw."""
    _register(nurse, 3)
    head = _head(clinic)
    _raw(clinic_target, f"DELETE FROM audit WHERE id > {head.entry - 3}")
    lines = _anchor_lines(clinic)
    assert len(lines) == 1, lines
    assert f"the record ends at entry {head.entry - 3:,}; entry {head.entry:,} was witnessed on" in lines[0]
    assert "witness file" in lines[0]


@sqlite_only(ONLY_A_FILE)
def test_a_file_rolled_back_to_an_older_copy_is_reported(
    clinic: Clinic, nurse: Clinic, db_path: Path, tmp_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """An older copy put back in place, and even written to since, does not match what was witnessed."""
    older = tmp_path / "older.sqlite"
    clinic.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db_path, older)
    _register(nurse, 4)
    witnessed = _head(clinic)
    clinic.close()
    for leftover in (db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(older, db_path)
    back = Clinic.open(db_path, clock, default_protocol)
    try:
        lines = _anchor_lines(back)
        assert len(lines) == 1 and f"entry {witnessed.entry:,} was witnessed on" in lines[0], lines
        # Written to since, past the witnessed entry: the witness is kept, and the entry there is another.
        nurse_again = back.sign_in("nurse", PASSWORDS["nurse"])
        _register(nurse_again, 6)
        assert _head(back).entry > witnessed.entry
        lines = _anchor_lines(back)
        assert len(lines) == 1 and f"entry {witnessed.entry:,} is not the one witnessed on" in lines[0], lines
    finally:
        back.close()


@sqlite_only(ONLY_A_FILE)
def test_a_copy_without_its_wal_is_reported(
    clinic: Clinic, nurse: Clinic, db_path: Path, tmp_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """The main file copied while recent writes were still in the -wal: the copy ends early."""
    clinic.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _register(nurse, 2)  # these stay in the -wal
    witnessed = _head(clinic)
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(db_path, copy)
    opened = Clinic.open(copy, clock, default_protocol)
    try:
        lines = _anchor_lines(opened)
        assert len(lines) == 1 and f"entry {witnessed.entry:,} was witnessed on" in lines[0], lines
    finally:
        opened.close()


def test_a_rewritten_and_rehashed_chain_is_reported(clinic: Clinic, nurse: Clinic, clinic_target: Path | str) -> None:
    """Every entry's plain hash recomputed after an edit: check names the first entry whose MAC fails."""
    _register(nurse, 2)
    target = _head(clinic).entry - 2
    _raw(clinic_target, f"""UPDATE audit SET after = '{{"forged":true}}' WHERE id = {target}""")
    with behind_the_programs_back(clinic_target) as conn:
        prev = conn.execute("SELECT hash FROM audit WHERE id = ?", (target - 1,)).fetchone()[0]
        columns = "id, at, actor_id, action, entity, entity_id, before, after"
        for row_id, *values in conn.execute(
            f"SELECT {columns} FROM audit WHERE id >= ? ORDER BY id", (target,)
        ).fetchall():
            digest = store_audit.row_hash(prev, *values)
            conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row_id))
            prev = digest
    lines = _anchor_lines(clinic)
    assert f"audit chain: entry {target} does not match its MAC: it was rewritten and its hash recomputed" in lines
    assert any("is not the one witnessed" in line for line in lines), "the witness saw another head hash too"


def test_missing_key_opens_works_and_says_so(
    clinic: Clinic, clinic_target: Path | str, clock: FakeClock, default_protocol: Protocol, key_put_back: Path
) -> None:
    """A restored file on a workstation without its key: it opens, a nurse can work, check says what it can check."""
    installation = clinic.store.chain.installation
    assert installation is not None
    clinic.close()
    chain_key.key_path(chain_key.key_folder(), installation).unlink()
    restored = Clinic.open(clinic_target, clock, default_protocol)
    try:
        _register(restored.sign_in("nurse", PASSWORDS["nurse"]), 1)
        lines = _anchor_lines(restored)
        assert any(chain_key.MISSING in line for line in lines), lines
        assert not any("does not match its MAC" in line for line in lines)
    finally:
        restored.close()


def test_another_installations_key_is_reported(
    clinic: Clinic, clinic_target: Path | str, clock: FakeClock, default_protocol: Protocol, key_put_back: Path
) -> None:
    """A key file of another installation under this one's name is named as such."""
    installation = clinic.store.chain.installation
    assert installation is not None
    clinic.close()
    chain_key.write_key(chain_key.key_folder(), installation, b"\x07" * chain_key.KEY_BYTES)
    opened = Clinic.open(clinic_target, clock, default_protocol)
    try:
        assert any("is not this installation's key" in line for line in _anchor_lines(opened))
    finally:
        opened.close()


def test_a_backup_carries_the_head_and_anchors_check(
    clinic: Clinic, nurse: Clinic, clinic_target: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup's own trail ends at the head it was taken at; with the witness gone it still shows a deleted tail.

    The backup is where this workstation keeps it and the tail cut takes the backup's own audit entry: a file's
    daily backup beside it, a server's dump made by hand in the workstation's backups folder.
    """
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    _register(nurse, 3)
    head = _head(clinic)
    if isinstance(clinic_target, Path):
        made = clinic.maintenance.daily_backup(config.backup_dir(clinic_target))
    else:
        made = clinic.maintenance.manual_backup(anchors.default_folder())
    assert made is not None
    assert store_backup.head_of(made) == head
    witness = anchors.witness_path(clinic.store)
    assert witness is not None
    witness.unlink()
    _raw(clinic_target, f"DELETE FROM audit WHERE id > {head.entry - 2}")
    lines = _anchor_lines(clinic)
    assert len(lines) == 1 and f"entry {head.entry:,} was witnessed on" in lines[0] and "backup" in lines[0], lines


def test_a_pdf_carries_the_head_in_its_metadata(clinic: Clinic, visit_id: int, tmp_path: Path) -> None:
    """The saved PDF's keywords hold the head it was built at (read back with pypdf)."""
    head = _head(clinic)
    made = clinic.reports.save_visit_report(visit_id, tmp_path / "visit.pdf")
    metadata = PdfReader(made.path).metadata
    assert metadata is not None
    assert parse_head(str(metadata.get("/Keywords", ""))) == head


def test_an_export_manifest_carries_the_head(clinic: Clinic, nurse: Clinic, visit_id: int, tmp_path: Path) -> None:
    """Each manifest row, like each PDF of the batch, names the head as the export began."""
    nurse.infusion.start_pre_assessment(visit_id)
    head = _head(clinic)
    batch = clinic.reports.export_reports(tmp_path / "export")
    rows = list(csv.DictReader(io.StringIO(batch.manifest.read_text(encoding="utf-8"))))
    assert rows and all(parse_head(r["audit_head"]) == head for r in rows)
    metadata = PdfReader(batch.files[0].path).metadata
    assert metadata is not None and parse_head(str(metadata.get("/Keywords", ""))) == head


@sqlite_only(
    "a SQLite backup is opened as a clinic; a server's dump is restored first (tests/store/test_store_pg_backup.py)"
)
def test_a_backup_checked_later_is_not_taken_for_a_rolled_back_file(
    clinic: Clinic, nurse: Clinic, tmp_path: Path, clock: FakeClock, default_protocol: Protocol
) -> None:
    """The witness lists the backups taken: one checked after more writes ends where it was taken, as it should."""
    made = clinic.maintenance.backup(tmp_path / "backup.sqlite")
    _register(nurse, 2)
    opened = Clinic.open(made, clock, default_protocol)
    try:
        assert _anchor_lines(opened) == []
    finally:
        opened.close()
    assert _anchor_lines(clinic) == []
