"""Screenshots of every screen, taken offscreen on a fresh demo clinic, for docs/ and the README.

Run with ``make screenshots``; name some (``python tools/screenshots.py sign-in locked``) to
take only those. The demo is built on the real clock so the board shows live timers; the
images are looked at before they are committed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.clinic.demo import DEMO_PASSWORDS, build_demo
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import load_protocol
from ketadesk.core.readiness import DISCHARGE_OVERRIDE
from ketadesk.core.records import VisitSummary
from ketadesk.ui.admin.audit_log import AuditLogDialog
from ketadesk.ui.admin.users import UsersDialog
from ketadesk.ui.patients.find import FindPatientDialog
from ketadesk.ui.patients.form import PatientForm
from ketadesk.ui.review.pdf_preview import PdfPreviewDialog
from ketadesk.ui.review.screen import ReviewScreen
from ketadesk.ui.review.worklist import WorklistPanel
from ketadesk.ui.visit.approval import PhysicianAcknowledgement
from ketadesk.ui.window.app import application, build_main_window
from ketadesk.ui.window.main_window import MainWindow

OUT = Path("docs/screenshots")
WANTED: set[str] = set()


def _save(widget: QWidget, name: str) -> None:
    if WANTED and name not in WANTED:
        return
    QApplication.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def _doors(folder: Path, db: Path) -> None:
    """The first-start screen on an empty clinic, and the demo's sign-in screen with its logins."""
    empty = folder / "clinic" / "ketadesk.sqlite"
    empty.parent.mkdir()
    for database, name in ((empty, "first-start"), (db, "sign-in")):
        settings = QSettings(str(folder / f"{name}.ini"), QSettings.Format.IniFormat)
        window = build_main_window(database, settings=settings, require_sign_in=True)
        window.resize(1280, 860)
        window.show()
        _save(window, name)
        window.close()
        window.clinic.close()


def _with_menu(window: QWidget, menu: QMenu, anchor: QWidget) -> QPixmap:
    """The window with a popup menu drawn under ``anchor``, right-aligned (a grab of the window leaves it out)."""
    QApplication.processEvents()
    shot = window.grab()
    picture = menu.grab()
    corner = anchor.mapTo(window, anchor.rect().bottomRight())
    painter = QPainter(shot)
    painter.drawPixmap(corner.x() - picture.width(), corner.y(), picture)
    painter.end()
    return shot


def _visit_records(window: MainWindow) -> None:
    """A patient's record with their visits, a chair's "+1 more booked" list, and a signed visit read-only."""
    busiest = max(window.board.visits, key=lambda v: len(window.clinic.visits.of_patient(v.patient_id)))
    finder = window.find_patient()
    finder.query.setText(busiest.mrn)
    finder.resize(900, 640)
    _save(finder, "patient-visits")
    signed = next((v for v in finder.visits.listings if v.signature is not None), None)
    finder.reject()
    search = window.find_visit()
    search.first.setText("")
    search.query.setText(busiest.mrn[:-1])
    _save(search, "find-visit")
    search.reject()
    tile = next((t for t in window.board.tiles if not t.more_button.isHidden()), None)
    if tile is not None and (not WANTED or "more-booked" in WANTED):
        window.show_board()
        menu = tile.show_more()
        _with_menu(window, menu, tile.more_button).save(str(OUT / "more-booked.png"))
        print(f"wrote {OUT / 'more-booked.png'}")
        menu.close()
    if signed is not None:
        workspace = window.open_visit(signed.summary.id)
        workspace.tabs.setCurrentWidget(workspace.sedation)
        _save(window, "signed-read-only")


def _extreme_value(window: MainWindow, visit: VisitSummary | None) -> None:
    """The "is this the reading?" question for SBP 262 typed at the bedside; answered Go back (nothing saved)."""
    if visit is None or (WANTED and "extreme-value" not in WANTED):
        return
    workspace = window.open_visit(visit.id)
    workspace.tabs.setCurrentIndex(1)
    row = workspace.monitoring.vitals_row
    row.set_values(sbp="262", dbp="140", hr="88", spo2="97", rr="16")
    row.commit()
    dialog = row.confirm_dialog
    if dialog is not None:
        dialog.adjustSize()
        _save(dialog, "extreme-value")
        dialog.reject()
    for box in row.fields.values():
        box.clear()


def main(names: list[str] | None = None) -> int:
    """Build a demo clinic in a temp folder and photograph each screen (or only those named)."""
    WANTED.update(names if names is not None else sys.argv[1:])
    OUT.mkdir(parents=True, exist_ok=True)
    application()
    folder = Path(tempfile.mkdtemp())
    db = folder / "demo.sqlite"
    seed = Clinic.open(db, SystemClock(), load_protocol(default_protocol_text()))
    for _ in build_demo(seed, patients=24):
        pass
    seed.close()
    _doors(folder, db)
    settings = QSettings(str(folder / "prefs.ini"), QSettings.Format.IniFormat)
    window = build_main_window(db, settings=settings, sign_in=("nurse", DEMO_PASSWORDS["nurse"]))
    window.resize(1280, 900)
    window.show()
    window.tick()
    _save(window, "board")
    by_phase = {v.phase: v for v in window.board.visits}
    for phase, section, name in (
        (Phase.PRE_ASSESSMENT, 0, "workspace-pre-assessment"),
        (Phase.INFUSING, 1, "workspace-monitoring"),
        (Phase.INFUSING, 2, "workspace-sedation"),
        (Phase.READY_FOR_DISCHARGE, 3, "workspace-discharge"),
    ):
        visit = by_phase.get(phase)
        if visit is None:
            continue
        workspace = window.open_visit(visit.id)
        workspace.tabs.setCurrentIndex(section)
        workspace.tick()
        _save(window, name)
    _extreme_value(window, by_phase.get(Phase.INFUSING))
    ready = by_phase.get(Phase.READY_FOR_DISCHARGE)
    if ready is not None:
        approval = PhysicianAcknowledgement(
            window.clinic,
            ready.id,
            DISCHARGE_OVERRIDE,
            "Discharge with criteria unmet needs a physician's written reason.\nUnmet now:\n"
            "• Responsible adult escort present: not ticked",
            window,
        )
        approval.reason.setPlainText("Escort delayed; patient alert and steady. Taxi home, sister at home.")
        approval.password.setText("not shown")
        approval.show()
        _save(approval, "physician-approval")
        approval.close()
    finder = FindPatientDialog(window.clinic, window)
    finder.query.setText("a")
    finder.resize(760, 480)
    finder.show()
    _save(finder, "find-patient")
    finder.close()
    _visit_records(window)
    awaiting = window.clinic.signing.awaiting()
    if awaiting:  # the physician's review of the oldest visit awaiting a signature
        doctor = window.clinic.sign_in("doctor", DEMO_PASSWORDS["doctor"])
        review = ReviewScreen(doctor, awaiting[0].id)
        review.resize(1280, 900)
        review.show()
        _save(review, "review")
        review.close()
        worklist = WorklistPanel(doctor)
        worklist.resize(1280, 520)
        worklist.show()
        _save(worklist, "worklist")
        worklist.close()
        preview = PdfPreviewDialog(doctor, awaiting[0].id, window)
        preview.resize(900, 900)
        preview.show()
        _save(preview, "pdf-preview")
        preview.close()
    form = PatientForm(window.clinic, window.board.visits[0].patient_id, window)
    form.show()
    _save(form, "patient-form")
    form.close()
    admin = window.clinic.sign_in("admin", DEMO_PASSWORDS["admin"])
    users = UsersDialog(admin, window)
    users.resize(900, 620)
    users.show()
    users.select("nurse2")
    _save(users, "users")
    users.close()
    audit = AuditLogDialog(admin, window)
    audit.resize(1200, 640)
    audit.show()
    _save(audit, "audit-log")
    audit.close()
    window.lock()
    _save(window, "locked")
    window.stop()
    window.close()
    window.clinic.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
