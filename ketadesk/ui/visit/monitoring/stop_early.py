"""The early stop: why the infusion stops before its planned end, and how much of the dose it gave.

The amount is core's calculation from the time the infusion ran (prepared mg × minutes run
÷ planned minutes), shown with its sum and volume so the nurse can check it against the
pump's volume infused; the nurse confirms it as it stands or types the pump's figure
instead. While the nurse has not touched the amount it follows the clock, so what is
confirmed is what stopping now gives.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.dose_given import GivenEstimate, running_estimate
from ketadesk.core.records import VisitDetail
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.writes import run_write


class StopEarlyDialog(QDialog):
    """Asks why the infusion stops early and how much it gave, and stops it; stays open on a refusal."""

    def __init__(self, clinic: Clinic, visit_id: int, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stop_early_dialog")
        self.setWindowTitle("Stop the infusion early")
        self.clinic = clinic
        self.visit_id = visit_id
        self.result_changes: Changes | None = None
        self.estimate: GivenEstimate | None = None
        self._filled = ""
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setObjectName("stop_early_reason")
        self.reason.setAccessibleName("Reason for stopping early")
        self.reason.setPlaceholderText("e.g. distressing dissociation, patient asked to stop")
        self.reason.setMinimumWidth(380)
        self.reason.returnPressed.connect(self.stop)
        form.addRow("&Reason", self.reason)
        self.calculated = widgets.label("stop_early_calculated", selectable=True, accessible="Amount calculated")
        form.addRow("Calculated", self.calculated)
        self.given = QLineEdit()
        self.given.setObjectName("stop_early_given")
        self.given.setAccessibleName("Amount given (mg)")
        self.given.setMaxLength(8)
        self.given.setFixedWidth(90)
        self.given.returnPressed.connect(self.stop)
        form.addRow("Amount &given (mg)", self.given)
        layout.addLayout(form)
        self.hint = widgets.label(
            "stop_early_given_hint",
            "Confirm the calculated amount, or type the amount the pump shows as given "
            "(more than 0, at most the dose prepared).",
        )
        set_style(self.hint, MUTED_STYLE)
        layout.addWidget(self.hint)
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
        self.refresh_estimate()

    def refresh_estimate(self, detail: VisitDetail | None = None) -> None:
        """Recalculate what stopping now gives; the amount field follows it until the nurse types their own.

        With the record the section already holds (its once-a-second redraw) this reads
        nothing; without, it asks the clinic.
        """
        if detail is None:
            self.estimate = self.clinic.infusion.estimate_given(self.visit_id)
        else:
            self.estimate = running_estimate(detail, self.clinic.clock.now())
        if self.estimate is None:
            self.calculated.setText("The infusion is not running: no amount to calculate.")
            return
        self.calculated.setText(self.estimate.text)
        if self.given.text() == self._filled:  # untouched (or typed back to what was shown)
            self._filled = f"{self.estimate.calculated_mg:g}"
            self.given.setText(self._filled)

    @property
    def corrected(self) -> bool:
        """True when the nurse typed an amount other than the calculated one."""
        return self.estimate is not None and self.given.text().strip() != f"{self.estimate.calculated_mg:g}"

    def stop(self) -> None:
        """Stop the pump early with the reason and the amount given; a refusal keeps the dialog and the text."""
        given = self.given.text() if self.estimate is not None else None
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.infusion.stop_infusion(
                self.visit_id, early=True, reason=self.reason.text(), given_mg=given
            ),
            self,
        )
        if changes is not None:
            self.result_changes = changes
            self.accept()
