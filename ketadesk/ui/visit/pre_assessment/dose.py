"""The dose: mg/kg and the vial's lot, calculated live as typed, prepared through the clinic, and its acknowledgement.

The calculation is the clinic's (core's dosing rules); this part only shows it as a nurse
checks it against the pump, and asks for a physician when the dose is outside the protocol.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QVBoxLayout

from ketadesk.clinic import Changes
from ketadesk.core.dosing import DosePlan
from ketadesk.core.orders import covering_order
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import DOSE_OVERRIDE
from ketadesk.core.records import DoseRecord, VisitDetail
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import CAUTION_STYLE, MUTED_STYLE, REVIEW_STYLE, WARNING_STYLE
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.writes import USER_ERRORS, error_text
from ketadesk.ui.visit.approval import PhysicianAcknowledgement
from ketadesk.ui.visit.dose_record import given_stands_out, given_text, superseded_lines
from ketadesk.ui.visit.orders import ApprovalStatusLine
from ketadesk.ui.visit.pre_assessment.part import PreAssessmentPart

# Stands in for the lot number while the nurse has not typed it, so the calculator can still show mg and mL.
_LOT_PLACEHOLDER = "PENDING"


def _label(name: str, *, bold: bool = False) -> QLabel:
    """A line of the dose box a nurse can select and copy."""
    return widgets.label(name, bold=bold, selectable=True)


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


class DoseCalculator(PreAssessmentPart):
    """The dose box of the pre-assessment section: calculate as typed, prepare, and the physician's acknowledgement."""

    def _dose_box(self) -> QGroupBox:
        """The mg/kg and lot fields, the live calculation, what was prepared and its acknowledgement."""
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
        self.prepare_button = widgets.button("prepare_dose_button", "Prepare dose")
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
        self.superseded = QVBoxLayout()  # every earlier preparation, struck through, with when and who replaced it
        self.superseded.setSpacing(2)
        self.superseded_labels: list[QLabel] = []
        column.addLayout(self.superseded)
        self.given = _label("dose_given")
        column.addWidget(self.given)
        ack_row = QHBoxLayout()
        self.dose_ack = _label("dose_acknowledgement")
        ack_row.addWidget(self.dose_ack, 1)
        self.dose_ack_button = widgets.button("acknowledge_dose_button", "Physician approval…")
        self.dose_ack_button.setAccessibleName("Physician acknowledgement of the dose")
        self.dose_ack_button.clicked.connect(self.acknowledge_dose)
        ack_row.addWidget(self.dose_ack_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(ack_row)
        self.dose_orders = ApprovalStatusLine("dose_orders")
        column.addWidget(self.dose_orders)
        self.dose_message = MessageLine("dose_message")
        column.addWidget(self.dose_message)
        return box

    def _draw_dose(self, detail: VisitDetail, editable: bool) -> None:
        dose = detail.dose
        self.mg_per_kg.setReadOnly(not editable)
        self.lot.setReadOnly(not editable)
        self.prepare_button.setEnabled(bool(self.clinic.infusion.prepare_dose.allowed(phase=detail.summary.phase)))
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
        self._draw_superseded(detail)
        given = given_text(detail, self.names)
        self.given.setVisible(given is not None)
        self.given.setText(given or "")
        set_style(self.given, CAUTION_STYLE if given_stands_out(detail) else "font-weight: bold;")
        self._draw_dose_acknowledgement(detail, dose, editable)
        self.update_dose_result()

    def _draw_superseded(self, detail: VisitDetail) -> None:
        """One line per replaced preparation: the preparation struck through, then when and by whom."""
        for old in self.superseded_labels:
            self.superseded.removeWidget(old)
            old.setParent(None)
            old.deleteLater()
        self.superseded_labels = []
        for number, line in enumerate(superseded_lines(detail, self.names), start=1):
            shown = _label(f"dose_superseded_{number}")
            shown.setTextFormat(Qt.TextFormat.RichText)
            shown.setText(f"<s>{escape(line.struck)}</s> — {escape(line.note)}")
            shown.setAccessibleName(f"Superseded preparation {number}: {line.struck}, {line.note}")
            set_style(shown, MUTED_STYLE)
            self.superseded.addWidget(shown)
            self.superseded_labels.append(shown)

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
            self.dose_orders.setVisible(False)
            return
        self.dose_orders.draw(detail, DOSE_OVERRIDE, self.names, dose.id)
        self.dose_ack.setVisible(True)
        order = covering_order(detail.verbal_orders, DOSE_OVERRIDE, dose.id)
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
        elif order is not None:
            self.dose_ack.setText(
                f"✓ Dose outside the protocol ({'; '.join(reasons)}): on a {order.mode.label.lower()} of "
                f"{self.names.name(order.physician)} — {order.status_word.upper()}"
            )
            set_style(self.dose_ack, CAUTION_STYLE if order.outstanding else OK_STYLE)
            self.dose_ack_button.setVisible(False)
        else:
            self.dose_ack.setText(f"⚠ The prepared dose needs a physician's acknowledgement: {'; '.join(reasons)}.")
            set_style(self.dose_ack, WARNING_STYLE)
            self.dose_ack_button.setVisible(editable)

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
                lot_note = error_text(error)
                plan, review = self.clinic.infusion.calculate_dose(
                    self.visit_id, self.mg_per_kg.text(), _LOT_PLACEHOLDER
                )
        except USER_ERRORS as error:
            self.result.setText(f"⚠ {error_text(error)}")
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

    def acknowledge_dose(self) -> PhysicianAcknowledgement:
        """Ask a physician to acknowledge a dose outside the protocol."""
        text = self.dose_ack.text().removeprefix("⚠ ")
        dose = self._dose
        values = "" if dose is None else f"{dose.mg_per_kg:g} mg/kg = {dose.dose_mg:g} mg for {dose.weight_kg:g} kg"
        return self.open_acknowledgement(
            DOSE_OVERRIDE, f"{text} A physician must give the reason for this dose.", values
        )
