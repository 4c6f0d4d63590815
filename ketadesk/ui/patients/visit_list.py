"""A list of visits to open again: date, chair, course, phase and who signed, newest first.

The patient's record and the visit search both show one. Double-click, Enter or Open
chooses the visit; where it opens (the review for a visit that is over, its workspace for
one still under way) is the window's tabs' decision, so every list opens visits alike.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import VisitListing
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.times import local_datetime
from ketadesk.ui.kit.widgets import button, label

COLUMNS = ("Date", "Chair", "Patient", "MRN", "Course", "Phase", "Signed by")
OPENS_HINT = "A visit that is over opens in its review (PDF and FHIR export); one under way opens in its workspace."


def listing_cells(listing: VisitListing) -> tuple[str, ...]:
    """One visit's row, as every list of visits words it."""
    summary = listing.summary
    signature = listing.signature
    signed = f"{listing.signed_by} · {local_datetime(signature.signed_at)}" if signature is not None else ""
    return (
        summary.scheduled_date.isoformat(),
        f"Chair {summary.chair}" if summary.chair else "–",
        summary.patient_name,
        summary.mrn,
        summary.position.label if summary.position else "Not in a course",
        summary.phase.label,
        signed,
    )


class _Table(QTableWidget):
    """Enter opens the current row, as a double-click does."""

    open_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Enter or Return opens the visit in the current row."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.open_row.emit(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)


class VisitList(QWidget):
    """Visits newest first; ``visit_chosen`` carries the visit to open. ``patient_columns``: show who each is for."""

    visit_chosen = Signal(int)

    def __init__(self, name: str, empty: str, parent: QWidget | None = None, *, patient_columns: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.listings: list[VisitListing] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = _Table(0, len(COLUMNS))
        self.table.setObjectName(f"{name}_table")
        self.table.setAccessibleName("Visits, newest first")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for column in (COLUMNS.index("Patient"), COLUMNS.index("MRN")):
            self.table.setColumnHidden(column, not patient_columns)
        self.table.cellDoubleClicked.connect(lambda row, _column: self._choose(row))
        self.table.open_row.connect(self._choose)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.empty = label(f"{name}_empty", empty, style=MUTED_STYLE, accessible="")
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        row.addWidget(label(f"{name}_hint", OPENS_HINT, style=MUTED_STYLE, accessible=""), 1)
        self.open_button = button(f"{name}_open_button", "&Open visit")
        self.open_button.setAccessibleName("Open the selected visit")
        self.open_button.clicked.connect(lambda: self._choose(self.table.currentRow()))
        row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.show_listings([])

    def show_listings(self, listings: list[VisitListing]) -> None:
        """Show these visits (in the order given) and select the first."""
        self.listings = list(listings)
        self.table.setRowCount(len(self.listings))
        for index, listing in enumerate(self.listings):
            for column, text in enumerate(listing_cells(listing)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, listing.summary.id)
                item.setToolTip(text)
                self.table.setItem(index, column, item)
        if self.listings:
            self.table.selectRow(0)
        self.empty.setVisible(not self.listings)
        self.open_button.setEnabled(bool(self.listings))

    def current_visit_id(self) -> int | None:
        """The visit in the selected row, if any."""
        row = self.table.currentRow()
        return self.listings[row].summary.id if 0 <= row < len(self.listings) else None

    def select_visit(self, visit_id: int) -> None:
        """Select the row of ``visit_id`` (tests and keyboard users land on it)."""
        for index, listing in enumerate(self.listings):
            if listing.summary.id == visit_id:
                self.table.selectRow(index)
                return

    def _selection_changed(self) -> None:
        self.open_button.setEnabled(self.current_visit_id() is not None)

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self.listings):
            self.visit_chosen.emit(self.listings[row].summary.id)
