"""A database file that can only be read opens for looking: a banner says so above every page, the nurse signs in
and sees the visit, every write's button is disabled by its verdict, and nothing is written to the file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QStatusBar
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.daily_backup import DailyBackups
from ketadesk.ui.window.status import StatusLine
from tests.helpers import PASSWORDS, read_only_clinic, ready_to_infuse

# KETADESK_SCREENSHOTS=docs/screenshots saves the window as docs/screenshots/gui_read_only.png.
SHOTS = os.environ.get("KETADESK_SCREENSHOTS", "")


def test_a_read_only_file_opens_for_looking(
    qtbot: QtBot,
    tmp_path: Path,
    db_path: Path,
    clock: FakeClock,
    default_protocol: Protocol,
    nurse: Clinic,
    visit_id: int,
) -> None:
    """The banner names the file and why; the vitals row and the record buttons are disabled; the file is unchanged."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    nurse.bedside.record_vitals(visit_id, sbp=124, dbp=78, hr=70, spo2=98, rr=14)
    nurse.store.close()  # everything checkpointed into the file, as after the program ended
    db_path.chmod(0o444)
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    try:
        settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
        window = build_main_window(
            db_path, clock, protocol=default_protocol, sign_in=("nurse", PASSWORDS["nurse"]), settings=settings
        )
        qtbot.addWidget(window)
        window.resize(1280, 860)
        window.show()
        qtbot.waitExposed(window)
        banner = window.read_only_banner
        assert banner is not None and banner.isVisible()
        assert "READ-ONLY" in banner.text() and str(db_path) in banner.text() and "permissions" in banner.text()
        assert "(read-only)" in window.windowTitle()
        workspace = window.open_visit(visit_id)
        qtbot.wait(10)
        monitoring = workspace.monitoring
        assert not monitoring.vitals_row.isEnabled()
        verdict = window.clinic.bedside.record_vitals.allowed(visit_id)
        assert not verdict and "read-only" in verdict.reason
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / "gui_read_only.png"))
        window.close()
        window.clinic.close()
    finally:
        db_path.chmod(0o644)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)) == [db_path.name]


def test_a_read_only_file_is_not_backed_up_and_warns_of_nothing_more(
    qtbot: QtBot, db_path: Path, clock: FakeClock, default_protocol: Protocol, nurse: Clinic
) -> None:
    """A backup is audited in the database, which a read-only file cannot take: none is tried, no second warning."""
    nurse.store.close()
    with read_only_clinic(db_path, clock, default_protocol) as looking:
        bar = QStatusBar()
        qtbot.addWidget(bar)
        backups = DailyBackups(bar, StatusLine(bar), threaded=False)
        assert backups.start(looking) is False
        assert backups.warning.isHidden() and backups.made is None
        assert not list(db_path.parent.glob("backups/*"))
