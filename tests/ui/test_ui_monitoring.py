"""The monitoring section: keyboard vitals, readings table and chart, alerts, starting and stopping the pump."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.ui.kit.colours import ALERT_BACKGROUND
from ketadesk.ui.visit.monitoring.section import MonitoringSection
from ketadesk.ui.visit.vitals.table import COLUMNS
from tests.helpers import ready_to_infuse


def _section(qtbot: QtBot, clinic: Clinic, visit_id: int) -> MonitoringSection:
    """The section standing alone: every write it publishes re-reads the visit once and refreshes it."""
    section = MonitoringSection(clinic, visit_id)
    qtbot.addWidget(section)
    section.resize(1100, 750)
    return section


def _infusing(nurse: Clinic, visit_id: int) -> None:
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)


def _type_row(qtbot: QtBot, section: MonitoringSection, *values: str) -> None:
    """Type into the vitals row through the keyboard: each value, then Tab; Enter at the end."""
    section.show()
    qtbot.waitExposed(section)
    section.vitals_row.fields["sbp"].setFocus()
    # The section's own focus widget: another test's window may be the application's active one.
    for value in values:
        focused = section.focusWidget()
        assert isinstance(focused, QLineEdit)
        QTest.keyClicks(focused, value)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    focused = section.focusWidget()
    assert focused is section.vitals_row.fields["temp_c"]  # Tab walked SBP → DBP → HR → SpO2 → RR → Temp
    QTest.keyClick(focused, Qt.Key.Key_Return)


def _table_text(table: QTableWidget, row: int) -> list[str]:
    return [table.item(row, column).text() for column in range(table.columnCount())]


def test_keyboard_entry_commits_a_reading(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """SBP, DBP, HR, SpO2, RR typed with Tab between and Enter at the end are saved and shown in the table."""
    nurse.infusion.start_pre_assessment(visit_id)
    section = _section(qtbot, nurse, visit_id)
    _type_row(qtbot, section, "132", "84", "76", "98", "14")
    stored = nurse.visits.get(visit_id).detail.vitals
    assert [(v.vitals.sbp, v.vitals.dbp, v.vitals.hr, v.vitals.spo2, v.vitals.rr) for v in stored] == [
        (132, 84, 76, 98, 14)
    ]
    assert stored[0].is_baseline
    table = section.findChild(QTableWidget, "readings_table")
    assert table.rowCount() == 1
    assert _table_text(table, 0)[1:6] == ["132", "84", "76", "98", "14"]
    assert "baseline" in _table_text(table, 0)[0]
    assert all(box.text() == "" for box in section.vitals_row.fields.values())


def test_implausible_value_is_refused_inline_and_kept(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """SBP 400 is refused under the row naming the allowed range; the typed 400 stays and nothing is stored."""
    nurse.infusion.start_pre_assessment(visit_id)
    section = _section(qtbot, nurse, visit_id)
    _type_row(qtbot, section, "400", "84", "76", "98", "14")
    message = section.findChild(QLabel, "vitals_row_message")
    assert message.isVisible()
    assert "40–300" in message.text()
    assert section.findChild(QLineEdit, "vitals_row_sbp").text() == "400"
    assert nurse.visits.get(visit_id).detail.vitals == ()
    assert section.findChild(QTableWidget, "readings_table").rowCount() == 0


def test_newest_reading_is_first_in_the_table(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """The table lists every current reading, newest first, with who entered it."""
    _infusing(nurse, visit_id)
    clock.advance(minutes=10)
    nurse.bedside.record_vitals(visit_id, sbp=140, dbp=88, hr=80, spo2=97, rr=15, temp_c="36.9")
    section = _section(qtbot, nurse, visit_id)
    table = section.findChild(QTableWidget, "readings_table")
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == list(COLUMNS)
    assert table.rowCount() == 2
    assert _table_text(table, 0)[1:8] == ["140", "88", "80", "97", "15", "36.9", "Maria Santos, RN"]
    assert _table_text(table, 1)[1] == "128"


def test_alert_reading_is_raised_and_acknowledged_with_a_note(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """SBP 186 is saved, shown in words in the alerts panel and the table, and goes once acknowledged with a note."""
    _infusing(nurse, visit_id)
    section = _section(qtbot, nurse, visit_id)
    panel = section.findChild(QWidget, "alerts_panel")
    assert panel.isHidden()
    clock.advance(minutes=10)
    section.vitals_row.set_values(sbp="186", dbp="104", hr="88", spo2="96", rr="16")
    section.vitals_row.commit()
    reading = nurse.visits.get(visit_id).detail.vitals[-1]
    assert reading.vitals.sbp == 186
    assert not panel.isHidden()
    assert "Systolic BP high" in section.findChild(QLabel, f"alert_text_{reading.id}").text()
    table = section.findChild(QTableWidget, "readings_table")
    alerts_cell = table.item(0, COLUMNS.index("Alerts"))
    assert "⚠ Systolic BP high" in alerts_cell.text()
    assert "not acknowledged" in alerts_cell.text()
    assert alerts_cell.background().color().name() == ALERT_BACKGROUND
    assert table.item(0, COLUMNS.index("SBP")).text() == "186 ↑"

    button = section.findChild(QPushButton, f"alert_ack_{reading.id}")
    button.click()
    assert "Action taken" in section.findChild(QLabel, "alerts_message").text()
    assert nurse.visits.unacknowledged_alerts(visit_id) != []

    note = section.findChild(QLineEdit, f"alert_note_{reading.id}")
    note.setText("Rechecked after 5 min: 158/92, physician informed")
    button.click()
    acks = [a for a in nurse.visits.get(visit_id).detail.acknowledgements if a.subject_id == reading.id]
    assert [a.note for a in acks] == ["Rechecked after 5 min: 158/92, physician informed"]
    assert nurse.visits.unacknowledged_alerts(visit_id) == []
    assert panel.isHidden()
    assert reading.id not in section.alert_rows
    assert "(acknowledged)" in table.item(0, COLUMNS.index("Alerts")).text()


def test_chart_curves_follow_the_readings_and_mark_the_infusion(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """SBP and DBP are two curves at minutes from the infusion start; start and stop markers sit where they happened."""
    ready_to_infuse(nurse, visit_id, sbp=128, dbp=80)
    clock.advance(minutes=5)
    nurse.infusion.start_infusion(visit_id)
    section = _section(qtbot, nurse, visit_id)
    clock.advance(minutes=10)
    section.vitals_row.set_values(sbp="150", dbp="92", hr="84", spo2="97", rr="15")
    section.vitals_row.commit()
    xs, sbp = section.curves["sbp"].getData()
    _, dbp = section.curves["dbp"].getData()
    _, spo2 = section.curves["spo2"].getData()
    assert list(xs) == [-5.0, 10.0]
    assert list(sbp) == [128, 150]
    assert list(dbp) == [80, 92]
    assert list(spo2) == [98, 97]
    assert section.start_markers[0].isVisible()
    assert section.start_markers[0].value() == 0
    assert not section.stop_markers[0].isVisible()
    clock.advance(minutes=30)
    nurse.infusion.stop_infusion(visit_id)
    section.reload()
    assert section.stop_markers[0].isVisible()
    assert section.stop_markers[0].value() == 40
    assert "Minutes from infusion start" in section.spo2_chart.getPlotItem().getAxis("bottom").labelText


def test_start_is_refused_with_the_reasons_while_blocked(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """In pre-assessment with nothing done, Start says in words what still blocks the infusion."""
    section = _section(qtbot, nurse, visit_id)
    start = section.findChild(QPushButton, "start_infusion_button")
    assert not start.isEnabled()
    nurse.infusion.start_pre_assessment(visit_id)
    section.reload()
    assert start.isEnabled()
    assert "Weight today is not recorded" in start.toolTip()
    assert "Weight today is not recorded" in section.findChild(QLabel, "start_blockers").text()
    start.click()
    message = section.findChild(QLabel, "infusion_message")
    assert "cannot start" in message.text()
    assert "The dose is not prepared" in message.text()
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.PRE_ASSESSMENT


def test_start_works_once_ready(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """After the pre-assessment is complete, Start starts the infusion and the stop buttons take over."""
    ready_to_infuse(nurse, visit_id)
    section = _section(qtbot, nurse, visit_id)
    assert "Ready to start" in section.findChild(QLabel, "start_blockers").text()
    section.findChild(QPushButton, "start_infusion_button").click()
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.INFUSING
    assert not section.findChild(QPushButton, "start_infusion_button").isEnabled()
    assert section.findChild(QPushButton, "stop_infusion_button").isEnabled()
    assert section.findChild(QPushButton, "stop_early_button").isEnabled()
    assert "INFUSING" in section.findChild(QLabel, "infusion_status").text()


def test_stop_early_needs_a_reason(qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock) -> None:
    """Stop early without a reason is refused and the dialog stays; with a reason the visit moves to observation."""
    _infusing(nurse, visit_id)
    section = _section(qtbot, nurse, visit_id)
    clock.advance(minutes=12)
    section.findChild(QPushButton, "stop_early_button").click()
    dialog = section.stop_dialog
    assert dialog is not None and dialog.isVisible()
    confirm = dialog.findChild(QPushButton, "stop_early_confirm")
    confirm.click()
    assert dialog.isVisible()
    assert "reason" in dialog.findChild(QLabel, "stop_early_message").text()
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.INFUSING
    dialog.findChild(QLineEdit, "stop_early_reason").setText("Distressing dissociation; patient asked to stop")
    confirm.click()
    assert not dialog.isVisible()
    detail = nurse.visits.get(visit_id).detail
    assert detail.summary.phase is Phase.OBSERVATION
    assert [e.reason for e in detail.events if e.phase is Phase.STOPPED_EARLY] == [
        "Distressing dissociation; patient asked to stop"
    ]
    assert not section.findChild(QPushButton, "stop_early_button").isEnabled()
    assert "Stopped early" in section.stop_markers[0].label.format


def test_stop_before_the_planned_end_asks_for_a_reason(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Stop at 20 of 40 minutes opens the early-stop question instead of recording a normal stop; at 40 it stops."""
    _infusing(nurse, visit_id)
    section = _section(qtbot, nurse, visit_id)
    stop = section.findChild(QPushButton, "stop_infusion_button")
    clock.advance(minutes=20)
    stop.click()
    assert section.stop_dialog is not None and section.stop_dialog.isVisible()
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.INFUSING
    section.stop_dialog.reject()
    clock.advance(minutes=20)
    stop.click()
    detail = nurse.visits.get(visit_id).detail
    assert detail.summary.phase is Phase.OBSERVATION
    assert all(e.phase is not Phase.STOPPED_EARLY for e in detail.events)


def test_tick_refresh_keeps_typing_and_skips_redraws(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """A refresh with only the clock moved updates the status line, keeps typed text and redraws no table or chart."""
    _infusing(nurse, visit_id)
    clock.advance(minutes=10)
    alert = nurse.bedside.record_vitals(visit_id, sbp=190, dbp=100, hr=90, spo2=97, rr=15).created_id
    section = _section(qtbot, nurse, visit_id)
    section.vitals_row.set_values(sbp="14")
    note = section.findChild(QLineEdit, f"alert_note_{alert}")
    note.setText("Rechecking")
    draws: list[str] = []
    section._draw_table = lambda *a: draws.append("table")  # type: ignore[method-assign]
    section._draw_chart = lambda *a: draws.append("chart")  # type: ignore[method-assign]
    clock.advance(minutes=11)
    section.refresh(nurse.visits.get(visit_id))
    assert draws == []
    assert section.vitals_row.fields["sbp"].text() == "14"
    assert section.findChild(QLineEdit, f"alert_note_{alert}") is note
    assert note.text() == "Rechecking"
    assert "VITALS OVERDUE by 1:00" in section.findChild(QLabel, "infusion_status").text()


def test_time_axis_holds_still_through_the_observation_and_grows_in_steps_past_it(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """While infusing the axis reaches the planned end; after the stop, the end of the planned observation;
    readings beyond every planned mark widen it a whole step at a time, never one reading at a time."""
    from ketadesk.ui.visit.vitals.chart import AXIS_STEP_MIN

    _infusing(nurse, visit_id)
    section = _section(qtbot, nurse, visit_id)
    main = section.chart.getPlotItem()
    planned = nurse.visits.get(visit_id).detail.dose.duration_min  # type: ignore[union-attr]
    observation = nurse.protocol.observation_minimum_min
    clock.advance(minutes=10)
    nurse.bedside.record_vitals(visit_id, sbp=128, dbp=80, hr=76, spo2=97, rr=14)
    section.reload()
    assert main.viewRange()[0][1] == planned + 3
    clock.advance(minutes=planned - 10)
    nurse.infusion.stop_infusion(visit_id)
    section.reload()
    during_observation = main.viewRange()[0]
    assert during_observation[1] == planned + observation + 3
    for minutes in (10, 10, 10):
        clock.advance(minutes=minutes)
        nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=72, spo2=98, rr=14)
        section.reload()
        assert main.viewRange()[0] == during_observation  # the axes are not redrawn for each reading
    clock.set(clock.now() + timedelta(minutes=observation))  # past the planned end of observation
    nurse.bedside.record_vitals(visit_id, sbp=122, dbp=78, hr=70, spo2=98, rr=14)
    section.reload()
    right = main.viewRange()[0][1]
    last = section.curves["sbp"].getData()[0][-1]
    assert right >= last + 3
    assert (right - during_observation[1]) % AXIS_STEP_MIN == 0


def test_table_columns_fit_the_widest_value_and_do_not_jump(
    qtbot: QtBot, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Column widths are set once from the widest possible text, so an alert arrow or a new reading moves nothing."""
    _infusing(nurse, visit_id)
    section = _section(qtbot, nurse, visit_id)
    section.show()
    table = section.readings_table
    header = table.horizontalHeader()
    widths = [header.sectionSize(c) for c in range(len(COLUMNS) - 2)]
    clock.advance(minutes=10)
    nurse.bedside.record_vitals(visit_id, sbp=196, dbp=112, hr=128, spo2=88, rr=30, temp_c=38.4)
    section.reload()
    assert [header.sectionSize(c) for c in range(len(COLUMNS) - 2)] == widths
    metrics = table.fontMetrics()
    bold = table.item(0, 1).font()
    bold_metrics = type(metrics)(bold)
    for column in range(len(COLUMNS) - 2):
        text = table.item(0, column).text()
        used = (bold_metrics if table.item(0, column).font().bold() else metrics).horizontalAdvance(text)
        assert used < header.sectionSize(column), (COLUMNS[column], text)
