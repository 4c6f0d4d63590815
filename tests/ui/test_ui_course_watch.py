"""The course screen carries the course's watch: the substance-use history and each flag, acknowledged there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.flags import WatchRule
from ketadesk.ui.course.screen import WATCH_HEIGHT, CourseScreen
from ketadesk.ui.watch.panel import WatchPanel
from tests.ui.watch_steps import HISTORY, flagged_course, shot


def test_the_course_screen_shows_the_watch_above_the_outcomes(
    kept: Callable[[QWidget], None], nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """The physician opens the course: the history and the dose-creep flag are on the page, above the charts."""
    course = flagged_course(nurse, physician, clock)
    screen = CourseScreen(physician, course.course_id)
    kept(screen)
    screen.resize(1360, 1000)
    screen.show()
    panel = screen.findChild(WatchPanel, "course_watch_panel")
    assert panel is not None and panel.maximumHeight() == WATCH_HEIGHT
    assert HISTORY in panel.substance.text()
    rules = {row.raised.flag.rule for row in panel.flag_rows}
    assert WatchRule.DOSE_CREEP in rules and WatchRule.REFUSED_REQUESTS in rules
    watch_box = panel.parentWidget()
    assert watch_box is not None and watch_box.objectName() == "course_watch_box"
    assert watch_box.geometry().bottom() <= screen.outcomes_box.geometry().top()
    shot(screen, "gui_course_watch")
