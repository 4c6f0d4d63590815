"""The risk flag on the visit banner: each suicide-risk flag showing for the patient, and the way to answer it.

Red, and always with its priority and state in words (core's :attr:`RiskFlag.summary`),
never by colour alone. "Record risk assessment…" opens :class:`RiskAssessmentDialog` for the
first flag still to answer. The flags come from the visit's outcome marks, read once after
each change (never on the once-a-second tick).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from ketadesk.clinic import Clinic, OutcomeMarks
from ketadesk.core.instruments.risk import RiskFlag
from ketadesk.ui.kit.colours import CAUTION_STYLE
from ketadesk.ui.kit.lines import set_style
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.outcomes.risk_dialog import FLAG_STYLE, RiskAssessmentDialog


class RiskFlagLine(QWidget):
    """The banner's risk line: hidden while the patient has no flag showing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner_risk")
        self.clinic: Clinic | None = None
        self.flags: tuple[RiskFlag, ...] = ()
        self.dialog: RiskAssessmentDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = label("banner_risk_flag", bold=True, plain=True, accessible="Suicide-risk flag")
        row.addWidget(self.text, 1)
        self.assess_button = button("record_risk_assessment_open", "Record risk assessment…", default=False)
        self.assess_button.clicked.connect(self.open_assessment)
        row.addWidget(self.assess_button)
        self.hide()

    def show_marks(self, clinic: Clinic, marks: OutcomeMarks) -> None:
        """Draw the patient's flags from the visit's marks; an answered flag shows what answered it, in amber."""
        self.clinic = clinic
        self.flags = marks.flags
        if not marks.flags:
            self.hide()
            return
        name = names_for(clinic).name
        self.text.setText("\n".join(f"⚠ {f.described(name)}" for f in marks.flags))
        open_flags = marks.blocking
        set_style(self.text, FLAG_STYLE if open_flags else CAUTION_STYLE)
        self.assess_button.setVisible(bool(open_flags))
        self.show()

    def open_assessment(self) -> RiskAssessmentDialog | None:
        """Answer the first flag still open (not blocking; the answer redraws through the published change)."""
        waiting = [f for f in self.flags if not f.cleared]
        if self.clinic is None or not waiting:
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = RiskAssessmentDialog(self.clinic, waiting[0], self)
        self.dialog.open()
        return self.dialog
