"""Finding a patient by name or MRN, and from there their record: every visit to open again, editing, booking.

The chosen patient's visits (every course, newest first) list under the patients; choosing
one closes the dialog and hands the visit to the window (``visit_chosen``), which opens it
in its review when it is over and in its workspace while it is not. Course… hands the
window the course of the highlighted visit, or the patient's latest (``course_chosen``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.patient import Patient
from ketadesk.core.text import SEARCH_MAX
from ketadesk.ui.course.opening import course_of_patient
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.screen_fit import fit_to_screen
from ketadesk.ui.kit.writes import error_text
from ketadesk.ui.patients.form import PatientForm
from ketadesk.ui.patients.schedule import ScheduleVisitDialog
from ketadesk.ui.patients.visit_list import VisitList


class FindPatientDialog(QDialog):
    """Find a patient by name or MRN, then open any of their visits, edit them or book their next visit."""

    visit_chosen = Signal(int)
    course_chosen = Signal(int)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("find_patient_dialog")
        self.setWindowTitle("Find a patient")
        fit_to_screen(self, 860, 640)
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setObjectName("patient_search")
        self.query.setAccessibleName("Search by name or MRN")
        self.query.setPlaceholderText("Name or MRN…")
        self.query.setMaxLength(SEARCH_MAX)
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
        self.results.itemSelectionChanged.connect(self.show_visits)
        layout.addWidget(self.results, 1)
        row = QHBoxLayout()
        for name, text, slot in (
            ("register_patient_button", "&Register new…", self.register),
            ("edit_patient_button", "&Edit…", self.edit),
            ("schedule_patient_button", "&Schedule visit…", self.schedule),
            ("patient_course_button", "C&ourse…", self.course),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.visits_box = QGroupBox("Visits")
        self.visits_box.setObjectName("patient_visits_box")
        visits_layout = QVBoxLayout(self.visits_box)
        self.visits = VisitList("patient_visits", "Choose a patient to see their visits.", patient_columns=False)
        self.visits.visit_chosen.connect(self._visit_chosen)
        visits_layout.addWidget(self.visits)
        layout.addWidget(self.visits_box, 2)  # the record is what the user came for: it gets the room
        self.message = MessageLine("find_message")
        layout.addWidget(self.message)
        self.patients: list[Patient] = []
        self.scheduled: list[int] = []

    def search(self) -> None:
        """Show matching patients as the user types."""
        try:
            self.patients = self.clinic.patients.find(self.query.text())
        except ValidationError as error:  # half a surrogate pair pasted in: said, and what was typed is kept
            self.patients = []
            self.message.error(error_text(error))
        else:
            self.message.clear_message()
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
        self.show_visits()

    def show_visits(self) -> None:
        """List the highlighted patient's visits, every course, newest first."""
        patient = self.selected()
        if patient is None or patient.id is None:
            self.visits_box.setTitle("Visits")
            self.visits.empty.setText("Choose a patient to see their visits.")
            self.visits.show_listings([])
            return
        listings = self.clinic.visits.of_patient(patient.id)
        self.visits_box.setTitle(f"Visits of {patient.display_name} · {patient.mrn} — {len(listings)}, newest first")
        self.visits.empty.setText(f"{patient.display_name} has no visits yet.")
        self.visits.show_listings(listings)

    def _visit_chosen(self, visit_id: int) -> None:
        """Hand the visit to the window and close, so the visit opened is what the user sees."""
        self.visit_chosen.emit(visit_id)
        self.accept()

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
            self.show_visits()
            self.message.ok(f"Visit booked for {patient.display_name}")

    def course(self) -> None:
        """Hand the window the course of the highlighted visit (else the patient's latest) and close."""
        patient = self.selected()
        if patient is None or patient.id is None:
            self.message.error("Choose a patient first.")
            return
        course_id = course_of_patient(self.clinic, patient.id, self.visits.current_visit_id())
        if course_id is None:
            self.message.error(f"{patient.display_name} has no treatment course planned.")
            return
        self.course_chosen.emit(course_id)
        self.accept()
