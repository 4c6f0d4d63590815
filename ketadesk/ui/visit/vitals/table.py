"""The readings table: every reading of a visit, alert values marked with an arrow, in colour and words.

Readings corrected or struck as entered in error stay in the table, struck through, with
who corrected them, when and why on the line under them.

A reading the nurse confirmed as extreme says so in the last column ("confirmed extreme: …").

The bedside monitoring section and the physician's review fill it the same way; it never
writes anything and draws only from a :class:`VisitDetail`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import NamedTuple

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


class _Row(NamedTuple):
    """What one reading's row shows: enough to draw it, and to tell whether it is already drawn as it should be."""

    record_id: int
    current: bool
    texts: tuple[str, ...]
    """Each cell's text, the alert arrows included."""
    marked: frozenset[int]
    """The columns drawn as alerts."""
    why: str
    """The line under a reading that no longer counts ("" for a current one)."""


class ReadingsTable(QTableWidget):
    """A readings table that remembers what it shows, so a new reading adds its row instead of redrawing them all.

    A visit charted every minute for two hours has over a hundred readings, a long session
    up to five hundred; rebuilding every row at each Enter cost 40 ms at 400 readings. Rows
    already drawn as they should be stay; anything else (an alert acknowledged, a reading
    corrected) draws the table again from the start.
    """

    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.drawn: list[_Row] = []
        self.drawn_font = QFont()  # the text size the rows were drawn at: a new one draws them all again
        # Each reading's row as last worked out, by (id, still counts, alert waiting): a reading never changes.
        self.rows_by_reading: dict[tuple[int, bool, bool], _Row] = {}


def make_readings_table(name: str, accessible_name: str) -> ReadingsTable:
    """An empty, read-only readings table with the standard columns."""
    table = ReadingsTable()
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
    table: ReadingsTable,
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

    Readings added since the table was last filled are added as rows of their own, at the top
    (newest first) or the bottom; any other change draws every row again.
    """
    who = name if name is not None else (lambda login: login)
    by = corrector or who
    shown = sorted(
        [(r, True) for r in detail.vitals] + [(r, False) for r in detail.replaced_vitals],
        key=lambda pair: (pair[0].vitals.taken_at, pair[0].id),
        reverse=newest_first,
    )
    rows = []
    for record, current in shown:
        key = (record.id, current, record.id in pending)
        row = table.rows_by_reading.get(key)
        if row is None:
            row = table.rows_by_reading[key] = _row_of(record, current, detail, pending, who, by)
        rows.append(row)
    same_font = table.font() == table.drawn_font
    drawn = table.drawn if same_font else []
    added = len(rows) - len(drawn)
    bold = _bold(table.font())
    if same_font and rows == drawn:
        return
    if drawn and added > 0 and newest_first and rows[added:] == drawn:
        for row in reversed(rows[:added]):
            for _ in range(_height(row)):
                table.insertRow(0)
            _put(table, 0, row, bold)
    elif drawn and added > 0 and not newest_first and rows[: len(drawn)] == drawn:
        for row in rows[len(drawn) :]:
            at = table.rowCount()
            table.setRowCount(at + _height(row))
            _put(table, at, row, bold)
    else:
        # Empty first: replacing an item in a shown table whose columns fit their contents re-measures the whole
        # column for every cell (about 250 ms for 30 readings); filling empty rows measures once (about 5 ms).
        table.setRowCount(0)
        table.clearSpans()
        table.setRowCount(sum(_height(row) for row in rows))
        at = 0
        for row in rows:
            _put(table, at, row, bold)
            at += _height(row)
    table.drawn, table.drawn_font = rows, QFont(table.font())


def _height(row: _Row) -> int:
    """Table rows a reading takes: its own, and the correction line under it when it no longer counts."""
    return 1 if row.current else 2


def _row_of(
    record: VitalsRecord,
    current: bool,
    detail: VisitDetail,
    pending: Collection[int],
    who: Callable[[str], str],
    by: Callable[[str], str],
) -> _Row:
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
        marked.setdefault(len(COLUMNS) - 1, "")
    elif not current:
        values[-1] = correction.status if correction is not None else "corrected"
    if record.confirmed_extremes:
        values[-1] = " · ".join(filter(None, (values[-1], confirmed_extreme_text(record))))
    texts = tuple(text + (f" {marked[column]}" if marked.get(column) else "") for column, text in enumerate(values))
    return _Row(record.id, current, texts, frozenset(marked), why)


def _put(table: QTableWidget, at: int, row: _Row, bold: QFont) -> None:
    """Draw ``row`` into table row ``at`` (and its correction line into the next, when it no longer counts)."""
    for column, text in enumerate(row.texts):
        item = mark_entry(QTableWidgetItem(text), row.record_id, current=row.current)
        if 0 < column < len(COLUMNS) - 2:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column in row.marked:
            item.setForeground(QBrush(QColor(ALERT_COLOUR)))
            item.setBackground(QBrush(QColor(ALERT_BACKGROUND)))
            item.setFont(bold)
        if not row.current:
            strike(item, row.why)
        table.setItem(at, column, item)
    if not row.current:
        add_why_row(table, at + 1, row.why)


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
