"""Booking a patient's next visit into a chair: the next infusion of their course, or a new course."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Clinic
from ketadesk.core.dates import day_in_words
from ketadesk.ui.kit.dates import DateField
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import run_write


class ScheduleVisitDialog(QDialog):
    """Book a patient's next visit into a chair, with the course's next visit filled in."""

    def __init__(self, clinic: Clinic, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.patient_id = patient_id
        self.visit_id: int | None = None
        self.setObjectName("schedule_visit_dialog")
        patient = clinic.patients.get(patient_id)
        self.setWindowTitle(f"Schedule a visit — {patient.display_name}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.course_label = QLabel()
        self.course_label.setObjectName("schedule_course")
        self.template = QComboBox()
        self.template.setObjectName("schedule_template")
        self.template.setAccessibleName("Course template")
        for template in clinic.protocol.templates:
            self.template.addItem(template.label, template.key)
        # The outcome measures a new course is planned with: the clinic's default ticked, any others to add.
        self.measures: dict[str, QCheckBox] = {}
        measures_row = QHBoxLayout()
        default = set(clinic.protocol.outcomes.default_instruments)
        for instrument in clinic.protocol.outcomes.instruments:
            box = QCheckBox(instrument.name)
            box.setObjectName(f"plan_measure_{instrument.key.value}")
            box.setToolTip(instrument.title)
            box.setChecked(instrument.key in default)
            self.measures[instrument.key.value] = box
            measures_row.addWidget(box)
        measures_row.addStretch(1)
        self.plan_button = QPushButton("Plan a new course starting on this date")
        self.plan_button.setObjectName("plan_course_button")
        self.plan_button.clicked.connect(self.plan_course)
        # Typed as people type a date and read back with its weekday (no input mask reshuffles digits).
        self.day = DateField("schedule_date", "Visit date", "date", words=day_in_words)
        self.chair = QComboBox()
        self.chair.setObjectName("schedule_chair")
        self.chair.setAccessibleName("Chair")
        for chair in range(1, clinic.protocol.chairs + 1):
            self.chair.addItem(f"Chair {chair}", chair)
        form.addRow("Course", self.course_label)
        form.addRow("Template", self.template)
        form.addRow("Outcome measures", measures_row)
        form.addRow("", self.plan_button)
        form.addRow("Date", self.day)
        form.addRow("Chair", self.chair)
        layout.addLayout(form)
        self.message = MessageLine("schedule_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.book_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.book_button.setText("Schedule")
        self.book_button.setObjectName("schedule_button")
        buttons.accepted.connect(self.schedule)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_next()

    def _show_next(self) -> None:
        step = self.clinic.scheduling.next_visit(self.patient_id)
        self.next = step
        self.day.set_date(step.day)
        if step.course_id is None:
            self.course_label.setText("No course yet: plan one, or book a single visit outside a course")
        else:
            self.course_label.setText(f"Next: {step.label} (planned {step.day.isoformat()})")

    def plan_course(self) -> None:
        """Start a new course from the chosen template on the chosen date."""
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.scheduling.plan_course(
                self.patient_id,
                self.day.value(),
                str(self.template.currentData()),
                [key for key, box in self.measures.items() if box.isChecked()],
            ),
        )
        if changes is not None:
            self._show_next()
            self.message.ok("Course planned")

    def schedule(self) -> None:
        """Book the visit; warn (but allow) when the chair is already taken that day."""
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.scheduling.schedule_visit(
                self.patient_id, self.day.value(), int(self.chair.currentData()), course_id=self.next.course_id
            ),
        )
        if changes is None:
            return
        self.visit_id = changes.created_id
        if changes.warnings:
            self.message.error("Scheduled. Note: " + "; ".join(changes.warnings))
            self.book_button.setEnabled(False)
            return
        self.accept()
