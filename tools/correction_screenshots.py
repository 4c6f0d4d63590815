"""Screenshots of correcting the record, taken offscreen on a fresh demo clinic, for docs/.

    python tools/correction_screenshots.py

``correct-reading.png``: the correction dialog of a reading typed wrongly, its values
prefilled and one changed, with the reason. ``struck-entries.png``: the monitoring section
afterwards, the corrected reading and one struck as entered in error shown struck through
with who, when and why under each. The nurse signs in with her demo password; the images
are looked at before they are committed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from ketadesk.clinic import Clinic
from ketadesk.clinic.config import default_protocol_text
from ketadesk.clinic.demo import DEMO_PASSWORDS, build_demo
from ketadesk.core.clock import SystemClock
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import load_protocol
from ketadesk.ui.visit.monitoring.section import MonitoringSection
from ketadesk.ui.window.app import application

OUT = Path("docs/screenshots")


def _save(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main() -> int:
    """Build a demo clinic, chart two wrong readings in an infusing visit, correct one and strike the other."""
    OUT.mkdir(parents=True, exist_ok=True)
    application()
    db = Path(tempfile.mkdtemp()) / "demo.sqlite"
    seed = Clinic.open(db, SystemClock(), load_protocol(default_protocol_text()))
    for _ in build_demo(seed, patients=12):
        pass
    nurse = seed.sign_in("nurse", DEMO_PASSWORDS["nurse"])
    visit = next(v for v in nurse.visits.board() if v.phase is Phase.INFUSING)
    wrong = nurse.bedside.record_vitals(visit.id, sbp=182, dbp=84, hr=76, spo2=98, rr=14).created_id
    struck = nurse.bedside.record_vitals(
        visit.id, sbp=104, dbp=62, hr=58, spo2=93, rr=12, taken_at=nurse.clock.now().replace(second=0)
    ).created_id
    assert wrong is not None and struck is not None
    section = MonitoringSection(nurse, visit.id)
    section.resize(1180, 760)
    section.show()
    dialog = section.reading_corrections.open(wrong, strike=False)
    assert dialog is not None
    sbp = dialog.findChild(QLineEdit, "correction_sbp")
    sbp.setText("128")
    dialog.reason.setText("Typed 182 for 128 (monitor showed 128/84)")
    dialog.adjustSize()
    _save(dialog, "correct-reading")
    dialog.save()
    nurse.bedside.correct_vitals(visit.id, struck, reason="Another patient's cuff read-out", entered_in_error=True)
    section.reload()
    section.readings_table.setCurrentCell(0, 0)
    _save(section, "struck-entries")
    section.close()
    seed.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
