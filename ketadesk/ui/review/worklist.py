"""The physician's worklist: approvals to give first, then discharged visits waiting for a signature.

The approvals (requests from nurses elsewhere, verbal orders to countersign) are
:mod:`ketadesk.ui.review.requests`, shown to those who may give them.

Each row says when the patient left, who they are, where the visit stands in the course
and which nurse discharged them, and flags what a physician should read first: a discharge
under a physician's override, or an alert nobody acknowledged. Double-click or Enter opens
the visit's review.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.core.orders import outstanding_orders
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import DISCHARGE_OVERRIDE
from ketadesk.core.records import VisitSummary
from ketadesk.ui.kit.colours import ALERT_BACKGROUND, ALERT_COLOUR, MUTED_STYLE
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_datetime
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.kit.writes import Watching
from ketadesk.ui.review.requests import RequestsPanel

COLUMNS = ("Discharged", "Patient", "MRN", "Course", "Discharged by", "Flags")
FLAGS_COLUMN = len(COLUMNS) - 1


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """One visit waiting for a signature, as the worklist shows it."""

    visit_id: int
    discharged: str
    patient: str
    mrn: str
    course: str
    nurse: str
    flags: tuple[str, ...]


class _Table(QTableWidget):
    """The worklist's table: Enter opens the current row (a double-click does too)."""

    open_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Enter or Return opens the visit in the current row."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.open_row.emit(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)


class WorklistPanel(QWidget, Watching):
    """Discharged visits awaiting a physician's signature, oldest first; redrawn when one is discharged or signed."""

    visit_opened = Signal(int)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("worklist_panel")
        self.setAccessibleName("Visits awaiting a signature")
        self.names = names_for(clinic)
        self.rows: list[WorklistRow] = []
        layout = QVBoxLayout(self)
        self.requests = RequestsPanel(clinic, self)
        self.requests.setVisible(bool(clinic.orders.approve_request.allowed()))
        layout.addWidget(self.requests)
        top = QHBoxLayout()
        self.title = label(
            "worklist_title", bold=True, scale=1.25, wrap=False, accessible="Visits awaiting a signature"
        )
        top.addWidget(self.title, 1)
        self.table: _Table = _Table(0, len(COLUMNS))
        self.open_button = button("worklist_open_button", "Open review")
        self.open_button.setAccessibleName("Open the selected visit's review")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow()))
        top.addWidget(self.open_button)
        layout.addLayout(top)
        self.hint = label(
            "worklist_hint",
            "Oldest discharge first. Double-click a visit or press Enter to review and sign it.",
            style=MUTED_STYLE,
            accessible="",
        )
        layout.addWidget(self.hint)
        self.table.setObjectName("worklist_table")
        self.table.setAccessibleName("Discharged visits awaiting a signature, oldest first")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in range(FLAGS_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FLAGS_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda row, _column: self._open(row))
        self.table.open_row.connect(self._open)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.empty = label(
            "worklist_empty", "Nothing waits for a signature.", style=MUTED_STYLE, wrap=False, accessible=""
        )
        layout.addWidget(self.empty)
        self.refresh()
        self.watch(clinic)

    def affected_by(self, changes: Changes) -> bool:
        """A discharge, a signature, a patient's name or a countersignature (its flag) changes the list."""
        return changes.touches(Change.SIGNATURE, Change.PHASE, Change.PATIENT, Change.APPROVALS)

    def redraw(self) -> None:
        """One read of the worklist."""
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Back in view: catch up with what changed meanwhile."""
        super().showEvent(event)
        self.shown()

    @property
    def count(self) -> int:
        """How many visits wait for a signature."""
        return len(self.rows)

    def refresh(self) -> None:
        """Re-read the visits awaiting a signature and redraw, keeping the selected visit selected."""
        selected = self.current_visit_id()
        self.rows = [self._row(summary) for summary in self.clinic.signing.awaiting()]
        self.title.setText(f"Awaiting signature: {self.count}")
        table = self.table
        table.setRowCount(len(self.rows))
        bold = QFont(table.font())
        bold.setBold(True)
        for index, row in enumerate(self.rows):
            cells = (row.discharged, row.patient, row.mrn, row.course, row.nurse, "  ".join(row.flags))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.visit_id)
                item.setToolTip(text)
                if column == FLAGS_COLUMN and row.flags:
                    item.setForeground(QBrush(QColor(ALERT_COLOUR)))
                    item.setBackground(QBrush(QColor(ALERT_BACKGROUND)))
                    item.setFont(bold)
                table.setItem(index, column, item)
        chosen = next((i for i, r in enumerate(self.rows) if r.visit_id == selected), 0 if self.rows else -1)
        if chosen >= 0:
            table.selectRow(chosen)
        self.empty.setVisible(not self.rows)
        self.open_button.setEnabled(bool(self.rows))

    def _row(self, summary: VisitSummary) -> WorklistRow:
        detail = self.clinic.visits.get(summary.id).detail
        event = next((e for e in reversed(detail.events) if e.phase is Phase.DISCHARGED), None)
        flags: list[str] = []
        overridden = (event is not None and bool(event.reason)) or detail.latest_acknowledgement(
            DISCHARGE_OVERRIDE
        ) is not None
        if overridden:
            flags.append("⚠ Discharged under a physician's override")
        if outstanding_orders(detail.verbal_orders):
            flags.append("⚠ Verbal order not yet countersigned: cannot be signed")
        pending = [a for r in self.clinic.visits.unacknowledged_alerts(summary.id) for a in r.alerts]
        if pending:
            words = ", ".join(dict.fromkeys(a.label for a in pending))
            flags.append(f"⚠ Alert not acknowledged: {words}")
        return WorklistRow(
            visit_id=summary.id,
            discharged=local_datetime(event.at if event else None),
            patient=summary.patient_name,
            mrn=summary.mrn,
            course=summary.position.label if summary.position else "Not in a course",
            nurse=self.names.name(event.by) if event else "–",
            flags=tuple(flags),
        )

    def current_visit_id(self) -> int | None:
        """The visit in the selected row, if any."""
        row = self.table.currentRow()
        return self.rows[row].visit_id if 0 <= row < len(self.rows) else None

    def _selection_changed(self) -> None:
        self.open_button.setEnabled(self.current_visit_id() is not None)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.visit_opened.emit(self.rows[row].visit_id)
