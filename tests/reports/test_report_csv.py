"""Vitals CSV: the columns, one row per reading with its status, ISO-8601 times that parse, values as charted."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.reports.csv_export import COLUMNS, vitals_csv
from tests.engines import BOTH_ENGINES
from tests.reports.conftest import ReportInputs
from tests.reports.report_builders import walk_visit

pytestmark = BOTH_ENGINES  # on a file and on a server's database


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_columns_and_one_row_per_reading(inputs: ReportInputs) -> None:
    """The header is the documented columns; each reading is one row with its values and ISO times."""
    text = vitals_csv([inputs.visit])
    assert text.splitlines()[0].split(",") == list(COLUMNS)
    rows = _rows(text)
    assert len(rows) == len(inputs.visit.vitals) == 30
    for row, record in zip(rows, inputs.visit.vitals, strict=True):
        taken = datetime.fromisoformat(row["taken_at"])
        assert row["taken_at"].endswith("Z") and taken == record.vitals.taken_at
        assert datetime.fromisoformat(row["taken_at_local"]) == record.vitals.taken_at.replace(microsecond=0)
        assert datetime.fromisoformat(row["entered_at"]).tzinfo is not None
        assert (int(row["sbp"]), int(row["dbp"]), int(row["hr"]), int(row["spo2"]), int(row["rr"])) == (
            record.vitals.sbp,
            record.vitals.dbp,
            record.vitals.hr,
            record.vitals.spo2,
            record.vitals.rr,
        )
        assert row["mrn"] == "KD-20001" and row["patient"] == "ŁUKASIK ŻELAZNY, Nguyễn Ødegaard"
        assert row["entered_by"] == "nurse"
    assert rows[0]["baseline"] == "yes" and rows[1]["baseline"] == "no"
    assert rows[6]["alerts"] == "sbp_high"
    assert [r["temp_c"] for r in rows if r["temp_c"]] == ["36.8"]


def test_all_visits_and_corrections(nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock) -> None:
    """Every visit's readings in one file; a corrected reading stays, marked corrected, beside its correction."""
    first = walk_visit(nurse, physician, clock, readings=5)
    second = walk_visit(
        nurse, physician, clock, mrn="KD-20002", family="Ivanova", given="Olga", readings=6, discharge=False
    )
    wrong = clinic.visits.get(second.visit_id).detail.vitals[-1]
    nurse.bedside.correct_vitals(
        second.visit_id, wrong.id, reason="typed HR wrong", sbp="124", dbp="78", hr="66", spo2="98", rr="14"
    )
    rows = _rows(clinic.reports.vitals_csv())
    assert len(rows) == 5 + 6 + 1  # the original and its correction are both there
    assert {r["visit_id"] for r in rows} == {str(first.visit_id), str(second.visit_id)}
    corrected = [r for r in rows if r["corrects_id"]]
    assert len(corrected) == 1 and corrected[0]["corrects_id"] == str(wrong.id) and corrected[0]["hr"] == "66"
    assert corrected[0]["status"] == "current"
    (original,) = [r for r in rows if r["reading_id"] == str(wrong.id)]
    assert (original["status"], original["corrected_by"], original["correction_reason"]) == (
        "corrected",
        "nurse",
        "typed HR wrong",
    )
    assert datetime.fromisoformat(original["corrected_at"]).tzinfo is not None
    nurse_name = clinic.reports.report_staff()["nurse"]
    assert (original["corrected_by_name"], original["entered_by_name"]) == (nurse_name, nurse_name)
    assert {r["status"] for r in rows if r["reading_id"] != str(wrong.id)} == {"current"}
    assert len(_rows(clinic.reports.vitals_csv([first.visit_id]))) == 5


def test_struck_reading_stays_in_the_file_as_entered_in_error(
    nurse: Clinic, physician: Clinic, clinic: Clinic, clock: FakeClock
) -> None:
    """A reading struck as entered in error is a row with that status and the reason; nothing replaces it."""
    walked = walk_visit(nurse, physician, clock, readings=4, discharge=False)
    wrong = clinic.visits.get(walked.visit_id).detail.vitals[-1]
    nurse.bedside.correct_vitals(walked.visit_id, wrong.id, reason="Other patient's cuff", entered_in_error=True)
    rows = _rows(clinic.reports.vitals_csv([walked.visit_id]))
    assert len(rows) == 4
    (struck,) = [r for r in rows if r["status"] != "current"]
    assert (struck["reading_id"], struck["status"], struck["correction_reason"]) == (
        str(wrong.id),
        "entered in error",
        "Other patient's cuff",
    )


def test_formula_like_names_are_neutralised() -> None:
    """A name a spreadsheet would execute (=…, +…, -…, @…) is written with a leading apostrophe."""
    from ketadesk.reports.csv_export import _safe

    assert _safe("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _safe("@x") == "'@x" and _safe("Ødegaard") == "Ødegaard"
