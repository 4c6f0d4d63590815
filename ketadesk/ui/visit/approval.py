"""The physician's acknowledgement of a protocol override, with a written reason, given at the bedside.

The nurse opens it; the physician picks their name and writes why it is safe to proceed, and
the acknowledgement is written as that physician (the sign-in work adds the password check).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.users import Role
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import run_write


class PhysicianAcknowledgement(QDialog):
    """A physician approves a protocol override with a written reason.

    The physician is chosen from the clinic's physicians; the sign-in work adds the
    password check. The acknowledgement is written as that physician.
    """

    def __init__(self, clinic: Clinic, visit_id: int, subject: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("physician_acknowledgement")
        self.setWindowTitle("Physician acknowledgement")
        self.clinic = clinic
        self.visit_id = visit_id
        self.subject = subject
        self.result_changes: Changes | None = None
        layout = QVBoxLayout(self)
        explanation = QLabel(what)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        form = QFormLayout()
        self.physician = QComboBox()
        self.physician.setObjectName("physician_login")
        self.physician.setAccessibleName("Physician")
        for user in clinic.accounts.with_role(Role.PHYSICIAN):
            self.physician.addItem(user.signature_name, user.login)
        form.addRow("Physician", self.physician)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("acknowledgement_reason")
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why it is safe to proceed, and any conditions")
        self.reason.setFixedHeight(90)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        self.message = MessageLine("acknowledgement_error")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Acknowledge")
        ok.setObjectName("acknowledge_button")
        buttons.accepted.connect(self.acknowledge)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def acknowledge(self) -> None:
        """Write the acknowledgement as the chosen physician; stay open on a refusal."""
        login = self.physician.currentData()
        if login is None:
            self.message.error("No physician is registered in this clinic.")
            return
        user = self.clinic.accounts.by_login(str(login))
        if user is None:
            self.message.error(f"Physician {login} is not registered.")
            return
        as_physician = self.clinic.as_user(user)
        changes = run_write(
            self.clinic,
            self.message,
            lambda: as_physician.bedside.acknowledge_override(self.visit_id, self.subject, self.reason.toPlainText()),
            self,
        )
        if changes is not None:
            self.result_changes = changes
            self.accept()
