"""Exporting a visit's PDF from the program: preview first, then an atomic, audited save."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.ui.review.pdf_preview import PdfPreviewDialog
from tests.helpers import PASSWORDS, ready_to_infuse


def test_preview_shows_the_report_and_saves_exactly_those_bytes(
    qtbot: QtBot, nurse: Clinic, visit_id: int, tmp_path: Path
) -> None:
    """The viewer loads the report; Save writes the same PDF and the export is audited."""
    ready_to_infuse(nurse, visit_id)
    dialog = PdfPreviewDialog(nurse, visit_id)
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() >= 1
    assert dialog.pages.text().endswith("page(s)")
    target = tmp_path / dialog.default_name()
    assert dialog.save_to(target) == target
    assert target.read_bytes() == dialog.data
    text = PdfReader(str(target)).pages[0].extract_text()
    assert "KD-00001" in text and "DRAFT" in text
    assert any(
        e.action.startswith("export") or e.action == "print"
        for e in nurse.sign_in("admin", PASSWORDS["admin"]).audit.search(entity="visit")
    )  # type: ignore[arg-type]


def test_existing_file_is_not_replaced_without_asking(
    qtbot: QtBot, nurse: Clinic, visit_id: int, tmp_path: Path
) -> None:
    """Saving over an existing file is refused until the user confirms replacing it."""
    dialog = PdfPreviewDialog(nurse, visit_id)
    qtbot.addWidget(dialog)
    target = tmp_path / "report.pdf"
    target.write_bytes(b"someone else's file")
    assert dialog.save_to(target) is None
    assert "already exists" in dialog.message.text()
    assert target.read_bytes() == b"someone else's file"
    assert dialog.save_to(target, replace_confirmed=True) == target
    assert target.read_bytes() == dialog.data
