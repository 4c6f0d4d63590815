"""Open every window and dialog on one simulated screen and report what does not fit it.

Run in a process of its own (the screen is fixed when Qt starts), on Qt's offscreen
platform with a screen described by a JSON file::

    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python -m tests.ui.screen_probe OUT_DIR

It builds a demo clinic, signs in, opens the board and a visit in every phase with each of
its sections, and each dialog; for each it checks that the window's frame and every
visible button lie on the screen's free area. It prints one JSON object: the screen, what
was looked at and the problems (empty when everything fits), and saves each view as a PNG
in ``OUT_DIR``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QDialog, QTabWidget, QWidget

from ketadesk.clinic import Clinic, accounts
from ketadesk.clinic.config import default_protocol_text
from ketadesk.clinic.demo import DEMO_PASSWORDS, build_demo
from ketadesk.core import readiness
from ketadesk.core.clock import FakeClock
from ketadesk.core.corrections import Corrected
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import load_protocol
from ketadesk.core.vitals import VitalSigns, extremes
from ketadesk.ui.admin.audit_log import AuditLogDialog
from ketadesk.ui.admin.users import UsersDialog
from ketadesk.ui.outcomes.measure_form import MeasureForm
from ketadesk.ui.patients.find import FindPatientDialog
from ketadesk.ui.patients.find_visit import FindVisitDialog
from ketadesk.ui.patients.form import PatientForm
from ketadesk.ui.patients.schedule import ScheduleVisitDialog
from ketadesk.ui.review.addendum_dialog import AddendumDialog
from ketadesk.ui.review.pdf_preview import PdfPreviewDialog
from ketadesk.ui.review.sign_dialog import SignDialog
from ketadesk.ui.visit.approval import PhysicianAcknowledgement
from ketadesk.ui.visit.correcting import dialog_for
from ketadesk.ui.visit.monitoring.stop_early import StopEarlyDialog
from ketadesk.ui.visit.vitals.confirm_extreme import ExtremeValueDialog
from ketadesk.ui.visit.vitals.duplicate import DuplicateQuestion
from ketadesk.ui.window.app import application, build_main_window
from ketadesk.ui.window.ending import close_question_box
from ketadesk.ui.window.main_window import MainWindow


def _scrolled_by(child: QWidget, top: QWidget) -> QAbstractScrollArea | None:
    """The scroll area between ``child`` and ``top`` that scrolls it into view, if any."""
    parent = child.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def _on_screen(widget: QWidget, room: QRect) -> QRect | None:
    """Where ``widget`` is, when that is not wholly inside ``room``."""
    where = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
    return None if room.contains(where) else where


def off_screen(widget: QWidget, room: QRect) -> list[str]:
    """What of ``widget`` lies outside ``room``: its frame, or a visible button that cannot be scrolled to."""
    problems = []
    frame = widget.frameGeometry()
    if not room.contains(frame):
        problems.append(f"frame {frame.width()}×{frame.height()} at {frame.x()},{frame.y()}")
    for child in widget.findChildren(QAbstractButton):
        if not child.isVisible():
            continue
        area = _scrolled_by(child, widget)
        target: QWidget = area.viewport() if area is not None else child
        where = _on_screen(target, room)
        if where is not None:
            name = child.objectName() or child.text()
            problems.append(f"button {name!r}{' (its scroll area)' if area else ''} at {where.x()},{where.y()}")
    return problems


class Probe:
    """Looks at one view after another, collecting what does not fit."""

    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out
        self.room = app.primaryScreen().availableGeometry()
        self.looked: list[str] = []
        self.problems: dict[str, list[str]] = {}

    def look(self, name: str, widget: QWidget) -> None:
        """Check ``widget`` as shown now, and keep its picture."""
        self.app.processEvents()
        self.looked.append(name)
        found = off_screen(widget, self.room)
        if found:
            self.problems[name] = found
        widget.grab().save(str(self.out / f"{name}.png"))

    def dialog(self, name: str, make: Callable[[], QDialog]) -> None:
        """Show the dialog ``make`` builds (without blocking), look, and close it."""
        dialog = make()
        dialog.show()
        self.look(name, dialog)
        dialog.reject()
        dialog.deleteLater()


def _visits(window: MainWindow) -> dict[Phase, int]:
    return {v.phase: v.id for v in window.board.visits}


def _midday() -> datetime:
    """Noon today on this machine: the demo's day then has every phase on the board.

    The probe runs on a fixed clock, not the wall clock, so the day it sees does not
    depend on when (or how slowly) it runs: near midnight a wall clock would put some of
    the demo's visits on another day.
    """
    today = datetime.now().astimezone()
    return today.replace(hour=12, minute=0, second=0, microsecond=0)


def main(out: Path) -> dict[str, object]:
    """Open everything on the screen Qt was started with; the findings."""
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    folder = Path(tempfile.mkdtemp(prefix="ketadesk-screen-"))
    db = folder / "demo.sqlite"
    clock = FakeClock(_midday())
    seed = Clinic.open(db, clock, load_protocol(default_protocol_text()))
    for _ in build_demo(seed, patients=8):
        pass
    seed.close()
    settings = QSettings(str(folder / "prefs.ini"), QSettings.Format.IniFormat)
    clock.advance(timedelta(seconds=5))
    window = build_main_window(db, clock, settings=settings, sign_in=("nurse", DEMO_PASSWORDS["nurse"]))
    window.show()
    window.tick()
    probe = Probe(app, out)
    probe.look("board", window)
    visits = _visits(window)
    for phase, visit_id in visits.items():
        workspace = window.open_visit(visit_id)
        tabs = workspace.findChild(QTabWidget)
        for index in range(tabs.count() if tabs is not None else 0):
            assert tabs is not None
            tabs.setCurrentIndex(index)
            probe.look(f"visit-{phase.value}-{index}", window)
        window.close_tab(window.tabs.currentIndex())
    clinic = window.clinic
    any_visit = next(iter(visits.values()))
    infusing = visits.get(Phase.INFUSING, any_visit)
    signed = next((v.id for v in clinic.visits.between(clinic.today().replace(day=1), clinic.today())), any_visit)
    probe.dialog("pdf-preview", lambda: PdfPreviewDialog(clinic, any_visit, window))
    probe.dialog("patient-form", lambda: PatientForm(clinic, None, window))
    probe.dialog("find-patient", lambda: FindPatientDialog(clinic, window))
    patient = clinic.visits.get(any_visit).detail.summary.patient_id
    probe.dialog("schedule-visit", lambda: ScheduleVisitDialog(clinic, patient, window))
    probe.dialog("stop-early", lambda: StopEarlyDialog(clinic, infusing, "Stopping before the planned end.", window))
    probe.dialog(
        "approval",
        lambda: PhysicianAcknowledgement(
            clinic, any_visit, readiness.DISCHARGE_OVERRIDE, "Discharge with a criterion unmet", window
        ),
    )
    probe.dialog("sign", lambda: SignDialog(clinic, signed, window))
    probe.dialog("addendum", lambda: AddendumDialog(clinic, signed, window))
    detail = clinic.visits.get(infusing).detail
    reading = detail.vitals[-1]

    def correction() -> QDialog:
        made = dialog_for(clinic, detail, Corrected.VITALS, reading.id, strike=False, parent=window)
        assert made is not None, "the infusing visit's last reading can be corrected"
        return made

    probe.dialog("correct-reading", correction)
    probe.dialog("duplicate-reading", lambda: DuplicateQuestion(reading, lambda: None, lambda: None, window))
    typed = {"sbp": "262", "dbp": "140", "hr": "88", "spo2": "97", "rr": "16", "temp_c": ""}
    vitals = VitalSigns(clinic.clock.now(), 262, 140, 88, 97, 16)
    probe.dialog("extreme-value", lambda: ExtremeValueDialog(extremes(vitals, clinic.protocol.extremes), typed, window))
    probe.dialog("find-visit", lambda: FindVisitDialog(clinic, window))
    for key in (InstrumentKey.PHQ9, InstrumentKey.FQ):  # the shortest form and the longest (24 items, 0-8)
        probe.dialog(
            f"measure-form-{key.value}",
            lambda k=key: MeasureForm(clinic, any_visit, clinic.outcomes.definition(k), window),  # type: ignore[misc]
        )
    for index in range(3):

        def approval_way(way: int = index) -> QDialog:
            made = PhysicianAcknowledgement(
                clinic, any_visit, readiness.DISCHARGE_OVERRIDE, "Discharge with a criterion unmet", window
            )
            made.ways.setCurrentIndex(way)
            return made

        probe.dialog(f"approval-way-{index}", approval_way)
    in_chair = [v for v in clinic.visits.board() if v.phase in (Phase.INFUSING, Phase.OBSERVATION)]
    probe.dialog("close-while-infusing", lambda: close_question_box(window, in_chair, False))
    admin = clinic.signed_out().sign_in("admin", DEMO_PASSWORDS["admin"])
    probe.dialog("users", lambda: UsersDialog(admin, window))
    probe.dialog("audit-log", lambda: AuditLogDialog(admin, window))
    window.stop()
    window.close()
    screen = app.primaryScreen()
    return {
        "screen": [screen.geometry().width(), screen.geometry().height(), screen.devicePixelRatio()],
        "looked": probe.looked,
        "problems": probe.problems,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
