"""The administrator's clinic settings: the clinic's name, its chairs and its time zone.

They live in the clinic's ``protocol.toml`` beside the database, which the program reads
at start; the dialog writes them through the clinic API (checked, atomic, audited) and says
that they are in force from the next start rather than pretending they already are.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button, label, line
from ketadesk.ui.kit.writes import attempt
from ketadesk.ui.kit.zones import ZoneField


class ClinicSettingsDialog(QDialog):
    """Name, chairs and time zone of the clinic, saved to its protocol file for the next start."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        protocol = clinic.protocol
        self.setObjectName("clinic_settings_dialog")
        self.setWindowTitle("Clinic settings")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.clinic_name = line("settings_clinic_name", "Clinic name")
        self.clinic_name.setText(protocol.clinic_name)
        self.chairs = QSpinBox()
        self.chairs.setObjectName("settings_chairs")
        self.chairs.setAccessibleName("Infusion chairs")
        self.chairs.setRange(1, 24)
        self.chairs.setValue(min(max(protocol.chairs, 1), 24))
        self.time_zone = ZoneField("settings_time_zone", protocol.time_zone)
        form.addRow("Clinic &name", self.clinic_name)
        form.addRow("&Chairs", self.chairs)
        form.addRow("&Time zone", self.time_zone)
        layout.addLayout(form)
        layout.addWidget(
            label(
                "settings_note",
                "Every time in a visit's PDF, the course summary and the FHIR export is printed in the "
                "clinic's time zone, with the zone named, so the same visit reads the same on every "
                "workstation. Settings are written to the clinic's protocol file and are in force from "
                "the next start of KetaDesk.",
                style=MUTED_STYLE,
                accessible="",
            )
        )
        self.message = MessageLine("settings_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = button("settings_save_button", "&Save")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("settings_close_button")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> bool:
        """Write the settings (the form keeps what was typed when they are refused)."""
        saved = attempt(
            self.message,
            lambda: self.clinic.maintenance.save_clinic_settings(
                self.clinic_name.text(), self.chairs.value(), self.time_zone.zone()
            ),
        )
        if saved is None:
            return False
        self.message.ok(f"Saved to {saved}. In force from the next start of KetaDesk.")
        return True
