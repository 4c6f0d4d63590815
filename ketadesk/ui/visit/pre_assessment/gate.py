"""What still stops the infusion from starting, gate by gate as the clinic judges it, and the Start button.

The gates are core's structured :class:`Blocker` values; the unticked checklist items are
folded into one line (from each blocker's item, never by reading its sentence) so the other
gates are not lost below ten of them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from ketadesk.core.phases import NOT_HELD, Phase
from ketadesk.core.readiness import Blocker, Gate
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, set_style
from ketadesk.ui.visit.pre_assessment.part import PreAssessmentPart


def blocker_lines(blockers: list[Blocker]) -> list[str]:
    """The blockers in words, the unticked checklist items folded into one line; a suicide-risk flag first of all."""
    unticked = [b.item.label for b in blockers if b.gate is Gate.CHECKLIST and b.item is not None]
    risk = [b.why for b in blockers if b.gate is Gate.SUICIDE_RISK]
    others = [
        b.why
        for b in blockers
        if b.gate is not Gate.SUICIDE_RISK and not (b.gate is Gate.CHECKLIST and b.item is not None)
    ]
    if not unticked:
        return [*risk, *others]
    count = f"{len(unticked)} item{'s' if len(unticked) != 1 else ''} not ticked"
    return [*risk, f"Checklist: {count} — " + "; ".join(unticked), *others]


class StartGate(PreAssessmentPart):
    """The "before the infusion can start" box of the pre-assessment section."""

    def _blockers_box(self) -> QGroupBox:
        """What is still missing, and the Start button (the start is where the nurse finishes the checks)."""
        box = QGroupBox("Before the infusion can start")
        box.setObjectName("start_blockers_box")
        column = QVBoxLayout(box)
        self.blockers = widgets.label("start_blockers", selectable=True)
        column.addWidget(self.blockers)
        # The start is where the nurse finishes the checks, not only on the monitoring tab.
        self.start_infusion_button = widgets.button("pre_start_infusion_button", "Start infusion")
        self.start_infusion_button.clicked.connect(self.start_infusion)
        self.start_infusion_button.setEnabled(False)
        column.addWidget(self.start_infusion_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _draw_blockers(self, phase: Phase) -> None:
        startable = self.clinic.infusion.start_infusion.allowed(phase=phase)
        self.start_infusion_button.setEnabled(False)
        self.start_infusion_button.setVisible(bool(startable))
        if phase is Phase.SCHEDULED:
            self.blockers.setText(
                "Start the pre-assessment first; then tick the checklist, record the weight, "
                "the baseline vital signs and the dose."
            )
            set_style(self.blockers, MUTED_STYLE)
            return
        if phase is not Phase.PRE_ASSESSMENT:
            self.blockers.setText(
                "The pre-assessment is closed."
                if phase in NOT_HELD
                else "✓ Every pre-infusion gate was met; the infusion has started."
            )
            set_style(self.blockers, MUTED_STYLE)
            return
        blockers = blocker_lines(self.clinic.infusion.blockers(self.visit_id))
        if blockers:
            self.blockers.setText("✗ Not yet — still needed:\n" + "\n".join(f"•  {b}" for b in blockers))
            set_style(self.blockers, ERROR_STYLE)
        else:
            self.blockers.setText("✓ Every pre-infusion gate is met: the infusion may start.")
            set_style(self.blockers, OK_STYLE)
            self.start_infusion_button.setEnabled(bool(startable))

    def start_infusion(self) -> None:
        """Start the pump once every gate holds (the clinic checks them again)."""
        self.write(self.message, lambda: self.clinic.infusion.start_infusion(self.visit_id))
