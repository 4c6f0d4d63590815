"""Screenshots of the edges of the day, on a fake clock in Europe/Berlin: the board after midnight, the close question.

Run with ``python tools/edge_screenshots.py``. A small clinic is written through the clinic
API as its own nurse: last night's infusion is still running on chair 1 at 00:20, chair 2's
patient is in observation, and chair 3 has this morning's booking. The images go to
docs/screenshots/ and are looked at before they are committed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["TZ"] = "Europe/Berlin"

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.core.clock import FakeClock
from ketadesk.core.patient import Diagnosis, Patient, Sex
from ketadesk.core.protocol import load_protocol
from ketadesk.core.users import Role
from ketadesk.ui.window.app import application, build_main_window
from ketadesk.ui.window.ending import close_question_box, under_way

OUT = Path("docs/screenshots")
PASSWORD = "screens-password-1"


def _save(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def _patient(mrn: str, family: str, given: str, born: int) -> Patient:
    return Patient(
        mrn=mrn,
        family_name=family,
        given_name=given,
        date_of_birth=datetime(born, 5, 17).date(),
        sex=Sex.FEMALE,
        weight_kg=68.0,
        diagnoses=(Diagnosis.TREATMENT_RESISTANT_DEPRESSION,),
        allergies="",
        medications="",
        substance_use=False,
        substance_use_note="",
        contraindications="",
    )


def _ready(nurse: Clinic, visit: int) -> None:
    nurse.infusion.start_pre_assessment(visit)
    for item in nurse.protocol.pre_infusion_checklist:
        nurse.bedside.record_checklist(visit, "pre_infusion", item.key, True)
    nurse.infusion.record_weight(visit, "68")
    nurse.bedside.record_vitals(visit, sbp=126, dbp=78, hr=70, spo2=98, rr=14)
    nurse.infusion.prepare_dose(visit, "0.5", "KT2611-03")


def _clinic(db: Path, clock: FakeClock) -> None:
    """Last evening's two late infusions and this morning's booking, written as the clinic's nurse."""
    program = Clinic.open(db, clock, load_protocol(default_protocol_text()))
    program.accounts.set_up(login="admin", display_name="Rita Lindgren", credentials="", password=PASSWORD)
    admin = program.sign_in("admin", PASSWORD)
    admin.accounts.create_user("nurse", "Maria Santos", "RN", frozenset({Role.NURSE}), PASSWORD)
    nurse = program.sign_in("nurse", PASSWORD)
    late = nurse.patients.register(_patient("KD-00412", "Haddad", "Leila", 1979)).created_id or 0
    early = nurse.patients.register(_patient("KD-00377", "Brandt", "Jonas", 1991)).created_id or 0
    morning = nurse.patients.register(_patient("KD-00455", "Okafor", "Ada", 1986)).created_id or 0
    clock.set(datetime(2026, 11, 24, 21, 35, tzinfo=UTC))  # 22:35 CET, Tuesday
    first = nurse.scheduling.schedule_visit(early, nurse.today(), 2).created_id or 0
    _ready(nurse, first)
    nurse.infusion.start_infusion(first)
    clock.set(datetime(2026, 11, 24, 22, 50, tzinfo=UTC))  # 23:50 CET
    nurse.infusion.stop_infusion(first)
    nurse.bedside.record_vitals(first, sbp=122, dbp=76, hr=68, spo2=98, rr=14)
    second = nurse.scheduling.schedule_visit(late, nurse.today(), 1).created_id or 0
    _ready(nurse, second)
    nurse.infusion.start_infusion(second)
    clock.set(datetime(2026, 11, 24, 23, 10, tzinfo=UTC))  # 00:10 CET, Wednesday
    nurse.bedside.record_vitals(second, sbp=138, dbp=86, hr=76, spo2=97, rr=14)
    nurse.scheduling.schedule_visit(morning, nurse.today(), 3)
    clock.set(datetime(2026, 11, 24, 23, 17, tzinfo=UTC))  # 00:17 CET
    program.close()


def main() -> int:
    """Write the clinic, sign in at the door as the nurse, and photograph the board and the close question."""
    time.tzset()  # the TZ set above, for every local time shown
    OUT.mkdir(parents=True, exist_ok=True)
    application()
    folder = Path(tempfile.mkdtemp())
    db = folder / "edges.sqlite"
    clock = FakeClock(datetime(2026, 11, 24, 20, 0, tzinfo=UTC))
    _clinic(db, clock)
    settings = QSettings(str(folder / "prefs.ini"), QSettings.Format.IniFormat)
    window = build_main_window(db, clock, settings=settings, require_sign_in=True)
    door = window.door_page
    assert door is not None and hasattr(door, "sign_in")
    door.login.setText("nurse")  # type: ignore[union-attr]
    door.password.setText(PASSWORD)  # type: ignore[union-attr]
    door.sign_in()  # type: ignore[union-attr]
    window.resize(1280, 900)
    window.show()
    window.tick()
    _save(window, "board-after-midnight")
    box = close_question_box(window, under_way(window.clinic.visits.board()), False)
    box.show()
    _save(box, "close-while-infusing")
    box.close()
    window.close_without_asking()
    window.clinic.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
