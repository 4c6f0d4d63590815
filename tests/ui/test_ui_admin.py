"""The administrator's screens: users (add, reset, disable) and the audit log (filters, CSV export)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic, ValidationError, files
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.admin.audit_log import AuditLogDialog
from ketadesk.ui.admin.users import UsersDialog
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.ui.sign_in_steps import PASSWORDS, child, click, give_passwords, quick_argon2, type_into

NEW_PASSWORD = "a-brand-new-password"


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing for these screens."""
    quick_argon2(monkeypatch)


@pytest.fixture
def admin(clinic: Clinic) -> Clinic:
    """The administrator, signed in, on a clinic whose staff have passwords."""
    give_passwords(clinic)
    return clinic.sign_in("admin", PASSWORDS["admin"])


@pytest.fixture
def users(qtbot: QtBot, admin: Clinic) -> UsersDialog:
    """The users dialog, shown."""
    dialog = UsersDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _row_of(table: QTableWidget, login: str) -> int:
    rows = [r for r in range(table.rowCount()) if table.item(r, 0).text() == login]
    assert rows, f"{login} is not listed"
    return rows[0]


def _window(
    qtbot: QtBot, db_path: Path, clock: FakeClock, protocol: Protocol, tmp_path: Path, login: str
) -> MainWindow:
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    window = build_main_window(
        db_path, clock, protocol=protocol, sign_in=(login, PASSWORDS[login]) if login else None, settings=settings
    )
    qtbot.addWidget(window)
    return window


def test_an_administrator_adds_a_user_who_can_then_sign_in(users: UsersDialog, qtbot: QtBot, clinic: Clinic) -> None:
    """A new physician typed into the form is listed with roles and credentials and signs in with the first password."""
    type_into(qtbot, users, "user_login", "Okafor")
    type_into(qtbot, users, "user_display_name", "Chidi Okafor")
    type_into(qtbot, users, "user_credentials", "MD")
    child(users, QCheckBox, "user_role_physician").setChecked(True)
    type_into(qtbot, users, "user_password", NEW_PASSWORD)
    type_into(qtbot, users, "user_password_again", NEW_PASSWORD)
    click(qtbot, users, "user_add_button")

    table = child(users, QTableWidget, "users_table")
    row = _row_of(table, "okafor")
    assert [table.item(row, c).text() for c in range(5)] == ["okafor", "Chidi Okafor", "MD", "physician", "active"]
    assert users.selected_login() == "okafor"
    assert "Added okafor" in child(users, QLabel, "users_message").text()
    assert clinic.sign_in("okafor", NEW_PASSWORD).user.display_name == "Chidi Okafor"


def test_a_refused_user_keeps_the_form_but_not_the_passwords(users: UsersDialog, qtbot: QtBot) -> None:
    """A short first password is refused in words; the name stays typed, both password boxes empty."""
    type_into(qtbot, users, "user_login", "ann")
    type_into(qtbot, users, "user_display_name", "Ann Rivers")
    child(users, QCheckBox, "user_role_nurse").setChecked(True)
    type_into(qtbot, users, "user_password", "short")
    type_into(qtbot, users, "user_password_again", "short")
    click(qtbot, users, "user_add_button")
    assert "at least 10 characters" in child(users, QLabel, "users_message").text()
    assert users.new_name.text() == "Ann Rivers"
    assert users.new_password.text() == users.new_password_again.text() == ""


def test_resetting_a_password_replaces_the_old_one(users: UsersDialog, qtbot: QtBot, clinic: Clinic) -> None:
    """After a reset the new password signs in and the old one no longer does."""
    users.select("nurse")
    type_into(qtbot, users, "user_new_password", NEW_PASSWORD)
    type_into(qtbot, users, "user_new_password_again", NEW_PASSWORD)
    click(qtbot, users, "user_reset_button")
    assert "New password set for nurse" in child(users, QLabel, "users_message").text()
    assert clinic.sign_in("nurse", NEW_PASSWORD).user.login == "nurse"
    with pytest.raises(ValidationError, match="Wrong login or password"):
        clinic.sign_in("nurse", PASSWORDS["nurse"])


def test_disabling_a_user_stops_their_sign_in_until_enabled(users: UsersDialog, qtbot: QtBot, clinic: Clinic) -> None:
    """A disabled login is marked in the list and refused at sign-in; enabling it lets the person back in."""
    users.select("nurse2")
    assert users.toggle_button.text() == "&Disable login"
    click(qtbot, users, "user_toggle_button")
    table = child(users, QTableWidget, "users_table")
    assert table.item(_row_of(table, "nurse2"), 4).text() == "DISABLED"
    assert users.toggle_button.text() == "&Enable login"
    with pytest.raises(ValidationError, match="disabled"):
        clinic.sign_in("nurse2", PASSWORDS["nurse2"])
    click(qtbot, users, "user_toggle_button")
    assert clinic.sign_in("nurse2", PASSWORDS["nurse2"]).user.login == "nurse2"


def test_an_administrator_cannot_disable_their_own_login(users: UsersDialog, qtbot: QtBot) -> None:
    """The API's refusal to lock out the last door is shown in the dialog."""
    users.select("admin")
    click(qtbot, users, "user_toggle_button")
    assert "cannot disable your own login" in child(users, QLabel, "users_message").text()


def test_the_audit_log_filters_by_user_and_action(qtbot: QtBot, admin: Clinic, clinic: Clinic) -> None:
    """Choosing a user shows only their entries; adding an action narrows further."""
    clinic.sign_in("nurse", PASSWORDS["nurse"]).accounts.sign_out()
    dialog = AuditLogDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    table = child(dialog, QTableWidget, "audit_table")
    everyone = table.rowCount()
    assert everyone > 5
    who = child(dialog, QComboBox, "audit_user")
    who.setCurrentIndex(who.findData("nurse"))
    click_search(qtbot, dialog)
    users_column = {table.item(r, 2).text() for r in range(table.rowCount())}
    assert users_column == {"nurse"}
    assert table.rowCount() < everyone
    child(dialog, QComboBox, "audit_action").setCurrentText("sign_out")
    click_search(qtbot, dialog)
    assert [table.item(r, 3).text() for r in range(table.rowCount())] == ["sign_out"]
    assert child(dialog, QLabel, "audit_count").text() == "1 matching entry."


def test_the_audit_log_filters_by_dates(qtbot: QtBot, admin: Clinic, clock: FakeClock) -> None:
    """A day range keeps only that day's entries ("to" includes its whole day)."""
    dialog = AuditLogDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    today = admin.today()
    tomorrow = (today + timedelta(days=1)).isoformat()
    child(dialog, QCheckBox, "audit_from_enabled").setChecked(True)
    child(dialog, QLineEdit, "audit_from").setText(tomorrow)
    click_search(qtbot, dialog)
    assert child(dialog, QTableWidget, "audit_table").rowCount() == 0
    child(dialog, QLineEdit, "audit_from").setText(today.isoformat())
    child(dialog, QCheckBox, "audit_to_enabled").setChecked(True)
    child(dialog, QLineEdit, "audit_to").setText(today.isoformat())
    click_search(qtbot, dialog)
    assert child(dialog, QTableWidget, "audit_table").rowCount() == len(admin.audit.search())


def click_search(qtbot: QtBot, dialog: AuditLogDialog) -> None:
    """Press Show."""
    click(qtbot, dialog, "audit_search_button")


def test_exporting_the_audit_log_writes_the_filtered_entries_as_csv(
    qtbot: QtBot, admin: Clinic, tmp_path: Path
) -> None:
    """Export writes every entry matching the filters, with a header, and the export itself is audited."""
    dialog = AuditLogDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    who = child(dialog, QComboBox, "audit_user")
    who.setCurrentIndex(who.findData("admin"))
    click_search(qtbot, dialog)
    shown = child(dialog, QTableWidget, "audit_table").rowCount()
    target = tmp_path / "audit.csv"
    assert dialog.export_to(target) == target
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["id", "at", "user", "action", "entity", "entity_id", "before", "after"]
    assert len(rows) == shown + 1
    assert {r[2] for r in rows[1:]} == {"admin"}
    assert f"Exported {shown} entries" in child(dialog, QLabel, "audit_message").text()
    assert admin.audit.search(action="export")[0].actor == "admin"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_writing_a_file_atomically_replaces_it_whole(tmp_path: Path) -> None:
    """The export writer replaces a file in one step and leaves no temporary file behind."""
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    files.write_file(target, b"a,b\nc,d\n", overwrite=True)
    assert target.read_text(encoding="utf-8") == "a,b\nc,d\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert target.stat().st_mode & 0o777 == 0o644
    # The clinic's one writer names a missing folder as a refusal the screen shows (it was a bare OSError).
    with pytest.raises(ValidationError):
        files.write_file(tmp_path / "missing-folder" / "x.csv", b"x")


def test_a_nurse_cannot_open_the_admin_screens(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """For a nurse the Admin menu is disabled, the window refuses to open it, and the API refuses the data."""
    give_passwords(clinic)
    window = _window(qtbot, db_path, clock, default_protocol, tmp_path, "nurse")
    assert not window.findChild(QAction, "users_action").isEnabled()
    assert not window.findChild(QAction, "audit_log_action").isEnabled()
    assert window.open_users() is None
    assert window.open_audit_log() is None
    assert "administrators only" in window.statusBar().currentMessage()

    audit = AuditLogDialog(window.clinic)
    qtbot.addWidget(audit)
    assert child(audit, QTableWidget, "audit_table").rowCount() == 0
    assert "cannot read the audit log" in child(audit, QLabel, "audit_message").text()
    assert not audit.export_button.isEnabled()
    users = UsersDialog(window.clinic)
    qtbot.addWidget(users)
    users.show()
    type_into(qtbot, users, "user_login", "sneaky")
    type_into(qtbot, users, "user_display_name", "Sneaky Pete")
    child(users, QCheckBox, "user_role_administrator").setChecked(True)
    type_into(qtbot, users, "user_password", NEW_PASSWORD)
    type_into(qtbot, users, "user_password_again", NEW_PASSWORD)
    click(qtbot, users, "user_add_button")
    assert "cannot add users" in child(users, QLabel, "users_message").text()
    assert clinic.accounts.by_login("sneaky") is None
    window.close()
    window.clinic.close()


def test_an_administrator_opens_both_screens_from_the_menu(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> None:
    """For an administrator Admin ▸ Users… and Admin ▸ Audit log… open their dialogs."""
    give_passwords(clinic)
    window = _window(qtbot, db_path, clock, default_protocol, tmp_path, "admin")
    users_action = window.findChild(QAction, "users_action")
    assert users_action.isEnabled()
    users_action.trigger()
    users = window.findChild(UsersDialog)
    assert users is not None and users.isVisible()
    assert child(users, QTableWidget, "users_table").rowCount() == 4
    users.close()
    window.findChild(QAction, "audit_log_action").trigger()
    audit = window.findChild(AuditLogDialog)
    assert audit is not None and audit.isVisible()
    assert audit.windowModality() == Qt.WindowModality.WindowModal
    audit.close()
    window.close()
    window.clinic.close()
