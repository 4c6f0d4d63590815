"""The administrator's screens: the users of the clinic, and the audit log.

The clinic API decides who may do what; these screens only offer it. A nurse who somehow
opens one sees the API's refusal in words, not a crash and not the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.clinic.accounts import MIN_PASSWORD
from ketadesk.core.audit import AuditAction, AuditEntity
from ketadesk.core.clock import from_utc_iso, to_utc_iso
from ketadesk.core.users import Role, User
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import attempt, run_write

ROLES = (Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR)
# The log shows this many of the newest matching entries; an export holds every match.
SHOWN = 1000
EVERY_MATCH = 10**9
# The filter lists are the audit trail's own vocabulary (core), so every action written can be chosen.
KNOWN_ACTIONS = tuple(action.value for action in AuditAction)
KNOWN_ENTITIES = tuple(entity.value for entity in AuditEntity)


class AuditRow(Protocol):
    """What the log shows of one audit entry (the clinic API's audit entries have these fields)."""

    @property
    def id(self) -> int: ...
    @property
    def at(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> int | None: ...
    @property
    def before(self) -> str | None: ...
    @property
    def after(self) -> str | None: ...


def _line(name: str, accessible: str, *, password: bool = False, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setPlaceholderText(placeholder)
    if password:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _button(name: str, text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", ""))
    button.setAutoDefault(False)
    return button


def _table(name: str, accessible: str, headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _role_words(roles: frozenset[Role]) -> str:
    return ", ".join(r.value for r in ROLES if r in roles)


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
        self.table = _table("users_table", "Users", ("Login", "Printed name", "Credentials", "Roles", "Login is"))
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
        self.new_login = _line("user_login", "Login", placeholder="letters, digits, . _ -")
        self.new_name = _line("user_display_name", "Printed name", placeholder="as under a signature")
        self.new_credentials = _line("user_credentials", "Credentials", placeholder="RN, MD, … (may be empty)")
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles = QHBoxLayout()
        for role in ROLES:
            box_for_role = QCheckBox(role.value)
            box_for_role.setObjectName(f"user_role_{role.value}")
            self.role_boxes[role] = box_for_role
            roles.addWidget(box_for_role)
        roles.addStretch(1)
        self.new_password = _line(
            "user_password", "First password", password=True, placeholder=f"at least {MIN_PASSWORD} characters"
        )
        self.new_password_again = _line("user_password_again", "First password again", password=True)
        self.add_button = _button("user_add_button", "&Add user")
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
        self.reset_password = _line(
            "user_new_password", "New password", password=True, placeholder=f"at least {MIN_PASSWORD} characters"
        )
        self.reset_password_again = _line("user_new_password_again", "New password again", password=True)
        self.reset_button = _button("user_reset_button", "&Reset password")
        self.reset_button.setToolTip("Sets a new password and lifts a lock after wrong passwords")
        self.reset_button.clicked.connect(self.reset)
        self.toggle_button = _button("user_toggle_button", "&Disable login")
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
                _role_words(user.roles),
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


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _local_midnight(day: date) -> str:
    """The start of ``day`` on this workstation's clock, as the stored UTC text."""
    return to_utc_iso(datetime.combine(day, time()).astimezone())


def _shown(text: str | None, width: int = 140) -> str:
    text = text or ""
    return text if len(text) <= width else f"{text[: width - 1]}…"


class AuditLogDialog(QDialog):
    """Who did what and when: filter by user, action, record kind and dates; export what matches as CSV."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("audit_log_dialog")
        self.setWindowTitle("Audit log")
        self.setMinimumSize(1000, 620)
        self.entries: list[AuditRow] = []
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.count = QLabel()
        self.count.setObjectName("audit_count")
        layout.addWidget(self.count)
        self.table = _table(
            "audit_table",
            "Audit entries",
            ("#", "When (local)", "User", "Action", "Record", "Record id", "Before", "After"),
        )
        layout.addWidget(self.table, 1)
        self.message = MessageLine("audit_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = _button("audit_export_button", "&Export CSV…")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("audit_close_button")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.user = QComboBox()
        self.user.setObjectName("audit_user")
        self.user.setAccessibleName("User")
        self.user.addItem("Anyone", None)
        for person, _active in self.clinic.accounts.users():
            self.user.addItem(f"{person.login} — {person.display_name}", person.login)
        self.user.addItem("system — the program itself", "system")
        self.action = self._editable("audit_action", "Action", KNOWN_ACTIONS)
        self.entity = self._editable("audit_entity", "Record", KNOWN_ENTITIES)
        today = self.clinic.today()
        self.from_enabled = QCheckBox("&From")
        self.from_enabled.setObjectName("audit_from_enabled")
        self.from_date = self._date("audit_from", "From date", today - timedelta(days=30))
        self.to_enabled = QCheckBox("&To")
        self.to_enabled.setObjectName("audit_to_enabled")
        self.to_date = self._date("audit_to", "To date (inclusive)", today)
        self.from_enabled.toggled.connect(self.from_date.setEnabled)
        self.to_enabled.toggled.connect(self.to_date.setEnabled)
        self.search_button = _button("audit_search_button", "&Show")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        for caption, combo in (("&User", self.user), ("&Action", self.action), ("&Record", self.entity)):
            label = QLabel(caption)
            label.setBuddy(combo)
            row.addWidget(label)
            row.addWidget(combo, 1)
        for widget in (self.from_enabled, self.from_date, self.to_enabled, self.to_date, self.search_button):
            row.addWidget(widget)
        return row

    @staticmethod
    def _editable(name: str, accessible: str, choices: Sequence[str]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setEditable(True)
        combo.addItem("")
        combo.addItems(list(choices))
        combo.setCurrentIndex(0)
        line = combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("any")
        combo.setMinimumContentsLength(10)
        return combo

    @staticmethod
    def _date(name: str, accessible: str, day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        return edit

    def filters(self) -> dict[str, str | None]:
        """The chosen filters as the clinic API takes them (dates are whole local days, "to" included)."""
        since = _local_midnight(_pydate(self.from_date.date())) if self.from_enabled.isChecked() else None
        until = None
        if self.to_enabled.isChecked():
            until = _local_midnight(_pydate(self.to_date.date()) + timedelta(days=1))
        actor = self.user.currentData()
        return {
            "actor": str(actor) if actor else None,
            "action": self.action.currentText().strip() or None,
            "entity": self.entity.currentText().strip() or None,
            "since": since,
            "until": until,
        }

    def search(self) -> list[AuditRow]:
        """Show the newest entries that match the filters."""
        filters = self.filters()
        found = attempt(self.message, lambda: self.clinic.audit.search(limit=SHOWN, **filters))
        self.entries = list(found or [])
        self._fill()
        self.export_button.setEnabled(found is not None)
        if found is None:
            self.count.setText("")
        elif len(self.entries) >= SHOWN:
            self.count.setText(f"The newest {SHOWN} matching entries (an export holds every match).")
        else:
            self.count.setText(f"{len(self.entries)} matching entr{'y' if len(self.entries) == 1 else 'ies'}.")
        return self.entries

    def _fill(self) -> None:
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            when = from_utc_iso(entry.at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
            values = (
                str(entry.id),
                when,
                entry.actor or "(unknown login)",
                entry.action,
                entry.entity,
                "" if entry.entity_id is None else str(entry.entity_id),
                _shown(entry.before),
                _shown(entry.after),
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                full = (entry.before if column == 6 else entry.after) if column >= 6 else None
                if full:
                    item.setToolTip(full)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in (6, 7):
            header.resizeSection(column, min(header.sectionSize(column), 320))

    def export(self) -> Path | None:
        """Ask where (the dialog asks before replacing a file), then write every matching entry as CSV."""
        suggested = f"ketadesk-audit-{self.clinic.today().isoformat()}.csv"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export the audit log", suggested, "CSV file (*.csv)")
        if not chosen:
            return None
        return self.export_to(Path(chosen))

    def export_to(self, path: Path) -> Path | None:
        """Write every entry matching the filters to ``path`` as CSV (the export itself is audited)."""
        filters = self.filters()
        entries = attempt(self.message, lambda: self.clinic.audit.search(limit=EVERY_MATCH, **filters))
        if entries is None:
            return None
        try:
            # The save dialog has already asked before replacing a file.
            saved = attempt(self.message, lambda: self.clinic.audit.save_csv(entries, path, overwrite=True))
        except OSError as error:
            self.message.error(
                f"The file could not be written: {error.strerror or error} ({path}). Choose another folder."
            )
            return None
        if saved is None:
            return None
        rows = len(entries)
        self.message.ok(f"Exported {rows} entr{'y' if rows == 1 else 'ies'} to {path}")
        return path
