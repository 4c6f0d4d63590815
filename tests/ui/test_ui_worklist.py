"""The physician's worklist: discharged visits awaiting a signature, oldest first, opened by double-click or Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.ui.review.worklist import COLUMNS, WorklistPanel
from tests.ui.review_steps import PASSWORD, discharge, second_visit, staff


def _panel(qtbot: QtBot, clinic: Clinic) -> WorklistPanel:
    panel = WorklistPanel(clinic)
    qtbot.addWidget(panel)
    panel.resize(1100, 400)
    return panel


def _column(table: QTableWidget, name: str) -> list[str]:
    return [table.item(row, COLUMNS.index(name)).text() for row in range(table.rowCount())]


def _two_discharged(clinic: Clinic, clock: FakeClock, visit_id: int) -> tuple[int, int]:
    """Two visits discharged an hour apart; the one booked later (higher id) leaves first."""
    staff(clinic)
    nurse = clinic.sign_in("ann", PASSWORD)
    later_booked = second_visit(nurse)
    discharge(nurse, later_booked, clock)
    clock.advance(minutes=60)
    discharge(nurse, visit_id, clock)
    return later_booked, visit_id


def test_worklist_lists_the_oldest_discharge_first(
    qtbot: QtBot, clinic: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """Visits are ordered by when they were discharged, not by booking, with patient, MRN, course and nurse."""
    first, second = _two_discharged(clinic, clock, visit_id)
    panel = _panel(qtbot, clinic.sign_in("sam", PASSWORD))
    assert panel.count == 2
    assert panel.findChild(QLabel, "worklist_title").text() == "Awaiting signature: 2"
    table = panel.findChild(QTableWidget, "worklist_table")
    assert [r.visit_id for r in panel.rows] == [first, second]
    assert _column(table, "Patient") == ["BERG, Ola", "NÚÑEZ, Zoë"]
    assert _column(table, "MRN") == ["KD-00002", "KD-00001"]
    assert _column(table, "Course") == ["Infusion 1 of 8", "Infusion 1 of 8"]
    assert _column(table, "Discharged by") == ["Ann Rivers, RN", "Ann Rivers, RN"]
    assert _column(table, "Discharged") == sorted(_column(table, "Discharged"))
    assert _column(table, "Flags") == ["", ""]


def test_double_click_and_enter_open_the_visit(qtbot: QtBot, clinic: Clinic, clock: FakeClock, visit_id: int) -> None:
    """Double-clicking a row, or Enter on the current row, emits visit_opened with that visit's id."""
    first, second = _two_discharged(clinic, clock, visit_id)
    panel = _panel(qtbot, clinic.sign_in("sam", PASSWORD))
    panel.show()
    qtbot.waitExposed(panel)
    table = panel.findChild(QTableWidget, "worklist_table")
    where = table.visualItemRect(table.item(1, 1)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # the press a double-click follows
    with qtbot.waitSignal(panel.visit_opened) as opened:
        QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == [second]
    table.setCurrentCell(0, 0)
    with qtbot.waitSignal(panel.visit_opened) as opened:
        QTest.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [first]


def test_flags_for_an_override_and_an_unacknowledged_alert(
    qtbot: QtBot, clinic: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """A discharge under a physician's override and an alert nobody acknowledged are flagged in words."""
    staff(clinic)
    nurse = clinic.sign_in("ann", PASSWORD)
    discharge(nurse, visit_id, clock, leave_unticked="escort_present", physician=clinic.sign_in("sam", PASSWORD))
    other = second_visit(nurse)
    discharge(nurse, other, clock, acknowledge=False)
    panel = _panel(qtbot, clinic.sign_in("sam", PASSWORD))
    flags = _column(panel.findChild(QTableWidget, "worklist_table"), "Flags")
    assert flags == ["⚠ Discharged under a physician's override", "⚠ Alert not acknowledged: Systolic BP high"]


def test_signing_takes_the_visit_off_the_worklist(
    qtbot: QtBot, clinic: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """After a signature the refreshed worklist is one shorter and says so; empty, it says nothing waits."""
    first, second = _two_discharged(clinic, clock, visit_id)
    physician = clinic.sign_in("sam", PASSWORD)
    panel = _panel(qtbot, physician)
    physician.signing.sign_visit(first, PASSWORD)
    panel.refresh()
    assert (panel.count, [r.visit_id for r in panel.rows]) == (1, [second])
    assert panel.findChild(QLabel, "worklist_empty").isHidden()
    physician.signing.sign_visit(second, PASSWORD)
    panel.refresh()
    assert panel.count == 0
    assert panel.findChild(QLabel, "worklist_title").text() == "Awaiting signature: 0"
    assert not panel.findChild(QLabel, "worklist_empty").isHidden()
