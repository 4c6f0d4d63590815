"""Screenshots of every screen, taken offscreen on a fresh demo clinic, for docs/ and the README.

Run with ``make screenshots``. The demo is built on the real clock so the board shows
live timers; the images are looked at before they are committed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.clinic.demo import build_demo
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import load_protocol
from ketadesk.ui.app import application, build_main_window
from ketadesk.ui.patients import FindPatientDialog, PatientForm

OUT = Path("docs/screenshots")


def _save(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main() -> int:
    """Build a demo clinic in a temp folder and photograph each screen."""
    OUT.mkdir(parents=True, exist_ok=True)
    application()
    folder = Path(tempfile.mkdtemp())
    db = folder / "demo.sqlite"
    seed = Clinic.open(db, SystemClock(), load_protocol(default_protocol_text()))
    for _ in build_demo(seed, patients=24):
        pass
    seed.close()
    settings = QSettings(str(folder / "prefs.ini"), QSettings.Format.IniFormat)
    window = build_main_window(db, settings=settings)
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
    finder = FindPatientDialog(window.clinic, window)
    finder.query.setText("a")
    finder.resize(760, 480)
    finder.show()
    _save(finder, "find-patient")
    finder.close()
    form = PatientForm(window.clinic, window.board.visits[0].patient_id, window)
    form.show()
    _save(form, "patient-form")
    form.close()
    window.stop()
    window.close()
    window.clinic.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
