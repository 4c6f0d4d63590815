"""Finding, registering, editing and booking patients through the dialogs."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.dates import DateOrder
from ketadesk.ui.patients.find import FindPatientDialog
from ketadesk.ui.patients.form import PatientForm
from ketadesk.ui.patients.schedule import ScheduleVisitDialog
from tests.helpers import make_patient


def _fill(form: PatientForm, **values: str) -> None:
    for name, text in values.items():
        getattr(form, name).setText(text)


def test_register_refuses_bad_weight_and_keeps_what_was_typed(qtbot: QtBot, nurse: Clinic) -> None:
    """An implausible weight is named with its range; every typed field stays and nothing is stored."""
    form = PatientForm(nurse)
    qtbot.addWidget(form)
    _fill(form, mrn="KD-20001", family="Haddad", given="Layla", weight="700")
    form.born.setText("1990-05-01")
    form.save()
    assert "Weight 700 is outside the plausible range" in form.message.text()
    assert (form.mrn.text(), form.family.text(), form.weight.text()) == ("KD-20001", "Haddad", "700")
    assert nurse.patients.count() == 0
    form.weight.setText("64.5")
    form.diagnoses.item(1).setCheckState(Qt.CheckState.Checked)
    form.substance.setChecked(True)
    form.substance_note.setText("Alcohol use disorder in remission")
    form.save()
    saved = nurse.patients.by_mrn("KD-20001")
    assert saved is not None
    assert (saved.weight_kg, saved.substance_use, len(saved.diagnoses)) == (64.5, True, 1)


def test_edit_keeps_the_mrn_and_saves_a_revision(qtbot: QtBot, nurse: Clinic) -> None:
    """Editing shows the current record, cannot change the MRN, and saves the change."""
    pid = nurse.patients.register(make_patient("KD-20002")).created_id or 0
    form = PatientForm(nurse, pid)
    qtbot.addWidget(form)
    assert form.mrn.isReadOnly()
    assert form.family.text() == "Núñez"
    form.allergies.setPlainText("Penicillin; latex")
    form.save()
    assert nurse.patients.get(pid).allergies == "Penicillin; latex"


def test_find_by_name_or_mrn_then_book_the_next_visit(qtbot: QtBot, nurse: Clinic) -> None:
    """Searching finds the patient; booking fills in the course's next visit and its planned date."""
    pid = nurse.patients.register(make_patient("KD-20003", family_name="Lindqvist")).created_id or 0
    nurse.scheduling.plan_course(pid, nurse.today())
    finder = FindPatientDialog(nurse)
    qtbot.addWidget(finder)
    finder.query.setText("lindq")
    assert [p.mrn for p in finder.patients] == ["KD-20003"]
    finder.query.setText("KD-2000")
    assert finder.results.rowCount() == 1
    dialog = ScheduleVisitDialog(nurse, pid)
    qtbot.addWidget(dialog)
    assert "Infusion 1 of 8" in dialog.course_label.text()
    dialog.chair.setCurrentIndex(dialog.chair.findData(3))
    dialog.schedule()
    summary = nurse.visits.board()[0]
    assert (summary.patient_id, summary.chair, summary.position.label if summary.position else "") == (
        pid,
        3,
        "Infusion 1 of 8",
    )
    second = ScheduleVisitDialog(nurse, pid)
    qtbot.addWidget(second)
    assert "Infusion 2 of 8" in second.course_label.text()
    assert second.day.value() == nurse.today() + timedelta(days=2)


def test_booking_an_occupied_chair_warns_but_books(qtbot: QtBot, nurse: Clinic) -> None:
    """A second visit in a taken chair is booked, and the nurse is told who else sits there."""
    first = nurse.patients.register(make_patient("KD-20004")).created_id or 0
    nurse.scheduling.schedule_visit(first, nurse.today(), 2)
    other = nurse.patients.register(make_patient("KD-20005", family_name="Okafor")).created_id or 0
    dialog = ScheduleVisitDialog(nurse, other)
    qtbot.addWidget(dialog)
    dialog.day.set_date(nurse.today())
    dialog.chair.setCurrentIndex(dialog.chair.findData(2))
    dialog.schedule()
    assert "Chair 2 also has NÚÑEZ, Zoë" in dialog.message.text()
    assert dialog.visit_id is not None


def test_plan_a_course_from_the_booking_dialog(qtbot: QtBot, nurse: Clinic) -> None:
    """A patient without a course gets one from the dialog, and the first visit is then proposed."""
    pid = nurse.patients.register(make_patient("KD-20006")).created_id or 0
    dialog = ScheduleVisitDialog(nurse, pid)
    qtbot.addWidget(dialog)
    assert "No course yet" in dialog.course_label.text()
    dialog.plan_course()
    assert "Infusion 1 of 8" in dialog.course_label.text()
    assert len(nurse.scheduling.courses(pid)) == 1


def test_a_course_is_planned_with_the_outcome_measures_ticked(qtbot: QtBot, nurse: Clinic) -> None:
    """The clinic's default measures come ticked; unticking GAD-7 and ticking PCL-5 plans the course with those."""
    pid = nurse.patients.register(make_patient("KD-20007")).created_id or 0
    dialog = ScheduleVisitDialog(nurse, pid)
    qtbot.addWidget(dialog)
    assert [k for k, box in dialog.measures.items() if box.isChecked()] == ["phq9", "gad7"]
    dialog.measures["gad7"].setChecked(False)
    dialog.measures["pcl5"].setChecked(True)
    dialog.plan_course()
    course_id = nurse.scheduling.courses(pid)[-1].id
    assert [i.key.value for i in nurse.outcomes.instruments(course_id)] == ["phq9", "pcl5"]
    for box in dialog.measures.values():
        box.setChecked(False)
    dialog.plan_course()
    assert "must list one or more" in dialog.message.text() and len(nurse.scheduling.courses(pid)) == 1


def test_a_date_of_birth_is_stored_exactly_as_typed(qtbot: QtBot, nurse: Clinic) -> None:
    """Typed key by key, 1988-02-29 is read back in words and stored as 29 February 1988 (a mask made it 01-02)."""
    form = PatientForm(nurse)
    qtbot.addWidget(form)
    _fill(form, mrn="KD-20010", family="Haddad", given="Layla", weight="61")
    qtbot.keyClicks(form.born.edit, "1988-02-29")
    words = form.findChild(QLabel, "patient_date_of_birth_words")
    assert words is not None and words.text().startswith("29 February 1988 — ")
    form.save()
    saved = nurse.patients.by_mrn("KD-20010")
    assert saved is not None and saved.date_of_birth == date(1988, 2, 29)


def test_an_impossible_date_of_birth_is_refused_by_name_and_kept(qtbot: QtBot, nurse: Clinic) -> None:
    """1987-02-29 does not exist: the form names the field and the date, keeps the text, stores nothing."""
    form = PatientForm(nurse)
    qtbot.addWidget(form)
    _fill(form, mrn="KD-20011", family="Haddad", given="Layla", weight="61")
    qtbot.keyClicks(form.born.edit, "1987-02-29")
    words = form.findChild(QLabel, "patient_date_of_birth_words")
    assert words is not None and words.text().startswith("Not a date yet")
    form.save()
    assert "Date of birth '1987-02-29' is not allowed" in form.message.text()
    assert form.born.text() == "1987-02-29" and nurse.patients.count() == 0
    form.born.order = DateOrder.DAY_FIRST  # a workstation whose locale writes the day first
    form.born.setText("29/02/1988")
    assert words.text().startswith("29 February 1988")
    form.save()
    saved = nurse.patients.by_mrn("KD-20011")
    assert saved is not None and saved.date_of_birth == date(1988, 2, 29)


def test_a_booking_date_is_read_back_with_its_weekday_and_an_impossible_one_refused(
    qtbot: QtBot, nurse: Clinic
) -> None:
    """The visit date is typed as dates are typed, read back with the weekday; 2026-02-30 books nothing."""
    pid = nurse.patients.register(make_patient("KD-20007")).created_id or 0
    dialog = ScheduleVisitDialog(nurse, pid)
    qtbot.addWidget(dialog)
    dialog.day.setText("")
    qtbot.keyClicks(dialog.day.edit, "2026-02-30")
    dialog.schedule()
    assert "Visit date '2026-02-30' is not allowed" in dialog.message.text()
    assert dialog.visit_id is None and dialog.day.text() == "2026-02-30"
    dialog.day.setText("20261203")
    words = dialog.findChild(QLabel, "schedule_date_words")
    assert words is not None and words.text() == "Thursday 3 December 2026"
