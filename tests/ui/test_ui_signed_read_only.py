"""A signed visit's workspace offers nothing to type into or press that would write, says who signed it, and
takes an addendum."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.ui.visit.workspace import VisitWorkspace
from tests.ui.sign_in_steps import PASSWORDS, give_passwords, quick_argon2
from tests.ui.visit_records_steps import signed_yesterday, window_for

# What may stay live on a signed visit: the addendum (its own signed write) and Qt's table corner (selects all).
# The banner's watch line opens the course's watch: the course goes on after this visit is signed.
MAY_STAY_LIVE = {"workspace_addendum_button", "qt_tableview_cornerbutton", "banner_watch"}


@pytest.fixture(autouse=True)
def _passwords(monkeypatch: pytest.MonkeyPatch, clinic: Clinic) -> None:
    """The fixture users have their test passwords (the physician signs with hers), hashed cheaply."""
    quick_argon2(monkeypatch)
    give_passwords(clinic)


def live_inputs(root: QWidget) -> list[str]:
    """Every field or button on screen under ``root`` that could be typed into or pressed."""
    found: list[str] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isEnabled() or widget.objectName() in MAY_STAY_LIVE:
            continue
        if isinstance(widget, QLineEdit | QPlainTextEdit) and widget.isReadOnly():
            continue
        if isinstance(widget, QLineEdit | QPlainTextEdit | QAbstractSpinBox | QComboBox | QAbstractButton):
            if (
                isinstance(widget, QAbstractButton)
                and widget.parent() is not None
                and "QTabBar" in type(widget.parent()).__name__
            ):
                continue  # the section tabs' own scroll arrows
            found.append(f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()}")
    return found


def _workspace(qtbot: QtBot, tmp_path: Path, clinic: Clinic, visit_id: int) -> VisitWorkspace:
    """The signed visit's workspace, opened in the window as a tile or a tab would open it."""
    return window_for(qtbot, clinic, tmp_path).open_visit(visit_id)


@pytest.mark.parametrize("who", ["nurse", "physician", "administrator"])
def test_every_section_of_a_signed_visit_is_read_only(
    qtbot: QtBot,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    nurse: Clinic,
    physician: Clinic,
    clock: FakeClock,
    visit_id: int,
    who: str,
) -> None:
    """Each of the four sections, shown in turn, has every writing input disabled, the open alert's too.

    Nurses and physicians may add an addendum; an administrator reads, and is told why not.
    """
    signed_yesterday(nurse, physician, clock, visit_id, acknowledge=False)
    viewer: Clinic = request.getfixturevalue(who)
    workspace = _workspace(qtbot, tmp_path, viewer, visit_id)
    assert workspace.monitoring.alert_rows, "the unacknowledged alert stays shown"
    for index in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(index)
        assert live_inputs(workspace) == [], workspace.tabs.tabText(index)
    assert all(not row.isEnabled() for row in workspace.monitoring.alert_rows.values())
    notice = workspace.signed_notice
    assert notice.isVisible()
    assert notice.text.text().startswith("Signed by Samuel Okonkwo, MD at ")
    assert "the record is locked" in notice.text.text()
    assert notice.addendum_button.isEnabled() is (who != "administrator")
    if who == "administrator":
        assert "nurse role or the physician role" in notice.addendum_button.toolTip()
    workspace.window().stop()  # type: ignore[attr-defined]


def test_an_addendum_is_added_from_the_signed_workspace(
    qtbot: QtBot, tmp_path: Path, nurse: Clinic, physician: Clinic, clock: FakeClock, visit_id: int
) -> None:
    """Add addendum… opens the review's dialog; signed with the password, it is stored and the line counts it."""
    signed_yesterday(nurse, physician, clock, visit_id)
    workspace = _workspace(qtbot, tmp_path, physician, visit_id)
    qtbot.mouseClick(workspace.signed_notice.addendum_button, Qt.MouseButton.LeftButton)
    dialog = workspace.signed_notice.addendum_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.text.setPlainText("Patient phoned next morning: slept well, no nausea.")
    dialog.reason.setText("Late entry: follow-up call")
    dialog.password.setText("not my password")
    dialog.add()
    assert dialog.isVisible() and "Wrong" in dialog.message.text()
    assert physician.signing.addenda(visit_id) == []
    dialog.password.setText(PASSWORDS["doctor"])
    dialog.add()
    assert not dialog.isVisible()
    addenda = physician.signing.addenda(visit_id)
    assert [(a.text, a.by) for a in addenda] == [("Patient phoned next morning: slept well, no nausea.", "doctor")]
    assert addenda[0].signature is not None
    assert "1 addendum after it" in workspace.signed_notice.text.text()
    assert "Addendum added and signed" in workspace.signed_notice.message.text()
    workspace.window().stop()  # type: ignore[attr-defined]
