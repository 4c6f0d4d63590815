"""The whole bedside workstation through its widgets: board, workspace, timers, restart, chime, preferences."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.ui.visit.workspace import VisitWorkspace
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import PASSWORDS, make_patient, password_of, ready_to_infuse


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Preferences in a file of the test's own, so nothing leaks between runs."""
    return QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, settings: QSettings
) -> Iterator[MainWindow]:
    """The main window on the test database, acting as the nurse."""
    built = build_main_window(
        db_path, clock, protocol=default_protocol, sign_in=("nurse", PASSWORDS["nurse"]), settings=settings
    )
    qtbot.addWidget(built)
    built.show()
    qtbot.waitExposed(built)
    yield built
    built.stop()
    built.clinic.close()


def _child(widget: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = widget.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def _click(qtbot: QtBot, widget: QWidget, name: str) -> None:
    button = _child(widget, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled: {button.toolTip()}"
    assert button.isVisible(), f"{name} is not on screen"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _type_vitals(qtbot: QtBot, workspace: QWidget, row: str, values: dict[str, str]) -> None:
    for key, text in values.items():
        box = _child(workspace, QLineEdit, f"{row}_{key}")
        box.clear()
        qtbot.keyClicks(box, text)
    qtbot.keyClick(_child(workspace, QLineEdit, f"{row}_rr"), Qt.Key.Key_Return)


def test_whole_visit_from_check_in_to_discharge_through_the_widgets(
    qtbot: QtBot,
    window: MainWindow,
    nurse: Clinic,
    visit_id: int,
    clock: FakeClock,
) -> None:
    """A nurse runs a whole visit with the widgets alone, and the database records each step."""
    window.tick()
    assert window.board.tile(1).visit_id == visit_id
    workspace = window.open_visit(visit_id)
    assert isinstance(workspace, VisitWorkspace)

    _click(qtbot, workspace, "start_pre_assessment_button")
    for item in window.clinic.protocol.pre_infusion_checklist:
        _child(workspace, QCheckBox, f"pre_check_{item.key}").setChecked(True)
    weight = _child(workspace, QLineEdit, "weight_field")
    weight.clear()
    qtbot.keyClicks(weight, "70")
    _click(qtbot, workspace, "record_weight_button")
    _type_vitals(qtbot, workspace, "baseline_row", {"sbp": "128", "dbp": "80", "hr": "72", "spo2": "98", "rr": "14"})
    dose = _child(workspace, QLineEdit, "dose_mg_per_kg")
    dose.clear()
    qtbot.keyClicks(dose, "0.5")
    qtbot.keyClicks(_child(workspace, QLineEdit, "dose_lot"), "KT2301-15")
    _click(qtbot, workspace, "prepare_dose_button")
    assert nurse.infusion.start_blockers(visit_id) == []

    _click(qtbot, workspace, "pre_start_infusion_button")
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.INFUSING
    assert workspace.tabs.currentWidget() is workspace.monitoring
    for minute in (10, 20, 30, 40):
        clock.advance(minutes=10)
        window.tick()
        _type_vitals(
            qtbot,
            workspace,
            "vitals_row",
            {"sbp": str(130 + minute // 5), "dbp": "82", "hr": "76", "spo2": "97", "rr": "14"},
        )
    assert len(nurse.visits.get(visit_id).detail.vitals) == 5
    _click(qtbot, workspace, "stop_infusion_button")
    assert nurse.visits.get(visit_id).detail.summary.phase is Phase.OBSERVATION

    workspace.tabs.setCurrentWidget(workspace.sedation)
    moaas = _child(workspace, QComboBox, "moaas_picker")
    rass = _child(workspace, QComboBox, "rass_picker")
    moaas.setCurrentIndex(moaas.findData(5))
    rass.setCurrentIndex(rass.findData(0))
    _click(qtbot, workspace, "record_sedation_button")
    clock.advance(minutes=15)
    workspace.tabs.setCurrentWidget(workspace.monitoring)
    _type_vitals(qtbot, workspace, "vitals_row", {"sbp": "126", "dbp": "80", "hr": "72", "spo2": "98", "rr": "14"})
    clock.advance(minutes=16)
    window.tick()
    workspace.tabs.setCurrentWidget(workspace.discharge)
    _click(qtbot, workspace, "ready_for_discharge_button")
    for item in ("activity", "respiration", "circulation", "consciousness", "spo2"):
        combo = _child(workspace, QComboBox, f"aldrete_{item}")
        combo.setCurrentIndex(combo.findData(2))
    _click(qtbot, workspace, "record_aldrete_button")
    discharge = _child(workspace, QPushButton, "discharge_button")
    assert not discharge.isEnabled()
    for item in window.clinic.protocol.discharge_checklist:
        if not item.automatic:
            _child(workspace, QCheckBox, f"discharge_check_{item.key}").setChecked(True)
    assert not discharge.isEnabled()  # the last set is 16 min old: overdue, a final set first
    workspace.tabs.setCurrentWidget(workspace.monitoring)
    _type_vitals(qtbot, workspace, "vitals_row", {"sbp": "124", "dbp": "78", "hr": "70", "spo2": "98", "rr": "14"})
    workspace.tabs.setCurrentWidget(workspace.discharge)
    _click(qtbot, workspace, "discharge_button")
    detail = nurse.visits.get(visit_id).detail
    assert detail.summary.phase is Phase.DISCHARGED
    assert {e.by for e in detail.events if e.phase is not Phase.SCHEDULED} == {"nurse"}
    assert nurse.maintenance.check() == []


def test_board_counts_down_turns_overdue_and_chimes(
    window: MainWindow, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """After the clock moves the tile says OVERDUE, the status bar counts it, and the chime rings once."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    window.tick()
    rings = window.chime.requested
    clock.advance(minutes=9)
    window.tick()
    assert window.board.tile(1).vitals_due.text() == "Next vitals in 1:00"
    clock.advance(minutes=2)
    window.tick()
    assert window.board.tile(1).vitals_due.text() == "VITALS OVERDUE by 1:00"
    assert "VITALS OVERDUE in 1 chair" in window.status_alerts.text()
    window.tick()
    assert window.chime.requested == rings + 1


def test_alert_reading_chimes_unless_muted(
    window: MainWindow, nurse: Clinic, visit_id: int, clock: FakeClock, settings: QSettings
) -> None:
    """An alert reading sounds the chime; with the chime muted it stays silent, and the choice is remembered."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    window.tick()
    window.set_muted(True)
    nurse.bedside.record_vitals(visit_id, sbp=188, dbp=100, hr=90, spo2=97, rr=15)
    window.tick()
    assert window.chime.requested >= 1
    assert window.chime.played == 0
    assert settings.value("chime_muted") in (True, "true")
    window.set_muted(False)
    clock.advance(minutes=1)
    nurse.bedside.record_vitals(visit_id, sbp=60, dbp=40, hr=45, spo2=97, rr=15)
    window.tick()
    assert window.chime.played == 1
    assert "2 alerts to acknowledge" in window.status_alerts.text()  # one per reading, as the panel lists them


def test_restart_mid_infusion_shows_the_same_timers(
    qtbot: QtBot,
    nurse: Clinic,
    visit_id: int,
    clock: FakeClock,
    db_path: Path,
    default_protocol: Protocol,
    settings: QSettings,
) -> None:
    """Closing and reopening the program mid-infusion shows the same infusion time left and vitals due."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=13, seconds=20)
    first = build_main_window(
        db_path, clock, protocol=default_protocol, sign_in=("nurse", PASSWORDS["nurse"]), settings=settings
    )
    qtbot.addWidget(first)
    before = (first.board.tile(1).infusion.text(), first.board.tile(1).vitals_due.text())
    first.open_visit(visit_id)
    banner_before = first.findChild(QLabel, "banner_timers").text()
    first.close()
    first.clinic.close()
    second = build_main_window(
        db_path, clock, protocol=default_protocol, sign_in=("nurse", PASSWORDS["nurse"]), settings=settings
    )
    qtbot.addWidget(second)
    after = (second.board.tile(1).infusion.text(), second.board.tile(1).vitals_due.text())
    second.open_visit(visit_id)
    assert after == before == ("Infusion 13:20 elapsed · 26:40 left", "VITALS OVERDUE by 3:20")
    assert second.findChild(QLabel, "banner_timers").text() == banner_before
    second.clinic.close()


def test_text_size_and_layout_are_remembered(qtbot: QtBot, window: MainWindow, settings: QSettings) -> None:
    """Larger text is a preference kept in QSettings, never in the clinical database."""
    window.set_font_size(15)
    window.close()
    assert int(str(settings.value("font_size"))) == 15
    assert settings.value("geometry") is not None


def test_open_chair_shortcut_and_free_chair(window: MainWindow, nurse: Clinic, visit_id: int) -> None:
    """Ctrl+1 opens chair 1's visit; an empty chair says it is free instead."""
    window.tick()
    window.open_chair(1)
    current = window.tabs.currentWidget()
    assert isinstance(current, VisitWorkspace)
    assert current.visit_id == visit_id
    window.open_chair(1)
    assert window.tabs.count() == 2
    window.open_chair(3)
    assert "Chair 3 is free" in window.statusBar().currentMessage()


def test_substance_flag_on_banner_and_tile(window: MainWindow, nurse: Clinic) -> None:
    """A history of substance misuse stays visible on the tile and the visit banner."""
    pid = (
        nurse.patients.register(
            make_patient("KD-00090", substance_use=True, substance_use_note="Cannabis use disorder, abstinent")
        ).created_id
        or 0
    )
    vid = nurse.scheduling.schedule_visit(pid, nurse.today(), 2).created_id or 0
    window.tick()
    assert "SUBSTANCE-USE HISTORY" in window.board.tile(2).flag.text()
    window.open_visit(vid)
    banner = window.findChild(QLabel, "banner_substance_flag")
    assert "Cannabis use disorder" in banner.text()


def test_signature_count_worklist_and_review_from_the_main_window(
    window: MainWindow, nurse: Clinic, physician: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """A discharged visit shows in the always-visible count; the worklist opens its review screen."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(visit_id)
    nurse.bedside.record_vitals(visit_id, sbp=126, dbp=80, hr=72, spo2=98, rr=14)
    clock.advance(minutes=31)
    nurse.discharge.mark_ready(visit_id)
    physician.bedside.acknowledge_override(
        visit_id, "discharge_override", "Reviewed at the bedside; safe to go home", password=password_of(physician)
    )
    nurse.discharge.discharge(visit_id)
    assert window.refresh_signature_count() == 1
    assert window.status_signatures.text() == "Awaiting signature: 1"
    panel = window.open_worklist()
    assert panel.count == 1
    panel.visit_opened.emit(visit_id)
    current = window.tabs.currentWidget()
    assert type(current).__name__ == "ReviewScreen"
    assert current.visit_id == visit_id


def test_settle_memory_sets_start_up_objects_aside_from_full_collections() -> None:
    """After start-up the long-lived objects are frozen, so a full collection no longer walks them."""
    import gc

    from ketadesk.ui.window.app import settle_memory

    before = gc.get_freeze_count()
    try:
        settle_memory()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_the_program_starts_without_the_chart_or_pdf_libraries() -> None:
    """pyqtgraph and reportlab load with the first chart or report, not at start (about half a second here)."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys; import ketadesk.ui.window.app, ketadesk.cli; "
        "print(sorted(m for m in ('pyqtgraph', 'reportlab') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.stdout.strip() == "[]"


def test_an_infusion_past_its_planned_end_is_an_alert_not_a_negative_time(
    window: MainWindow, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """12 min past the planned end with no stop: tile, banner and status bar say so, the chime rings once."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    for _ in range(4):  # charted on time, up to the planned end at 40 min
        clock.advance(minutes=10)
        nurse.bedside.record_vitals(visit_id, sbp=124, dbp=80, hr=72, spo2=98, rr=14)
        window.tick()
    clock.advance(seconds=30)
    window.tick()
    tile = window.board.tile(1)
    assert tile.infusion.text().endswith("· 0:00 left")  # within the grace: no alert, no negative time
    rings = window.chime.requested
    clock.advance(minutes=5)
    nurse.bedside.record_vitals(visit_id, sbp=124, dbp=80, hr=72, spo2=98, rr=14)  # vitals kept up
    clock.advance(minutes=7)
    window.tick()
    assert tile.infusion.text() == "PLANNED END PASSED 12 min ago — record the stop, or why it continues"
    assert "PLANNED END PASSED in 1 chair" in window.status_alerts.text()
    assert window.chime.requested == rings + 1
    window.tick()
    assert window.chime.requested == rings + 1  # once, not every second
    workspace = window.open_visit(visit_id)
    assert "PLANNED END PASSED 12 min ago" in workspace.banner.timers.text()
    assert "PLANNED END PASSED 12 min ago" in workspace.monitoring.infusion_status.text()


def test_a_second_alert_of_the_same_kind_is_announced_again(
    window: MainWindow, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """A worse reading while the first alert waits rings again and counts as a second alert; each names its reading."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    window.tick()
    rings = window.chime.requested
    first = nurse.bedside.record_vitals(visit_id, sbp=184, dbp=90, hr=80, spo2=98, rr=14).created_id
    window.tick()
    assert window.chime.requested == rings + 1
    clock.advance(minutes=3)
    second = nurse.bedside.record_vitals(visit_id, sbp=205, dbp=95, hr=84, spo2=98, rr=14).created_id
    window.tick()
    assert window.chime.requested == rings + 2
    assert "2 alerts to acknowledge" in window.status_alerts.text()
    assert "Systolic BP high ×2" in window.board.tile(1).alerts.text()
    nurse.bedside.acknowledge_alert(visit_id, second or 0, "Rate halved, physician told")
    window.tick()
    pending = nurse.visits.unacknowledged_alerts(visit_id)
    assert [r.id for r in pending] == [first]
    ack = nurse.visits.get(visit_id).detail.acknowledgements[-1]
    assert ack.subject_id == second  # the acknowledgement names the reading it covers
    assert "1 alert to acknowledge" in window.status_alerts.text()
