"""`ketadesk demo` lists the visits worth looking at first, and each exports with report, fhir and csv as listed."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from pypdf import PdfReader

from tests.cli.cli_calls import Run

_LISTED = re.compile(r"^\s+(\d+)\s+(.+?): (.+)$")


def _listed(out: str) -> dict[str, int]:
    """What each listed visit shows, with its id, from the lines after the demo's summary."""
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Visits to look at first"))
    found: dict[str, int] = {}
    for line in lines[start + 1 :]:
        match = _LISTED.match(line)
        assert match, line
        found[match.group(3)] = int(match.group(1))
    return found


def test_demo_lists_its_visits_and_each_exports(run: Run, tmp_path: Path) -> None:
    """Eight patients are enough for every story; the early stop's PDF, Bundle and CSV say what was given."""
    db = tmp_path / "demo.sqlite"
    code, out, err = run("--db", db, "demo", "--patients", "8")
    assert code == 0, err
    listed = _listed(out)
    shows = " | ".join(listed)
    for words in ("corrected", "struck", "stopped early", "midazolam", "ondansetron", "telephone order", "addendum"):
        assert words in shows, shows
    early = next(visit for text, visit in listed.items() if "stopped early" in text)
    assert re.search(r"\(course \d+\): responds", out), out  # a course's story names the course to open

    code, _, err = run("--db", db, "report", early, "-o", tmp_path / "early.pdf")
    assert code == 0, err
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO((tmp_path / "early.pdf").read_bytes())).pages)
    assert "Stopped early" in text and "Midazolam" in text and "of 40 min" in text

    code, _, err = run("--db", db, "fhir", early, "-o", tmp_path / "early.json")
    assert code == 0, err
    bundle = json.loads((tmp_path / "early.json").read_text(encoding="utf-8"))
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"AdverseEvent", "MedicationAdministration", "Provenance"} <= kinds

    struck = next(visit for text, visit in listed.items() if "struck" in text)
    code, _, err = run("--db", db, "csv", struck, "-o", tmp_path / "struck.csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "struck.csv").read_text(encoding="utf-8-sig"))))
    statuses = {row["status"] for row in rows}
    assert {"current", "corrected", "entered in error"} <= statuses
    assert all(row["correction_reason"] for row in rows if row["status"] != "current")

    code, out, err = run("--db", db, "check")
    assert code == 0, err
