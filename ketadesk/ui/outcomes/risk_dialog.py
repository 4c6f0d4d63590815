"""The answer to a suicide-risk flag: a clinician's risk assessment, or a physician's override with a reason.

A raised flag stops the infusion until it is answered (core's rule). The assessment records
the level found and the action taken (``record_risk_assessment``, in the signed-in
clinician's session). The override is the physician's own act: the physician chooses their
name and types their own password here (``override_risk_flag`` checks it like a sign-in, and
a wrong one counts towards their lockout), with the reason written out. Nothing is written
without what each asks for; a refusal is shown in place and keeps what was typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.instruments.risk import RiskFlag, RiskLevel
from ketadesk.core.users import Role
from ketadesk.ui.kit.colours import ALERT_COLOUR, MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.widgets import button, label, line
from ketadesk.ui.kit.writes import run_write

FLAG_STYLE = f"color: white; background: {ALERT_COLOUR}; font-weight: bold; padding: 4px;"
"""A risk flag wherever it shows: red, and always with its priority in words."""


def _text(name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
    field = QPlainTextEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setPlaceholderText(placeholder)
    field.setTabChangesFocus(True)
    field.setFixedHeight(80)
    return field


class RiskAssessmentDialog(QDialog):
    """Answer one flag: the assessment (level, action taken), or the physician's override (not blocking)."""

    def __init__(self, clinic: Clinic, flag: RiskFlag, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.flag = flag
        self.result_changes: Changes | None = None
        self.setObjectName("risk_assessment_dialog")
        self.setWindowTitle("Suicide-risk assessment")
        self.setMinimumWidth(620)
        outer = QVBoxLayout(self)
        summary = f"⚠ {flag.described(names_for(clinic).name)}"
        outer.addWidget(label("risk_flag_summary", summary, plain=True, style=FLAG_STYLE))
        outer.addWidget(self._assessment_box())
        outer.addWidget(self._override_box())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _assessment_box(self) -> QGroupBox:
        box = QGroupBox("Risk assessment")
        box.setObjectName("risk_assessment_box")
        form = QFormLayout(box)
        levels = QHBoxLayout()
        self.levels = QButtonGroup(box)
        self.level_buttons: dict[RiskLevel, QRadioButton] = {}
        for level in RiskLevel:
            radio = QRadioButton(level.label.capitalize())
            radio.setObjectName(f"risk_level_{level.value}")
            self.levels.addButton(radio)
            self.level_buttons[level] = radio
            levels.addWidget(radio)
        levels.addStretch(1)
        form.addRow("Level found", levels)
        self.action = _text("risk_action", "Action taken", "What was done: safety plan, who was told, follow-up")
        form.addRow("Action taken", self.action)
        form.addRow(
            label(
                "risk_assessed_by",
                f"Recorded as {self.clinic.user.signature_name}'s assessment.",
                style=MUTED_STYLE,
            )
        )
        self.assessment_message = MessageLine("risk_assessment_message")
        form.addRow(self.assessment_message)
        self.assess_button = button("record_risk_assessment_button", "Record assessment", default=False)
        self.assess_button.clicked.connect(self.record_assessment)
        form.addRow(self.assess_button)
        return box

    def _override_box(self) -> QGroupBox:
        box = QGroupBox("Physician override (the physician types their own password)")
        box.setObjectName("risk_override_box")
        form = QFormLayout(box)
        self.physician = QComboBox()
        self.physician.setObjectName("risk_override_physician")
        self.physician.setAccessibleName("Physician")
        for user in self.clinic.accounts.with_role(Role.PHYSICIAN):
            self.physician.addItem(user.signature_name, user.login)
        form.addRow("Physician", self.physician)
        self.password = line(
            "risk_override_password", "Physician's password", password=True, placeholder="typed by the physician"
        )
        form.addRow("Password", self.password)
        self.reason = _text("risk_override_reason", "Reason", "Why the infusion may go ahead without an assessment")
        form.addRow("Reason", self.reason)
        self.override_message = MessageLine("risk_override_message")
        form.addRow(self.override_message)
        self.override_button = button("override_risk_flag_button", "Override", default=False)
        self.override_button.clicked.connect(self.override)
        form.addRow(self.override_button)
        return box

    def chosen_level(self) -> RiskLevel | None:
        """The level ticked, if any."""
        return next((level for level, radio in self.level_buttons.items() if radio.isChecked()), None)

    def record_assessment(self) -> Changes | None:
        """Record the assessment; the clinic refuses a missing level or action and the dialog stays as typed."""
        level = self.chosen_level()
        chosen = "" if level is None else level.value  # none ticked: the clinic's refusal names the levels
        changes = run_write(
            self.clinic,
            self.assessment_message,
            lambda: self.clinic.outcomes.record_risk_assessment(
                self.flag.measure.id, chosen, self.action.toPlainText()
            ),
            self,
        )
        return self._done(changes)

    def override(self) -> Changes | None:
        """Write the physician's override with their password; an empty password is not tried (it would count)."""
        login = self.physician.currentData()
        if login is None:
            self.override_message.error("No physician is registered in this clinic.")
            return None
        if not self.password.text():
            self.override_message.error("The physician types their own password to override.")
            self.password.setFocus()
            return None
        changes = run_write(
            self.clinic,
            self.override_message,
            lambda: self.clinic.outcomes.override_risk_flag(
                self.flag.measure.id,
                self.reason.toPlainText(),
                physician_login=str(login),
                password=self.password.text(),
            ),
            self,
        )
        self.password.clear()
        return self._done(changes)

    def _done(self, changes: Changes | None) -> Changes | None:
        if changes is not None:
            self.result_changes = changes
            self.accept()
        return changes
