"""Any visit opens again from the patient's record or a search (a finished one in its review, with its exports),
and a chair's other visits of the day open from the tile's "+1 more booked"."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.ui.patients.visit_list import COLUMNS
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.visit.workspace import VisitWorkspace
from tests.ui.review_steps import second_visit
from tests.ui.sign_in_steps import give_passwords, quick_argon2
from tests.ui.visit_records_steps import signed_yesterday, window_for


@pytest.fixture(autouse=True)
def _passwords(monkeypatch: pytest.MonkeyPatch, clinic: Clinic) -> None:
    """The fixture users have their test passwords (the physician signs with hers), hashed cheaply."""
    quick_argon2(monkeypatch)
    give_passwords(clinic)


def _cell(table: object, row: int, column: str) -> str:
    item = table.item(row, COLUMNS.index(column))  # type: ignore[attr-defined]
    return str(item.text())


def test_a_signed_visit_opens_from_the_patients_record_in_its_review_and_exports(
    qtbot: QtBot, tmp_path: Path, nurse: Clinic, physician: Clinic, clock: FakeClock, patient_id: int, visit_id: int
) -> None:
    """Find the patient, see every visit newest first with who signed, open the signed one: the review, PDF and FHIR."""
    signed = signed_yesterday(nurse, physician, clock, visit_id)
    booked = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 3).created_id
    window = window_for(qtbot, nurse, tmp_path)
    finder = window.find_patient()
    qtbot.keyClicks(finder.query, "KD-00001")
    table = finder.visits.table
    assert [listing.summary.id for listing in finder.visits.listings] == [booked, signed]
    assert "newest first" in finder.visits_box.title()
    assert (_cell(table, 1, "Phase"), _cell(table, 1, "Chair")) == ("Signed", "Chair 1")
    assert _cell(table, 1, "Signed by").startswith("Samuel Okonkwo, MD · ")
    assert _cell(table, 0, "Signed by") == "" and _cell(table, 0, "Course") == "Not in a course"

    finder.visits.select_visit(signed)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert not finder.isVisible()
    review = window.tabs.currentWidget()
    assert isinstance(review, ReviewScreen) and review.visit_id == signed
    assert review.header.status.text().startswith("✓ Signed. Electronically signed by Samuel Okonkwo, MD")

    qtbot.mouseClick(review.export.pdf_button, Qt.MouseButton.LeftButton)
    preview = review.export.preview_dialog
    assert preview is not None and preview.isVisible() and preview.document.pageCount() >= 1
    pdf = tmp_path / "visit.pdf"
    assert preview.save_to(pdf) == pdf
    assert pdf.read_bytes().startswith(b"%PDF")
    preview.reject()
    fhir = tmp_path / "visit.fhir.json"
    assert review.export.save_fhir_to(fhir) == fhir
    bundle = json.loads(fhir.read_text("utf-8"))
    assert bundle["resourceType"] == "Bundle"
    assert "FHIR bundle saved" in review.message.text()
    assert review.export.save_fhir_to(fhir) is None  # an existing file is kept unless replacing was confirmed
    assert "already exists" in review.message.text()
    window.stop()


def test_a_visit_still_booked_opens_in_its_workspace(
    qtbot: QtBot, tmp_path: Path, nurse: Clinic, patient_id: int, visit_id: int
) -> None:
    """A visit that is not over opens where the nurse works on it, not in the review."""
    window = window_for(qtbot, nurse, tmp_path)
    finder = window.find_patient()
    finder.query.setText("Núñez")  # typed as a keyboard would (keyClicks speaks ASCII only)
    assert [listing.summary.phase for listing in finder.visits.listings] == [Phase.SCHEDULED]
    qtbot.mouseClick(finder.visits.open_button, Qt.MouseButton.LeftButton)
    workspace = window.tabs.currentWidget()
    assert isinstance(workspace, VisitWorkspace) and workspace.visit_id == visit_id
    assert not workspace.signed_notice.isVisible()
    window.stop()


def test_find_a_visit_by_date_and_mrn(
    qtbot: QtBot, tmp_path: Path, nurse: Clinic, physician: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """Today's visits first; yesterday's by typing its date; a bad date is named and waits; the MRN narrows."""
    signed = signed_yesterday(nurse, physician, clock, visit_id)
    other = second_visit(nurse)
    window = window_for(qtbot, nurse, tmp_path)
    search = window.find_visit()
    assert [listing.summary.id for listing in search.visits.listings] == [other]
    search.first.setText("")
    assert [listing.summary.id for listing in search.visits.listings] == [other, signed]
    search.last.setText("2026-02-30")
    assert "To date" in search.message.text() and search.message.isVisible()
    assert [listing.summary.id for listing in search.visits.listings] == [other, signed]  # kept while it waits
    search.last.setText((nurse.today() - timedelta(days=1)).isoformat())
    assert [listing.summary.id for listing in search.visits.listings] == [signed]
    search.first.setText("")
    search.last.setText("")
    qtbot.keyClicks(search.query, "KD-00002")
    assert [listing.summary.id for listing in search.visits.listings] == [other]
    assert _cell(search.visits.table, 0, "Patient") == "BERG, Ola"
    search.query.clear()
    qtbot.keyClicks(search.query, "kd-00001")
    search.visits.table.cellDoubleClicked.emit(0, 0)
    review = window.tabs.currentWidget()
    assert isinstance(review, ReviewScreen) and review.visit_id == signed
    window.stop()


def test_more_booked_on_a_chair_lists_its_visits_and_opens_the_one_chosen(
    qtbot: QtBot, tmp_path: Path, nurse: Clinic, visit_id: int
) -> None:
    """Two visits in chair 1 today: the tile says +1 more booked; its list says when, who and phase; one opens."""
    nurse.infusion.start_pre_assessment(visit_id)
    later = second_visit(nurse, chair=1)
    window = window_for(qtbot, nurse, tmp_path)
    window.tick()
    tile = window.board.tile(1)
    assert tile.visit_id == visit_id
    assert tile.more_button.isVisible() and tile.more_button.text() == "+1 more booked ▾"
    assert not window.board.tile(2).more_button.isVisible()
    qtbot.mouseClick(tile.more_button, Qt.MouseButton.LeftButton)
    menu = tile.more_menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    words = [action.text() for action in menu.actions()]
    assert words == [
        "Booked · NÚÑEZ, Zoë · KD-00001 · Pre-assessment  (on the tile)",
        "Booked · BERG, Ola · KD-00002 · Scheduled",
    ]
    chosen = menu.findChild(QAction, f"more_booked_visit_{later}")
    assert chosen is not None
    chosen.trigger()
    menu.close()
    workspace = window.tabs.currentWidget()
    assert isinstance(workspace, VisitWorkspace) and workspace.visit_id == later
    window.stop()
