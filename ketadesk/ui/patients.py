"""Finding, registering and editing patients, and booking their next visit into a chair."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.vitals import parse_decimal
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.writes import run_write


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class PatientForm(QDialog):
    """Register a new patient or edit one; a refused field is named and everything typed stays."""

    def __init__(self, clinic: Clinic, patient_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.patient_id = patient_id
        self.saved_id: int | None = None
        self.setObjectName("patient_form")
        self.setWindowTitle("Edit patient" if patient_id else "Register patient")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.mrn = self._line("patient_mrn", "MRN")
        self.family = self._line("patient_family_name", "Family name")
        self.given = self._line("patient_given_name", "Given name")
        self.born = QDateEdit()
        self.born.setObjectName("patient_date_of_birth")
        self.born.setAccessibleName("Date of birth")
        self.born.setDisplayFormat("yyyy-MM-dd")
        self.born.setCalendarPopup(True)
        self.born.setDate(QDate(1985, 1, 1))
        self.sex = QComboBox()
        self.sex.setObjectName("patient_sex")
        self.sex.setAccessibleName("Sex")
        for sex in Sex:
            self.sex.addItem(sex.value.capitalize(), sex.value)
        self.weight = self._line("patient_weight", "Weight (kg)")
        self.diagnoses = QListWidget()
        self.diagnoses.setObjectName("patient_diagnoses")
        self.diagnoses.setAccessibleName("Diagnoses")
        self.diagnoses.setMaximumHeight(150)
        for diagnosis in Diagnosis:
            item = QListWidgetItem(diagnosis.label)
            item.setData(Qt.ItemDataRole.UserRole, diagnosis.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.diagnoses.addItem(item)
        self.allergies = self._text("patient_allergies", "Allergies")
        self.medications = self._text("patient_medications", "Current medications")
        self.substance = QCheckBox("History of substance use disorder (shown on every visit)")
        self.substance.setObjectName("patient_substance_use")
        self.substance_note = self._line("patient_substance_note", "Substance-use note")
        self.contraindications = self._text("patient_contraindications", "Contraindication notes")
        form.addRow("MRN", self.mrn)
        form.addRow("Family name", self.family)
        form.addRow("Given name", self.given)
        form.addRow("Date of birth", self.born)
        form.addRow("Sex", self.sex)
        form.addRow("Weight (kg)", self.weight)
        form.addRow("Diagnoses", self.diagnoses)
        form.addRow("Allergies", self.allergies)
        form.addRow("Medications", self.medications)
        form.addRow("", self.substance)
        form.addRow("Substance-use note", self.substance_note)
        form.addRow("Contraindications", self.contraindications)
        layout.addLayout(form)
        self.message = MessageLine("patient_form_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("patient_save_button")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if patient_id is not None:
            self._load(clinic.patients.get(patient_id))

    @staticmethod
    def _line(name: str, accessible: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        return field

    @staticmethod
    def _text(name: str, accessible: str) -> QPlainTextEdit:
        field = QPlainTextEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        field.setFixedHeight(52)
        field.setTabChangesFocus(True)
        return field

    def _load(self, patient: Patient) -> None:
        self.mrn.setText(patient.mrn)
        self.mrn.setReadOnly(True)
        self.mrn.setToolTip("An MRN is fixed once registered")
        self.family.setText(patient.family_name)
        self.given.setText(patient.given_name)
        self.born.setDate(_qdate(patient.date_of_birth))
        self.sex.setCurrentIndex(max(self.sex.findData(patient.sex.value), 0))
        self.weight.setText("" if patient.weight_kg is None else f"{patient.weight_kg:g}")
        chosen = {d.value for d in patient.diagnoses}
        for row in range(self.diagnoses.count()):
            item = self.diagnoses.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.allergies.setPlainText(patient.allergies)
        self.medications.setPlainText(patient.medications)
        self.substance.setChecked(patient.substance_use)
        self.substance_note.setText(patient.substance_use_note)
        self.contraindications.setPlainText(patient.contraindications)

    def patient(self) -> Patient:
        """The patient as typed (not yet validated: the clinic API does that)."""
        weight_text = self.weight.text().strip()
        weight = parse_decimal("weight_kg", weight_text) if weight_text else None
        diagnoses = tuple(
            Diagnosis(self.diagnoses.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.diagnoses.count())
            if self.diagnoses.item(row).checkState() == Qt.CheckState.Checked
        )
        return Patient(
            mrn=self.mrn.text(),
            family_name=self.family.text(),
            given_name=self.given.text(),
            date_of_birth=_pydate(self.born.date()),
            sex=Sex(self.sex.currentData()),
            weight_kg=weight,
            diagnoses=diagnoses,
            allergies=self.allergies.toPlainText(),
            medications=self.medications.toPlainText(),
            substance_use=self.substance.isChecked(),
            substance_use_note=self.substance_note.text(),
            contraindications=self.contraindications.toPlainText(),
        )

    def save(self) -> None:
        """Register or revise through the clinic; stay open with the reason if refused."""

        def write() -> Changes:
            typed = self.patient()
            if self.patient_id is None:
                return self.clinic.patients.register(typed)
            return self.clinic.patients.edit(self.patient_id, typed)

        changes = run_write(self.clinic, self.message, write)
        if changes is not None:
            self.saved_id = changes.created_id if self.patient_id is None else self.patient_id
            self.accept()


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
        self.plan_button = QPushButton("Plan a new course starting on this date")
        self.plan_button.setObjectName("plan_course_button")
        self.plan_button.clicked.connect(self.plan_course)
        self.day = QDateEdit()
        self.day.setObjectName("schedule_date")
        self.day.setAccessibleName("Visit date")
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setCalendarPopup(True)
        self.chair = QComboBox()
        self.chair.setObjectName("schedule_chair")
        self.chair.setAccessibleName("Chair")
        for chair in range(1, clinic.protocol.chairs + 1):
            self.chair.addItem(f"Chair {chair}", chair)
        form.addRow("Course", self.course_label)
        form.addRow("Template", self.template)
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
        self.day.setDate(_qdate(step.day))
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
                self.patient_id, _pydate(self.day.date()), str(self.template.currentData())
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
                self.patient_id, _pydate(self.day.date()), int(self.chair.currentData()), course_id=self.next.course_id
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


class FindPatientDialog(QDialog):
    """Find a patient by name or MRN, then edit them or book their next visit."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("find_patient_dialog")
        self.setWindowTitle("Find a patient")
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setObjectName("patient_search")
        self.query.setAccessibleName("Search by name or MRN")
        self.query.setPlaceholderText("Name or MRN…")
        self.query.textChanged.connect(self.search)
        layout.addWidget(self.query)
        self.results = QTableWidget(0, 4)
        self.results.setObjectName("patient_results")
        self.results.setHorizontalHeaderLabels(["Name", "MRN", "Born", "Caution"])
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.verticalHeader().setVisible(False)
        self.results.doubleClicked.connect(self.schedule)
        layout.addWidget(self.results, 1)
        row = QHBoxLayout()
        for name, text, slot in (
            ("register_patient_button", "&Register new…", self.register),
            ("edit_patient_button", "&Edit…", self.edit),
            ("schedule_patient_button", "&Schedule visit…", self.schedule),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = MessageLine("find_message")
        layout.addWidget(self.message)
        self.patients: list[Patient] = []
        self.scheduled: list[int] = []

    def search(self) -> None:
        """Show matching patients as the user types."""
        self.patients = self.clinic.patients.find(self.query.text())
        self.results.setRowCount(len(self.patients))
        for row, patient in enumerate(self.patients):
            caution = "⚠ substance-use history" if patient.substance_use else ""
            for column, text in enumerate(
                (patient.display_name, patient.mrn, patient.date_of_birth.isoformat(), caution)
            ):
                self.results.setItem(row, column, QTableWidgetItem(text))
        self.results.resizeColumnsToContents()
        if self.patients:
            self.results.selectRow(0)

    def selected(self) -> Patient | None:
        """The highlighted patient."""
        row = self.results.currentRow()
        return self.patients[row] if 0 <= row < len(self.patients) else None

    def register(self) -> None:
        """Open an empty patient form."""
        form = PatientForm(self.clinic, None, self)
        form.mrn.setText(self.query.text().strip() if self.query.text().strip().upper().startswith("KD") else "")
        if form.exec() == QDialog.DialogCode.Accepted and form.saved_id is not None:
            self.query.setText(self.clinic.patients.get(form.saved_id).mrn)

    def edit(self) -> None:
        """Edit the highlighted patient (saved as a new revision)."""
        patient = self.selected()
        if patient is None or patient.id is None:
            self.message.error("Choose a patient first.")
            return
        if PatientForm(self.clinic, patient.id, self).exec() == QDialog.DialogCode.Accepted:
            self.search()

    def schedule(self) -> None:
        """Book the highlighted patient's next visit."""
        patient = self.selected()
        if patient is None or patient.id is None:
            self.message.error("Choose a patient first.")
            return
        dialog = ScheduleVisitDialog(self.clinic, patient.id, self)
        dialog.exec()
        if dialog.visit_id is not None:
            self.scheduled.append(dialog.visit_id)
            self.message.ok(f"Visit booked for {patient.display_name}")
