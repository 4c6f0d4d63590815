"""The readings table adds a new reading's row and leaves the rest, yet always shows what a table drawn afresh shows.

A visit of up to 500 readings is redrawn at every Enter (issue 17: ≤ 30 ms); rebuilding every
row cost 40 ms at 400. The table keeps what it drew: these tests hold that a new reading
adds one row (the others are the same items), and that whatever happens to a visit —
readings, alerts, corrections, strikes, alerts acknowledged, a new text size — the table
reads cell for cell as one filled from nothing.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.records import VisitDetail
from ketadesk.ui.visit.vitals.table import ReadingsTable, fill_readings_table, make_readings_table
from tests.helpers import ready_to_infuse

Cell = tuple[str, bool, bool, int, int]


def _cells(table: QTableWidget) -> list[list[Cell | None]]:
    """Every cell as (text, struck, bold, text size, columns spanned): what a reader sees."""
    shown: list[list[Cell | None]] = []
    for row in range(table.rowCount()):
        line: list[Cell | None] = []
        for column in range(table.columnCount()):
            item = table.item(row, column)
            if item is None:
                line.append(None)
                continue
            font = item.font()
            line.append((item.text(), font.strikeOut(), font.bold(), font.pointSize(), table.columnSpan(row, column)))
        shown.append(line)
    return shown


def _afresh(detail: VisitDetail, pending: set[int], *, newest_first: bool, font: QFont) -> ReadingsTable:
    table = make_readings_table("fresh", "fresh")
    table.setFont(font)
    fill_readings_table(table, detail, pending, newest_first=newest_first)
    return table


def _infusing(nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=5)


def test_a_new_reading_adds_its_row_and_keeps_the_others(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Newest first: the new reading's row on top, the rows below it the very items drawn before."""
    _infusing(nurse, visit_id, clock)
    table = make_readings_table("readings_table", "readings")
    qtbot.addWidget(table)
    fill_readings_table(table, nurse.visits.get(visit_id).detail)
    before = [table.item(row, 1) for row in range(table.rowCount())]
    clock.advance(minutes=1)
    nurse.bedside.record_vitals(visit_id, sbp=141, dbp=84, hr=76, spo2=98, rr=14)
    detail = nurse.visits.get(visit_id).detail
    fill_readings_table(table, detail)
    assert table.rowCount() == len(before) + 1
    assert table.item(0, 1).text() == "141"
    assert [table.item(row, 1) for row in range(1, table.rowCount())] == before
    fresh = _afresh(detail, set(), newest_first=True, font=table.font())
    qtbot.addWidget(fresh)
    assert _cells(table) == _cells(fresh)


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("chart"), st.sampled_from((128, 186, 84))),  # systolic normal, high, low
        st.tuples(st.just("correct"), st.integers(0, 30)),
        st.tuples(st.just("strike"), st.integers(0, 30)),
        st.tuples(st.just("acknowledge"), st.integers(0, 30)),
        st.tuples(st.just("text size"), st.sampled_from((9, 12, 16))),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_whatever_happens_the_table_reads_as_one_drawn_afresh(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock, actions: list[tuple[str, int]]
) -> None:
    """Readings, alerts, corrections, strikes, acknowledgements and text sizes in any order, both reading orders."""
    if nurse.visits.get(visit_id).detail.summary.phase.value != "infusing":
        _infusing(nurse, visit_id, clock)
    tables = {order: make_readings_table(f"kept_{order}", "kept") for order in (True, False)}
    for table in tables.values():
        qtbot.addWidget(table)
    for kind, value in actions:
        detail = nurse.visits.get(visit_id).detail
        current = [r for r in detail.vitals if not r.is_baseline]
        alerts = nurse.visits.unacknowledged_alerts(visit_id)
        clock.advance(minutes=1)
        if kind == "chart":
            nurse.bedside.record_vitals(visit_id, sbp=value, dbp=value * 5 // 8, hr=72, spo2=97, rr=14)
        elif kind in ("correct", "strike") and current:
            target = current[value % len(current)]
            if kind == "correct":
                values = {"sbp": 130, "dbp": 80, "hr": 72, "spo2": 97, "rr": 14}
                nurse.bedside.correct_vitals(visit_id, target.id, reason="typed wrong", **values)
            else:
                nurse.bedside.correct_vitals(visit_id, target.id, reason="another patient", entered_in_error=True)
        elif kind == "acknowledge" and alerts:
            nurse.bedside.acknowledge_alert(visit_id, alerts[value % len(alerts)].id, "rechecked, physician told")
        elif kind == "text size":
            for table in tables.values():
                font = table.font()
                font.setPointSize(value)
                table.setFont(font)
        detail = nurse.visits.get(visit_id).detail
        pending = {r.id for r in nurse.visits.unacknowledged_alerts(visit_id)}
        for newest_first, table in tables.items():
            fill_readings_table(table, detail, pending, newest_first=newest_first)
            fresh = _afresh(detail, pending, newest_first=newest_first, font=table.font())
            qtbot.addWidget(fresh)
            assert _cells(table) == _cells(fresh)
