"""The record's commands on a clinic's PostgreSQL database: the same answers through its URL as on the SQLite file.

The demo is copied whole to the server (`ketadesk migrate --to URL`); then `visits`, `csv`,
`fhir`, `report` and `export` are run once with ``--db FILE`` and once with ``--db URL`` (or
``KETADESK_DB``), and must say and write the same. The commands that need a file say so.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from pypdf import PdfReader

from ketadesk.clinic import config
from tests.cli.cli_calls import Run, one_line


@pytest.fixture
def both(run: Run, demo_copy: Callable[..., Path], postgresql_url: str) -> tuple[Path, str]:
    """The demo clinic as a file and, copied whole, on the server."""
    demo = demo_copy()
    code, _, err = run("--db", demo, "migrate", "--to", postgresql_url)
    assert code == 0, err
    return demo, postgresql_url


def _signed_visit(demo: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(demo)) as conn:
        row = conn.execute(
            "SELECT v.id, v.course_id FROM visits v JOIN visit_events e ON e.visit_id = v.id"
            " WHERE e.phase = 'signed' AND v.course_id IS NOT NULL ORDER BY v.id LIMIT 1"
        ).fetchone()
    return int(row[0]), int(row[1])


def test_visits_and_the_vitals_csv_are_the_same_on_the_server(run: Run, both: tuple[Path, str], tmp_path: Path) -> None:
    """The visits of a month (JSON) and every visit's vital signs (CSV) read alike from the file and the URL."""
    demo, url = both
    listed = []
    for target in (demo, url):
        code, out, err = run("--db", target, "visits", "--from", "2026-01-01", "--to", "2027-12-31", "--json")
        assert code == 0, err
        listed.append(json.loads(out))
    assert listed[0] == listed[1] and listed[0]
    written = []
    for n, target in enumerate((demo, url)):
        out_file = tmp_path / f"vitals-{n}.csv"
        code, out, err = run("--db", target, "csv", "--all", "-o", out_file)
        assert code == 0, err
        written.append(out_file.read_bytes())
    assert written[0] == written[1] and written[0].count(b"\n") > 10


def test_a_visits_report_fhir_and_course_summary_from_the_server(
    run: Run, both: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through KETADESK_DB: the signed visit's PDF (as many pages as from the file), its FHIR Bundle and the
    course summary."""
    demo, url = both
    visit, course = _signed_visit(demo)
    pages = []
    for n, target in enumerate((demo, url)):
        monkeypatch.setenv(config.DB_ENV, str(target))
        pdf = tmp_path / f"visit-{n}.pdf"
        code, out, err = run("report", visit, "-o", pdf)
        assert code == 0, err
        assert f"Visit {visit} report written: {pdf}" in out
        pages.append(len(PdfReader(pdf).pages))
    assert pages[0] == pages[1] >= 1
    bundle = tmp_path / "visit.json"
    code, _, err = run("fhir", visit, "-o", bundle)
    assert code == 0, err
    assert json.loads(bundle.read_text(encoding="utf-8"))["resourceType"] == "Bundle"
    summary = tmp_path / "course.pdf"
    code, out, err = run("report", "--course", course, "-o", summary)
    assert code == 0, err
    assert f"Course {course} summary written" in out and len(PdfReader(summary).pages) >= 1


def test_export_writes_one_pdf_per_signed_visit_from_the_server(
    run: Run, both: tuple[Path, str], tmp_path: Path
) -> None:
    """`export --signed-only` from the URL writes as many files as from the file."""
    demo, url = both
    counts = []
    for n, target in enumerate((demo, url)):
        dest = tmp_path / f"export-{n}"
        code, _, err = run("--db", target, "export", dest, "--signed-only", "--workers", "1")
        assert code == 0, err
        counts.append(len(list(dest.rglob("*.pdf"))))
    assert counts[0] == counts[1] > 0


@pytest.mark.parametrize("command", [["demo"], ["migrate", "--to", "postgresql://x@/y"]])
def test_the_commands_that_need_a_file_say_so(run: Run, command: list[str]) -> None:
    """demo and migrate (its --db is the file copied) refuse a URL in one line naming what works with one.

    (`gui` opens a server's database: tests/ui/test_ui_server.py.)
    """
    code, _, err = run("--db", "postgresql://nobody@/nothing", *command)
    assert code == 2
    line = one_line(err)
    assert f"{command[0]} needs a SQLite file for --db" in line and "report" in line and "visits" in line
