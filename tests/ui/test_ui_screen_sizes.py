"""Usable on the screens clinics have, readable across the room, and counting alerts as the panel lists them.

The two screens are simulated in processes of their own (Qt fixes the screen when it
starts): 1366×768 at 100 %, and 1920×1080 at 150 % — 1280×720 device-independent pixels,
the smaller of the two for a window. Every window and dialog is opened on each and must
lie on the screen, every button on it or in a scroll area that is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QVBoxLayout
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.kit.screen_fit import fitted
from ketadesk.ui.visit.workspace import VisitWorkspace
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import PASSWORDS, ready_to_infuse
from tests.ui.screen_probe import off_screen

ROOT = Path(__file__).resolve().parents[2]
SCREENS = {
    "1366x768 at 100 %": {"width": 1366, "height": 768, "dpr": 1},
    "1920x1080 at 150 %": {"width": 1280, "height": 720, "dpr": 1.5},
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_window_and_dialog_fits_the_screen(screen: str, tmp_path: Path) -> None:
    """The board, each visit's four sections in every phase and each dialog: nothing off the screen."""
    size = SCREENS[screen]
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "logicalDpi": 96, **size}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.screen_probe", str(tmp_path / "views")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["screen"][:2] == [size["width"], size["height"]]
    every_dialog = {"board", "pdf-preview", "sign", "addendum", "users", "audit-log", "approval", "stop-early"}
    every_dialog |= {"correct-reading", "duplicate-reading", "extreme-value", "find-visit", "close-while-infusing"}
    every_dialog |= {"approval-way-0", "approval-way-1", "approval-way-2"}
    assert every_dialog <= set(found["looked"])
    on_the_board = ("scheduled", "pre_assessment", "infusing", "observation", "ready_for_discharge", "discharged")
    every_section = {f"visit-{phase}-{tab}" for phase in on_the_board for tab in range(4)}
    assert every_section - set(found["looked"]) == set(), "a phase's visit or one of its sections was not looked at"
    assert found["problems"] == {}


def test_the_probe_sees_a_dialog_taller_than_the_screen(qtbot: QtBot) -> None:
    """What the PDF preview was (900×1000) is caught on a 720-pixel screen, Save and Close named."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    layout.addStretch(1)
    save = QPushButton("Save…")
    save.setObjectName("pdf_save_button")
    layout.addWidget(save)
    dialog.resize(900, 1000)
    dialog.move(0, 0)
    dialog.show()
    problems = off_screen(dialog, QRect(0, 0, 1280, 720))
    assert problems and any("pdf_save_button" in p for p in problems)
    assert fitted(dialog.size(), QRect(0, 0, 1280, 720)).height() <= 720


@pytest.fixture
def window(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """The main window as the nurse; the application's text size put back afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    built = build_main_window(
        db_path,
        clock,
        protocol=default_protocol,
        sign_in=("nurse", PASSWORDS["nurse"]),
        settings=QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(built)
    built.show()
    yield built
    built.stop()
    built.clinic.close()
    app.setFont(font)


def _action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def test_larger_text_enlarges_the_chair_tiles_too(window: MainWindow, nurse: Clinic, visit_id: int) -> None:
    """Ctrl++ makes the tiles' titles and timers larger in proportion, for reading across the room."""
    window.tick()
    tile = window.board.tile(1)
    before = (tile.title.font().pointSizeF(), tile.infusion.font().pointSizeF())
    base = QApplication.font().pointSizeF()
    _action(window, "larger_text_action").trigger()
    _action(window, "larger_text_action").trigger()
    grown = QApplication.font().pointSizeF()
    assert grown == base + 2
    after = (tile.title.font().pointSizeF(), tile.infusion.font().pointSizeF())
    assert after == pytest.approx((before[0] * grown / base, before[1] * grown / base))
    _action(window, "smaller_text_action").trigger()
    assert tile.title.font().pointSizeF() == pytest.approx(before[0] * (grown - 1) / base)


def test_the_status_bar_counts_alerts_as_the_alert_panel_lists_them(
    window: MainWindow, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """A reading over two limits is one alert to acknowledge, in the status bar and in the panel alike."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    nurse.bedside.record_vitals(visit_id, sbp=186, dbp=112, hr=128, spo2=98, rr=14)
    window.tick()
    workspace = window.open_visit(visit_id)
    assert isinstance(workspace, VisitWorkspace)
    panel = workspace.monitoring.alert_rows
    assert len(panel) == 1
    assert "1 alert to acknowledge" in window.status_alerts.text()
    clock.advance(minutes=3)
    nurse.bedside.record_vitals(visit_id, sbp=190, dbp=96, hr=90, spo2=98, rr=14)
    window.tick()
    workspace.refresh()
    assert len(workspace.monitoring.alert_rows) == 2
    assert "2 alerts to acknowledge" in window.status_alerts.text()
