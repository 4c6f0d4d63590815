"""The first start: a clinic nobody can sign in to yet — look around in a demo clinic, or set this one up.

The demo is built one patient per tick so the window keeps drawing; the clinic's
:class:`DemoBuild` owns the files (a scratch file published whole, a half-made one
discarded), the screen only drives it and shows the progress.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Clinic
from ketadesk.clinic.accounts import MIN_PASSWORD
from ketadesk.clinic.config import workstation_zone_name
from ketadesk.clinic.demo_files import DEMO_FILE, DemoBuild, demo_path, usable_demo
from ketadesk.core.users import Role
from ketadesk.ui.door.location import LocationBox
from ketadesk.ui.door.panel import DOOR_ERRORS, centred, door_error_text, note, panel, title, with_protocol
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button, line
from ketadesk.ui.kit.writes import attempt
from ketadesk.ui.kit.zones import ZoneField

DEMO_PATIENTS = 24


class FirstStartScreen(QWidget):
    """A clinic nobody can sign in to yet: look around in a demo clinic, or set this one up."""

    signed_in = Signal(object)
    demo_ready = Signal(object)
    database_chosen = Signal(object)  # another folder was chosen: the window opens the database there

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.demo_patients = DEMO_PATIENTS
        self.setObjectName("first_start_screen")
        self._build: DemoBuild | None = None
        # Builds the demo one patient per tick so the window keeps drawing; runs only while building.
        self.demo_timer = QTimer(self)
        self.demo_timer.setObjectName("demo_build_timer")
        self.demo_timer.setInterval(0)
        self.demo_timer.timeout.connect(self._demo_step)

        frame, layout = panel(760)
        layout.addWidget(title("first_start_title", "Welcome to KetaDesk"))
        layout.addWidget(
            note(
                f"Nobody can sign in to this clinic's database yet ({clinic.database_name}). "
                "Look around in a demo clinic first, or set this clinic up now."
            )
        )
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addWidget(self._demo_box(), 2)
        columns.addWidget(self._setup_box(), 3)
        layout.addLayout(columns)
        self.location = LocationBox(clinic.database_path or Path(DEMO_FILE).resolve())
        self.location.chosen.connect(self.database_chosen.emit)
        layout.addWidget(self.location)
        # Hidden only once in the page: shown before, it would open for an instant as a window of its own.
        self.location.setHidden(clinic.database_path is None)
        centred(self, frame)
        self.setFocusProxy(self.clinic_name)

    # ------------------------------------------------------------------ the demo

    def _demo_box(self) -> QGroupBox:
        box = QGroupBox("Look around first")
        inner = QVBoxLayout(box)
        inner.addWidget(
            note(
                f"A separate demo database ({DEMO_FILE}, in the same folder) with made-up "
                "patients, today's visits in every phase, and a login for each role. "
                "This clinic's own database stays empty."
            )
        )
        self.open_demo_button = button("open_demo_button", "Open a &demo clinic")
        self.open_demo_button.clicked.connect(self.open_demo)
        if self.clinic.database_path is None:  # a server's database: the demo is a file, made on a workstation
            self.open_demo_button.setEnabled(False)
            self.open_demo_button.setToolTip("The demo clinic is a file on one workstation: start `ketadesk demo`")
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
        return self._build is not None

    def open_demo(self) -> None:
        """Open the demo beside this database, building it first (with progress) when there is none yet."""
        database = self.clinic.database_path
        if database is None or self.building:
            return
        target = demo_path(database)
        if target.exists():
            self._reuse_or_refuse(target, same=target == database)
            return
        try:
            self._build = DemoBuild(
                target, self.clinic.clock, self.clinic.protocol, patients=self.demo_patients, progress=self._progress
            )
        except DOOR_ERRORS as error:
            self.demo_message.error(f"The demo clinic could not be made: {door_error_text(error)}")
            return
        self.demo_progress.setRange(0, self.demo_patients)
        self.demo_progress.setValue(0)
        self.demo_progress.show()
        self.demo_message.ok("Writing the demo clinic…")
        self._set_busy(True)
        self.demo_timer.start()

    def _reuse_or_refuse(self, target: Path, *, same: bool) -> None:
        """A demo made earlier (here or by `ketadesk demo`) opens as it is; anything else is left alone."""
        try:
            usable = usable_demo(target, self.clinic.clock, self.clinic.protocol)
        except DOOR_ERRORS as error:
            self.demo_message.error(f"{target} cannot be opened: {door_error_text(error)}")
            return
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
        build = self._build
        assert build is not None
        try:
            if build.step():
                return
        except DOOR_ERRORS as error:
            self.cancel_demo()
            self.demo_message.error(f"The demo clinic could not be made: {door_error_text(error)}")
            return
        self._stop_building()
        try:
            target = build.publish()
        except OSError as error:
            self.demo_message.error(f"The demo clinic could not be put in place: {door_error_text(error)}")
            self._set_busy(False)
            return
        self.demo_message.ok("Demo clinic ready.")
        self.demo_ready.emit(target)

    def _stop_building(self) -> None:
        self.demo_timer.stop()
        self._build = None

    def cancel_demo(self) -> None:
        """Stop writing the demo (the window is closing); the half-made file is removed."""
        build = self._build
        if build is None:
            return
        self._stop_building()
        build.discard()
        self.demo_progress.hide()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.open_demo_button.setEnabled(not busy)
        self.setup_button.setEnabled(not busy)
        self.location.set_busy(busy)

    # ------------------------------------------------------------------ set up this clinic

    def _setup_box(self) -> QGroupBox:
        box = QGroupBox("Set up this clinic")
        form = QFormLayout(box)
        self.clinic_name = line("setup_clinic_name", "Clinic name", placeholder="e.g. Riverside Infusion Clinic")
        self.chairs = QSpinBox()
        self.chairs.setObjectName("setup_chairs")
        self.chairs.setAccessibleName("Infusion chairs")
        self.chairs.setRange(1, 24)
        self.chairs.setValue(min(max(self.clinic.protocol.chairs, 1), 24))
        # The zone reports print times in: the protocol's, else this workstation's own (a clinic's likely one).
        self.time_zone = ZoneField("setup_time_zone", self.clinic.protocol.time_zone or workstation_zone_name())
        self.login = line("setup_login", "Administrator's login", placeholder="letters, digits, . _ -")
        self.display_name = line(
            "setup_display_name", "Administrator's printed name", placeholder="as under a signature"
        )
        self.credentials = line("setup_credentials", "Credentials", placeholder="RN, MD, … (may be empty)")
        self.password = line(
            "setup_password", "Password", password=True, placeholder=f"at least {MIN_PASSWORD} characters"
        )
        self.password_again = line("setup_password_again", "Password again", password=True)
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
        form.addRow("&Time zone", self.time_zone)
        form.addRow(note("The first administrator, who adds everyone else:"))
        form.addRow("&Login", self.login)
        form.addRow("Printed na&me", self.display_name)
        form.addRow("C&redentials", self.credentials)
        form.addRow("Roles", roles)
        form.addRow("&Password", self.password)
        form.addRow("Password &again", self.password_again)
        self.setup_message = MessageLine("setup_message")
        form.addRow(self.setup_message)
        self.setup_button = button("setup_button", "&Set up this clinic and sign in")
        self.setup_button.clicked.connect(self.set_up)
        self.password_again.returnPressed.connect(self.set_up)
        form.addRow(self.setup_button)
        return box

    def set_up(self) -> Clinic | None:
        """Save the clinic's name, chairs and time zone, create the first administrator and sign them in."""
        if self.building:
            return None
        name, chairs = self.clinic_name.text().strip(), self.chairs.value()
        password = self.password.text()
        if password != self.password_again.text():
            self._password_refused("The two passwords differ; type the password twice again.")
            return None
        if len(password) < MIN_PASSWORD:
            self._password_refused(f"A password needs at least {MIN_PASSWORD} characters.")
            return None
        try:
            self.clinic.maintenance.save_clinic_settings(name, chairs, self.time_zone.zone())
        except DOOR_ERRORS as error:  # a file that cannot be written comes as the store's error (FileProblem)
            self.setup_message.error(door_error_text(error))
            return None
        protocol = replace(self.clinic.protocol, clinic_name=name, chairs=chairs, time_zone=self.time_zone.zone())
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
