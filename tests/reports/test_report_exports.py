"""Saving reports through the clinic API: files written whole or not at all, never over an existing file unless
asked, an audit entry for each file; batch export with its manifest; signed visits through the real signing API."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from ketadesk.clinic import Clinic, NotFound, StoreError, ValidationError, files, reporting
from ketadesk.core.clock import FakeClock
from ketadesk.reports.layout import DRAFT_MARK
from tests.engines import BOTH_ENGINES
from tests.helpers import PASSWORDS
from tests.reports.report_builders import WalkedVisit, flat, pdf_pages, walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _exports(clinic: Clinic) -> list[dict[str, object]]:
    rows = clinic.store.all(
        "SELECT action, entity, entity_id, after FROM audit WHERE action IN ('export', 'print') ORDER BY id"
    )
    return [
        {"action": r["action"], "entity": r["entity"], "entity_id": r["entity_id"], **json.loads(r["after"])}
        for r in rows
    ]


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in files.temporary_files(folder)] + [
        p.name for p in folder.iterdir() if p.name.endswith(".part")
    ]


def test_save_visit_report_writes_and_audits(clinic: Clinic, walked: WalkedVisit, tmp_path: Path) -> None:
    """The PDF lands at the path, equal to the preview's bytes, and one audit entry names the file and its hash.

    The preview is taken just before: a PDF carries the audit chain's head, which the export's entry moves.
    """
    target = tmp_path / "visit.pdf"
    preview = clinic.reports.visit_report_pdf(walked.visit_id)
    made = clinic.reports.save_visit_report(walked.visit_id, target)
    data = target.read_bytes()
    assert data == preview
    assert made.size == len(data) and made.sha256 == hashlib.sha256(data).hexdigest()
    (entry,) = _exports(clinic)
    assert entry["action"] == "export" and entry["entity"] == "visit" and entry["entity_id"] == walked.visit_id
    assert entry["kind"] == "visit_pdf" and entry["sha256"] == made.sha256 and entry["file"] == str(target.resolve())
    assert clinic.maintenance.check() == []
    assert _leftovers(tmp_path) == []


def test_existing_file_is_kept_unless_overwrite(clinic: Clinic, walked: WalkedVisit, tmp_path: Path) -> None:
    """An existing file is refused (FileExistsError) and left as it was; with overwrite it is replaced."""
    target = tmp_path / "visit.pdf"
    target.write_bytes(b"someone else's file")
    with pytest.raises(FileExistsError):
        clinic.reports.save_visit_report(walked.visit_id, target)
    assert target.read_bytes() == b"someone else's file"
    assert _exports(clinic) == [] and _leftovers(tmp_path) == []
    clinic.reports.save_visit_report(walked.visit_id, target, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF")


def test_failed_build_leaves_no_file(
    clinic: Clinic, walked: WalkedVisit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing fails half-way, neither the file nor a temporary part is left, and nothing is audited."""
    target = tmp_path / "visit.pdf"

    real = files.StagedFile.write

    def broken(self: files.StagedFile, data: bytes) -> int:
        real(self, data[:100])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.StagedFile, "write", broken)
    with pytest.raises(StoreError, match="No space"):  # the OS error, said as the store's
        clinic.reports.save_visit_report(walked.visit_id, target)
    assert not target.exists() and _leftovers(tmp_path) == [] and _exports(clinic) == []


def test_missing_folder_and_unknown_visit(clinic: Clinic, walked: WalkedVisit, tmp_path: Path) -> None:
    """A folder that does not exist, or a visit that does not, is refused with a message and no file."""
    with pytest.raises(ValidationError, match="does not exist"):
        clinic.reports.save_visit_report(walked.visit_id, tmp_path / "nowhere" / "visit.pdf")
    with pytest.raises(NotFound):
        clinic.reports.save_visit_report(999, tmp_path / "visit.pdf")
    assert not (tmp_path / "visit.pdf").exists() and _leftovers(tmp_path) == [] and _exports(clinic) == []


def test_course_fhir_csv_and_print_are_audited(clinic: Clinic, walked: WalkedVisit, tmp_path: Path) -> None:
    """Course PDF, FHIR JSON and vitals CSV are saved whole and audited; printing is audited as "print"."""
    course = clinic.reports.save_course_report(walked.course_id, tmp_path / "course.pdf")
    bundle = clinic.reports.save_visit_fhir(walked.visit_id, tmp_path / "visit.json")
    vitals = clinic.reports.save_vitals_csv(tmp_path / "vitals.csv")
    clinic.reports.record_print(walked.visit_id)
    assert json.loads((tmp_path / "visit.json").read_text(encoding="utf-8"))["resourceType"] == "Bundle"
    text = (tmp_path / "vitals.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeffvisit_id,")  # the byte-order mark: Excel opens it as UTF-8
    assert len(text.splitlines()) == 31 and vitals.size == len(text.encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert {(r["entered_by"], r["entered_by_name"]) for r in rows} == {
        ("nurse", clinic.reports.report_staff()["nurse"])
    }
    assert vitals.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    entries = _exports(clinic)
    assert [(e["action"], e["kind"]) for e in entries] == [
        ("export", "course_pdf"),
        ("export", "fhir_r4"),
        ("export", "vitals_csv"),
        ("print", "visit_pdf"),
    ]
    assert entries[0]["entity_id"] == walked.course_id and entries[0]["sha256"] == course.sha256
    assert entries[1]["sha256"] == bundle.sha256 and entries[2]["rows"] == 30 and entries[2]["visits"] == "all"
    assert clinic.maintenance.check() == []  # the CSV's entry names the vitals as a whole: no reading to match


def test_signed_visit_through_the_signing_api(
    clinic: Clinic, physician: Clinic, nurse: Clinic, walked: WalkedVisit, clock: FakeClock
) -> None:
    """After the physician seals the visit and a nurse adds a signed addendum, the report shows both and no draft."""
    clock.advance(timedelta(hours=2))
    physician.signing.sign_visit(walked.visit_id, PASSWORDS["doctor"])
    clock.advance(timedelta(hours=20))
    nurse.signing.add_addendum(
        walked.visit_id, "Escort was the patient's brother.", "Wrong relationship charted", PASSWORDS["nurse"]
    )
    pages = pdf_pages(clinic.reports.visit_report_pdf(walked.visit_id))
    assert not any(DRAFT_MARK in p for p in pages)
    text = flat(" ".join(pages))
    signature = clinic.signing.signature(walked.visit_id)
    assert signature is not None
    assert flat(signature.manifestation) in text and "matches the signed content" in text
    (addendum,) = clinic.signing.addenda(walked.visit_id)
    assert addendum.signature is not None
    assert text.index(flat(signature.manifestation)) < text.index("Escort was the patient's brother.")
    assert flat(addendum.signature.manifestation) in text


@pytest.fixture
def three_days(nurse: Clinic, physician: Clinic, clock: FakeClock) -> list[WalkedVisit]:
    """Three visits on three days (the middle one signed), and a visit booked but not begun."""
    made = []
    for day in range(3):
        made.append(walk_visit(nurse, physician, clock, mrn=f"KD-4000{day}", readings=4))
        if day == 1:
            physician.signing.sign_visit(made[-1].visit_id, PASSWORDS["doctor"])
        clock.advance(timedelta(days=1))
    nurse.scheduling.schedule_visit(made[0].patient_id, nurse.today(), 1)
    return made


def test_batch_export_with_manifest(clinic: Clinic, three_days: list[WalkedVisit], tmp_path: Path) -> None:
    """One PDF per visit begun (not the booked one), a manifest whose rows and hashes match, progress to the end."""
    seen: list[tuple[int, int]] = []
    # Previews before the export: each PDF carries the audit head as the export began.
    previews = {w.visit_id: clinic.reports.visit_report_pdf(w.visit_id) for w in three_days}
    batch = clinic.reports.export_reports(tmp_path / "out", progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert len(batch.files) == 3
    rows = list(csv.DictReader(io.StringIO(batch.manifest.read_text(encoding="utf-8"))))
    assert [int(r["visit_id"]) for r in rows] == [w.visit_id for w in three_days]
    for row, made in zip(rows, batch.files, strict=True):
        data = (tmp_path / "out" / row["file"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest() == made.sha256
        assert data == previews[int(row["visit_id"])]
    assert [r["signed_by"] for r in rows] == ["", "Samuel Okonkwo, MD", ""]
    kinds = [e["kind"] for e in _exports(clinic)]
    assert kinds == ["visit_pdf"] * 3 + ["manifest"]
    assert _leftovers(tmp_path / "out") == []


def test_batch_export_filters(clinic: Clinic, three_days: list[WalkedVisit], tmp_path: Path) -> None:
    """--signed-only keeps the signed visit; a date range keeps the visits booked in it."""
    signed = clinic.reports.export_reports(tmp_path / "signed", signed_only=True)
    assert [f.path.name for f in signed.files] == [
        reporting.report_file_name(
            clinic.visits.get(three_days[1].visit_id).detail.summary.scheduled_date, "KD-40001", three_days[1].visit_id
        )
    ]
    day = clinic.visits.get(three_days[2].visit_id).detail.summary.scheduled_date
    ranged = clinic.reports.export_reports(tmp_path / "range", day, day)
    assert len(ranged.files) == 1 and str(three_days[2].visit_id) in ranged.files[0].path.name
    with pytest.raises(ValidationError, match="after the last date"):
        clinic.reports.export_reports(tmp_path / "bad", day, day - timedelta(days=1))


def test_batch_export_refuses_before_writing(clinic: Clinic, three_days: list[WalkedVisit], tmp_path: Path) -> None:
    """If any target exists, nothing is written; with overwrite every file is replaced."""
    folder = tmp_path / "out"
    clinic.reports.export_reports(folder)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    (folder / "manifest.csv").unlink()
    first = sorted(before)[0]
    with pytest.raises(FileExistsError, match="and 2 more"):
        clinic.reports.export_reports(folder)
    assert not (folder / "manifest.csv").exists()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}[first] == before[first]
    batch = clinic.reports.export_reports(folder, overwrite=True)
    assert len(batch.files) == 3 and (folder / "manifest.csv").exists()
