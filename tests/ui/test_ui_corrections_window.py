"""A correction in the real window, signed in with a password: the workspace, the board and the alerts follow it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.visit.workspace import VisitWorkspace
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, close_window, give_passwords, guarded_window, quick_argon2, sign_in


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing for these screens."""
    quick_argon2(monkeypatch)


def test_a_corrected_alert_reading_leaves_the_tile_and_the_alerts(
    qtbot: QtBot,
    clinic: Clinic,
    nurse: Clinic,
    visit_id: int,
    db_path: Path,
    clock: FakeClock,
    default_protocol: Protocol,
    tmp_path: Path,
) -> None:
    """An SBP typed 188 for 128, corrected in the open visit: no alert waits, the tile shows 128, the old row struck."""
    give_passwords(clinic)
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    wrong = nurse.bedside.record_vitals(visit_id, sbp=188, dbp=84, hr=76, spo2=98, rr=14).created_id
    assert wrong is not None
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    window = guarded_window(qtbot, db_path, clock, default_protocol, settings)
    try:
        sign_in(qtbot, window, "nurse", PASSWORDS["nurse"])
        window.tick()
        assert "Systolic BP high" in window.board.tile(1).alerts.text()
        workspace = window.open_visit(visit_id)
        assert isinstance(workspace, VisitWorkspace)
        workspace.tabs.setCurrentWidget(workspace.monitoring)
        section = workspace.monitoring
        assert section.alert_rows  # the alert waits for an acknowledgement
        dialog = section.reading_corrections.open(wrong, strike=False)
        assert dialog is not None
        dialog.findChild(QLineEdit, "correction_sbp").setText("128")
        dialog.reason.setText("Typed 188 for 128")
        dialog.findChild(QPushButton, "correction_save").click()
        assert not dialog.isVisible()
        assert not section.alert_rows and section.alerts_panel.isHidden()
        assert section.readings_table.item(1, 1).font().strikeOut()  # newest first: the correction, then the struck
        window.show_board()
        tile = window.board.tile(1)
        assert "BP 128/84" in tile.latest.text() and "Systolic BP high" not in tile.alerts.text()
    finally:
        close_window(window)
