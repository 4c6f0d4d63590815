"""Small pieces every bedside screen shares: error lines, the physician's acknowledgement, times.

Every screen reports a refused entry the same way — a red line naming the field, the value
and what is allowed — and never clears what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import Signal
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

from ketadesk.clinic import Changes, Clinic, NotFound, PermissionDenied, StoreError, ValidationError, VisitView
from ketadesk.core.users import Role

ERROR_STYLE = "color: #c62828; font-weight: bold;"
OK_STYLE = "color: #2e7d32;"
T = TypeVar("T")

# Errors a clinic call may raise that the user can act on; anything else is a bug and propagates.
USER_ERRORS = (ValidationError, PermissionDenied, StoreError, NotFound)


def set_style(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` the style sheet ``sheet`` unless it has it already.

    Qt re-polishes a widget (and its children) on every ``setStyleSheet`` call, even with
    the same text; the screens set their styles on every once-a-second redraw, so an
    unchanged style would cost a polish and a full repaint each second for nothing.
    """
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


class MessageLine(QLabel):
    """A line under a form that says what went wrong, or what was saved."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(name.replace("_", " "))
        self.setWordWrap(True)
        self.hide()

    def error(self, text: str) -> None:
        """Show a refusal in red, in words."""
        set_style(self, ERROR_STYLE)
        self.setText(f"⚠ {text}")
        self.show()

    def ok(self, text: str) -> None:
        """Show a confirmation."""
        set_style(self, OK_STYLE)
        self.setText(f"✓ {text}")
        self.show()

    def clear_message(self) -> None:
        """Hide the line."""
        self.setText("")
        self.hide()


def attempt(line: MessageLine, action: Callable[[], T]) -> T | None:
    """Run one clinic call; on a refusal show it on ``line`` and return None (the form keeps its text)."""
    try:
        result = action()
    except USER_ERRORS as error:
        line.error(str(getattr(error, "message", None) or error))
        return None
    line.clear_message()
    return result


def local_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """A stored UTC time as the workstation's local clock time."""
    if moment is None:
        return "–"
    return moment.astimezone().strftime("%H:%M:%S" if seconds else "%H:%M")


def local_datetime(moment: datetime | None) -> str:
    """A stored UTC time as local date and time."""
    if moment is None:
        return "–"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class SectionBase(QWidget):
    """A part of the visit workspace. It calls the clinic and says what changed; the workspace redraws all parts."""

    changed = Signal(object)

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.acknowledgement_dialog: PhysicianAcknowledgement | None = None

    def refresh(self, view: VisitView) -> None:
        """Redraw from ``view``; never touch what the user is typing. Every section overrides this."""
        raise NotImplementedError

    def emit_changes(self, changes: Changes | None) -> None:
        """Tell the workspace a write happened."""
        if changes is not None:
            self.changed.emit(changes)

    def written(self, changes: Changes | None) -> None:
        """A write succeeded: tell the workspace, and redraw this section at once in case it stands alone."""
        if changes is None:
            return
        self.emit_changes(changes)
        self.refresh(self.clinic.visits.get(self.visit_id))

    def open_acknowledgement(self, subject: str, what: str) -> PhysicianAcknowledgement:
        """Open the physician's dialog without blocking; its acceptance is a write like any other.

        The dialog is kept as ``acknowledgement_dialog`` (tests drive it there); the previous,
        long-closed one is released when the next opens.
        """
        dialog = PhysicianAcknowledgement(self.clinic, self.visit_id, subject, what, self)
        dialog.accepted.connect(lambda: self.written(dialog.result_changes))
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
        changes = attempt(
            self.message,
            lambda: as_physician.bedside.acknowledge_override(self.visit_id, self.subject, self.reason.toPlainText()),
        )
        if changes is not None:
            self.result_changes = changes
            self.accept()
