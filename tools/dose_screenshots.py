"""Screenshots and PDFs of the dose record: the early-stop dialog and a dose prepared again, on a small clinic.

``python tools/dose_screenshots.py`` writes docs/screenshots/stop-early.png and
dose-superseded.png (the pre-assessment's dose box with the first preparation struck
through), and, into a temp folder it prints, the visit PDF of an early-stopped visit and
the course summary for pdftoppm. The clinic is made on a fixed clock, with its own staff
signed in with their own passwords, so the pictures come out the same each time.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.protocol import load_protocol
from ketadesk.core.users import Role
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.visit.workspace import VisitWorkspace
from ketadesk.ui.window.app import application

OUT = Path("docs/screenshots")
PASSWORD = "screenshot-password-1"


def _save(widget: QWidget, name: str, folder: Path = OUT) -> None:
    QApplication.processEvents()
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def _staff(db: Path, clock: FakeClock) -> tuple[Clinic, Clinic]:
    """The program, an administrator and a nurse with their own passwords: (program, nurse)."""
    program = Clinic.open(db, clock, load_protocol(default_protocol_text()))
    admin = program.setup_clinic(login="admin", display_name="Rita Lindgren", credentials="", password=PASSWORD)
    admin.accounts.create_user("nurse", "Maria Santos", "RN", frozenset({Role.NURSE}), PASSWORD)
    admin.accounts.create_user("doctor", "Samuel Okonkwo", "MD", frozenset({Role.PHYSICIAN}), PASSWORD)
    return program, program.sign_in("nurse", PASSWORD)


def _visit(nurse: Clinic, patient_id: int, chair: int) -> int:
    """A visit of the patient's course today, pre-assessed up to the dose (0.5 mg/kg for 70 kg)."""
    course = nurse.scheduling.courses(patient_id)[-1]
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), chair, course_id=course.id).created_id
    assert visit_id is not None
    nurse.infusion.start_pre_assessment(visit_id)
    for item in nurse.protocol.pre_infusion_checklist:
        nurse.bedside.record_checklist(visit_id, "pre_infusion", item.key, True)
    nurse.infusion.record_weight(visit_id, "70")
    nurse.bedside.record_vitals(visit_id, sbp=128, dbp=80, hr=72, spo2=98, rr=14)
    return visit_id


def main() -> int:
    """Make the clinic, photograph the two screens, write the two PDFs."""
    OUT.mkdir(parents=True, exist_ok=True)
    application()
    folder = Path(tempfile.mkdtemp())
    clock = FakeClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    program, nurse = _staff(folder / "clinic.sqlite", clock)
    patient = Patient(
        mrn="KD-10042",
        family_name="Okafor",
        given_name="Adaeze",
        date_of_birth=date(1987, 5, 14),
        sex=Sex.FEMALE,
        weight_kg=70.0,
        diagnoses=(Diagnosis.TREATMENT_RESISTANT_DEPRESSION,),
        allergies="None known",
    )
    patient_id = nurse.patients.register(patient).created_id
    assert patient_id is not None
    nurse.scheduling.plan_course(patient_id, nurse.today())

    # A dose prepared, then prepared again for a different mg/kg and lot.
    prepared = _visit(nurse, patient_id, 1)
    nurse.infusion.prepare_dose(prepared, "0.6", "KT2301-14")
    clock.advance(minutes=4)
    nurse.infusion.prepare_dose(prepared, "0.5", "KT2301-15")
    workspace = VisitWorkspace(nurse, prepared)
    workspace.resize(1280, 900)
    workspace.show()
    workspace.tabs.setCurrentIndex(0)
    workspace.tick()
    _save(workspace, "dose-superseded")
    workspace.close()

    # An infusion 26 minutes into its 40, stopped early: the dialog as the nurse sees it.
    clock.advance(minutes=3)
    nurse.infusion.start_infusion(prepared)
    clock.advance(minutes=26)
    workspace = VisitWorkspace(nurse, prepared)
    workspace.resize(1280, 900)
    workspace.show()
    workspace.tabs.setCurrentIndex(1)
    workspace.tick()
    dialog = workspace.monitoring.ask_stop_early()
    dialog.reason.setText("Distressing dissociation; patient asked to stop")
    dialog.given.setText("20")
    dialog.adjustSize()
    _save(dialog, "stop-early")
    dialog.stop()
    workspace.tick()
    _save(workspace, "stop-early-workspace", folder)
    physician = program.sign_in("doctor", PASSWORD)
    review = ReviewScreen(physician, prepared)
    review.resize(1280, 900)
    review.show()
    _save(review, "review-dose", folder)

    # A second, completed infusion two days later, for the course total.
    clock.advance(timedelta(days=2))
    completed = _visit(nurse, patient_id, 2)
    nurse.infusion.prepare_dose(completed, "0.5", "KT2301-15")
    nurse.infusion.start_infusion(completed)
    clock.advance(minutes=40)
    nurse.infusion.stop_infusion(completed)
    (folder / "visit-early.pdf").write_bytes(program.reports.visit_report_pdf(prepared))
    course = nurse.scheduling.courses(patient_id)[-1]
    (folder / "course.pdf").write_bytes(program.reports.course_report_pdf(course.id))
    print(f"wrote {folder}/visit-early.pdf, course.pdf, stop-early-workspace.png, review-dose.png")
    for opened in (physician, nurse, program):
        opened.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
