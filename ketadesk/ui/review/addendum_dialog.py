"""A correction or addition to a signed visit: the text, why, and the author's password to sign it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QPlainTextEdit, QVBoxLayout, QWidget

from ketadesk.clinic import Changes, Clinic
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import line
from ketadesk.ui.kit.writes import run_write
from ketadesk.ui.review.page import text
from ketadesk.ui.review.subject import password_field, visit_words


class AddendumDialog(QDialog):
    """A correction or addition to a signed visit: the text, why, and the author's password to sign it.

    The signed record stays as it is; the clinic adds the addendum after it with its author's
    own signature. A refusal is shown inline and everything typed stays.
    """

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addendum_dialog")
        self.setWindowTitle("Add an addendum")
        self.clinic = clinic
        self.visit_id = visit_id
        self.result_changes: Changes | None = None
        view = clinic.visits.get(visit_id)
        patient = clinic.patients.get(view.detail.summary.patient_id)
        layout = QVBoxLayout(self)
        layout.addWidget(text("addendum_subject", visit_words(view, patient), bold=True))
        layout.addWidget(
            text(
                "addendum_explanation",
                "The signed record stays as it is. The addendum is added after it, time-stamped and signed by you.",
                style=MUTED_STYLE,
            )
        )
        form = QFormLayout()
        self.text = QPlainTextEdit()
        self.text.setObjectName("addendum_text")
        self.text.setAccessibleName("Addendum")
        self.text.setPlaceholderText("What is added or corrected")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(110)
        form.addRow("Addendum", self.text)
        self.reason = line(
            "addendum_reason", "Reason for the addendum", placeholder="e.g. wrong relationship charted, late entry"
        )
        form.addRow("Reason", self.reason)
        form.addRow("Signing as", text("addendum_signer", clinic.user.signature_name))
        self.password = password_field("addendum_password")
        form.addRow("Password", self.password)
        layout.addLayout(form)
        self.message = MessageLine("addendum_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign and add")
        ok.setObjectName("addendum_confirm")
        ok.setDefault(True)
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.text.setFocus()

    def add(self) -> None:
        """Add the addendum, signed; a refusal is shown inline and everything typed stays."""
        if self.text.toPlainText().strip() and self.reason.text().strip() and not self.password.text():
            self.message.error("Type your password to sign the addendum.")
            self.password.setFocus()
            return
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.signing.add_addendum(
                self.visit_id, self.text.toPlainText(), self.reason.text(), self.password.text()
            ),
            self,
        )
        if changes is None:
            self.password.selectAll()
            return
        self.result_changes = changes
        self.accept()
