"""The administrator's clinic settings: name, chairs and the time zone reports print times in."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import load_clinic_protocol
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.admin.settings import ClinicSettingsDialog
from ketadesk.ui.kit.zones import WORKSTATION_ZONE, ZoneField, zone_names
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.ui.sign_in_steps import PASSWORDS, child, click, give_passwords, quick_argon2

# KETADESK_SCREENSHOTS=docs/screenshots saves the dialog as docs/screenshots/gui_clinic_settings.png.
SHOTS = os.environ.get("KETADESK_SCREENSHOTS", "")


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    quick_argon2(monkeypatch)


def _window(
    qtbot: QtBot, db_path: Path, clock: FakeClock, protocol: Protocol, tmp_path: Path, login: str
) -> MainWindow:
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    window = build_main_window(db_path, clock, protocol=protocol, sign_in=(login, PASSWORDS[login]), settings=settings)
    qtbot.addWidget(window)
    return window


def test_the_zone_field_offers_every_known_zone_and_the_workstations_own() -> None:
    """Area/City zones come first; "" is the workstation's own, shown in words."""
    names = zone_names()
    assert "Europe/Oslo" in names and "Asia/Shanghai" in names and "America/Chicago" in names
    assert "/" in names[0] and not names[0].startswith("Etc/")
    field = ZoneField("zone", "")
    assert field.currentText() == WORKSTATION_ZONE and field.zone() == ""
    field.set_zone("Asia/Jerusalem")
    assert field.zone() == "Asia/Jerusalem"


def test_an_administrator_sets_the_time_zone_for_the_next_start(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """Admin ▸ Clinic settings… shows today's settings; Save writes them and says when they take effect."""
    give_passwords(clinic)
    window = _window(qtbot, db_path, clock, default_protocol, tmp_path, "admin")
    action = window.findChild(QAction, "clinic_settings_action")
    assert action.isEnabled()
    action.trigger()
    dialog = window.findChild(ClinicSettingsDialog)
    assert dialog is not None and dialog.isVisible()
    assert child(dialog, QLineEdit, "settings_clinic_name").text() == default_protocol.clinic_name
    child(dialog, QSpinBox, "settings_chairs").setValue(4)
    child(dialog, ZoneField, "settings_time_zone").setCurrentText("Asia/Shanghai")
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "gui_clinic_settings.png"))
    click(qtbot, dialog, "settings_save_button")

    message = child(dialog, QLabel, "settings_message").text()
    assert "next start" in message
    written = tomllib.loads((db_path.parent / "protocol.toml").read_text(encoding="utf-8"))
    assert written["clinic"]["time_zone"] == "Asia/Shanghai" and written["clinic"]["chairs"] == 4
    assert load_clinic_protocol(db_path).time_zone == "Asia/Shanghai"
    dialog.close()
    window.close()
    window.clinic.close()


def test_an_unknown_zone_is_refused_in_place_and_the_form_keeps_it(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """A zone typed wrong is named in the message, stays in the field, and nothing is written."""
    give_passwords(clinic)
    window = _window(qtbot, db_path, clock, default_protocol, tmp_path, "admin")
    dialog = window.open_clinic_settings()
    assert dialog is not None
    zone = child(dialog, ZoneField, "settings_time_zone")
    zone.setCurrentText("Europe/Osl")
    assert not dialog.save()
    message = child(dialog, QLabel, "settings_message").text()
    assert "time zone" in message and "Europe/Osl" in message
    assert zone.currentText() == "Europe/Osl"
    assert not (db_path.parent / "protocol.toml").exists()
    dialog.close()
    window.close()
    window.clinic.close()


def test_a_nurse_cannot_change_the_clinics_settings(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """The menu item is disabled for a nurse, the window refuses, and the API refuses a dialog opened anyway."""
    give_passwords(clinic)
    window = _window(qtbot, db_path, clock, default_protocol, tmp_path, "nurse")
    assert not window.findChild(QAction, "clinic_settings_action").isEnabled()
    assert window.open_clinic_settings() is None
    assert "administrators only" in window.statusBar().currentMessage()
    dialog = ClinicSettingsDialog(window.clinic)
    qtbot.addWidget(dialog)
    child(dialog, ZoneField, "settings_time_zone").set_zone("Asia/Tokyo")
    assert not dialog.save()
    assert "settings" in child(dialog, QLabel, "settings_message").text()
    assert not (db_path.parent / "protocol.toml").exists()
    window.close()
    window.clinic.close()
