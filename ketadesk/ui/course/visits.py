"""The course's visits in a table and the plan ahead, as the course screen lists them.

Every visit of the course in date order — cancelled and missed ones too, so the record is
whole — with its date, place in the course, status, the days since the visit before, the
dose prepared (mg and mg/kg), the amount actually given (an early stop marked, with why),
the highest blood pressure, the highest CADSS-6 and any adverse events. Under it the total
given; beside it the visits still to book, induction first, then the maintenance intervals
lengthening as the clinic tapers. The figures are core's (:mod:`ketadesk.core.course_record`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem

from ketadesk.core.course_plan import PlannedVisit
from ketadesk.core.course_record import CourseVisit
from ketadesk.core.dose_given import CourseTotal
from ketadesk.ui.kit.colours import ALERT_COLOUR, STRUCK_COLOUR
from ketadesk.ui.kit.widgets import table

VISIT_COLUMNS = (
    "Date",
    "Visit",
    "Status",
    "Days since previous",
    "Dose prepared",
    "Given",
    "Peak BP",
    "Peak CADSS-6",
    "Adverse events",
)
PLAN_COLUMNS = ("Date", "Visit", "Days after the one before")
GIVEN_COLUMN = VISIT_COLUMNS.index("Given")
DISPLAY, FOREGROUND, TOOLTIP, USER = (
    Qt.ItemDataRole.DisplayRole.value,
    Qt.ItemDataRole.ForegroundRole.value,
    Qt.ItemDataRole.ToolTipRole.value,
    Qt.ItemDataRole.UserRole.value,
)
VISIBLE_ROWS = 8
"""The tables show this many rows and scroll inside (a ten-year course has hundreds of visits), so the
charts, the latest visits and the next ones to book fit on one screen."""


def amount(mg: float) -> str:
    """A dose without trailing zeros: ``35``, ``17.5``."""
    return f"{round(mg, 2):g}"


def dose_cell(visit: CourseVisit) -> str:
    """``35 mg · 0.5 mg/kg``, or ``–`` before a dose is prepared."""
    if visit.planned_mg is None or visit.mg_per_kg is None:
        return "–"
    return f"{amount(visit.planned_mg)} mg · {visit.mg_per_kg:g} mg/kg"


def given_cell(visit: CourseVisit) -> str:
    """``35 mg``, or for an early stop ``20 mg (0.286 mg/kg) · stopped early at 26 of 40 min``."""
    given = visit.given
    if given is None:
        return "–"
    if not given.early:
        return f"{amount(given.mg)} mg"
    return f"{amount(given.mg)} mg ({visit.given_mg_per_kg:g} mg/kg) · {given.stopped_text}"


def visit_cells(visit: CourseVisit) -> tuple[str, ...]:
    """One visit's row of the table."""
    peak = visit.peak_bp
    return (
        visit.day.isoformat(),
        visit.label,
        visit.phase.label,
        str(visit.interval_days) if visit.interval_days is not None else "–",
        dose_cell(visit),
        given_cell(visit),
        f"{peak.vitals.sbp}/{peak.vitals.dbp}" if peak is not None else "–",
        str(visit.highest_cadss6) if visit.highest_cadss6 is not None else "–",
        ", ".join(e.kind.label for e in visit.adverse_events) or ("none" if visit.infused else "–"),
    )


def total_text(total: CourseTotal) -> str:
    """``Given over the course: 55 mg in 2 infusions (1 amount calculated from the times, not confirmed)``."""
    if not total.infusions:
        return "Given over the course: nothing yet (no infusion has finished)."
    counted = f"{total.infusions} infusion{'s' if total.infusions != 1 else ''}"
    calculated = (
        f" ({total.calculated} amount{'s' if total.calculated != 1 else ''} calculated from the times, not confirmed)"
        if total.calculated
        else ""
    )
    return f"Given over the course: {amount(total.mg)} mg in {counted}{calculated}."


def _fit_rows(widget: QTableView, rows: int) -> None:
    """Tall enough for ``rows`` rows and the header; more rows scroll inside the table."""
    shown = max(1, min(rows, VISIBLE_ROWS))
    height = widget.horizontalHeader().height() + shown * widget.verticalHeader().defaultSectionSize() + 4
    widget.setFixedHeight(height + (widget.horizontalScrollBar().sizeHint().height() if rows else 0))


class VisitsModel(QAbstractTableModel):
    """The course's visits for the table: each cell's text read only when its row comes into view.

    A ten-year course has hundreds of visits; a model hands the view the few rows it shows
    instead of building an item for every cell of every visit when the screen opens.
    """

    def __init__(self) -> None:
        super().__init__()
        self.visits: tuple[CourseVisit, ...] = ()
        self.cells: list[tuple[str, ...]] = []
        self._alert, self._gray = QBrush(QColor(ALERT_COLOUR)), QBrush(QColor(STRUCK_COLOUR))

    def show_visits(self, visits: Sequence[CourseVisit]) -> None:
        """Show these visits, in the order given."""
        self.beginResetModel()
        self.visits = tuple(visits)
        self.cells = [visit_cells(v) for v in self.visits]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """One row per visit."""
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """One column per figure."""
        return 0 if parent.isValid() else len(VISIT_COLUMNS)

    def text(self, row: int, column: str) -> str:
        """The text of one cell, by the column's heading."""
        return self.cells[row][VISIT_COLUMNS.index(column)]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The cell's text; a visit not held in gray, an early stop's amount in alert red with why as its tip.

        Qt asks for about ten roles of every cell in view on each paint, so the common answers come first.
        """
        if role == DISPLAY:
            return self.cells[index.row()][index.column()]
        if role == FOREGROUND:
            visit = self.visits[index.row()]
            if not visit.held:
                return self._gray
            return self._alert if index.column() == GIVEN_COLUMN and visit.early_stop_reason is not None else None
        if role == TOOLTIP:
            visit, text = self.visits[index.row()], self.cells[index.row()][index.column()]
            early = index.column() == GIVEN_COLUMN and visit.early_stop_reason is not None
            return f"{text}\nStopped early: {visit.early_stop_reason}" if early else text
        if role == USER:
            return self.visits[index.row()].visit_id
        return None

    def headerData(  # noqa: N802 (Qt's name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """The columns' headings."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return VISIT_COLUMNS[section]
        return None


def visits_table() -> QTableView:
    """The visits table over its model (its columns are sized to the text when it is filled)."""
    view = QTableView()
    view.setObjectName("course_visits_table")
    view.setAccessibleName("Visits of the course, oldest first")
    view.setModel(VisitsModel())
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _size_columns(widget: QTableView, rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    """Each column as wide as its widest text or heading; the last one takes the rest of the width.

    Measured here from the strings rather than by Qt's resize-to-contents, which asks every
    row for its size on each layout and makes a course of hundreds of visits slow to open.
    """
    metrics = widget.fontMetrics()
    bold = widget.horizontalHeader().fontMetrics()
    header = widget.horizontalHeader()
    for column in range(len(headers) - 1):
        texts = {row[column] for row in rows}
        width = max([bold.horizontalAdvance(headers[column]), *(metrics.horizontalAdvance(t) for t in texts)])
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width + 18)


def show_visits(widget: QTableView, visits: Sequence[CourseVisit]) -> None:
    """Fill the table with the course's visits, the latest in view."""
    model = widget.model()
    assert isinstance(model, VisitsModel)
    model.show_visits(visits)
    _size_columns(widget, model.cells, VISIT_COLUMNS)
    _fit_rows(widget, len(visits))
    if visits:
        widget.scrollToBottom()  # the latest visits in view; the first ones a scroll away


def plan_table() -> QTableWidget:
    """The empty plan-ahead table."""
    return table("course_plan_table", "Visits still to book", PLAN_COLUMNS)


def show_plan(widget: QTableWidget, plan: Sequence[PlannedVisit]) -> None:
    """Fill the plan table, one row per visit still to book."""
    widget.setRowCount(len(plan))
    cells = [(p.day.isoformat(), p.label, str(p.days_after) if p.days_after is not None else "–") for p in plan]
    for row, texts in enumerate(cells):
        for column, text in enumerate(texts):
            widget.setItem(row, column, QTableWidgetItem(text))
    _size_columns(widget, cells, PLAN_COLUMNS)
    _fit_rows(widget, len(plan))
