"""The idle lock and switching user at a shared workstation, on a fake clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.visit.sedation.notes import draft_field
from ketadesk.ui.visit.workspace import VisitWorkspace
from ketadesk.ui.window.main_window import MainWindow, Page
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, child, click, close_window, give_passwords, guarded_window, quick_argon2

NOTE = "Floating feeling, calm; eyeshade helped"


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing for these screens."""
    quick_argon2(monkeypatch)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Preferences in a file of the test's own."""
    return QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, settings: QSettings
) -> Iterator[MainWindow]:
    """The guarded window, the nurse signed in."""
    give_passwords(clinic)
    built = guarded_window(qtbot, db_path, clock, default_protocol, settings, user_login="nurse")
    yield built
    close_window(built)


@pytest.fixture
def infusing(nurse: Clinic, visit_id: int, clock: FakeClock) -> int:
    """A visit ten minutes into its infusion."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    return visit_id


@pytest.fixture
def admin(clinic: Clinic, window: MainWindow) -> Clinic:
    """The administrator, to read the audit log."""
    return clinic.sign_in("admin", PASSWORDS["admin"])


def _unlock(qtbot: QtBot, window: MainWindow, login: str, password: str) -> None:
    box = child(window, QLineEdit, "lock_login")
    box.clear()
    qtbot.keyClicks(box, login)
    password_box = child(window, QLineEdit, "lock_password")
    qtbot.keyClicks(password_box, password)
    qtbot.keyClick(password_box, Qt.Key.Key_Return)


def _type_note(qtbot: QtBot, window: MainWindow, visit_id: int) -> VisitWorkspace:
    workspace = window.open_visit(visit_id)
    workspace.tabs.setCurrentWidget(workspace.sedation)
    kind = child(workspace, QComboBox, "note_kind")
    kind.setCurrentIndex(kind.findData("dissociation"))
    qtbot.keyClicks(child(workspace, QPlainTextEdit, "note_text"), NOTE)
    return workspace


def test_the_screen_locks_after_the_protocols_idle_minutes(window: MainWindow, clock: FakeClock, admin: Clinic) -> None:
    """Ten minutes without input lock the screen at the next tick: nothing clinical shows, the lock is audited."""
    assert window.clinic.protocol.idle_lock_minutes == 10
    clock.advance(minutes=9, seconds=59)
    window.tick()
    assert window.page is Page.WORK
    assert window.board.isVisible()
    clock.advance(seconds=1)
    window.tick()
    assert window.page is Page.LOCKED
    assert not window.work_page.isVisible()  # type: ignore[union-attr]
    assert not window.board.isVisible()
    assert window.status_alerts.text() == ""
    assert child(window, QLineEdit, "lock_login").text() == "nurse"
    assert "10 min without input" in child(window, QLabel, "lock_reason").text()
    assert not window.findChild(QAction, "find_patient_action")
    lock = admin.audit.search(actor="nurse", action="lock")[0]
    assert json.loads(lock.after or "{}") == {"reason": "idle"}


def test_input_keeps_the_screen_open(window: MainWindow, clock: FakeClock, qtbot: QtBot) -> None:
    """A key press restarts the idle count: nine minutes, a key, nine more minutes, and the screen is still open."""
    clock.advance(minutes=9)
    qtbot.keyClick(window.board, Qt.Key.Key_Shift)
    clock.advance(minutes=9)
    window.tick()
    assert window.page is Page.WORK
    clock.advance(minutes=1)
    window.tick()
    assert window.page is Page.LOCKED


def test_a_draft_typed_before_the_lock_is_kept_for_the_same_user(
    window: MainWindow, clock: FakeClock, qtbot: QtBot, infusing: int, nurse: Clinic, admin: Clinic
) -> None:
    """A note being typed is saved as the nurse's draft when the screen locks, and is on screen after unlocking."""
    workspace = _type_note(qtbot, window, infusing)
    clock.advance(minutes=10)
    window.tick()
    assert window.page is Page.LOCKED
    assert nurse.bedside.draft(infusing, draft_field("dissociation")) == NOTE
    assert not workspace.isVisible()

    _unlock(qtbot, window, "nurse", "wrong password")
    assert window.page is Page.LOCKED
    assert "Wrong login or password" in child(window, QLabel, "lock_message").text()
    assert child(window, QLineEdit, "lock_password").text() == ""

    _unlock(qtbot, window, "nurse", PASSWORDS["nurse"])
    assert window.page is Page.WORK
    assert window.tabs.currentWidget() is workspace
    assert child(workspace, QPlainTextEdit, "note_text").toPlainText() == NOTE
    actions = [e.action for e in admin.audit.search(actor="nurse")]
    assert actions[:3] == ["unlock", "failed_unlock", "lock"]


def test_another_user_unlocks_and_the_window_acts_as_them(
    window: MainWindow, clock: FakeClock, qtbot: QtBot, infusing: int, nurse: Clinic, admin: Clinic
) -> None:
    """A second nurse unlocks with her own password: her name is in the status bar and her readings are hers."""
    _type_note(qtbot, window, infusing)
    window.lock()
    _unlock(qtbot, window, "nurse2", PASSWORDS["nurse2"])

    assert window.page is Page.WORK
    assert window.clinic.user.login == "nurse2"
    assert "Tom Achterberg, RN" in window.status_user.text()
    assert window.tabs.count() == 1, "the first nurse's visit tabs are closed"
    workspace = window.open_visit(infusing)
    assert child(workspace, QPlainTextEdit, "note_text").toPlainText() == "", "drafts are per user"
    assert nurse.bedside.draft(infusing, draft_field("dissociation")) == NOTE
    workspace.tabs.setCurrentWidget(workspace.monitoring)
    for key, value in {"sbp": "124", "dbp": "78", "hr": "70", "spo2": "98", "rr": "14"}.items():
        qtbot.keyClicks(child(workspace, QLineEdit, f"vitals_row_{key}"), value)
    qtbot.keyClick(child(workspace, QLineEdit, "vitals_row_rr"), Qt.Key.Key_Return)
    latest = window.clinic.visits.get(infusing).detail.vitals[-1]
    assert (latest.vitals.sbp, latest.entered_by) == (124, "nurse2")
    assert [e.action for e in admin.audit.search(actor="nurse")][:2] == ["sign_out", "lock"]
    assert admin.audit.search(actor="nurse2")[-1].action == "sign_in"


def test_ctrl_l_locks_at_once(window: MainWindow, qtbot: QtBot, admin: Clinic) -> None:
    """Ctrl+L (File ▸ Lock / switch user) locks the screen without waiting, and says it was locked by hand."""
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.board, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.page is Page.LOCKED
    assert json.loads(admin.audit.search(actor="nurse", action="lock")[0].after or "{}") == {"reason": "manual"}
    assert child(window, QLineEdit, "lock_password").hasFocus()


def test_locking_closes_dialogs(window: MainWindow) -> None:
    """An open dialog (a patient form, which shows a patient's record) is closed when the screen locks."""
    from ketadesk.ui.patients.form import PatientForm

    form = PatientForm(window.clinic, None, window)
    form.open()
    assert form.isVisible()
    window.lock()
    assert not form.isVisible()


def test_a_window_built_for_tests_does_not_lock_by_itself(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, settings: QSettings
) -> None:
    """Without require_sign_in a window built with a login never idles into the lock (tests and benchmarks)."""
    from ketadesk.ui.window.app import build_main_window

    built = build_main_window(
        db_path, clock, protocol=default_protocol, sign_in=("nurse", PASSWORDS["nurse"]), settings=settings
    )
    qtbot.addWidget(built)
    clock.advance(minutes=120)
    built.tick()
    assert built.page is Page.WORK
    built.close()
    built.clinic.close()


def test_click_unlock_button(window: MainWindow, qtbot: QtBot) -> None:
    """The Unlock button does what Enter does."""
    window.lock()
    child(window, QLineEdit, "lock_password").setText(PASSWORDS["nurse"])
    click(qtbot, window, "unlock_button")
    assert window.page is Page.WORK


def test_the_lock_screen_names_the_chairs_that_need_a_nurse_but_no_patient(
    window: MainWindow, nurse: Clinic, visit_id: int, clock: FakeClock
) -> None:
    """Locked, the screen says which chair has an alert open or vitals overdue, by number only."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    nurse.bedside.record_vitals(visit_id, sbp=188, dbp=100, hr=90, spo2=97, rr=15)
    window.tick()
    window.lock()
    chairs = window.findChild(QLabel, "lock_chairs")
    assert chairs is not None and chairs.text() == "Chair 1: alert to acknowledge"
    clock.advance(minutes=11)
    window.tick()
    assert chairs.text() == "Chair 1: alert to acknowledge, vitals overdue"
    patient = nurse.patients.get(nurse.visits.get(visit_id).detail.summary.patient_id)
    shown = " ".join(label.text() for label in window.lock_page.findChildren(QLabel))
    assert patient.family_name.upper() not in shown.upper() and patient.mrn not in shown


def test_a_user_disabled_while_signed_in_is_sent_back_to_the_door(
    window: MainWindow, clinic: Clinic, infusing: int
) -> None:
    """The next Enter after an administrator disables the nurse saves nothing and ends her session, saying why."""
    admin = clinic.sign_in("admin", PASSWORDS["admin"])
    workspace = window.open_visit(infusing)
    row = workspace.monitoring.vitals_row
    admin.accounts.set_user_active("nurse", False)
    before = len(admin.visits.get(infusing).detail.vitals)
    row.set_values(sbp="120", dbp="80", hr="70", spo2="98", rr="14")
    assert row.commit() is None
    assert len(admin.visits.get(infusing).detail.vitals) == before
    assert window.page is Page.DOOR
    assert "was disabled while signed in" in child(window, QLabel, "sign_in_message").text()
    assert admin.audit.search(actor="nurse")[0].action == "sign_out"
