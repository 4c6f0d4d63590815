"""Small pieces every bedside screen shares: error lines, the physician's acknowledgement, times.

Every screen reports a refused entry the same way — a red line naming the field, the value
and what is allowed — and never clears what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

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

from ketadesk.clinic import Changes, Clinic, VisitView
from ketadesk.core.users import Role
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import bus_for, run_write

T = TypeVar("T")


class SectionBase(QWidget):
    """A part of the visit workspace: it runs its writes through the one write path and redraws from a view.

    Inside a workspace the workspace reads the visit once after a change and hands the view
    to the section in front (``managed``); a section standing alone (a test, a dialog of its
    own) listens to the changes itself and reads its visit once when one touches it.
    """

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.managed = False
        self.acknowledgement_dialog: PhysicianAcknowledgement | None = None
        bus_for(clinic).published.connect(self._published)

    def refresh(self, view: VisitView) -> None:
        """Redraw from ``view``; never touch what the user is typing. Every section overrides this."""
        raise NotImplementedError

    def write(
        self,
        line: MessageLine,
        action: Callable[[], T],
        *,
        refused: Callable[[BaseException], None] | None = None,
        then: Callable[[T], None] | None = None,
    ) -> T | None:
        """Run one write through the one write path (refusal in place, changes published)."""
        return run_write(self.clinic, line, action, self, refused=refused, then=then)

    def _published(self, changes: Changes, _origin: object, _by: str) -> None:
        if not self.managed and changes.touches_visit(self.visit_id):
            self.refresh(self.clinic.visits.get(self.visit_id))

    def open_acknowledgement(self, subject: str, what: str) -> PhysicianAcknowledgement:
        """Open the physician's dialog without blocking; its acceptance is a write like any other.

        The dialog is kept as ``acknowledgement_dialog`` (tests drive it there); the previous,
        long-closed one is released when the next opens.
        """
        dialog = PhysicianAcknowledgement(self.clinic, self.visit_id, subject, what, self)
        if self.acknowledgement_dialog is not None:
            self.acknowledgement_dialog.deleteLater()
        self.acknowledgement_dialog = dialog
        dialog.open()
        return dialog


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
