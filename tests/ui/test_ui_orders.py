"""Through the widgets, across two sessions: a nurse asks, the physician elsewhere answers; a verbal order waits."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.review.requests import RequestsPanel
from ketadesk.ui.visit.approval import PhysicianAcknowledgement
from ketadesk.ui.visit.workspace import VisitWorkspace
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, close_window, give_passwords, guarded_window, quick_argon2, sign_in

WHY = "Baseline 152/96 twice, calm, usual readings 145-150/90"
# KETADESK_SCREENSHOTS=docs/screenshots saves the new dialogs and the worklist as the product's screenshots.
SHOTS = os.environ.get("KETADESK_SCREENSHOTS", "")


def _shot(widget: QWidget, name: str) -> None:
    """Photograph ``widget`` for docs/ when asked to (the test never writes into the tree otherwise)."""
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing for these screens."""
    quick_argon2(monkeypatch)


@pytest.fixture
def high_baseline(nurse: Clinic, clinic: Clinic, visit_id: int) -> int:
    """The staff have passwords; the visit's baseline BP is above the limit, waiting for a physician."""
    give_passwords(clinic)
    ready_to_infuse(nurse, visit_id, sbp=152, dbp=96)
    return visit_id


def _window(
    qtbot: QtBot, tmp_path: Path, db_path: Path, clock: FakeClock, protocol: Protocol, login: str
) -> MainWindow:
    """A window of its own (its own connection to the file), signed in with the user's own password."""
    settings = QSettings(str(tmp_path / f"{login}.ini"), QSettings.Format.IniFormat)
    window = guarded_window(qtbot, db_path, clock, protocol, settings)
    sign_in(qtbot, window, login, PASSWORDS[login])
    assert window.clinic.user.login == login
    return window


@pytest.fixture
def windows(
    qtbot: QtBot, tmp_path: Path, db_path: Path, clock: FakeClock, default_protocol: Protocol, high_baseline: int
) -> Iterator[tuple[MainWindow, MainWindow]]:
    """The nurse's workstation and the physician's, in another room, each with its own session."""
    nurse_window = _window(qtbot, tmp_path, db_path, clock, default_protocol, "nurse")
    doctor_window = _window(qtbot, tmp_path, db_path, clock, default_protocol, "doctor")
    yield nurse_window, doctor_window
    close_window(doctor_window)
    close_window(nurse_window)


def _dialog(workspace: VisitWorkspace) -> PhysicianAcknowledgement:
    section = workspace.pre_assessment
    assert section.baseline_ack_button.isVisible()
    section.baseline_ack_button.click()
    dialog = section.acknowledgement_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_nurse_asks_and_the_physician_elsewhere_approves_in_their_own_session(
    qtbot: QtBot, windows: tuple[MainWindow, MainWindow], high_baseline: int, nurse: Clinic
) -> None:
    """The request shows at once in the physician's status bar and worklist; their approval shows at the bedside."""
    nurse_window, doctor_window = windows
    workspace = nurse_window.open_visit(high_baseline)
    dialog = _dialog(workspace)
    dialog.ways.setCurrentWidget(dialog.request_page)
    page = dialog.request_page
    assert page.physician.currentData() == "doctor"
    assert "152/96" in page.values.text()
    page.reason.setPlainText(WHY)
    dialog.resize(640, 420)
    _shot(dialog, "approval-request")
    page.send.click()
    assert not dialog.isVisible()
    section = workspace.pre_assessment
    assert "⚑ Request" in section.baseline_orders.text() and "pending" in section.baseline_orders.text()
    assert any("Baseline BP" in b for b in nurse.infusion.start_blockers(high_baseline))  # asked is not approved
    nurse_window.resize(1300, 900)
    _shot(nurse_window, "approval-request-pending")

    doctor_window.tick()  # the physician's window, another connection: it sees the commit on its tick
    status = doctor_window.approvals.button
    assert status.isVisible() and "Chair 1 · NÚÑEZ, Zoë" in status.text() and "Request" in status.text()
    status.click()
    panel = doctor_window.findChild(RequestsPanel, "requests_panel")
    assert panel is not None and panel.isVisible()
    assert [(w.kind, w.where) for w in panel.items] == [("request", "Chair 1 · NÚÑEZ, Zoë")]
    assert panel.table.item(0, 3).text() == WHY
    doctor_window.resize(1300, 700)
    _shot(doctor_window, "physician-worklist-approvals")
    panel.reason.setText("Proceed; recheck BP at 10 min")
    panel.password.setText(PASSWORDS["doctor"])
    panel.approve.click()
    assert panel.items == [] and "approved" in panel.message.text()
    doctor_window.tick()
    assert not status.isVisible()

    workspace.tick()  # the nurse's workspace sees the other session's commit on its tick
    assert "acknowledged by Samuel Okonkwo, MD" in section.baseline_ack.text()
    assert "approved by Samuel Okonkwo, MD" in section.baseline_orders.text()
    assert not any("Baseline BP" in b for b in nurse.infusion.start_blockers(high_baseline))


def test_a_declined_request_shows_its_reason_at_the_bedside(
    qtbot: QtBot, windows: tuple[MainWindow, MainWindow], high_baseline: int, nurse: Clinic
) -> None:
    """Declining needs the reason typed; the nurse's section shows it and the gate stays shut."""
    nurse_window, doctor_window = windows
    workspace = nurse_window.open_visit(high_baseline)
    dialog = _dialog(workspace)
    dialog.request_page.reason.setPlainText(WHY)
    dialog.request_page.send.click()
    again = _dialog(workspace)  # opened again, it says what is already asked before a second request
    assert "pending" in again.existing.text() and again.existing.isVisible()
    again.reject()
    doctor_window.tick()
    panel = doctor_window.open_worklist().requests
    panel.password.setText(PASSWORDS["doctor"])
    panel.decline.click()
    assert "Why it is declined" in panel.message.text() and len(panel.items) == 1
    assert panel.password.text() == ""  # cleared after every try, typed again with the reason
    panel.reason.setText("Rest 15 min and repeat the baseline first")
    panel.password.setText(PASSWORDS["doctor"])
    panel.decline.click()
    workspace.tick()
    shown = workspace.pre_assessment.baseline_orders.text()
    assert "✗ Request" in shown and "Rest 15 min" in shown
    assert workspace.pre_assessment.baseline_ack_button.isVisible()


def test_a_verbal_order_unblocks_marked_unverified_and_the_physician_countersigns(
    qtbot: QtBot, windows: tuple[MainWindow, MainWindow], high_baseline: int, nurse: Clinic
) -> None:
    """Without the read-back tick nothing is saved; with it the start is unblocked, unverified until countersigned."""
    nurse_window, doctor_window = windows
    workspace = nurse_window.open_visit(high_baseline)
    dialog = _dialog(workspace)
    dialog.ways.setCurrentWidget(dialog.verbal_page)
    page = dialog.verbal_page
    page.order.setPlainText("Proceed with the infusion; recheck BP at 10 min")
    page.record.click()
    assert dialog.isVisible() and "Read the order back" in page.message.text()
    assert nurse.visits.get(high_baseline).detail.verbal_orders == ()
    page.read_back.setChecked(True)
    page.message.clear_message()
    dialog.resize(640, 420)
    _shot(dialog, "verbal-order")
    page.record.click()
    assert not dialog.isVisible()
    section = workspace.pre_assessment
    assert "UNVERIFIED" in section.baseline_ack.text() and not section.baseline_ack_button.isVisible()
    assert "Telephone order of Samuel Okonkwo, MD" in section.baseline_orders.text()
    assert "UNVERIFIED" in section.baseline_orders.text()
    assert not any("Baseline BP" in b for b in nurse.infusion.start_blockers(high_baseline))

    doctor_window.tick()
    assert "Telephone order — UNVERIFIED" in doctor_window.approvals.button.text()
    panel = doctor_window.open_worklist().requests
    assert not panel.approve.isEnabled() and panel.countersign.isEnabled()
    panel.countersign.click()
    assert "Type your password" in panel.message.text() and panel.password.hasFocus()
    panel.password.setText(PASSWORDS["doctor"])
    panel.countersign.click()
    assert panel.password.text() == ""
    workspace.tick()
    assert "countersigned by Samuel Okonkwo, MD" in section.baseline_orders.text()


def test_a_nurse_sees_no_answer_buttons_and_cannot_answer(
    qtbot: QtBot, windows: tuple[MainWindow, MainWindow], high_baseline: int
) -> None:
    """The nurse's worklist has no approvals to give; the API refuses her all the same."""
    nurse_window, _doctor_window = windows
    worklist = nurse_window.open_worklist()
    assert not worklist.requests.isVisible()
    assert not worklist.requests.approve.isEnabled()
    assert "cannot answer approval requests" in nurse_window.clinic.orders.approve_request.allowed().reason
    assert nurse_window.findChild(QPushButton, "status_approvals").isHidden()


def test_the_status_bar_names_no_patient_behind_the_lock(
    qtbot: QtBot, windows: tuple[MainWindow, MainWindow], high_baseline: int, nurse: Clinic
) -> None:
    """Locked, the physician's status bar drops the approvals line (chair and patient) until they are back."""
    _nurse_window, doctor_window = windows
    nurse.orders.request_approval(high_baseline, "baseline_bp", WHY, "", physician_login="doctor")
    doctor_window.tick()
    assert doctor_window.approvals.button.isVisible()
    doctor_window.lock()
    assert doctor_window.approvals.button.isHidden()
    doctor_window.tick()
    assert doctor_window.approvals.button.isHidden()
