"""The sign-in door: login and password, and on a demo clinic the demo's logins to pick from."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Clinic
from ketadesk.ui.door.panel import centred, note, panel, role_words, title
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button, line
from ketadesk.ui.kit.writes import attempt


class SignInScreen(QWidget):
    """Login and password; Enter signs in. A refusal is shown inline and only the password is cleared."""

    signed_in = Signal(object)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None, *, demo: bool = False, login: str = "") -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("sign_in_screen")
        frame, layout = panel(600 if demo else 420)
        layout.addWidget(title("sign_in_clinic_name", clinic.protocol.clinic_name))
        layout.addWidget(note(f"KetaDesk · {clinic.database_name}", "sign_in_database"))
        form = QFormLayout()
        self.login = line("sign_in_login", "Login")
        self.login.setText(login)
        self.password = line("sign_in_password", "Password", password=True)
        form.addRow("&Login", self.login)
        form.addRow("&Password", self.password)
        for field in (self.login, self.password):
            caption = form.labelForField(field)
            if isinstance(caption, QLabel):
                caption.setBuddy(field)
        layout.addLayout(form)
        self.message = MessageLine("sign_in_message")
        layout.addWidget(self.message)
        self.button = button("sign_in_button", "&Sign in")
        self.button.setDefault(True)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.demo_logins: QTableWidget | None = None
        if demo:
            layout.addWidget(self._demo_table())
        self.login.returnPressed.connect(self._login_entered)
        self.password.returnPressed.connect(self.sign_in)
        self.button.clicked.connect(self.sign_in)
        centred(self, frame)
        self.setFocusProxy(self.password if login else self.login)

    def _demo_table(self) -> QWidget:
        """The demo's logins and passwords, one row per demo person; clicking a row fills the form."""
        from ketadesk.clinic.demo import DEMO_PASSWORDS  # a demo clinic's only: the demo's modules load for it

        box = QGroupBox("Demo clinic — made-up patients; sign in as any of these")
        box.setObjectName("sign_in_demo_box")
        inner = QVBoxLayout(box)
        table = QTableWidget(0, 3)
        table.setObjectName("sign_in_demo_logins")
        table.setAccessibleName("Demo logins and passwords")
        table.setHorizontalHeaderLabels(["Login", "Password", "Who"])
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for login, password in DEMO_PASSWORDS.items():
            user = self.clinic.accounts.by_login(login)
            if user is None:
                continue
            row = table.rowCount()
            table.insertRow(row)
            for column, text in enumerate((login, password, f"{user.signature_name} ({role_words(user)})")):
                table.setItem(row, column, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height + 2 * table.frameWidth())
        table.cellClicked.connect(self._fill_from_demo)
        inner.addWidget(table)
        self.demo_logins = table
        return box

    def _fill_from_demo(self, row: int, _column: int) -> None:
        assert self.demo_logins is not None
        login, password = self.demo_logins.item(row, 0), self.demo_logins.item(row, 1)
        if login is None or password is None:
            return
        self.login.setText(login.text())
        self.password.setText(password.text())
        self.password.setFocus()

    def _login_entered(self) -> None:
        """Enter in the login box signs in when a password is there, else moves to the password."""
        if self.password.text():
            self.sign_in()
        else:
            self.password.setFocus()

    def sign_in(self) -> Clinic | None:
        """Check the login and password with the clinic; on success say who came in."""
        login = self.login.text().strip()
        if not login:
            self.message.error("Type your login.")
            self.login.setFocus()
            return None
        signed = attempt(self.message, lambda: self.clinic.sign_in(login, self.password.text()))
        self.password.clear()
        if signed is None:
            self.password.setFocus()
            return None
        self.signed_in.emit(signed)
        return signed
