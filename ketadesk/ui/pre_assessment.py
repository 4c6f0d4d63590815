"""Pre-assessment: the pre-infusion checklist, today's weight, baseline vitals and the dose.

Everything here is recorded the moment it is entered, through the clinic API. What still
stops the infusion from starting is listed in words, straight from the clinic's own gate,
so this screen and the Start button can never disagree. A baseline BP above the protocol
limit, or a dose outside the protocol, shows a button for the physician's acknowledgement.
Once the visit has moved past pre-assessment every input turns read-only and shows what
was recorded.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic, VisitView
from ketadesk.core.dosing import DosePlan
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import BASELINE_BP, DOSE_OVERRIDE
from ketadesk.core.records import DoseRecord, VisitDetail
from ketadesk.core.vitals import baseline_needs_physician
from ketadesk.ui.checklist_rows import MUTED_STYLE, ChecklistLine, NameBook, PristineFields
from ketadesk.ui.common import PhysicianAcknowledgement, SectionBase
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.writes import USER_ERRORS
from ketadesk.ui.vitals_row import VitalsRow

CHECKLIST = "pre_infusion"
# Stands in for the lot number while the nurse has not typed it, so the calculator can still show mg and mL.
_LOT_PLACEHOLDER = "PENDING"
WARNING_STYLE = "color: #b71c1c; font-weight: bold;"
# The calculation stays black and readable; the ⚠ line and a red frame say a physician is needed.
REVIEW_STYLE = "border: 2px solid #c62828; padding: 4px;"


def _label(name: str, *, bold: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(name.replace("_", " "))
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def dose_summary(
    mg_per_kg: float,
    weight_kg: float,
    dose_mg: float,
    volume_ml: float,
    concentration: float,
    rate_ml_per_h: float,
    rate_mg_per_h: float,
    duration_min: int,
) -> str:
    """The dose as a nurse checks it against the pump: mg/kg × kg = mg, mL, mL/h and mg/h."""
    return (
        f"{mg_per_kg:g} mg/kg × {weight_kg:g} kg = {dose_mg:g} mg\n"
        f"Volume {volume_ml:g} mL at {concentration:g} mg/mL\n"
        f"Rate {rate_ml_per_h:g} mL/h ({rate_mg_per_h:g} mg/h) over {duration_min} min"
    )


def plan_summary(plan: DosePlan) -> str:
    """A calculated plan in words."""
    return dose_summary(
        plan.mg_per_kg,
        plan.weight_kg,
        plan.dose_mg,
        plan.volume_ml,
        plan.concentration_mg_per_ml,
        plan.rate_ml_per_h,
        plan.rate_mg_per_h,
        plan.duration_min,
    )


def record_summary(dose: DoseRecord) -> str:
    """A prepared dose in words (mg/h is derived: the record keeps mL/h)."""
    mg_per_h = round(dose.dose_mg / (dose.duration_min / 60), 1)
    return dose_summary(
        dose.mg_per_kg,
        dose.weight_kg,
        dose.dose_mg,
        dose.volume_ml,
        dose.concentration_mg_per_ml,
        dose.rate_ml_per_h,
        mg_per_h,
        dose.duration_min,
    )


def _group_blockers(blockers: list[str]) -> list[str]:
    """Fold the unticked checklist items into one line, so the other gates are not lost below ten of them."""
    prefix = "Checklist: "
    unticked = [b.removeprefix(prefix) for b in blockers if b.startswith(prefix)]
    others = [b for b in blockers if not b.startswith(prefix)]
    if not unticked:
        return others
    count = f"{len(unticked)} item{'s' if len(unticked) != 1 else ''} not ticked"
    return [f"Checklist: {count} — " + "; ".join(unticked), *others]


class PreAssessmentSection(SectionBase):
    """Checklist, weight, baseline vitals and dose: the gates before the infusion may start."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("pre_assessment_section")
        self.names = NameBook(clinic)
        self.fields = PristineFields()
        self._drawn: tuple[object, ...] | None = None
        self._phase: Phase | None = None
        self._weight_kg: float | None = None
        self._dose: DoseRecord | None = None
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
        self.status = _label("pre_assessment_status", bold=True)
        top.addWidget(self.status, 1)
        self.start_button = QPushButton("Start pre-assessment")
        self.start_button.setObjectName("start_pre_assessment_button")
        self.start_button.setAccessibleName("Start pre-assessment")
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
        columns.addWidget(self._baseline_box(clinic, visit_id), 1, 0, 1, 2)
        columns.addWidget(self._blockers_box(), 2, 0, 1, 2)
        layout.addLayout(columns)
        layout.addStretch(1)

        default = self.previous_mg_per_kg
        if default is None:
            default = clinic.protocol.dose.default_mg_per_kg
        self.fields.fill(self.mg_per_kg, f"{default:g}")
        self.mg_per_kg.textChanged.connect(self.update_dose_result)
        self.lot.textChanged.connect(self.update_dose_result)
        self.refresh(clinic.visits.get(visit_id))

    # ------------------------------------------------------------------ building

    def _checklist_box(self, clinic: Clinic) -> QGroupBox:
        box = QGroupBox("Pre-infusion checklist")
        box.setObjectName("pre_checklist")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(8)
        self.checklist: dict[str, ChecklistLine] = {}
        for row, item in enumerate(clinic.protocol.pre_infusion_checklist):
            self.checklist[item.key] = ChecklistLine(
                f"pre_check_{item.key}", item.key, item.label, self.record_checklist, grid, row
            )
        grid.setRowStretch(len(self.checklist), 1)
        return box

    def _weight_box(self) -> QGroupBox:
        box = QGroupBox("Weight today")
        box.setObjectName("weight_box")
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        caption = QLabel("&Weight (kg)")
        self.weight = QLineEdit()
        self.weight.setObjectName("weight_field")
        self.weight.setAccessibleName("Weight today (kg)")
        self.weight.setPlaceholderText("kg")
        self.weight.setMaxLength(6)
        self.weight.setFixedWidth(80)
        self.weight.returnPressed.connect(self.record_weight)
        caption.setBuddy(self.weight)
        self.weight_button = QPushButton("Record weight")
        self.weight_button.setObjectName("record_weight_button")
        self.weight_button.clicked.connect(self.record_weight)
        self.weight_recorded = _label("weight_recorded")
        self.weight_recorded.setStyleSheet(MUTED_STYLE)
        row.addWidget(caption)
        row.addWidget(self.weight)
        row.addWidget(self.weight_button)
        row.addWidget(self.weight_recorded, 1)
        column.addLayout(row)
        self.weight_message = MessageLine("weight_message")
        column.addWidget(self.weight_message)
        return box

    def _baseline_box(self, clinic: Clinic, visit_id: int) -> QGroupBox:
        box = QGroupBox("Baseline vital signs")
        box.setObjectName("baseline_box")
        column = QVBoxLayout(box)
        self.baseline_row = VitalsRow(clinic, visit_id, name="baseline_row", baseline=True)
        column.addWidget(self.baseline_row)
        self.baseline_recorded = _label("baseline_recorded")
        column.addWidget(self.baseline_recorded)
        ack_row = QHBoxLayout()
        self.baseline_ack = _label("baseline_acknowledgement")
        ack_row.addWidget(self.baseline_ack, 1)
        self.baseline_ack_button = QPushButton("Physician acknowledgement…")
        self.baseline_ack_button.setObjectName("acknowledge_baseline_button")
        self.baseline_ack_button.setAccessibleName("Physician acknowledgement of the baseline blood pressure")
        self.baseline_ack_button.clicked.connect(self.acknowledge_baseline)
        ack_row.addWidget(self.baseline_ack_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(ack_row)
        return box

    def _dose_box(self) -> QGroupBox:
        box = QGroupBox("Dose")
        box.setObjectName("dose_box")
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        per_kg_caption = QLabel("&Dose (mg/kg)")
        self.mg_per_kg = QLineEdit()
        self.mg_per_kg.setObjectName("dose_mg_per_kg")
        self.mg_per_kg.setAccessibleName("Dose (mg/kg)")
        self.mg_per_kg.setMaxLength(6)
        self.mg_per_kg.setFixedWidth(70)
        per_kg_caption.setBuddy(self.mg_per_kg)
        lot_caption = QLabel("&Lot")
        self.lot = QLineEdit()
        self.lot.setObjectName("dose_lot")
        self.lot.setAccessibleName("Lot number of the vial")
        self.lot.setPlaceholderText("from the vial")
        self.lot.setMaxLength(40)
        self.lot.setMinimumWidth(110)
        lot_caption.setBuddy(self.lot)
        self.prepare_button = QPushButton("Prepare dose")
        self.prepare_button.setObjectName("prepare_dose_button")
        self.prepare_button.clicked.connect(self.prepare_dose)
        self.mg_per_kg.returnPressed.connect(self.prepare_dose)
        self.lot.returnPressed.connect(self.prepare_dose)
        row.addWidget(per_kg_caption)
        row.addWidget(self.mg_per_kg)
        row.addWidget(lot_caption)
        row.addWidget(self.lot, 1)
        row.addWidget(self.prepare_button)
        column.addLayout(row)
        self.previous = _label("dose_previous")
        self.previous.setStyleSheet(MUTED_STYLE)
        column.addWidget(self.previous)
        self.result = _label("dose_result")
        self.result.setFrameShape(QFrame.Shape.StyledPanel)
        self.result.setMargin(6)
        self.result.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        font = self.result.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.result.setFont(font)
        column.addWidget(self.result)
        self.prepared = _label("dose_prepared")
        column.addWidget(self.prepared)
        ack_row = QHBoxLayout()
        self.dose_ack = _label("dose_acknowledgement")
        ack_row.addWidget(self.dose_ack, 1)
        self.dose_ack_button = QPushButton("Physician acknowledgement…")
        self.dose_ack_button.setObjectName("acknowledge_dose_button")
        self.dose_ack_button.setAccessibleName("Physician acknowledgement of the dose")
        self.dose_ack_button.clicked.connect(self.acknowledge_dose)
        ack_row.addWidget(self.dose_ack_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(ack_row)
        self.dose_message = MessageLine("dose_message")
        column.addWidget(self.dose_message)
        return box

    def _blockers_box(self) -> QGroupBox:
        box = QGroupBox("Before the infusion can start")
        box.setObjectName("start_blockers_box")
        column = QVBoxLayout(box)
        self.blockers = _label("start_blockers")
        column.addWidget(self.blockers)
        # The start is where the nurse finishes the checks, not only on the monitoring tab.
        self.start_infusion_button = QPushButton("Start infusion")
        self.start_infusion_button.setObjectName("pre_start_infusion_button")
        self.start_infusion_button.setAccessibleName("Start infusion")
        self.start_infusion_button.clicked.connect(self.start_infusion)
        self.start_infusion_button.setEnabled(False)
        column.addWidget(self.start_infusion_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    # ------------------------------------------------------------------ drawing

    def refresh(self, view: VisitView) -> None:
        """Redraw from the record. Nothing here depends on the clock, so an unchanged record costs nothing."""
        detail = view.detail
        # The baseline, not every reading: a set charted during the infusion changes nothing here.
        key = (
            detail.summary.phase,
            detail.events,
            detail.weight_kg,
            detail.dose,
            detail.baseline,
            detail.checklist,
            detail.acknowledgements,
        )
        if key == self._drawn:
            return
        self._drawn = key
        phase = detail.summary.phase
        self._phase = phase
        self._weight_kg = detail.weight_kg
        self._dose = detail.dose
        editable = phase is Phase.PRE_ASSESSMENT
        self._draw_status(detail, phase)
        for item_key, line in self.checklist.items():
            line.show_answer(detail.checklist_answer(CHECKLIST, item_key), editable, self.names)
        self._draw_weight(detail, editable)
        self._draw_baseline(detail, editable)
        self._draw_dose(detail, editable)
        self._draw_blockers(phase)

    def _draw_status(self, detail: VisitDetail, phase: Phase) -> None:
        self.start_button.setVisible(phase is Phase.SCHEDULED)
        started = next((e for e in reversed(detail.events) if e.phase is Phase.PRE_ASSESSMENT), None)
        if phase is Phase.SCHEDULED:
            text = "The patient is booked. Start the pre-assessment when they are in the chair."
        elif phase is Phase.PRE_ASSESSMENT:
            who = f" by {self.names.name(started.by)}" if started else ""
            text = f"Pre-assessment under way since {local_time(started.at if started else None)}{who}."
        elif phase in (Phase.CANCELLED, Phase.NO_SHOW):
            text = f"Visit {phase.label.lower()}: the pre-assessment is closed (read-only)."
        else:
            infusion = detail.event_time(Phase.INFUSING)
            text = (
                f"Pre-assessment complete; infusion started at {local_time(infusion)}. Shown as recorded (read-only)."
            )
        self.status.setText(text)

    def _draw_weight(self, detail: VisitDetail, editable: bool) -> None:
        recorded = f"{detail.weight_kg:g}" if detail.weight_kg is not None else ""
        self.weight.setReadOnly(not editable)
        self.weight_button.setEnabled(editable)
        self.fields.fill(self.weight, recorded, force=not editable)
        self.weight_recorded.setText(f"Recorded: {recorded} kg" if recorded else "Not recorded yet")

    def _draw_baseline(self, detail: VisitDetail, editable: bool) -> None:
        self.baseline_row.setVisible(detail.summary.phase in (Phase.SCHEDULED, Phase.PRE_ASSESSMENT))
        self.baseline_row.setEnabled(editable)
        baseline = detail.baseline
        needs = False
        if baseline is None:
            self.baseline_recorded.setText("No baseline recorded yet: type SBP, DBP, HR, SpO2, RR and press Enter.")
            set_style(self.baseline_recorded, MUTED_STYLE)
        else:
            v = baseline.vitals
            temp = f" · {v.temp_c:g} °C" if v.temp_c is not None else ""
            self.baseline_recorded.setText(
                f"Baseline: BP {v.sbp}/{v.dbp} · HR {v.hr} · SpO2 {v.spo2} % · RR {v.rr}{temp} — taken "
                f"{local_time(v.taken_at)} by {self.names.name(baseline.entered_by)}"
            )
            set_style(self.baseline_recorded, "")
            needs = baseline_needs_physician(v, self.clinic.protocol.alerts)
        ack = detail.latest_acknowledgement(BASELINE_BP)
        if not needs or baseline is None:
            self.baseline_ack.setText("")
            self.baseline_ack.setVisible(False)
            self.baseline_ack_button.setVisible(False)
            return
        self.baseline_ack.setVisible(True)
        limits = self.clinic.protocol.alerts
        above = (
            f"BP {baseline.vitals.sbp}/{baseline.vitals.dbp} is above {limits.baseline_sbp_above}/"
            f"{limits.baseline_dbp_above}"
        )
        if ack is not None:
            self.baseline_ack.setText(
                f"✓ {above}: acknowledged by {self.names.name(ack.by)} at {local_time(ack.at)} — “{ack.note}”"
            )
            set_style(self.baseline_ack, OK_STYLE)
            self.baseline_ack_button.setVisible(False)
        else:
            self.baseline_ack.setText(
                f"⚠ {above}: a physician must acknowledge it, with a reason, before the infusion starts."
            )
            set_style(self.baseline_ack, WARNING_STYLE)
            self.baseline_ack_button.setVisible(editable)

    def _draw_dose(self, detail: VisitDetail, editable: bool) -> None:
        dose = detail.dose
        self.mg_per_kg.setReadOnly(not editable)
        self.lot.setReadOnly(not editable)
        self.prepare_button.setEnabled(editable)
        if dose is not None:
            self.fields.fill(self.mg_per_kg, f"{dose.mg_per_kg:g}", force=not editable)
            self.fields.fill(self.lot, dose.lot_number, force=not editable)
        elif not editable and detail.summary.phase is not Phase.SCHEDULED:
            self.fields.fill(self.mg_per_kg, "", force=True)
            self.fields.fill(self.lot, "", force=True)
        if self.previous_mg_per_kg is None:
            self.previous.setText(
                f"First infusion of this patient: protocol default "
                f"{self.clinic.protocol.dose.default_mg_per_kg:g} mg/kg."
            )
        else:
            self.previous.setText(f"Previous infusion: {self.previous_mg_per_kg:g} mg/kg.")
        if dose is None:
            self.prepared.setText(
                "No dose prepared yet."
                if editable or detail.summary.phase is Phase.SCHEDULED
                else "No dose was prepared."
            )
            set_style(self.prepared, MUTED_STYLE)
        else:
            self.prepared.setText(
                f"Prepared by {self.names.name(dose.by)} at {local_time(dose.at)}: "
                f"{dose.dose_mg:g} mg {dose.drug} {dose.route} "
                f"({dose.mg_per_kg:g} mg/kg × {dose.weight_kg:g} kg), "
                f"{dose.volume_ml:g} mL at {dose.rate_ml_per_h:g} mL/h, lot {dose.lot_number}."
            )
            set_style(self.prepared, "")
        self._draw_dose_acknowledgement(detail, dose, editable)
        self.update_dose_result()

    def _draw_dose_acknowledgement(self, detail: VisitDetail, dose: DoseRecord | None, editable: bool) -> None:
        reasons: tuple[str, ...] = ()
        if dose is not None:
            try:
                _, review = self.clinic.infusion.calculate_dose(
                    self.visit_id, dose.mg_per_kg, dose.lot_number, weight=dose.weight_kg
                )
            except USER_ERRORS:  # a stored dose always recalculates; if not, the start gate still says so
                review = None
            reasons = review.reasons if review is not None and review.needs_physician else ()
        if not reasons or dose is None:
            self.dose_ack.setVisible(False)
            self.dose_ack_button.setVisible(False)
            return
        self.dose_ack.setVisible(True)
        ack = next(
            (a for a in reversed(detail.acknowledgements) if a.subject == DOSE_OVERRIDE and a.subject_id == dose.id),
            None,
        )
        if ack is not None:
            self.dose_ack.setText(
                f"✓ Dose outside the protocol ({'; '.join(reasons)}): acknowledged by "
                f"{self.names.name(ack.by)} at {local_time(ack.at)} — “{ack.note}”"
            )
            set_style(self.dose_ack, OK_STYLE)
            self.dose_ack_button.setVisible(False)
        else:
            self.dose_ack.setText(f"⚠ The prepared dose needs a physician's acknowledgement: {'; '.join(reasons)}.")
            set_style(self.dose_ack, WARNING_STYLE)
            self.dose_ack_button.setVisible(editable)

    def _draw_blockers(self, phase: Phase) -> None:
        self.start_infusion_button.setEnabled(False)
        self.start_infusion_button.setVisible(phase is Phase.PRE_ASSESSMENT)
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
                if phase in (Phase.CANCELLED, Phase.NO_SHOW)
                else "✓ Every pre-infusion gate was met; the infusion has started."
            )
            set_style(self.blockers, MUTED_STYLE)
            return
        blockers = _group_blockers(self.clinic.infusion.start_blockers(self.visit_id))
        if blockers:
            self.blockers.setText("✗ Not yet — still needed:\n" + "\n".join(f"•  {b}" for b in blockers))
            set_style(self.blockers, ERROR_STYLE)
        else:
            self.blockers.setText("✓ Every pre-infusion gate is met: the infusion may start.")
            set_style(self.blockers, OK_STYLE)
            self.start_infusion_button.setEnabled(True)

    def update_dose_result(self) -> None:
        """Recalculate the dose from what is typed, as it is typed; nothing is saved."""
        if self._phase is not Phase.PRE_ASSESSMENT:
            dose = self._dose
            if dose is not None:
                self.result.setText(record_summary(dose))
                set_style(self.result, "")
            else:
                self.result.setText(
                    "Record today's weight, then the calculator shows mg, mL and the pump rate."
                    if self._phase is Phase.SCHEDULED
                    else "No dose was calculated."
                )
                set_style(self.result, MUTED_STYLE)
            return
        if self._weight_kg is None:
            self.result.setText("Record today's weight, then the calculator shows mg, mL and the pump rate.")
            set_style(self.result, MUTED_STYLE)
            return
        lot = self.lot.text().strip()
        lot_note = ""
        try:
            try:
                plan, review = self.clinic.infusion.calculate_dose(
                    self.visit_id, self.mg_per_kg.text(), lot or _LOT_PLACEHOLDER
                )
            except USER_ERRORS as error:
                if getattr(error, "field", None) != "lot_number":
                    raise
                lot_note = str(getattr(error, "message", None) or error)
                plan, review = self.clinic.infusion.calculate_dose(
                    self.visit_id, self.mg_per_kg.text(), _LOT_PLACEHOLDER
                )
        except USER_ERRORS as error:
            self.result.setText(f"⚠ {getattr(error, 'message', None) or error}")
            set_style(self.result, ERROR_STYLE)
            return
        lines = [
            plan_summary(plan),
            f"Lot: {lot.upper()}"
            if lot and not lot_note
            else f"⚠ {lot_note}"
            if lot_note
            else "Lot: type it from the vial",
        ]
        if review.needs_physician:
            lines.append("⚠ Needs a physician's acknowledgement: " + "; ".join(review.reasons))
        self.result.setText("\n".join(lines))
        set_style(self.result, REVIEW_STYLE if review.needs_physician or lot_note else "")

    # ------------------------------------------------------------------ writing

    def start_infusion(self) -> None:
        """Start the pump once every gate holds (the clinic checks them again)."""
        self.write(self.message, lambda: self.clinic.infusion.start_infusion(self.visit_id))

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

    def record_weight(self) -> None:
        """Record today's weight as typed."""

        def recorded(_changes: Changes) -> None:
            self.fields.adopt(self.weight)
            self.weight_message.ok("Weight recorded")

        self.write(
            self.weight_message,
            lambda: self.clinic.infusion.record_weight(self.visit_id, self.weight.text()),
            then=recorded,
        )

    def prepare_dose(self) -> None:
        """Record the dose as calculated for today's weight."""

        def prepared(changes: Changes) -> None:
            self.fields.adopt(self.mg_per_kg)
            self.fields.adopt(self.lot)
            if changes.warnings:
                self.dose_message.error(
                    "Dose prepared — a physician must acknowledge it: " + "; ".join(changes.warnings)
                )
            else:
                self.dose_message.ok("Dose prepared")

        self.write(
            self.dose_message,
            lambda: self.clinic.infusion.prepare_dose(self.visit_id, self.mg_per_kg.text(), self.lot.text()),
            then=prepared,
        )

    def acknowledge_baseline(self) -> PhysicianAcknowledgement:
        """Ask a physician to acknowledge a baseline BP above the protocol limit."""
        limits = self.clinic.protocol.alerts
        return self.open_acknowledgement(
            BASELINE_BP,
            f"The baseline blood pressure is above {limits.baseline_sbp_above}/"
            f"{limits.baseline_dbp_above}. A physician must say why it is safe to start the infusion.",
        )

    def acknowledge_dose(self) -> PhysicianAcknowledgement:
        """Ask a physician to acknowledge a dose outside the protocol."""
        text = self.dose_ack.text().removeprefix("⚠ ")
        return self.open_acknowledgement(DOSE_OVERRIDE, f"{text} A physician must give the reason for this dose.")
