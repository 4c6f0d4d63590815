"""The review's export buttons: the visit's PDF (previewed, then saved) and its FHIR R4 bundle.

Both go through the clinic, which writes the file atomically and audits the export; each
button is live when the clinic's declaration of that export allows the signed-in user.
The save dialog asks before replacing a file, and only then is the clinic told it may.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QWidget

from ketadesk.clinic import Clinic
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button
from ketadesk.ui.kit.writes import run_write
from ketadesk.ui.review.pdf_preview import PdfPreviewDialog


def fhir_file_name(pdf_name: str) -> str:
    """The FHIR file beside the PDF's name: same date, MRN and visit, ``.fhir.json``."""
    return pdf_name.removesuffix(".pdf") + ".fhir.json"


class ExportButtons(QWidget):
    """PDF preview and save, and FHIR export, of one visit; what happened is said on ``message``."""

    def __init__(self, clinic: Clinic, visit_id: int, message: MessageLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.message = message
        self.preview_dialog: PdfPreviewDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.pdf_button = button("review_pdf_button", "PDF preview / save…", default=False)
        self.pdf_button.setAccessibleName("Preview the visit's PDF report, then save it")
        self.pdf_button.clicked.connect(self.open_preview)
        self.fhir_button = button("review_fhir_button", "Export FHIR…", default=False)
        self.fhir_button.setAccessibleName("Save the visit as a FHIR R4 bundle")
        self.fhir_button.clicked.connect(self.choose_fhir_file)
        row.addWidget(self.pdf_button)
        row.addWidget(self.fhir_button)
        for widget, verdict, what in (
            (self.pdf_button, clinic.reports.save_visit_report.allowed(), "Preview the report, then save it as a PDF."),
            (self.fhir_button, clinic.reports.save_visit_fhir.allowed(), "Save the visit as a FHIR R4 JSON bundle."),
        ):
            widget.setEnabled(bool(verdict))
            widget.setToolTip(what if verdict else verdict.reason)

    def open_preview(self) -> PdfPreviewDialog:
        """The report as it will be filed, with Save… (not blocking; kept as ``preview_dialog``)."""
        if self.preview_dialog is not None:
            self.preview_dialog.deleteLater()
        dialog = PdfPreviewDialog(self.clinic, self.visit_id, self)
        self.preview_dialog = dialog
        dialog.open()
        return dialog

    def choose_fhir_file(self) -> Path | None:
        """Ask where (the dialog asks before replacing a file), then save the FHIR bundle."""
        from ketadesk.clinic.reporting import report_file_name

        summary = self.clinic.visits.get(self.visit_id).detail.summary
        suggested = fhir_file_name(report_file_name(summary.scheduled_date, summary.mrn, self.visit_id))
        target, _ = QFileDialog.getSaveFileName(self, "Export the visit as FHIR", suggested, "FHIR JSON (*.json)")
        if not target:
            return None
        return self.save_fhir_to(Path(target), replace_confirmed=True)

    def save_fhir_to(self, path: Path, *, replace_confirmed: bool = False) -> Path | None:
        """Write the bundle to ``path``; an existing file is replaced only when the user said so."""
        try:
            made = run_write(
                self.clinic,
                self.message,
                lambda: self.clinic.reports.save_visit_fhir(self.visit_id, path, overwrite=replace_confirmed),
            )
        except FileExistsError:
            self.message.error(f"{path.name} already exists; choose Export FHIR… again and confirm replacing it.")
            return None
        except OSError as error:
            self.message.error(f"Could not write {path}: {error.strerror or error}")
            return None
        if made is None:
            return None
        self.message.ok(f"FHIR bundle saved: {made.path}")
        return made.path
