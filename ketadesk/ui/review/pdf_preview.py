"""Export a visit's PDF: see it in the program first (Qt's PDF viewer), then save it.

The preview shows the very bytes that will be saved. Saving goes through the clinic, which
writes the file atomically and audits the export; the save dialog asks before replacing an
existing file, and only then is the clinic told it may overwrite.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.screen_fit import fit_to_screen
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.kit.writes import attempt


class PdfPreviewDialog(QDialog):
    """The visit report as it will be filed, with Save… and Close."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.saved_to: Path | None = None
        self.setObjectName("pdf_preview_dialog")
        self.setWindowTitle("Visit report — preview")
        fit_to_screen(self, 900, 1000)
        layout = QVBoxLayout(self)
        self.data = clinic.reports.visit_report_pdf(visit_id)
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(self.data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self.buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setAccessibleName("Report preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        layout.addWidget(self.view, 1)
        self.pages = label("pdf_page_count", f"{self.document.pageCount()} page(s)", wrap=False, accessible="")
        self.message = MessageLine("pdf_message")
        row = QHBoxLayout()
        row.addWidget(self.pages)
        row.addWidget(self.message, 1)
        self.save_button = button("pdf_save_button", "&Save…")
        self.save_button.clicked.connect(self.choose_and_save)
        close = button("pdf_close_button", "&Close")
        close.clicked.connect(self.reject)
        row.addWidget(self.save_button)
        row.addWidget(close)
        layout.addLayout(row)

    def default_name(self) -> str:
        """A file name a records clerk can sort by: date, MRN, visit."""
        from ketadesk.clinic.reporting import report_file_name

        summary = self.clinic.visits.get(self.visit_id).detail.summary
        return report_file_name(summary.scheduled_date, summary.mrn, self.visit_id)

    def choose_and_save(self) -> Path | None:
        """Ask where (the dialog asks before replacing a file), then save."""
        target, _ = QFileDialog.getSaveFileName(self, "Save the visit report", self.default_name(), "PDF (*.pdf)")
        if not target:
            return None
        return self.save_to(Path(target), replace_confirmed=True)

    def save_to(self, path: Path, *, replace_confirmed: bool = False) -> Path | None:
        """Save the report to ``path``; an existing file is replaced only when the user said so."""
        try:
            made = attempt(
                self.message,
                lambda: self.clinic.reports.save_visit_report(self.visit_id, path, overwrite=replace_confirmed),
            )
        except FileExistsError:
            self.message.error(
                f"{path.name} already exists; choose Save… again and confirm replacing it, or pick another name."
            )
            return None
        except OSError as error:
            self.message.error(f"Could not write {path}: {error.strerror or error}")
            return None
        if made is None:
            return None
        self.saved_to = path
        self.message.ok(f"Saved {path}")
        return path
