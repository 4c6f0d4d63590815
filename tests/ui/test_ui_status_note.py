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
    assert status.notice.said.startswith("No alert chime")
    assert status.user.geometry().right() < status.notice.geometry().left()  # side by side, nothing drawn over
    status.note("A note whose time is up at once", 0)
    qtbot.waitUntil(lambda: not status.notice.isVisible(), timeout=1000)  # a zero-time timer: the next turn
    assert status.user.isVisible()


def test_notes_about_different_things_stand_side_by_side_and_go_each_in_its_time(qtbot: QtBot) -> None:
    """The check at start and today's backup say their results together; a later note about one replaces only it."""
    window = QMainWindow()
    qtbot.addWidget(window)
    status = StatusLine(window.statusBar())
    window.show()
    status.note("Record checked at start: nothing wrong", 30_000, "check")
    status.note("Today's backup written and verified: b1.sqlite", 30_000, "backup")
    both = "Today's backup written and verified: b1.sqlite · Record checked at start: nothing wrong"
    assert status.notice.said == both
    status.note("Today's backup written and verified: b2.sqlite", 0, "backup")
    assert status.notice.said.startswith("Today's backup written and verified: b2.sqlite")
    assert "b1" not in status.notice.said
    qtbot.waitUntil(lambda: status.notice.said == "Record checked at start: nothing wrong", timeout=1000)
    assert status.notice.isVisible()
    status.stop()


def test_a_note_during_the_bars_own_message_comes_after_it_not_over_it(qtbot: QtBot) -> None:
    """A message of the bar's own ("Chair 3 is free") is up: the note waits for it to go instead of overlapping."""
    window = QMainWindow()
    qtbot.addWidget(window)
    status = StatusLine(window.statusBar())
    window.show()
    window.statusBar().showMessage("Chair 3 is free", 60_000)
    status.note("Record checked at start: nothing wrong", 30_000, "check")
    QApplication.processEvents()
    assert not status.notice.isVisible()
    window.statusBar().clearMessage()
    QApplication.processEvents()
    assert status.notice.isVisible() and status.notice.said == "Record checked at start: nothing wrong"
    status.stop()


def test_a_long_line_of_notes_is_cut_to_the_room_there_is_never_widening_the_window(qtbot: QtBot) -> None:
    """Three notes longer than the bar: cut with "…", the window keeps its width, each whole in the tooltip."""
    window = QMainWindow()
    qtbot.addWidget(window)
    status = StatusLine(window.statusBar())
    window.resize(900, 300)
    window.show()
    status.user.setText("Not signed in · /srv/clinic/ketadesk.sqlite")
    status.note("No alert chime: libpulse.so.0 is missing, so alerts ring the system bell. Install libpulse0", 30_000)
    status.note("Today's backup written and verified", 30_000, "backup", "/srv/clinic/backups/clinic-2026-12-04.sqlite")
    status.note("Record checked at start: nothing wrong since the full check of 2026-12-04 20:20", 30_000, "check")
    QApplication.processEvents()
    assert window.width() == 900
    assert status.notice.text().endswith("…") and len(status.notice.text()) < len(status.notice.said)
    assert status.notice.geometry().right() <= window.statusBar().width()
    assert "backup written and verified: /srv/clinic/backups/clinic-2026-12-04.sqlite" in status.notice.toolTip()
    assert status.notice.toolTip().count("\n") == 2
    status.stop()
