"""The visit banner: who this is, what to watch for, where the visit stands, and its timers."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from ketadesk.clinic import VisitView
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.timers import format_duration, planned_end_passed_text
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import ALERT_COLOUR, phase_colour
from ketadesk.ui.kit.lines import set_style
from ketadesk.ui.watch.banner_line import WatchLine


def _label(name: str, *, bold: bool = False, scale: float = 1.0) -> QLabel:
    """A banner line; its accessible name drops the ``banner_`` prefix (a screen reader says "allergies")."""
    return widgets.label(name, bold=bold, scale=scale, accessible=name.removeprefix("banner_").replace("_", " "))


class VisitBanner(QFrame):
    """Always on top of the workspace: identity, cautions, the watch's open flags, course position, phase, timers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visit_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        self.name = _label("banner_name", bold=True, scale=1.4)
        self.identity = _label("banner_identity")
        self.diagnoses = _label("banner_diagnoses")
        self.allergies = _label("banner_allergies", bold=True)
        self.substance = _label("banner_substance_flag", bold=True)
        self.course = _label("banner_course", bold=True)
        self.phase = _label("banner_phase", bold=True, scale=1.2)
        self.timers = _label("banner_timers", scale=1.1)
        self.watch = WatchLine(self)  # drawn by the screen after each read (show_course), not on the tick
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.phase, 0, 1)
        grid.addWidget(self.identity, 1, 0)
        grid.addWidget(self.course, 1, 1)
        grid.addWidget(self.diagnoses, 2, 0)
        grid.addWidget(self.timers, 2, 1)
        grid.addWidget(self.allergies, 3, 0)
        grid.addWidget(self.substance, 4, 0, 1, 2)
        grid.addWidget(self.watch, 5, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

    def show_visit(self, view: VisitView, patient: Patient, today: date) -> None:
        """Redraw for the visit as it stands now."""
        summary = view.detail.summary
        self.name.setText(patient.display_name)
        weight = view.detail.weight_kg if view.detail.weight_kg is not None else patient.weight_kg
        weight_text = f"{weight:g} kg" if weight is not None else "weight not recorded"
        self.identity.setText(
            f"MRN {patient.mrn} · {patient.age_on(today)} y · {patient.sex.value} · {weight_text} · "
            f"born {patient.date_of_birth.isoformat()}"
        )
        self.diagnoses.setText("Diagnoses: " + (", ".join(d.label for d in patient.diagnoses) or "none recorded"))
        allergies = patient.allergies or "none recorded"
        self.allergies.setText(f"Allergies: {allergies}")
        if patient.substance_use:
            note = f" — {patient.substance_use_note}" if patient.substance_use_note else ""
            self.substance.setText(f"⚠ SUBSTANCE-USE HISTORY{note}")
            set_style(self.substance, f"color: white; background: {ALERT_COLOUR}; padding: 3px;")
            self.substance.show()
        else:
            self.substance.hide()
        self.course.setText(summary.position.label if summary.position else "Not in a course")
        colour = phase_colour(summary.phase)
        self.phase.setText(f"● {summary.phase.label.upper()}")
        set_style(self.phase, f"color: {colour};")
        self.timers.setText(self._timer_text(view))
        overdue = view.timers.vitals_overdue or (
            view.detail.summary.phase is Phase.INFUSING and view.timers.planned_end_passed is not None
        )
        set_style(self.timers, f"color: {ALERT_COLOUR}; font-weight: bold;" if overdue else "")

    @staticmethod
    def _timer_text(view: VisitView) -> str:
        timers = view.timers
        parts: list[str] = []
        if timers.infusion_elapsed is not None:
            remaining = timers.infusion_remaining
            passed = timers.planned_end_passed if view.detail.summary.phase is Phase.INFUSING else None
            if passed is not None:
                parts.append(planned_end_passed_text(passed))
            elif remaining is not None and remaining.total_seconds() > 0:
                parts.append(f"Infusion {format_duration(timers.infusion_elapsed)} · {format_duration(remaining)} left")
            else:
                parts.append(f"Infusion ran {format_duration(timers.infusion_elapsed)}")
        if timers.observation_remaining is not None:
            parts.append(
                "Observation minimum done"
                if timers.observation_complete
                else f"Observation {format_duration(timers.observation_remaining)} left"
            )
        if timers.vitals_due_in is not None:
            parts.append(
                f"VITALS OVERDUE by {format_duration(-timers.vitals_due_in)}"
                if timers.vitals_overdue
                else f"Next vitals in {format_duration(timers.vitals_due_in)}"
            )
        return "\n".join(parts)
