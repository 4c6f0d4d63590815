"""The readings table: every reading of a visit, alert values marked with an arrow, in colour and words.

Readings corrected or struck as entered in error stay in the table, struck through, with
who corrected them, when and why on the line under them.

A reading the nurse confirmed as extreme says so in the last column ("confirmed extreme: …").

The bedside monitoring section and the physician's review fill it the same way; it never
writes anything and draws only from a :class:`VisitDetail`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ketadesk.core.corrections import Corrected
from ketadesk.core.records import VisitDetail, VitalsRecord
from ketadesk.core.vitals import CONFIRMED_EXTREME, AlertKind
from ketadesk.ui.kit.colours import ALERT_BACKGROUND, ALERT_COLOUR
from ketadesk.ui.kit.struck import add_why_row, mark_entry, strike, why_text
from ketadesk.ui.kit.times import local_time

COLUMNS = ("Time", "SBP", "DBP", "HR", "SpO2", "RR", "Temp", "By", "Alerts")
# The widest text each column can hold (alert cells are bold); None: fit the column to what it holds.
WIDEST = ("00:00 baseline (corrected)", "000 ↑", "000 ↑", "000 ↑", "000 ↓", "00 ↑", "00.0", None)
CELL_PADDING = 16

# Which table column an alert points at, and which way the value went.
ALERT_CELLS: dict[AlertKind, tuple[int, str]] = {
    AlertKind.SBP_HIGH: (1, "↑"),
    AlertKind.SBP_LOW: (1, "↓"),
    AlertKind.DBP_HIGH: (2, "↑"),
    AlertKind.HR_HIGH: (3, "↑"),
    AlertKind.HR_LOW: (3, "↓"),
    AlertKind.SPO2_LOW: (4, "↓"),
    AlertKind.RR_LOW: (5, "↓"),
    AlertKind.RR_HIGH: (5, "↑"),
}


def make_readings_table(name: str, accessible_name: str) -> QTableWidget:
    """An empty, read-only readings table with the standard columns."""
    table = QTableWidget(0, len(COLUMNS))
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setHorizontalHeaderLabels(list(COLUMNS))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    # Columns as wide as their widest possible content, set once: they never jump as readings arrive, and a
    # new reading costs no re-measuring of every cell (which fitting to contents does on each change).
    plain, bold = table.fontMetrics(), QFontMetrics(_bold(table.font()))
    for column, sample in enumerate(WIDEST):
        if sample is None:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            continue
        width = max(plain.horizontalAdvance(COLUMNS[column]), bold.horizontalAdvance(sample))
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width + CELL_PADDING)
    header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def fill_readings_table(
    table: QTableWidget,
    detail: VisitDetail,
    pending: Collection[int] = (),
    *,
    newest_first: bool = True,
    name: Callable[[str], str] | None = None,
    corrector: Callable[[str], str] | None = None,
) -> None:
    """Show every reading of ``detail``: alert values marked with an arrow, in colour and in words.

    ``pending`` holds the ids of alert readings not acknowledged yet; the Alerts column says
    which. The bedside shows the newest first; a review reads the visit from the start.
    ``name`` turns the login that entered a reading into what the By column shows. A reading
    corrected or struck as entered in error stays in its place, gray and struck through, with
    a line under it saying who corrected it (``corrector`` names them; ``name`` when not
    given), when and why; only current readings count.
    """
    who = name if name is not None else (lambda login: login)
    by = corrector or who
    shown = sorted(
        [(r, True) for r in detail.vitals] + [(r, False) for r in detail.replaced_vitals],
        key=lambda pair: (pair[0].vitals.taken_at, pair[0].id),
        reverse=newest_first,
    )
    # Empty first: replacing an item in a shown table whose columns fit their contents re-measures the whole
    # column for every cell (about 250 ms for 30 readings); filling empty rows measures once (about 5 ms).
    table.setRowCount(0)
    table.clearSpans()
    table.setRowCount(len(shown) + len(detail.replaced_vitals))
    bold = _bold(table.font())
    row = 0
    for record, current in shown:
        v = record.vitals
        when = local_time(v.taken_at)
        if record.is_baseline:
            when += " baseline"
        if record.corrects_id is not None:
            when += " (corrected)"
        values = [
            when,
            str(v.sbp),
            str(v.dbp),
            str(v.hr),
            str(v.spo2),
            str(v.rr),
            "" if v.temp_c is None else f"{v.temp_c:.1f}",
            who(record.entered_by),
            "",
        ]
        marked: dict[int, str] = {}
        correction = None if current else detail.correction_of(Corrected.VITALS, record.id)
        why = "" if current else why_text(correction, by)
        for alert in record.alerts if current else ():
            column, arrow = ALERT_CELLS[alert]
            marked[column] = arrow
        if record.alerts and current:
            words = ", ".join(a.label for a in record.alerts)
            state = "not acknowledged" if record.id in pending else "acknowledged"
            values[-1] = f"⚠ {words} ({state})"
        elif not current:
            values[-1] = correction.status if correction is not None else "corrected"
        if record.confirmed_extremes:
            values[-1] = " · ".join(filter(None, (values[-1], confirmed_extreme_text(record))))
        for column, text in enumerate(values):
            item = mark_entry(
                QTableWidgetItem(text + (f" {marked[column]}" if column in marked else "")), record.id, current=current
            )
            if 0 < column < len(COLUMNS) - 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column in marked or (column == len(COLUMNS) - 1 and record.alerts and current):
                item.setForeground(QBrush(QColor(ALERT_COLOUR)))
                item.setBackground(QBrush(QColor(ALERT_BACKGROUND)))
                item.setFont(bold)
            if not current:
                strike(item, why)
            table.setItem(row, column, item)
        row += 1
        if not current:
            add_why_row(table, row, why)
            row += 1


def confirmed_extreme_text(record: VitalsRecord) -> str:
    """``confirmed extreme: systolic very high``: the nurse said this value is the reading (who: the By column)."""
    return f"{CONFIRMED_EXTREME}: " + ", ".join(kind.label for kind in record.confirmed_extremes)


def fit_table_height(table: QTableWidget) -> None:
    """Make a table exactly as tall as its rows, for a page that scrolls as a whole (no scroll bars inside)."""
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.resizeRowsToContents()
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    header = 0 if table.horizontalHeader().isHidden() else table.horizontalHeader().sizeHint().height()
    table.setFixedHeight(rows + header + 2 * table.frameWidth() + 2)
