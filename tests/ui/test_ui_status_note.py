"""A note at start (what the system lacks, such as sound for the chime) stands beside who is signed in, not over it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from ketadesk.ui.window.status import StatusLine


def test_a_note_stands_beside_the_signed_in_line_and_goes_when_its_time_is_up(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    status = StatusLine(window.statusBar())
    status.user.setText("Not signed in · /srv/clinic/ketadesk.sqlite")
    window.resize(1400, 300)
    window.show()
    status.note("No alert chime: libpulse.so.0 is missing, so alerts ring the system bell.", 30_000)
    QApplication.processEvents()
    assert status.user.isVisible() and status.notice.isVisible()
    assert status.notice.text().startswith("No alert chime")
    assert status.user.geometry().right() < status.notice.geometry().left()  # side by side, nothing drawn over
    status.note("A note whose time is up at once", 0)
    qtbot.waitUntil(lambda: not status.notice.isVisible(), timeout=1000)  # a zero-time timer: the next turn
    assert status.user.isVisible()
