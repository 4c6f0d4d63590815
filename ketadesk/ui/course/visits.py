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

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

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
VISIBLE_ROWS = 12
"""The visits table shows this many rows and scrolls inside (a ten-year course has hundreds of visits)."""


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
        ", ".join(e.kind.label for e in visit.adverse_events) or "none",
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


def _fit_rows(widget: QTableWidget, rows: int) -> None:
    """Tall enough for ``rows`` rows and the header; more rows scroll inside the table."""
    shown = max(1, min(rows, VISIBLE_ROWS))
    height = widget.horizontalHeader().height() + shown * widget.verticalHeader().defaultSectionSize() + 4
    widget.setFixedHeight(height + (widget.horizontalScrollBar().sizeHint().height() if rows else 0))


def visits_table() -> QTableWidget:
    """The empty visits table, its columns sized to their contents."""
    widget = table("course_visits_table", "Visits of the course, oldest first", VISIT_COLUMNS)
    header = widget.horizontalHeader()
    for column in range(len(VISIT_COLUMNS) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return widget


def show_visits(widget: QTableWidget, visits: Sequence[CourseVisit]) -> None:
    """Fill the table with the course's visits (an early stop in alert red, with why; a visit not held in gray)."""
    widget.setUpdatesEnabled(False)
    widget.setRowCount(len(visits))
    alert, gray = QBrush(QColor(ALERT_COLOUR)), QBrush(QColor(STRUCK_COLOUR))
    given_column = VISIT_COLUMNS.index("Given")
    for row, visit in enumerate(visits):
        for column, text in enumerate(visit_cells(visit)):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, visit.visit_id)
            if not visit.held:
                item.setForeground(gray)
            elif column == given_column and visit.early_stop_reason is not None:
                item.setForeground(alert)
                item.setToolTip(f"Stopped early: {visit.early_stop_reason}")
            widget.setItem(row, column, item)
    widget.setUpdatesEnabled(True)
    _fit_rows(widget, len(visits))
    if visits:
        widget.scrollToBottom()  # the latest visits in view; the first ones a scroll away


def plan_table() -> QTableWidget:
    """The empty plan-ahead table."""
    widget = table("course_plan_table", "Visits still to book", PLAN_COLUMNS)
    header = widget.horizontalHeader()
    for column in range(len(PLAN_COLUMNS) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return widget


def show_plan(widget: QTableWidget, plan: Sequence[PlannedVisit]) -> None:
    """Fill the plan table, one row per visit still to book."""
    widget.setRowCount(len(plan))
    for row, planned in enumerate(plan):
        after = str(planned.days_after) if planned.days_after is not None else "–"
        for column, text in enumerate((planned.day.isoformat(), planned.label, after)):
            widget.setItem(row, column, QTableWidgetItem(text))
    _fit_rows(widget, len(plan))
