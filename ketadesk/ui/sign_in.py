"""The doors of the workstation: first start, sign-in, and the lock screen.

None of these shows anything clinical. Each calls the clinic API for the one thing it does
(set up, build the demo, sign in, unlock) and hands the main window a clinic acting as the
person who came through; the window decides what to show next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Clinic, NewerDatabaseError, ProtocolError, ValidationError, config
from ketadesk.clinic.accounts import MIN_PASSWORD
from ketadesk.clinic.demo import DEMO_PASSWORDS, build_demo
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import Role, User
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import USER_ERRORS, attempt

# The demo clinic sits beside the clinic's own database under this name (as `ketadesk demo` makes it).
DEMO_FILE = "demo.sqlite"
DEMO_PATIENTS = 24
# What opening or building another database may raise that a user can act on.
DOOR_ERRORS = (*USER_ERRORS, NewerDatabaseError, ProtocolError, OSError)
ROLE_WORDS = {Role.NURSE: "nurse", Role.PHYSICIAN: "physician", Role.ADMINISTRATOR: "administrator"}


def demo_path(database: Path) -> Path:
    """Where the demo clinic for ``database``'s folder lives."""
    return database.parent / DEMO_FILE


def with_protocol(clinic: Clinic, protocol: Protocol) -> Clinic:
    """The same clinic and user under another protocol (after the clinic's name or chairs change)."""
    return clinic.with_protocol(protocol)


def role_words(user: User) -> str:
    """A user's roles in words: ``nurse, administrator``."""
    return ", ".join(ROLE_WORDS[r] for r in (Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR) if r in user.roles)


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
    return button


def _title(name: str, text: str, scale: float = 1.6) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setAccessibleName(name.replace("_", " "))
    label.setWordWrap(True)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def _note(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #616161;")
    return label


def _centred(page: QWidget, panel: QWidget) -> None:
    """Put ``panel`` in the middle of ``page``, whatever the window's size."""
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(panel, 0)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)


def _panel(width: int) -> tuple[QFrame, QVBoxLayout]:
    panel = QFrame()
    panel.setFrameShape(QFrame.Shape.StyledPanel)
    panel.setMinimumWidth(width)
    panel.setMaximumWidth(int(width * 1.6))
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(28, 24, 28, 24)
    layout.setSpacing(12)
    return panel, layout


class SignInScreen(QWidget):
    """Login and password; Enter signs in. A refusal is shown inline and only the password is cleared."""

    signed_in = Signal(object)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None, *, demo: bool = False, login: str = "") -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("sign_in_screen")
        panel, layout = _panel(600 if demo else 420)
        layout.addWidget(_title("sign_in_clinic_name", clinic.protocol.clinic_name))
        layout.addWidget(_note(f"KetaDesk · {clinic.database_path}", "sign_in_database"))
        form = QFormLayout()
        self.login = _line("sign_in_login", "Login")
        self.login.setText(login)
        self.password = _line("sign_in_password", "Password", password=True)
        form.addRow("&Login", self.login)
        form.addRow("&Password", self.password)
        for field in (self.login, self.password):
            caption = form.labelForField(field)
            if isinstance(caption, QLabel):
                caption.setBuddy(field)
        layout.addLayout(form)
        self.message = MessageLine("sign_in_message")
        layout.addWidget(self.message)
        self.button = _button("sign_in_button", "&Sign in")
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
        _centred(self, panel)
        self.setFocusProxy(self.password if login else self.login)

    def _demo_table(self) -> QWidget:
        """The demo's logins and passwords, one row per demo person; clicking a row fills the form."""
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


class FirstStartScreen(QWidget):
    """A clinic nobody can sign in to yet: look around in a demo clinic, or set this one up."""

    signed_in = Signal(object)
    demo_ready = Signal(object)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.demo_patients = DEMO_PATIENTS
        self.setObjectName("first_start_screen")
        self._building: Clinic | None = None
        self._steps: Iterator[None] | None = None
        # Builds the demo one patient per tick so the window keeps drawing; runs only while building.
        self.demo_timer = QTimer(self)
        self.demo_timer.setObjectName("demo_build_timer")
        self.demo_timer.setInterval(0)
        self.demo_timer.timeout.connect(self._demo_step)

        panel, layout = _panel(760)
        layout.addWidget(_title("first_start_title", "Welcome to KetaDesk"))
        layout.addWidget(
            _note(
                f"Nobody can sign in to this clinic's database yet ({clinic.database_path}). "
                "Look around in a demo clinic first, or set this clinic up now."
            )
        )
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addWidget(self._demo_box(), 2)
        columns.addWidget(self._setup_box(), 3)
        layout.addLayout(columns)
        _centred(self, panel)
        self.setFocusProxy(self.clinic_name)

    # ------------------------------------------------------------------ the demo

    def _demo_box(self) -> QGroupBox:
        box = QGroupBox("Look around first")
        inner = QVBoxLayout(box)
        inner.addWidget(
            _note(
                f"A separate demo database ({DEMO_FILE}, in the same folder) with made-up "
                "patients, today's visits in every phase, and a login for each role. "
                "This clinic's own database stays empty."
            )
        )
        self.open_demo_button = _button("open_demo_button", "Open a &demo clinic")
        self.open_demo_button.clicked.connect(self.open_demo)
        inner.addWidget(self.open_demo_button)
        self.demo_progress = QProgressBar()
        self.demo_progress.setObjectName("demo_progress")
        self.demo_progress.setAccessibleName("Demo clinic progress")
        self.demo_progress.setFormat("%v of %m patients")
        self.demo_progress.hide()
        inner.addWidget(self.demo_progress)
        self.demo_message = MessageLine("demo_message")
        inner.addWidget(self.demo_message)
        inner.addStretch(1)
        return box

    @property
    def building(self) -> bool:
        """True while the demo is being written."""
        return self._building is not None

    def open_demo(self) -> None:
        """Open the demo beside this database, building it first (with progress) when there is none yet."""
        database = self.clinic.database_path
        if database is None or self.building:
            return
        target = demo_path(database)
        if target.exists():
            self._reuse_or_refuse(target, same=target == database)
            return
        scratch = target.with_name(f".{target.stem}-building{target.suffix}")
        try:
            _remove_database(scratch)
            self._building = Clinic.open(scratch, self.clinic.clock, self.clinic.protocol)
        except DOOR_ERRORS as error:
            self.demo_message.error(f"The demo clinic could not be made: {_text(error)}")
            return
        self._steps = build_demo(self._building, patients=self.demo_patients, progress=self._progress)
        self.demo_progress.setRange(0, self.demo_patients)
        self.demo_progress.setValue(0)
        self.demo_progress.show()
        self.demo_message.ok("Writing the demo clinic…")
        self._set_busy(True)
        self.demo_timer.start()

    def _reuse_or_refuse(self, target: Path, *, same: bool) -> None:
        """A demo made earlier (here or by `ketadesk demo`) opens as it is; anything else is left alone."""
        try:
            existing = Clinic.open(target, self.clinic.clock, self.clinic.protocol)
        except DOOR_ERRORS as error:
            self.demo_message.error(f"{target} cannot be opened: {_text(error)}")
            return
        try:
            usable = not existing.accounts.needs_setup()
        finally:
            existing.close()
        if usable and not same:
            self.demo_ready.emit(target)
            return
        self.demo_message.error(
            f"{target} is not a demo clinic anyone can sign in to; move it out of the folder to have a fresh demo made."
        )

    def _progress(self, done: int, total: int) -> None:
        self.demo_progress.setRange(0, total)
        self.demo_progress.setValue(done)

    def _demo_step(self) -> None:
        """Write one more demo patient; at the end put the finished file in place and open it."""
        assert self._steps is not None and self._building is not None
        try:
            next(self._steps)
            return
        except StopIteration:
            pass
        except DOOR_ERRORS as error:
            self.cancel_demo()
            self.demo_message.error(f"The demo clinic could not be made: {_text(error)}")
            return
        building = self._building
        self._stop_building()
        scratch = building.database_path
        building.close()
        assert scratch is not None
        target = scratch.with_name(DEMO_FILE)
        try:
            if not target.exists():  # a stale WAL beside the new file would be replayed into it
                _remove_database(target)
            os.replace(scratch, target)
        except OSError as error:
            self.demo_message.error(f"The demo clinic could not be put in place: {_text(error)}")
            self._set_busy(False)
            return
        self.demo_message.ok("Demo clinic ready.")
        self.demo_ready.emit(target)

    def _stop_building(self) -> None:
        self.demo_timer.stop()
        self._steps = None
        self._building = None

    def cancel_demo(self) -> None:
        """Stop writing the demo (the window is closing); the half-made file is removed."""
        building = self._building
        if building is None:
            return
        self._stop_building()
        scratch = building.database_path
        building.close()
        if scratch is not None:
            _remove_database(scratch)
        self.demo_progress.hide()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.open_demo_button.setEnabled(not busy)
        self.setup_button.setEnabled(not busy)

    # ------------------------------------------------------------------ set up this clinic

    def _setup_box(self) -> QGroupBox:
        box = QGroupBox("Set up this clinic")
        form = QFormLayout(box)
        self.clinic_name = _line("setup_clinic_name", "Clinic name", placeholder="e.g. Riverside Infusion Clinic")
        self.chairs = QSpinBox()
        self.chairs.setObjectName("setup_chairs")
        self.chairs.setAccessibleName("Infusion chairs")
        self.chairs.setRange(1, 24)
        self.chairs.setValue(min(max(self.clinic.protocol.chairs, 1), 24))
        self.login = _line("setup_login", "Administrator's login", placeholder="letters, digits, . _ -")
        self.display_name = _line(
            "setup_display_name", "Administrator's printed name", placeholder="as under a signature"
        )
        self.credentials = _line("setup_credentials", "Credentials", placeholder="RN, MD, … (may be empty)")
        self.password = _line(
            "setup_password", "Password", password=True, placeholder=f"at least {MIN_PASSWORD} characters"
        )
        self.password_again = _line("setup_password_again", "Password again", password=True)
        self.also_nurse = QCheckBox("also a nurse")
        self.also_nurse.setObjectName("setup_role_nurse")
        self.also_physician = QCheckBox("also a physician")
        self.also_physician.setObjectName("setup_role_physician")
        roles = QHBoxLayout()
        roles.addWidget(self.also_nurse)
        roles.addWidget(self.also_physician)
        roles.addStretch(1)
        form.addRow("Clinic &name", self.clinic_name)
        form.addRow("&Chairs", self.chairs)
        form.addRow(_note("The first administrator, who adds everyone else:"))
        form.addRow("&Login", self.login)
        form.addRow("Printed na&me", self.display_name)
        form.addRow("C&redentials", self.credentials)
        form.addRow("Roles", roles)
        form.addRow("&Password", self.password)
        form.addRow("Password &again", self.password_again)
        self.setup_message = MessageLine("setup_message")
        form.addRow(self.setup_message)
        self.setup_button = _button("setup_button", "&Set up this clinic and sign in")
        self.setup_button.clicked.connect(self.set_up)
        self.password_again.returnPressed.connect(self.set_up)
        form.addRow(self.setup_button)
        return box

    def set_up(self) -> Clinic | None:
        """Save the clinic's name and chairs, create the first administrator and sign them in."""
        if self.building:
            return None
        database = self.clinic.database_path
        assert database is not None
        name, chairs = self.clinic_name.text().strip(), self.chairs.value()
        password = self.password.text()
        if password != self.password_again.text():
            self._password_refused("The two passwords differ; type the password twice again.")
            return None
        if len(password) < MIN_PASSWORD:
            self._password_refused(f"A password needs at least {MIN_PASSWORD} characters.")
            return None
        try:
            config.save_clinic_settings(database, name, chairs)
        except (ValidationError, ProtocolError, OSError) as error:
            self.setup_message.error(_text(error))
            return None
        protocol = replace(self.clinic.protocol, clinic_name=name, chairs=chairs)
        roles = {Role.ADMINISTRATOR}
        roles |= {Role.NURSE} if self.also_nurse.isChecked() else set()
        roles |= {Role.PHYSICIAN} if self.also_physician.isChecked() else set()
        login = self.login.text().strip().lower()
        created = attempt(
            self.setup_message,
            lambda: self.clinic.setup_clinic(
                login=login,
                display_name=self.display_name.text(),
                credentials=self.credentials.text(),
                password=password,
                roles=frozenset(roles),
            ),
        )
        if created is None:
            return None
        # Signing in, not just being created, is what the audit trail should show for the first session.
        signed = attempt(self.setup_message, lambda: self.clinic.sign_in(login, password))
        self.password.clear()
        self.password_again.clear()
        if signed is None:
            return None
        result = with_protocol(signed, protocol)
        self.signed_in.emit(result)
        return result

    def _password_refused(self, text: str) -> None:
        self.setup_message.error(text)
        self.password.clear()
        self.password_again.clear()
        self.password.setFocus()


class LockScreen(QWidget):
    """The locked workstation: the same person, or another, unlocks with a password."""

    unlocked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self.clinic: Clinic | None = None
        panel, layout = _panel(420)
        layout.addWidget(_title("lock_title", "Screen locked"))
        self.reason = _note("", "lock_reason")
        layout.addWidget(self.reason)
        form = QFormLayout()
        self.login = _line("lock_login", "Login")
        self.password = _line("lock_password", "Password", password=True)
        form.addRow("&Login", self.login)
        form.addRow("&Password", self.password)
        layout.addLayout(form)
        self.message = MessageLine("lock_message")
        layout.addWidget(self.message)
        self.button = _button("unlock_button", "&Unlock")
        self.button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(_note("Another person may sign in here: the screen then opens for them."), 1)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.login.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.unlock)
        self.button.clicked.connect(self.unlock)
        _centred(self, panel)
        self.setFocusProxy(self.password)

    def prepare(self, clinic: Clinic, why: str) -> None:
        """Lock for ``clinic``'s user: their login filled in, the password empty."""
        self.clinic = clinic
        self.login.setText(clinic.user.login)
        self.password.clear()
        self.message.clear_message()
        self.reason.setText(f"{why} Signed in: {clinic.user.signature_name}. Notes being typed are kept as drafts.")

    def unlock(self) -> Clinic | None:
        """The signed-in user's password opens the screen again; another user's opens it for them."""
        clinic = self.clinic
        if clinic is None:
            return None
        login = self.login.text().strip().lower()
        if not login:
            self.message.error("Type your login.")
            return None
        password = self.password.text()
        if login == clinic.user.login:
            opened = attempt(self.message, lambda: _confirmed(clinic, password))
        else:
            opened = attempt(self.message, lambda: clinic.sign_in(login, password))
        self.password.clear()
        if opened is None:
            self.password.setFocus()
            return None
        self.unlocked.emit(opened)
        return opened


def _confirmed(clinic: Clinic, password: str) -> Clinic:
    """``clinic`` once its user has re-entered the password to unlock (audited as an unlock)."""
    clinic.accounts.confirm_password(password, "unlock")
    return clinic


def _text(error: BaseException) -> str:
    """What to tell the user about ``error``."""
    if isinstance(error, OSError):
        return f"{error.strerror or error} {error.filename or ''}".strip()
    return str(getattr(error, "message", None) or error)


def _remove_database(path: Path) -> None:
    """Delete a database file and its WAL companions (a half-made demo)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
