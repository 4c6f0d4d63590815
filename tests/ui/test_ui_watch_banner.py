"""The watch on the visit banner: one line while flags wait for a physician, opening the course's watch."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.watch.flags import WatchRule
from ketadesk.ui.visit.workspace import VisitWorkspace
from ketadesk.ui.watch.banner_line import WatchDialog
from tests.helpers import PASSWORDS
from tests.ui.watch_steps import HISTORY, flagged_course


def _workspace(qtbot: QtBot, clinic: Clinic, visit_id: int) -> VisitWorkspace:
    workspace = VisitWorkspace(clinic, visit_id)
    qtbot.addWidget(workspace)
    workspace.show()
    return workspace


def test_the_banner_names_the_flags_not_yet_acknowledged_and_keeps_the_history_once(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """One watch line naming each open rule; the substance-use history stays on its own line, not repeated."""
    course = flagged_course(nurse, physician, clock)
    workspace = _workspace(qtbot, nurse, course.visit_id)
    banner = workspace.banner
    assert banner.watch.isVisible()
    assert banner.watch.text() == ("Watch: dose creep, repeated refused requests, screening overdue — not acknowledged")
    history = [w for w in banner.findChildren(QLabel) if HISTORY in w.text()]
    assert [w.objectName() for w in history] == ["banner_substance_flag"]
    assert HISTORY not in banner.watch.text()


def test_pressing_the_line_opens_the_courses_watch(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """The line opens the watch panel of this visit's course, in a dialog."""
    course = flagged_course(nurse, physician, clock)
    workspace = _workspace(qtbot, physician, course.visit_id)
    banner = workspace.banner
    banner.watch.click()
    dialog = banner.watch.dialog
    assert isinstance(dialog, WatchDialog) and dialog.isVisible()
    assert dialog.panel.course_id == course.course_id
    assert any(r.raised.flag.rule is WatchRule.DOSE_CREEP for r in dialog.panel.flag_rows)
    dialog.reject()


def test_the_line_goes_once_every_flag_is_acknowledged(
    qtbot: QtBot, nurse: Clinic, physician: Clinic, clock: FakeClock
) -> None:
    """Acknowledged one by one elsewhere: the line names fewer rules, then is gone."""
    course = flagged_course(nurse, physician, clock)
    workspace = _workspace(qtbot, nurse, course.visit_id)
    for raised in physician.watch.state(course.course_id).open_flags:
        physician.watch.acknowledge_flag(
            course.course_id, raised.flag.fingerprint, "Reviewed", password=PASSWORDS["doctor"]
        )
        if raised.flag.rule is WatchRule.DOSE_CREEP:
            workspace.tick()  # committed in another session: the next tick reads the visit again
            assert workspace.banner.watch.text().startswith("Watch: repeated refused requests")
    workspace.tick()
    assert workspace.banner.watch.isHidden()


def test_a_visit_outside_a_course_has_no_watch_line(qtbot: QtBot, nurse: Clinic, patient_id: int) -> None:
    """A visit booked on its own: nothing to watch over, no line."""
    visit_id = nurse.scheduling.schedule_visit(patient_id, nurse.today(), 2).created_id
    assert visit_id is not None
    workspace = _workspace(qtbot, nurse, visit_id)
    assert workspace.view is not None and workspace.view.detail.summary.course_id is None
    assert workspace.banner.watch.isHidden()
