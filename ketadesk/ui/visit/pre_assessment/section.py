"""Pre-assessment: the pre-infusion checklist, the outcome measures due, today's weight, baseline vitals and the dose.

Everything here is recorded the moment it is entered, through the clinic API. What still
stops the infusion from starting is listed in words, straight from the clinic's own gate,
so this screen and the Start button can never disagree. A baseline BP above the protocol
limit, or a dose outside the protocol, shows a button for the physician's acknowledgement.
Once the visit has moved past pre-assessment every input turns read-only and shows what
was recorded.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, VisitView
from ketadesk.core.phases import NOT_HELD, Phase
from ketadesk.core.records import VisitDetail
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.outcomes.due_box import OutcomeMeasuresBox
from ketadesk.ui.visit.checklist_line import ChecklistLine
from ketadesk.ui.visit.pre_assessment.baseline import WeightAndBaseline
from ketadesk.ui.visit.pre_assessment.dose import DoseCalculator
from ketadesk.ui.visit.pre_assessment.gate import StartGate
from ketadesk.ui.visit.pre_assessment.part import CHECKLIST
from ketadesk.ui.visit.pristine import PristineFields


class PreAssessmentSection(StartGate, DoseCalculator, WeightAndBaseline):
    """Checklist, weight, baseline vitals and dose: the gates before the infusion may start.

    Each box is a part of its own module (the weight and baseline, the dose, the start gate);
    this class lays them out, draws the status line and the checklist, and hands each part
    the record to draw.
    """

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("pre_assessment_section")
        self.names = names_for(clinic)
        self.fields = PristineFields()
        self._drawn: tuple[object, ...] | None = None
        self._phase = None
        self._weight_kg = None
        self._dose = None
        self.previous_mg_per_kg = clinic.infusion.previous_dose(visit_id)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setObjectName("pre_assessment_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        content = QWidget()
        scroll.setWidget(content)
        layout = QVBoxLayout(content)

        top = QHBoxLayout()
        self.status = widgets.label("pre_assessment_status", bold=True, selectable=True)
        top.addWidget(self.status, 1)
        self.start_button = widgets.button("start_pre_assessment_button", "Start pre-assessment")
        self.start_button.clicked.connect(self.start_pre_assessment)
        top.addWidget(self.start_button)
        layout.addLayout(top)
        self.message = MessageLine("pre_assessment_message")
        layout.addWidget(self.message)

        columns = QGridLayout()
        columns.setColumnStretch(0, 5)
        columns.setColumnStretch(1, 6)
        columns.addWidget(self._checklist_box(clinic), 0, 0)
        right = QVBoxLayout()
        right.addWidget(self._weight_box())
        right.addWidget(self._dose_box())
        right.addStretch(1)
        columns.addLayout(right, 0, 1)
        self.outcomes = OutcomeMeasuresBox(clinic, visit_id)
        columns.addWidget(self.outcomes, 1, 0, 1, 2)
        columns.addWidget(self._baseline_box(clinic, visit_id), 2, 0, 1, 2)
        columns.addWidget(self._blockers_box(), 3, 0, 1, 2)
        layout.addLayout(columns)
        layout.addStretch(1)

        default = self.previous_mg_per_kg
        if default is None:
            default = clinic.protocol.dose.default_mg_per_kg
        self.fields.fill(self.mg_per_kg, f"{default:g}")
        self.mg_per_kg.textChanged.connect(self.update_dose_result)
        self.lot.textChanged.connect(self.update_dose_result)
        self.refresh(clinic.visits.get(visit_id))

    def _checklist_box(self, clinic: Clinic) -> QGroupBox:
        """The protocol's pre-infusion checklist, one line per item, each tick stored as it is made."""
        box = QGroupBox("Pre-infusion checklist")
        box.setObjectName("pre_checklist")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(8)
        self.checklist: dict[str, ChecklistLine] = {}
        for row, item in enumerate(clinic.protocol.pre_infusion_checklist):
            self.checklist[item.key] = ChecklistLine(
                f"pre_check_{item.key}", item.key, item.label, self.record_checklist, grid, row, clinic
            )
        grid.setRowStretch(len(self.checklist), 1)
        return box

    def refresh(self, view: VisitView) -> None:
        """Redraw from the record. Nothing here depends on the clock, so an unchanged record costs nothing."""
        detail = view.detail
        marks = self.clinic.outcomes.marks(self.visit_id)  # what is due, and the risk flags that stop the start
        # The baseline, not every reading: a set charted during the infusion changes nothing here.
        key = (
            marks,
            detail.summary.phase,
            detail.events,
            detail.weight_kg,
            detail.dose,
            detail.baseline,
            detail.checklist,
            detail.acknowledgements,
            detail.approval_requests,
            detail.verbal_orders,
        )
        if key == self._drawn:
            return
        self._drawn = key
        phase = detail.summary.phase
        self._phase = phase
        self._weight_kg = detail.weight_kg
        self._dose = detail.dose
        editable = bool(self.clinic.bedside.answer_pre_infusion.allowed(phase=phase))  # the clinic says when, for whom
        self._draw_status(detail, phase)
        for item_key, line in self.checklist.items():
            line.show_answer(detail.checklist_answer(CHECKLIST, item_key), editable, self.names, detail)
        self._draw_weight(detail, editable)
        self._draw_baseline(detail, editable)
        self._draw_dose(detail, editable)
        self.outcomes.draw(marks.due, self.clinic.outcomes.record_measure.allowed(phase=phase))
        self._draw_blockers(phase)

    def _draw_status(self, detail: VisitDetail, phase: Phase) -> None:
        starting = bool(self.clinic.infusion.start_pre_assessment.allowed(phase=phase))
        self.start_button.setVisible(starting)
        self.start_button.setEnabled(starting)
        started = next((e for e in reversed(detail.events) if e.phase is Phase.PRE_ASSESSMENT), None)
        if phase is Phase.SCHEDULED:
            text = "The patient is booked. Start the pre-assessment when they are in the chair."
        elif phase is Phase.PRE_ASSESSMENT:
            who = f" by {self.names.name(started.by)}" if started else ""
            text = f"Pre-assessment under way since {local_time(started.at if started else None)}{who}."
        elif phase in NOT_HELD:
            text = f"Visit {phase.label.lower()}: the pre-assessment is closed (read-only)."
        else:
            infusion = detail.event_time(Phase.INFUSING)
            text = (
                f"Pre-assessment complete; infusion started at {local_time(infusion)}. Shown as recorded (read-only)."
            )
        self.status.setText(text)

    def start_pre_assessment(self) -> None:
        """The patient is in the chair."""
        self.write(self.message, lambda: self.clinic.infusion.start_pre_assessment(self.visit_id))

    def record_checklist(self, item_key: str, checked: bool) -> None:
        """Store one tick or untick as soon as it is made; a refusal puts the box back."""
        changes = self.write(
            self.message, lambda: self.clinic.bedside.record_checklist(self.visit_id, CHECKLIST, item_key, checked)
        )
        if changes is None:
            self.checklist[item_key].put_back(not checked)
