"""An extreme value typed at the bedside: the question before saving, Go back keeps the typing, Save stores it.

The dialog opens with ``open()`` (window-modal, not blocking), so the test drives it by its
buttons like a nurse would, and always leaves it closed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.vitals import ExtremeKind
from ketadesk.ui.review.page import EntryList
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.visit.monitoring.section import MonitoringSection
from ketadesk.ui.visit.vitals.confirm_extreme import ExtremeValueDialog
from ketadesk.ui.visit.vitals.table import COLUMNS
from tests.helpers import ready_to_infuse


def _infusing_section(qtbot: QtBot, nurse: Clinic, visit_id: int) -> MonitoringSection:
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock = nurse.clock
    assert isinstance(clock, FakeClock)
    clock.advance(minutes=5)  # the first set after the start, not in the baseline's minute (that asks as a duplicate)
    section = MonitoringSection(nurse, visit_id)
    qtbot.addWidget(section)
    section.resize(1100, 750)
    section.show()
    qtbot.waitExposed(section)
    return section


def _type_and_enter(section: MonitoringSection, **values: str) -> None:
    """Type each value into its box with the keyboard, then Enter in the last one."""
    row = section.vitals_row
    for key, text in values.items():
        box = row.fields[key]
        box.clear()
        QTest.keyClicks(box, text)
    QTest.keyClick(row.fields["rr"], Qt.Key.Key_Return)


def _dialog(section: MonitoringSection) -> ExtremeValueDialog:
    dialog = section.vitals_row.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.isModal()  # window-modal through open(): the row cannot change under the question
    return dialog


def test_extreme_systolic_asks_go_back_keeps_typing_save_stores_it(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """SBP 262: the dialog names it and its limit; Go back keeps 262 unsaved; Save stores it confirmed and marked."""
    section = _infusing_section(qtbot, nurse, visit_id)
    before = len(nurse.visits.get(visit_id).detail.vitals)
    _type_and_enter(section, sbp="262", dbp="140", hr="88", spo2="97", rr="16")

    dialog = _dialog(section)
    question = dialog.findChild(QLabel, "extreme_value_text").text()
    assert question == "Systolic 262 mmHg is extreme (≥ 250).\nIs this the reading?"
    assert dialog.save_button.text() == "Save 262" and dialog.back_button.text() == "Go back"
    assert dialog.back_button.isDefault()  # a reflexive Enter goes back, never confirms
    assert len(nurse.visits.get(visit_id).detail.vitals) == before

    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert section.findChild(QLineEdit, "vitals_row_sbp").text() == "262"
    assert section.findChild(QLineEdit, "vitals_row_dbp").text() == "140"
    assert "Not saved" in section.findChild(QLabel, "vitals_row_message").text()
    assert len(nurse.visits.get(visit_id).detail.vitals) == before

    QTest.keyClick(section.vitals_row.fields["sbp"], Qt.Key.Key_Return)  # the same typing, recorded again
    dialog = _dialog(section)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    stored = nurse.visits.get(visit_id).detail.vitals[-1]
    assert (stored.vitals.sbp, stored.vitals.dbp, stored.entered_by) == (262, 140, "nurse")
    assert stored.confirmed_extremes == (ExtremeKind.SBP_HIGH,)
    assert all(box.text() == "" for box in section.vitals_row.fields.values())
    assert "extreme value confirmed" in section.findChild(QLabel, "vitals_row_message").text()
    table = section.findChild(QTableWidget, "readings_table")
    assert "confirmed extreme: systolic very high" in table.item(0, COLUMNS.index("Alerts")).text()


def test_a_pulse_pressure_names_both_pressures(qtbot: QtBot, nurse: Clinic, visit_id: int) -> None:
    """210/55 is a pulse pressure of 155: the question says so and the button saves both values."""
    section = _infusing_section(qtbot, nurse, visit_id)
    _type_and_enter(section, sbp="210", dbp="55", hr="80", spo2="97", rr="14")
    dialog = _dialog(section)
    question = dialog.findChild(QLabel, "extreme_value_text").text()
    assert question.startswith("Pulse pressure 155 mmHg is extreme (≥ 150)")
    assert dialog.save_button.text() == "Save 210/55"
    dialog.reject()
    assert not dialog.isVisible()


def test_an_ordinary_reading_asks_nothing_and_a_typing_error_is_refused_as_before(
    qtbot: QtBot, nurse: Clinic, visit_id: int
) -> None:
    """130/82 saves at once with no dialog; SBP 320 is refused in the row with its range, no dialog either."""
    section = _infusing_section(qtbot, nurse, visit_id)
    _type_and_enter(section, sbp="130", dbp="82", hr="76", spo2="97", rr="14")
    assert section.vitals_row.confirm_dialog is None
    _type_and_enter(section, sbp="320", dbp="82", hr="76", spo2="97", rr="14")
    assert section.vitals_row.confirm_dialog is None
    assert "40–300" in section.findChild(QLabel, "vitals_row_message").text()
    assert section.findChild(QLineEdit, "vitals_row_sbp").text() == "320"


def test_the_review_marks_a_confirmed_extreme(qtbot: QtBot, nurse: Clinic, physician: Clinic, visit_id: int) -> None:
    """The physician's review says how many values were confirmed extreme and marks the reading and its alert."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    nurse.bedside.record_vitals(visit_id, sbp=262, dbp=140, hr=88, spo2=97, rr=16, confirmed_extreme=True)
    screen = ReviewScreen(physician, visit_id)
    qtbot.addWidget(screen)
    assert "1 confirmed extreme value (confirmed at entry)" in screen.findChild(QLabel, "review_vitals_summary").text()
    table = screen.findChild(QTableWidget, "review_readings_table")
    assert "confirmed extreme: systolic very high" in table.item(1, COLUMNS.index("Alerts")).text()
    alerts = screen.findChild(EntryList, "review_alerts")
    assert alerts is not None and "(confirmed extreme: systolic very high)" in " ".join(alerts.texts())


def test_the_keyboard_answers_too_enter_goes_back_and_save_takes_a_deliberate_step(
    qtbot: QtBot, nurse: Clinic, visit_id: int
) -> None:
    """Enter straight away goes back (nothing saved); with the focus moved to Save, Enter saves it confirmed."""
    section = _infusing_section(qtbot, nurse, visit_id)
    before = len(nurse.visits.get(visit_id).detail.vitals)
    _type_and_enter(section, sbp="130", dbp="82", hr="76", spo2="78", rr="14")
    dialog = _dialog(section)
    assert dialog.focusWidget() is dialog.back_button
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert len(nurse.visits.get(visit_id).detail.vitals) == before
    assert section.findChild(QLineEdit, "vitals_row_spo2").text() == "78"

    QTest.keyClick(section.vitals_row.fields["spo2"], Qt.Key.Key_Return)
    dialog = _dialog(section)
    assert dialog.findChild(QLabel, "extreme_value_text").text().startswith("SpO2 78 % is extreme (≤ 80)")
    dialog.save_button.setFocus()
    QTest.keyClick(dialog.save_button, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    stored = nurse.visits.get(visit_id).detail.vitals[-1]
    assert (stored.vitals.spo2, stored.confirmed_extremes) == (78, (ExtremeKind.SPO2_LOW,))
