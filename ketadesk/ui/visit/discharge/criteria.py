"""The protocol's discharge criteria: the automatic ones as the clinic judged them, the others ticked here.

What an unmet criterion lacks is said from core's structured :class:`Criterion` (whether
anything was recorded, what would satisfy it), never by reading its sentence.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel

from ketadesk.clinic import Clinic
from ketadesk.core.phases import FINISHED, Phase
from ketadesk.core.readiness import AutoCheck, Criterion, discharge_items
from ketadesk.core.timers import VisitTimers, format_duration
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, set_style
from ketadesk.ui.visit.checklist_line import ChecklistLine
from ketadesk.ui.visit.discharge.part import CHECKLIST, DischargePart, text_label


def _short(label: str) -> str:
    """A label's first clause for a one-line list: "Instructions given: no driving…" → "Instructions given"."""
    return label.split(":", maxsplit=1)[0].split(";", maxsplit=1)[0].strip()


def missing_words(criterion: Criterion, timers: VisitTimers) -> str:
    """What an unmet criterion lacks, as a nurse would say it (the countdown from the timers of now)."""
    if criterion.key == AutoCheck.OBSERVATION_ELAPSED:
        left = timers.observation_remaining
        if left is None:
            return "Observation has not started"
        return f"Observation: {format_duration(left)} left"
    if criterion.key == AutoCheck.ALDRETE_PASS:
        if not criterion.recorded:
            return "Aldrete not recorded"
        return f"Aldrete below the pass mark ({criterion.detail})"
    if criterion.key == AutoCheck.SEDATION_RESOLVED:
        if not criterion.recorded:
            return "MOAA/S and RASS not recorded"
        return f"Sedation not resolved ({criterion.detail}; needs {criterion.remedy})"
    if criterion.key == AutoCheck.VITALS_NEAR_BASELINE:
        return f"Vital signs: {criterion.detail}"
    if criterion.key == AutoCheck.VITALS_NOT_OVERDUE:
        return criterion.detail
    if not criterion.automatic:
        return f"{_short(criterion.label)}: not ticked"
    return f"{criterion.label}: {criterion.detail}"


class CriteriaPart(DischargePart):
    """The criteria box of the discharge section."""

    def _criteria_box(self, clinic: Clinic) -> QGroupBox:
        """One line per criterion (the protocol's and core's own): judged if automatic, else a tick box."""
        box = QGroupBox("Discharge criteria")
        box.setObjectName("discharge_criteria")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(8)
        self.automatic: dict[str, QLabel] = {}
        self.manual: dict[str, ChecklistLine] = {}
        self.labels: dict[str, str] = {}
        for row, item in enumerate(discharge_items(clinic.protocol)):
            self.labels[item.key] = item.label
            if item.automatic:
                label = text_label(f"discharge_auto_{item.key}")
                label.setAccessibleName(item.label)
                grid.addWidget(label, row, 0, 1, 3)
                self.automatic[item.key] = label
            else:
                self.manual[item.key] = ChecklistLine(
                    f"discharge_check_{item.key}", item.key, item.label, self.record_checklist, grid, row, clinic
                )
        grid.setRowStretch(len(self.labels), 1)
        return box

    def _draw_criteria(self, phase: Phase, timers: VisitTimers) -> None:
        judged = {c.key: c for c in self._criteria}
        for key, label in self.automatic.items():
            criterion = judged.get(key)
            title = self.labels[key]
            if criterion is None:
                label.setText(f"–  {title}: judged after the infusion" if phase not in FINISHED else f"–  {title}")
                set_style(label, MUTED_STYLE)
                continue
            detail = criterion.detail
            if key == AutoCheck.OBSERVATION_ELAPSED and not criterion.met and timers.observation_remaining is not None:
                detail = f"{format_duration(timers.observation_remaining)} of observation left"
            label.setText(f"{'✓' if criterion.met else '✗'}  {title} — {detail}")
            set_style(label, OK_STYLE if criterion.met else ERROR_STYLE)

    def record_checklist(self, item_key: str, checked: bool) -> None:
        """Store one tick or untick at once; a refusal puts the box back."""
        changes = self.write(
            self.message, lambda: self.clinic.bedside.record_checklist(self.visit_id, CHECKLIST, item_key, checked)
        )
        if changes is None:
            self.manual[item_key].put_back(not checked)
