"""The administrator's list of users: add one with a first password, reset a password, disable or enable a login.

The clinic API decides who may do what; this dialog only offers it. Anyone else who somehow
opens it sees the API's refusal in words, not a crash and not the data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.clinic.accounts import MIN_PASSWORD
from ketadesk.core.users import PERSON_ROLES, Role, User, role_words
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button, line, table
from ketadesk.ui.kit.writes import run_write

ROLES = PERSON_ROLES


class UsersDialog(QDialog):
    """Everyone who can sign in: add a user with a first password, reset a password, disable or enable a login."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("users_dialog")
        self.setWindowTitle("Users")
        self.setMinimumSize(860, 600)
        self.people: list[tuple[User, bool]] = []
        layout = QVBoxLayout(self)
        self.table = table("users_table", "Users", ("Login", "Printed name", "Credentials", "Roles", "Login is"))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        columns = QHBoxLayout()
        columns.addWidget(self._add_box(), 1)
        columns.addWidget(self._selected_box(), 1)
        layout.addLayout(columns)
        self.message = MessageLine("users_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("users_close_button")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def _add_box(self) -> QGroupBox:
        box = QGroupBox("Add a user")
        form = QFormLayout(box)
        self.new_login = line("user_login", "Login", placeholder="letters, digits, . _ -")
        self.new_name = line("user_display_name", "Printed name", placeholder="as under a signature")
        self.new_credentials = line("user_credentials", "Credentials", placeholder="RN, MD, … (may be empty)")
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles = QHBoxLayout()
        for role in ROLES:
            box_for_role = QCheckBox(role.value)
            box_for_role.setObjectName(f"user_role_{role.value}")
            self.role_boxes[role] = box_for_role
            roles.addWidget(box_for_role)
        roles.addStretch(1)
        self.new_password = line(
            "user_password", "First password", password=True, placeholder=f"at least {MIN_PASSWORD} characters"
        )
        self.new_password_again = line("user_password_again", "First password again", password=True)
        self.add_button = button("user_add_button", "&Add user", default=False)
        self.add_button.clicked.connect(self.add_user)
        form.addRow("&Login", self.new_login)
        form.addRow("Printed &name", self.new_name)
        form.addRow("&Credentials", self.new_credentials)
        form.addRow("Roles", roles)
        form.addRow("First &password", self.new_password)
        form.addRow("Password again", self.new_password_again)
        form.addRow(self.add_button)
        return box

    def _selected_box(self) -> QGroupBox:
        box = QGroupBox("Selected user")
        form = QFormLayout(box)
        self.selected_label = QLabel("Choose a user in the list.")
        self.selected_label.setObjectName("users_selected")
        self.selected_label.setWordWrap(True)
        self.reset_password = line(
            "user_new_password", "New password", password=True, placeholder=f"at least {MIN_PASSWORD} characters"
        )
        self.reset_password_again = line("user_new_password_again", "New password again", password=True)
        self.reset_button = button("user_reset_button", "&Reset password", default=False)
        self.reset_button.setToolTip("Sets a new password and lifts a lock after wrong passwords")
        self.reset_button.clicked.connect(self.reset)
        self.toggle_button = button("user_toggle_button", "&Disable login", default=False)
        self.toggle_button.setToolTip("A disabled login cannot sign in; everything it wrote stays attributed to it")
        self.toggle_button.clicked.connect(self.toggle_active)
        form.addRow(self.selected_label)
        form.addRow("New password", self.reset_password)
        form.addRow("New password again", self.reset_password_again)
        form.addRow(self.reset_button)
        form.addRow(self.toggle_button)
        return box

    # ------------------------------------------------------------------ the list

    def refresh(self, select: str | None = None) -> None:
        """Re-read the users; keep (or move) the selection."""
        keep = select or self.selected_login()
        self.people = self.clinic.accounts.users()
        self.table.setRowCount(len(self.people))
        for row, (user, active) in enumerate(self.people):
            values = (
                user.login,
                user.display_name,
                user.credentials,
                role_words(user.roles),
                "active" if active else "DISABLED",
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if not active:
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if keep is not None:
            self.select(keep)
        self._selection_changed()

    def select(self, login: str) -> None:
        """Select ``login`` in the list."""
        for row, (user, _active) in enumerate(self.people):
            if user.login == login:
                self.table.selectRow(row)
                return

    def selected(self) -> tuple[User, bool] | None:
        """The chosen user and whether the login is active."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.people):
            return None
        return self.people[rows[0].row()]

    def selected_login(self) -> str | None:
        """The chosen user's login."""
        chosen = self.selected()
        return chosen[0].login if chosen else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        for widget in (self.reset_password, self.reset_password_again, self.reset_button, self.toggle_button):
            widget.setEnabled(chosen is not None)
        if chosen is None:
            self.selected_label.setText("Choose a user in the list.")
            self.toggle_button.setText("&Disable login")
            return
        user, active = chosen
        self.selected_label.setText(f"{user.signature_name} ({user.login}) — {'active' if active else 'disabled'}")
        self.toggle_button.setText("&Disable login" if active else "&Enable login")

    # ------------------------------------------------------------------ writes

    def add_user(self) -> Changes | None:
        """Add the user typed in; the form keeps everything but the passwords when refused."""
        password = self.new_password.text()
        if password != self.new_password_again.text():
            self.message.error("The two passwords differ; type the first password twice again.")
            self._clear(self.new_password, self.new_password_again)
            return None
        roles = frozenset(role for role, box in self.role_boxes.items() if box.isChecked())
        if not roles:
            self.message.error("Tick at least one role: nurse, physician or administrator.")
            return None
        login = self.new_login.text().strip().lower()
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.accounts.create_user(
                login, self.new_name.text(), self.new_credentials.text(), roles, password
            ),
        )
        self._clear(self.new_password, self.new_password_again)
        if changes is None:
            return None
        for field in (self.new_login, self.new_name, self.new_credentials):
            field.clear()
        for box in self.role_boxes.values():
            box.setChecked(False)
        self.refresh(select=login)
        self.message.ok(f"Added {login}. Give them the first password; they can sign in now.")
        return changes

    def reset(self) -> Changes | None:
        """Give the selected user a new password (and lift any lock after wrong passwords)."""
        login = self.selected_login()
        if login is None:
            self.message.error("Choose the user whose password to reset.")
            return None
        password = self.reset_password.text()
        if password != self.reset_password_again.text():
            self.message.error("The two passwords differ; type the new password twice again.")
            self._clear(self.reset_password, self.reset_password_again)
            return None
        changes = run_write(self.clinic, self.message, lambda: self.clinic.accounts.set_password(login, password))
        self._clear(self.reset_password, self.reset_password_again)
        if changes is not None:
            self.refresh(select=login)
            self.message.ok(f"New password set for {login}; any lock after wrong passwords is lifted.")
        return changes

    def toggle_active(self) -> Changes | None:
        """Disable the selected login, or enable it again."""
        chosen = self.selected()
        if chosen is None:
            self.message.error("Choose the user to disable or enable.")
            return None
        user, active = chosen
        changes = run_write(
            self.clinic, self.message, lambda: self.clinic.accounts.set_user_active(user.login, not active)
        )
        if changes is not None:
            self.refresh(select=user.login)
            self.message.ok(f"{user.login} can no longer sign in." if active else f"{user.login} can sign in again.")
        return changes

    @staticmethod
    def _clear(*fields: QLineEdit) -> None:
        for field in fields:
            field.clear()
