"""First start and sign-in through the widgets: set up the clinic, the demo clinic, wrong passwords, lockout."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QSpinBox, QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import load_clinic_protocol
from ketadesk.clinic.demo import DEMO_PASSWORDS
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.board import ChairBoard
from ketadesk.ui.door.first_start import FirstStartScreen
from ketadesk.ui.door.sign_in import SignInScreen
from ketadesk.ui.kit.zones import ZoneField
from ketadesk.ui.window.main_window import MainWindow, Page
from tests.ui.sign_in_steps import (
    PASSWORDS,
    child,
    click,
    close_window,
    give_passwords,
    guarded_window,
    quick_argon2,
    sign_in,
    type_into,
)

ADMIN_PASSWORD = "first-admin-password"


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing for these screens."""
    quick_argon2(monkeypatch)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Preferences in a file of the test's own."""
    return QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def fresh(
    qtbot: QtBot, db_path: Path, clock: FakeClock, default_protocol: Protocol, settings: QSettings
) -> Iterator[MainWindow]:
    """The program started on a brand-new database."""
    window = guarded_window(qtbot, db_path, clock, default_protocol, settings)
    yield window
    close_window(window)


@pytest.fixture
def door(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, settings: QSettings
) -> Iterator[MainWindow]:
    """The program started on a clinic whose staff have passwords: the sign-in screen."""
    give_passwords(clinic)
    window = guarded_window(qtbot, db_path, clock, default_protocol, settings)
    yield window
    close_window(window)


def _fill_setup(
    qtbot: QtBot, window: MainWindow, *, password: str = ADMIN_PASSWORD, again: str = ADMIN_PASSWORD
) -> None:
    type_into(qtbot, window, "setup_clinic_name", "Riverside Infusion Clinic")
    child(window, QSpinBox, "setup_chairs").setValue(6)
    child(window, ZoneField, "setup_time_zone").set_zone("Europe/Oslo")
    type_into(qtbot, window, "setup_login", "rita")
    type_into(qtbot, window, "setup_display_name", "Rita Lindgren")
    type_into(qtbot, window, "setup_credentials", "RN")
    type_into(qtbot, window, "setup_password", password)
    type_into(qtbot, window, "setup_password_again", again)


def test_a_new_database_opens_at_first_start_with_nothing_clinical(fresh: MainWindow) -> None:
    """A clinic nobody can sign in to opens on the first-start screen: no board, no clinical menu or shortcut."""
    assert fresh.page is Page.DOOR
    assert isinstance(fresh.door_page, FirstStartScreen)
    assert fresh.findChildren(ChairBoard) == []
    names = {a.objectName() for a in fresh.findChildren(QAction) if a.isEnabled()}
    assert "quit_action" in names
    assert not names & {
        "find_patient_action",
        "register_patient_action",
        "board_action",
        "open_chair_1_action",
        "lock_action",
        "users_action",
    }
    assert "Not signed in" in fresh.status_user.text()


def test_setting_up_the_clinic_signs_the_administrator_in(
    fresh: MainWindow, db_path: Path, clock: FakeClock, default_protocol: Protocol, qtbot: QtBot
) -> None:
    """Set up writes the name and chairs beside the database, creates the administrator and signs them in."""
    _fill_setup(qtbot, fresh)
    click(qtbot, fresh, "setup_button")

    assert fresh.page is Page.WORK
    assert fresh.clinic.user.login == "rita"
    assert "Rita Lindgren, RN (administrator)" in fresh.status_user.text()
    assert len(fresh.board.tiles) == 6
    assert fresh.windowTitle() == "KetaDesk — Riverside Infusion Clinic"
    written = tomllib.loads((db_path.parent / "protocol.toml").read_text(encoding="utf-8"))
    assert written == {"clinic": {"name": "Riverside Infusion Clinic", "chairs": 6, "time_zone": "Europe/Oslo"}}
    reread = load_clinic_protocol(db_path)
    assert (reread.clinic_name, reread.chairs, reread.time_zone) == ("Riverside Infusion Clinic", 6, "Europe/Oslo")
    assert fresh.clinic.protocol.time_zone == "Europe/Oslo"  # the session runs the zone just chosen
    assert fresh.findChild(QAction, "users_action").isEnabled()
    actions = [(e.actor, e.action) for e in reversed(fresh.clinic.audit.search(actor="rita"))]
    assert ("rita", "sign_in") in actions


def test_setup_keeps_an_existing_protocol_file_and_refuses_differing_passwords(
    fresh: MainWindow, db_path: Path, qtbot: QtBot
) -> None:
    """Differing passwords are refused inline (both cleared, the rest kept); the clinic's other settings stay."""
    protocol_file = db_path.parent / "protocol.toml"
    protocol_file.write_text("# our clinic\n[dose]\ndefault_mg_per_kg = 0.6\n", encoding="utf-8")
    _fill_setup(qtbot, fresh, again="not-the-same-password")
    click(qtbot, fresh, "setup_button")
    message = child(fresh, QLabel, "setup_message")
    assert "differ" in message.text()
    screen = fresh.door_page
    assert isinstance(screen, FirstStartScreen)
    assert screen.password.text() == screen.password_again.text() == ""
    assert screen.login.text() == "rita"
    assert fresh.page is Page.DOOR
    assert "Riverside" not in protocol_file.read_text(encoding="utf-8")

    type_into(qtbot, fresh, "setup_password", ADMIN_PASSWORD)
    type_into(qtbot, fresh, "setup_password_again", ADMIN_PASSWORD)
    click(qtbot, fresh, "setup_button")
    assert fresh.page is Page.WORK
    text = protocol_file.read_text(encoding="utf-8")
    assert text.startswith("# our clinic\n")
    assert tomllib.loads(text) == {
        "dose": {"default_mg_per_kg": 0.6},
        "clinic": {"name": "Riverside Infusion Clinic", "chairs": 6, "time_zone": "Europe/Oslo"},
    }


def test_opening_the_demo_builds_a_separate_database_and_shows_its_logins(
    fresh: MainWindow, db_path: Path, qtbot: QtBot
) -> None:
    """The demo is written beside the clinic's database with progress, then its sign-in screen lists the logins."""
    screen = fresh.door_page
    assert isinstance(screen, FirstStartScreen)
    screen.demo_patients = 3
    progress: list[int] = []
    screen.demo_progress.valueChanged.connect(progress.append)
    click(qtbot, fresh, "open_demo_button")
    assert screen.demo_progress.isVisible()
    assert not screen.setup_button.isEnabled()
    qtbot.waitUntil(lambda: isinstance(fresh.door_page, SignInScreen), timeout=30_000)
    assert progress == [0, 1, 2, 3]

    demo_file = db_path.parent / "demo.sqlite"
    assert fresh.clinic.database_path == demo_file
    assert demo_file.is_file()
    assert not [p.name for p in db_path.parent.iterdir() if "building" in p.name]
    logins = child(fresh, QTableWidget, "sign_in_demo_logins")
    shown = {logins.item(r, 0).text(): logins.item(r, 1).text() for r in range(logins.rowCount())}
    assert shown == DEMO_PASSWORDS
    assert "(demo)" in fresh.windowTitle()

    sign_in(qtbot, fresh, "nurse", DEMO_PASSWORDS["nurse"])
    assert fresh.page is Page.WORK
    assert fresh.clinic.user.login == "nurse"
    assert fresh.board.visits, "the demo has visits today"
    clinic_db = Clinic.open(db_path, fresh.clinic.clock, fresh.clinic.protocol)
    try:
        assert clinic_db.accounts.needs_setup() and clinic_db.patients.count() == 0
    finally:
        clinic_db.close()


def test_a_wrong_password_is_refused_inline_and_only_the_password_is_cleared(door: MainWindow, qtbot: QtBot) -> None:
    """A wrong password says so on the screen; the login stays, the password empties; the right one signs in."""
    assert isinstance(door.door_page, SignInScreen)
    assert child(door, QLabel, "sign_in_clinic_name").text() == door.clinic.protocol.clinic_name
    sign_in(qtbot, door, "nurse", "not my password")
    message = child(door, QLabel, "sign_in_message")
    assert message.isVisible()
    assert "Wrong login or password (4 tries left" in message.text()
    assert door.door_page.login.text() == "nurse"
    assert door.door_page.password.text() == ""
    assert door.page is Page.DOOR

    sign_in(qtbot, door, "nurse", PASSWORDS["nurse"])
    assert door.page is Page.WORK
    assert "Maria Santos, RN (nurse)" in door.status_user.text()
    assert not door.findChild(QAction, "users_action").isEnabled()


def test_five_wrong_passwords_lock_the_login(door: MainWindow, qtbot: QtBot, clock: FakeClock) -> None:
    """After five wrong passwords the screen says the login is locked, and the right password waits out the lock."""
    for _ in range(5):
        sign_in(qtbot, door, "nurse", "not my password")
    message = child(door, QLabel, "sign_in_message")
    assert "now locked for 15 min" in message.text()
    sign_in(qtbot, door, "nurse", PASSWORDS["nurse"])
    assert "locked after 5 wrong passwords" in message.text()
    assert door.page is Page.DOOR
    clock.advance(minutes=16)
    sign_in(qtbot, door, "nurse", PASSWORDS["nurse"])
    assert door.page is Page.WORK


def test_sign_out_returns_to_the_sign_in_screen_and_is_audited(door: MainWindow, qtbot: QtBot, clinic: Clinic) -> None:
    """File ▸ Sign out closes the working page, records the sign-out and shows the sign-in screen again."""
    sign_in(qtbot, door, "doctor", PASSWORDS["doctor"])
    assert door.page is Page.WORK
    door.findChild(QAction, "sign_out_action").trigger()
    assert door.page is Page.DOOR
    assert isinstance(door.door_page, SignInScreen)
    assert door.work_page is None
    assert (
        door.findChild(QAction, "find_patient_action") is None
        or not door.findChild(QAction, "find_patient_action").isEnabled()
    )
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    assert [e.action for e in admin.audit.search(actor="doctor")][:2] == ["sign_out", "sign_in"]


def test_enter_in_the_login_box_moves_to_the_password(door: MainWindow, qtbot: QtBot) -> None:
    """Enter in an empty-password form moves to the password box instead of refusing."""
    box = type_into(qtbot, door, "sign_in_login", "nurse")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert not child(door, QLabel, "sign_in_message").isVisible()
    assert door.page is Page.DOOR


def test_closing_while_the_demo_is_written_leaves_no_half_made_demo(
    fresh: MainWindow, db_path: Path, qtbot: QtBot
) -> None:
    """Quitting mid-demo stops the writing and removes the half-made file, so no partial demo is opened later."""
    screen = fresh.door_page
    assert isinstance(screen, FirstStartScreen)
    screen.demo_patients = 3
    click(qtbot, fresh, "open_demo_button")
    assert screen.demo_timer.isActive()
    fresh.close()
    assert not screen.demo_timer.isActive()
    assert sorted(p.name for p in db_path.parent.iterdir() if "demo" in p.name) == []
