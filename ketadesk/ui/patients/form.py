"""Registering a patient or correcting their details: MRN, name, birth date, sex, diagnosis, contacts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.dates import birth_date_in_words
from ketadesk.core.patient import Diagnosis, Patient, PossibleDuplicate, Sex
from ketadesk.core.vitals import parse_decimal
from ketadesk.ui.kit.dates import DateField
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import line
from ketadesk.ui.kit.writes import error_text, run_write
from ketadesk.ui.patients.duplicate import RegisterDuplicateQuestion


class PatientForm(QDialog):
    """Register a new patient or edit one; a refused field is named and everything typed stays."""

    def __init__(self, clinic: Clinic, patient_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.patient_id = patient_id
        self.saved_id: int | None = None
        self.duplicate_question: RegisterDuplicateQuestion | None = None
        self.setObjectName("patient_form")
        self.setWindowTitle("Edit patient" if patient_id else "Register patient")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.mrn = line("patient_mrn", "MRN")
        self.family = line("patient_family_name", "Family name")
        self.given = line("patient_given_name", "Given name")
        # Typed, not masked: a mask turned 1988-02-29 into 1988-01-02. Read back in words with the age.
        today = clinic.today()
        self.born = DateField(
            "patient_date_of_birth",
            "Date of birth",
            "date_of_birth",
            words=lambda born: birth_date_in_words(born, today),
        )
        self.sex = QComboBox()
        self.sex.setObjectName("patient_sex")
        self.sex.setAccessibleName("Sex")
        for sex in Sex:
            self.sex.addItem(sex.value.capitalize(), sex.value)
        self.weight = line("patient_weight", "Weight (kg)")
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
        self.substance_note = line("patient_substance_note", "Substance-use note")
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
        self.opened: Patient | None = None
        """The record as it was when the form was filled (another workstation's save since is refused, not lost)."""
        if patient_id is not None:
            self.opened = clinic.patients.get(patient_id)
            self._load(self.opened)

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
        self.born.set_date(patient.date_of_birth)
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
            date_of_birth=self.born.value(),
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
        self._save(confirm_duplicate=False)

    def _save(self, *, confirm_duplicate: bool) -> None:
        def write() -> Changes:
            typed = self.patient()
            if self.patient_id is None:
                return self.clinic.patients.register(typed, confirm_duplicate=confirm_duplicate)
            return self.clinic.patients.edit(self.patient_id, typed, opened=self.opened)

        def refused(error: BaseException) -> None:
            if isinstance(error, PossibleDuplicate):
                self._ask_duplicate(error)
            else:
                self.message.error(error_text(error))

        changes = run_write(self.clinic, self.message, write, refused=refused)
        if changes is not None:
            self.saved_id = changes.created_id if self.patient_id is None else self.patient_id
            self.accept()

    def _ask_duplicate(self, duplicate: PossibleDuplicate) -> None:
        """Ask without blocking; the question is kept as ``duplicate_question`` (tests answer it there)."""
        if self.duplicate_question is not None:
            self.duplicate_question.deleteLater()
        mrn = duplicate.existing.mrn
        self.message.error(f"MRN {mrn} already has this name and date of birth: not registered yet.")
        question = RegisterDuplicateQuestion(
            duplicate,
            lambda: self._save(confirm_duplicate=True),
            lambda: self.message.error(
                f"Not registered: MRN {mrn} has this name and date of birth. What you typed is kept."
            ),
            self,
        )
        self.duplicate_question = question
        question.open()
