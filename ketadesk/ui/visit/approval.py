"""The physician's approval of a protocol override, the three ways a clinic gets one.

- **At the bedside** (the first page): the physician chooses their name, types their own
  password and writes why it is safe to proceed. The approval is the physician's and the
  record names the nurse it was entered by; without the physician's password nothing is
  written (a wrong one counts towards the physician's lockout, as at sign-in).
- **Ask a physician elsewhere**: a request to their own session (:mod:`.orders`).
- **Verbal or telephone order**: recorded, read back, unverified until countersigned (:mod:`.orders`).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.users import Role
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.widgets import button, line
from ketadesk.ui.kit.writes import run_write
from ketadesk.ui.visit.orders import ApprovalStatusLine, RequestPage, VerbalOrderPage


class PhysicianAcknowledgement(QDialog):
    """A physician at the bedside approves a protocol override: their name, their password, a written reason."""

    def __init__(
        self,
        clinic: Clinic,
        visit_id: int,
        subject: str,
        what: str,
        parent: QWidget | None = None,
        *,
        values: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("physician_acknowledgement")
        self.setWindowTitle("Physician approval")
        self.setMinimumWidth(620)  # the three ways' tabs side by side, well inside a 1366-pixel screen
        self.clinic = clinic
        self.visit_id = visit_id
        self.subject = subject
        self.result_changes: Changes | None = None
        outer = QVBoxLayout(self)
        explanation = QLabel(what)
        explanation.setWordWrap(True)
        outer.addWidget(explanation)
        self.existing = ApprovalStatusLine("approval_existing")  # asked or ordered already: say so before a second
        self.existing.draw(clinic.visits.get(visit_id).detail, subject, names_for(clinic))
        outer.addWidget(self.existing)
        self.ways = QTabWidget()
        self.ways.setObjectName("approval_ways")
        outer.addWidget(self.ways)
        bedside = QWidget()
        layout = QVBoxLayout(bedside)
        self.ways.addTab(bedside, "Physician at the &bedside")
        self.request_page = RequestPage(clinic, visit_id, subject, values, self._done)
        self.ways.addTab(self.request_page, "&Ask a physician elsewhere")
        self.verbal_page = VerbalOrderPage(clinic, visit_id, subject, values, self._done)
        self.ways.addTab(self.verbal_page, "&Verbal / telephone order")
        form = QFormLayout()
        self.physician = QComboBox()
        self.physician.setObjectName("physician_login")
        self.physician.setAccessibleName("Physician")
        for user in clinic.accounts.with_role(Role.PHYSICIAN):
            self.physician.addItem(user.signature_name, user.login)
        form.addRow("Physician", self.physician)
        self.password = line(
            "acknowledgement_password",
            "Physician's password",
            password=True,
            placeholder="the physician types their own password",
        )
        form.addRow("Password", self.password)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("acknowledgement_reason")
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why it is safe to proceed, and any conditions")
        self.reason.setFixedHeight(90)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        who = QLabel(f"Entered in {clinic.user.signature_name}'s session; the approval is the physician's.")
        who.setObjectName("acknowledgement_entered_by")
        who.setWordWrap(True)
        layout.addWidget(who)
        self.message = MessageLine("acknowledgement_error")
        layout.addWidget(self.message)
        approve = button("acknowledge_button", "Approve", default=False)
        approve.clicked.connect(self.acknowledge)
        layout.addWidget(approve)
        self.password.returnPressed.connect(self.acknowledge)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        # No default button: Enter in a field of another page must neither approve nor cancel.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _done(self, changes: Changes) -> None:
        """A request sent or an order recorded: the dialog's work is done."""
        self.result_changes = changes
        self.accept()

    def acknowledge(self) -> None:
        """Write the approval as the chosen physician, with their password; stay open on a refusal."""
        login = self.physician.currentData()
        if login is None:
            self.message.error("No physician is registered in this clinic.")
            return
        if not self.password.text():
            # An empty try would count towards the physician's lockout; say what is missing instead.
            self.message.error("The physician types their own password to approve.")
            self.password.setFocus()
            return
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.approvals.approve_at_bedside(
                self.visit_id,
                self.subject,
                self.reason.toPlainText(),
                physician_login=str(login),
                password=self.password.text(),
            ),
            self,
        )
        self.password.clear()
        if changes is not None:
            self.result_changes = changes
            self.accept()
        else:
            self.password.setFocus()
