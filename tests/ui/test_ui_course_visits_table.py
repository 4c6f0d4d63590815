"""The course screen's visits table: a long course opens with its latest visits in view, the first a scroll away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import QApplication, QTableView, QWidget

from ketadesk.core.course_record import CourseVisit
from ketadesk.core.phases import Phase
from ketadesk.ui.course.visits import VISIBLE_ROWS, VisitsModel, show_visits, visits_table


def _visits(n: int) -> list[CourseVisit]:
    first = date(2026, 1, 5)
    return [
        CourseVisit(
            visit_id=i + 1,
            day=first + timedelta(days=7 * i),
            phase=Phase.SIGNED,
            position=None,
            dose=None,
            given=None,
            infused=False,
            early_stop_reason=None,
            peak_bp=None,
            lowest_spo2=None,
            highest_cadss6=None,
            adverse_events=(),
        )
        for i in range(n)
    ]


def _latest_in_view(table: QTableView) -> bool:
    bar = table.verticalScrollBar()
    return bool(bar.maximum() > 0 and bar.value() == bar.maximum())


def test_filled_before_it_is_shown_the_table_opens_at_the_latest_visits(kept: Callable[[QWidget], None]) -> None:
    """As the course screen builds it: filled, then shown (in its tab); the last visit's row is in view."""
    table = visits_table()
    kept(table)
    show_visits(table, _visits(VISIBLE_ROWS * 3))
    table.resize(900, table.height())
    table.show()
    QApplication.processEvents()
    assert _latest_in_view(table)
    model = table.model()
    assert isinstance(model, VisitsModel)
    last = table.rowAt(table.viewport().height() - 2)
    assert last == model.rowCount() - 1


def test_redrawn_while_shown_it_goes_back_to_the_latest_visits(kept: Callable[[QWidget], None]) -> None:
    """A redraw (a visit booked) while the nurse had scrolled to the first visits brings the latest back in view."""
    table = visits_table()
    kept(table)
    show_visits(table, _visits(VISIBLE_ROWS * 2))
    table.show()
    QApplication.processEvents()
    table.scrollToTop()
    show_visits(table, _visits(VISIBLE_ROWS * 2 + 1))
    QApplication.processEvents()
    assert _latest_in_view(table)
