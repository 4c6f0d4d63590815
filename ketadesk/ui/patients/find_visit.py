"""Finding a visit by date and patient: the day a records clerk is asked about, the MRN on a letter.

Both are optional: a date range alone lists that day's (or those days') visits, a name or
MRN alone lists that patient's visits, newest first. Dates are typed as every date field
takes them and read back in words; a date that is not one yet is said, and nothing is
searched until it is. Choosing a visit closes the dialog and hands it to the window.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.dates import day_in_words
from ketadesk.core.text import SEARCH_MAX
from ketadesk.ui.kit.dates import DateField
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.screen_fit import fit_to_screen
from ketadesk.ui.kit.widgets import label, line
from ketadesk.ui.kit.writes import error_text
from ketadesk.ui.patients.visit_list import VisitList


class FindVisitDialog(QDialog):
    """Visits by date range and patient (MRN or name), newest first; choosing one opens it."""

    visit_chosen = Signal(int)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("find_visit_dialog")
        self.setWindowTitle("Find a visit")
        fit_to_screen(self, 900, 600)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.query = line("visit_search_patient", "Patient name or MRN", placeholder="Name or MRN (optional)…")
        self.query.setMaxLength(SEARCH_MAX)
        form.addRow("Patient", self.query)
        dates = QHBoxLayout()
        self.first = DateField("visit_search_from", "From date", "from", words=day_in_words)
        self.last = DateField("visit_search_to", "To date", "to", words=day_in_words)
        dates.addWidget(self.first, 1)
        dates.addWidget(label("visit_search_to_caption", "to", wrap=False, accessible=""), 0, Qt.AlignmentFlag.AlignTop)
        dates.addWidget(self.last, 1)
        form.addRow("From (either may be empty)", dates)
        layout.addLayout(form)
        self.message = MessageLine("visit_search_message")
        layout.addWidget(self.message)
        self.visits = VisitList("visit_search", "No visit matches.")
        self.visits.visit_chosen.connect(self._visit_chosen)
        layout.addWidget(self.visits, 1)
        for field in (self.query, self.first.edit, self.last.edit):
            field.textChanged.connect(self.search)
        self.first.set_date(clinic.today())
        self.last.set_date(clinic.today())

    def _day(self, field: DateField) -> date | None:
        return field.value() if field.text().strip() else None

    def search(self) -> None:
        """List the matching visits as the user types; a date not complete yet is said, and waits."""
        try:
            first, last = self._day(self.first), self._day(self.last)
        except ValidationError as error:
            self.message.error(error_text(error))
            return
        if first is not None and last is not None and first > last:
            self.message.error(f"The first date {first.isoformat()} is after the last date {last.isoformat()}.")
            return
        try:
            found = self.clinic.visits.search(self.query.text(), first, last)
        except ValidationError as error:  # too long or a broken character: said, and what was typed is kept
            self.message.error(error_text(error))
            return
        self.message.clear_message()
        self.visits.show_listings(found)

    def _visit_chosen(self, visit_id: int) -> None:
        """Hand the visit to the window and close, so the visit opened is what the user sees."""
        self.visit_chosen.emit(visit_id)
        self.accept()
