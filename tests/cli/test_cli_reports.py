"""report, export, fhir and csv through ketadesk.cli.main on a demo clinic: files written, never over an existing
file without --force, every mistake one line on stderr with a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from ketadesk.cli import main
from ketadesk.clinic import Clinic, config
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from tests.cli.cli_calls import Run
from tests.engines import BOTH_ENGINES


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    assert lines[0].startswith("ketadesk: ")
    return lines[0]


pytestmark = BOTH_ENGINES  # on a demo file and on the same demo in a server's database


@pytest.fixture
def db(demo_target: Path | str) -> Path | str:
    """A private copy of the session's demo clinic (a file, or a server's database)."""
    return demo_target


def _visits(db: Path | str) -> list[tuple[int, int | None, Phase]]:
    """(visit id, course id, phase) of every visit with something charted, oldest first."""
    clinic = Clinic.open(db, SystemClock(), config.load_clinic_protocol(db if isinstance(db, Path) else None))
    try:
        return [(r.id, r.course_id, r.phase) for r in clinic.reports.export_visits()]
    finally:
        clinic.close()


def test_report_writes_a_pdf_and_keeps_an_existing_file(run: Run, db: Path | str, tmp_path: Path) -> None:
    """`report VISIT -o FILE` writes the PDF; again without --force exits 1 and leaves it; --force replaces it."""
    visit_id = next(v for v, _, phase in _visits(db) if phase is Phase.SIGNED)
    target = tmp_path / "visit.pdf"
    code, out, err = run("--db", db, "report", visit_id, "-o", target)
    assert code == 0, err
    assert str(target) in out
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert len(reader.pages) >= 2 and "Electronically signed by" in " ".join(p.extract_text() for p in reader.pages)
    target.write_bytes(b"keep me")
    code, out, err = run("--db", db, "report", visit_id, "-o", target)
    assert code == 1 and out == ""
    assert "--force" in _one_line(err) and str(target) in err
    assert target.read_bytes() == b"keep me"
    code, _, err = run("--db", db, "report", visit_id, "-o", target, "--force")
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")


def test_report_course(run: Run, db: Path | str, tmp_path: Path) -> None:
    """`report --course ID -o FILE` writes the course summary."""
    course_id = next(c for _, c, _ in _visits(db) if c is not None)
    code, _, err = run("--db", db, "report", "--course", course_id, "-o", tmp_path / "course.pdf")
    assert code == 0, err
    assert "Course summary" in PdfReader(tmp_path / "course.pdf").pages[0].extract_text()


@pytest.mark.parametrize(
    ("args", "exit_code", "words"),
    [
        (["report", "-o", "x.pdf"], 2, "VISIT_ID or --course"),
        (["report", "1", "--course", "1", "-o", "x.pdf"], 2, "VISIT_ID or --course"),
        (["report", "abc", "-o", "x.pdf"], 2, "invalid int value"),
        (["report", "99999", "-o", "x.pdf"], 1, "no visit with id 99999"),
        (["report", "--course", "99999", "-o", "x.pdf"], 1, "no course with id 99999"),
        (["report", "1"], 2, "-o"),
        (["csv", "-o", "x.csv"], 2, "VISIT_ID or --all"),
        (["csv", "1", "--all", "-o", "x.csv"], 2, "VISIT_ID or --all"),
        (["fhir", "99999", "-o", "x.json"], 1, "no visit with id 99999"),
        (["export", "out", "--from", "2026-02-30"], 2, "--from '2026-02-30' is not a date"),
        (["export", "out", "--workers", "0"], 2, "--workers 0"),
    ],
)
def test_mistakes_are_one_line(
    capsys: pytest.CaptureFixture[str],
    db: Path | str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    exit_code: int,
    words: str,
) -> None:
    """Missing or clashing arguments, unknown ids and bad dates: one line, the right exit code, no file."""
    monkeypatch.chdir(tmp_path)
    try:
        code = main(["--db", str(db), *args])
    except SystemExit as stop:  # argparse's own usage errors leave through _Parser.error
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code == exit_code
    assert words in _one_line(err)
    assert out == ""
    assert not any(tmp_path.glob("x.*")) and not (tmp_path / "out").exists()


def test_output_folder_must_exist_and_database_must_exist(run: Run, db: Path | str, tmp_path: Path) -> None:
    """A missing output folder or database is one line, and no empty database is created."""
    visit_id = _visits(db)[0][0]
    code, _, err = run("--db", db, "report", visit_id, "-o", tmp_path / "nowhere" / "v.pdf")
    assert code == 1 and "does not exist" in _one_line(err)
    missing = tmp_path / "missing.sqlite"
    code, _, err = run("--db", missing, "fhir", "1", "-o", tmp_path / "v.json")
    assert code == 1 and "No such database" in _one_line(err)
    assert not missing.exists()


def _without_head(pdf: bytes) -> bytes:
    """The PDF apart from the audit head in its keywords and the document ID reportlab derives from them."""
    return re.sub(rb"/ID \n\[<[0-9a-f]+><[0-9a-f]+>\]", b"", re.sub(rb"KetaDesk audit head: [^)]*", b"", pdf))


def test_export_folder_with_manifest_and_progress(run: Run, db: Path | str, tmp_path: Path) -> None:
    """`export DIR` writes one PDF per visit begun and a manifest, with a progress bar on stderr; the PDFs built by
    two worker processes are byte for byte those built by one."""
    visits = _visits(db)
    assert len(visits) >= 24, "enough visits for the worker pool"
    code, out, err = run("--db", db, "export", tmp_path / "two", "--workers", "2")
    assert code == 0, err
    assert f"{len(visits)}/{len(visits)} visits" in err and f"{len(visits)} visits exported" in out
    manifest = list(csv.DictReader((tmp_path / "two" / "manifest.csv").open(encoding="utf-8")))
    assert [int(r["visit_id"]) for r in manifest] == [v for v, _, _ in visits]
    code, _, err = run("--db", db, "export", tmp_path / "one", "--workers", "1")
    assert code == 0, err
    for row in manifest:
        # Apart from the audit head each PDF carries (the first export's entries moved it).
        two, one = ((tmp_path / d / row["file"]).read_bytes() for d in ("two", "one"))
        assert _without_head(two) == _without_head(one)
    code, out, err = run("--db", db, "export", tmp_path / "two")
    assert code == 1 and "--force" in _one_line(err)


def test_export_signed_only_and_dates(run: Run, db: Path | str, tmp_path: Path) -> None:
    """--signed-only exports the signed visits only; --from/--to keep the visits booked in the range."""
    signed = [v for v, _, phase in _visits(db) if phase is Phase.SIGNED]
    code, out, err = run("--db", db, "export", tmp_path / "signed", "--signed-only", "--workers", "1")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "signed").glob("*.pdf"))
    assert len(names) == len(signed) and f"{len(signed)} signed visits exported" in out
    first_day = names[0][:10]
    code, out, err = run("--db", db, "export", tmp_path / "day", "--from", first_day, "--to", first_day)
    assert code == 0, err
    assert all(p.name.startswith(first_day) for p in (tmp_path / "day").glob("*.pdf"))


def test_fhir_and_csv(run: Run, db: Path | str, tmp_path: Path) -> None:
    """`fhir` writes a Bundle; `csv VISIT` that visit's readings; `csv --all` every reading, with ISO times."""
    visit_id = _visits(db)[0][0]
    code, _, err = run("--db", db, "fhir", visit_id, "-o", tmp_path / "v.json")
    assert code == 0, err
    bundle = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    code, _, err = run("--db", db, "csv", visit_id, "-o", tmp_path / "one.csv")
    assert code == 0, err
    assert (tmp_path / "one.csv").read_bytes().startswith(b"\xef\xbb\xbfvisit_id,")  # a spreadsheet reads UTF-8
    one = list(csv.DictReader((tmp_path / "one.csv").open(encoding="utf-8-sig")))
    assert one and {r["visit_id"] for r in one} == {str(visit_id)}
    assert all(r["taken_at"].endswith("Z") and "T" in r["taken_at"] for r in one)
    code, _, err = run("--db", db, "csv", "--all", "-o", tmp_path / "all.csv")
    assert code == 0, err
    every = list(csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8-sig")))
    assert len(every) > len(one) and len({r["visit_id"] for r in every}) > 1
    code, _, err = run("--db", db, "csv", visit_id, "--no-bom", "-o", tmp_path / "plain.csv")
    assert code == 0, err
    plain = (tmp_path / "plain.csv").read_bytes()
    assert plain.startswith(b"visit_id,") and (tmp_path / "one.csv").read_bytes() == b"\xef\xbb\xbf" + plain
