"""The early stop: why the infusion stops before its planned end, written before the pump is stopped."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ketadesk.clinic import Changes, Clinic
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import run_write


class StopEarlyDialog(QDialog):
    """Asks why the infusion stops before its planned end, and stops it; stays open on a refusal."""

    def __init__(self, clinic: Clinic, visit_id: int, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stop_early_dialog")
        self.setWindowTitle("Stop the infusion early")
        self.clinic = clinic
        self.visit_id = visit_id
        self.result_changes: Changes | None = None
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.reason = QLineEdit()
        self.reason.setObjectName("stop_early_reason")
        self.reason.setAccessibleName("Reason for stopping early")
        self.reason.setPlaceholderText("e.g. distressing dissociation, patient asked to stop")
        self.reason.setMinimumWidth(380)
        self.reason.returnPressed.connect(self.stop)
        layout.addWidget(self.reason)
        self.message = MessageLine("stop_early_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Stop infusion now")
        ok.setObjectName("stop_early_confirm")
        ok.setAutoDefault(False)
        buttons.accepted.connect(self.stop)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def stop(self) -> None:
        """Stop the pump early with the typed reason; a refusal keeps the dialog and the text."""
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.infusion.stop_infusion(self.visit_id, early=True, reason=self.reason.text()),
            self,
        )
        if changes is not None:
            self.result_changes = changes
            self.accept()
