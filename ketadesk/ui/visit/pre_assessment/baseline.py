"""Today's weight and the baseline vital signs, with the physician's acknowledgement of a high baseline BP."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.orders import covering_order
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import BASELINE_BP
from ketadesk.core.records import VisitDetail
from ketadesk.core.vitals import baseline_needs_physician
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import CAUTION_STYLE, MUTED_STYLE, WARNING_STYLE
from ketadesk.ui.kit.lines import OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.approval import PhysicianAcknowledgement
from ketadesk.ui.visit.orders import ApprovalStatusLine
from ketadesk.ui.visit.pre_assessment.part import PreAssessmentPart
from ketadesk.ui.visit.vitals.row import VitalsRow


def _label(name: str) -> QLabel:
    """A line of the weight or baseline box a nurse can select and copy."""
    return widgets.label(name, selectable=True)


class WeightAndBaseline(PreAssessmentPart):
    """The weight and baseline boxes of the pre-assessment section."""

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
        self.weight_button = widgets.button("record_weight_button", "Record weight")
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
        self.baseline_ack_button = widgets.button("acknowledge_baseline_button", "Physician approval…")
        self.baseline_ack_button.setAccessibleName("Physician acknowledgement of the baseline blood pressure")
        self.baseline_ack_button.clicked.connect(self.acknowledge_baseline)
        ack_row.addWidget(self.baseline_ack_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(ack_row)
        self.baseline_orders = ApprovalStatusLine("baseline_orders")
        column.addWidget(self.baseline_orders)
        return box

    def _draw_weight(self, detail: VisitDetail, editable: bool) -> None:
        recorded = f"{detail.weight_kg:g}" if detail.weight_kg is not None else ""
        self.weight.setReadOnly(not editable)
        self.weight_button.setEnabled(bool(self.clinic.infusion.record_weight.allowed(phase=detail.summary.phase)))
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
            self.baseline_orders.setVisible(False)
            return
        self.baseline_orders.draw(detail, BASELINE_BP, self.names)
        order = covering_order(detail.verbal_orders, BASELINE_BP, since=baseline.entered_at)
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
        elif order is not None:
            self.baseline_ack.setText(
                f"✓ {above}: on a {order.mode.label.lower()} of {self.names.name(order.physician)} — "
                f"{order.status_word.upper()}"
            )
            set_style(self.baseline_ack, CAUTION_STYLE if order.outstanding else OK_STYLE)
            self.baseline_ack_button.setVisible(False)
        else:
            self.baseline_ack.setText(
                f"⚠ {above}: a physician must acknowledge it, with a reason, before the infusion starts."
            )
            set_style(self.baseline_ack, WARNING_STYLE)
            self.baseline_ack_button.setVisible(editable)

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

    def acknowledge_baseline(self) -> PhysicianAcknowledgement:
        """Ask a physician to acknowledge a baseline BP above the protocol limit."""
        limits = self.clinic.protocol.alerts
        baseline = self.clinic.visits.get(self.visit_id).detail.baseline
        values = ""
        if baseline is not None:
            v = baseline.vitals
            values = (
                f"BP {v.sbp}/{v.dbp} (limit {limits.baseline_sbp_above}/{limits.baseline_dbp_above}), "
                f"HR {v.hr}, SpO2 {v.spo2} %"
            )
        return self.open_acknowledgement(
            BASELINE_BP,
            f"The baseline blood pressure is above {limits.baseline_sbp_above}/"
            f"{limits.baseline_dbp_above}. A physician must say why it is safe to start the infusion.",
            values,
        )
