"""Every entry corrected or struck as entered in error: the original struck through, what counts now, who and why.

The readings table above shows a corrected reading struck through in its place; this box
lists every kind (readings, scores, checklist answers, notes) in the order they were
charted, so a physician reviewing the visit sees what was first written and why it no
longer counts. Hidden when nothing was corrected.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from ketadesk.clinic import Clinic
from ketadesk.core.correction_text import corrected_entries
from ketadesk.core.records import VisitDetail
from ketadesk.ui.kit.colours import CORRECTION_STYLE, STRUCK_COLOUR
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.kit.struck import why_text
from ketadesk.ui.review.page import Box, text, when

TITLE = "Corrections and entries struck in error"


class CorrectionsBox(Box):
    """One entry per correction or strike: what, as first recorded (struck through), now, and the correction line."""

    def __init__(self, clinic: Clinic, names: NameBook) -> None:
        super().__init__("review_corrections_box", TITLE)
        self.clinic = clinic
        self.names = names
        self.labels: list[QLabel] = []

    def _add(self, line: QLabel) -> QLabel:
        self.column.addWidget(line)
        self.labels.append(line)
        return line

    def draw(self, detail: VisitDetail) -> None:
        """Redraw the list from the record; hide the box when no entry was corrected or struck."""
        for old in self.labels:
            self.column.removeWidget(old)
            old.setParent(None)
            old.deleteLater()
        self.labels = []
        protocol = self.clinic.protocol
        labels = {i.key: i.label for i in (*protocol.pre_infusion_checklist, *protocol.discharge_checklist)}
        day = detail.summary.scheduled_date
        entries = corrected_entries(detail, lambda moment: when(moment, day), labels)
        for index, entry in enumerate(entries, start=1):
            status = "struck as entered in error" if entry.status == "entered in error" else "corrected"
            self._add(text(f"review_correction_{index}_head", f"{entry.record.label.capitalize()} {status}", bold=True))
            struck = self._add(text(f"review_correction_{index}_recorded", entry.recorded))
            font = QFont(struck.font())
            font.setStrikeOut(True)
            struck.setFont(font)
            struck.setStyleSheet(f"color: {STRUCK_COLOUR};")
            struck.setContentsMargins(14, 0, 0, 0)
            now = self._add(text(f"review_correction_{index}_now", f"Now: {entry.now}"))
            now.setContentsMargins(14, 0, 0, 0)
            why = self._add(
                text(
                    f"review_correction_{index}_why",
                    why_text(entry.correction, self.names.name),
                    style=CORRECTION_STYLE,
                )
            )
            why.setContentsMargins(14, 0, 0, 0)
        self.setVisible(bool(entries))

    def texts(self) -> list[str]:
        """Every line shown, in order."""
        return [line.text() for line in self.labels]
