"""Images of the reports for docs/: a signed demo visit's PDF and its course summary, and the whole record's
pages (names in Chinese and Arabic, a correction, a struck reading, early stops), rendered with pdftoppm.

    python tools/report_screenshots.py        (needs pdftoppm: apt-get install poppler-utils)

A fresh demo clinic is built in a temporary folder; the visit shown is a signed one with
an alert reading and a dissociation note when the demo has one. The whole record's pages
come from a clinic of their own on a fixed clock (tools/record_visits.py): every page of
the visit of a patient named in Chinese (a reading corrected, one struck, stopped at 26 of
40 minutes) as report-record-zh-page*.png, and the first two pages (the chart of a 3-minute
infusion among them) and the course summary of a patient named in Arabic as
report-record-ar-*.png. The PNGs are
looked at before they are committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from record_visits import build

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.clinic.demo import build_demo
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import load_protocol

OUT = Path("docs/screenshots")
DPI = "100"


def _pick(clinic: Clinic) -> int:
    """A signed visit with an alert and a dissociation note; else any signed visit with an addendum; else any."""
    rows = clinic.reports.export_visits(signed_only=True) or clinic.reports.export_visits()
    best, best_score = rows[0].id, -1
    for row in rows:
        detail = clinic.visits.get(row.id).detail
        score = (
            2 * any(v.alerts for v in detail.vitals)
            + any(n.kind == "dissociation" for n in detail.notes)
            + bool(clinic.signing.addenda(row.id))
        )
        if score > best_score:
            best, best_score = row.id, score
    return best


def _render(pdf: Path, stem: str, pages: tuple[int, int] | None = None) -> list[Path]:
    """Each page (or ``pages``, first and last) as ``stem-pageN.png``, or ``stem.png`` for a single page."""
    prefix = pdf.with_suffix("")
    only = ["-f", str(pages[0]), "-l", str(pages[1])] if pages else []
    subprocess.run(["pdftoppm", "-r", DPI, "-png", *only, str(pdf), str(prefix)], check=True)
    rendered = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    made = []
    for number, page in enumerate(rendered, start=(pages or (1, 1))[0]):
        target = OUT / (f"{stem}-page{number}.png" if len(rendered) > 1 else f"{stem}.png")
        shutil.copyfile(page, target)
        made.append(target)
    return made


def main() -> int:
    """Build the demo, write both PDFs, render every page to PNG under docs/screenshots/."""
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: apt-get install poppler-utils", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.sqlite"
        clinic = Clinic.open(db, SystemClock(), load_protocol(default_protocol_text()))
        for _ in build_demo(clinic, patients=12, seed=7):
            pass
        visit_id = _pick(clinic)
        detail = clinic.visits.get(visit_id).detail
        assert detail.summary.phase in (Phase.SIGNED, Phase.DISCHARGED)
        course_id = detail.summary.course_id
        assert course_id is not None
        visit_pdf = Path(folder) / "visit.pdf"
        course_pdf = Path(folder) / "course.pdf"
        visit_pdf.write_bytes(clinic.reports.visit_report_pdf(visit_id))
        course_pdf.write_bytes(clinic.reports.course_report_pdf(course_id))
        clinic.close()
        for old in OUT.glob("report-visit*.png"):
            old.unlink()
        made = _render(visit_pdf, "report-visit") + _render(course_pdf, "report-course")
        # A one-page visit report would be named report-visit.png; keep the page numbers the docs use.
        single = OUT / "report-visit.png"
        if single.exists():
            single.rename(OUT / "report-visit-page1.png")
            made = [OUT / "report-visit-page1.png" if p == single else p for p in made]
    made += _whole_record()
    for path in made:
        print(f"wrote {path}")
    return 0


def _whole_record() -> list[Path]:
    """The record's pages with names in Chinese and Arabic, a correction, a struck reading and early stops."""
    for old in OUT.glob("report-record-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        made = build(Path(folder))
        clinic = made.program
        pdfs = {
            "report-record-zh": (clinic.reports.visit_report_pdf(made.chinese[0]), None),
            "report-record-ar-visit": (clinic.reports.visit_report_pdf(made.arabic[0]), (1, 2)),
            "report-record-ar-course": (clinic.reports.course_report_pdf(made.arabic[1]), None),
        }
        clinic.close()
        shots: list[Path] = []
        for stem, (data, pages) in pdfs.items():
            pdf = Path(folder) / f"{stem}.pdf"
            pdf.write_bytes(data)
            shots += _render(pdf, stem, pages)
    return shots


if __name__ == "__main__":
    raise SystemExit(main())
