"""The course screen is reached from the patient's record (Course…) and from the open visit (Visit menu)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.ui.course.screen import CourseScreen
from ketadesk.ui.window.app import build_main_window
from ketadesk.ui.window.main_window import MainWindow
from tests.helpers import PASSWORDS, make_patient
from tests.outcome_steps import measured_course


@pytest.fixture
def window(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """The main window on the test database, acting as the nurse, on screen."""
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    built = build_main_window(
        db_path, clock, protocol=default_protocol, sign_in=("nurse", PASSWORDS["nurse"]), settings=settings
    )
    qtbot.addWidget(built)
    built.show()
    qtbot.waitExposed(built)
    yield built
    built.stop()
    built.clinic.close()


def _trigger(window: MainWindow, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None and action.isEnabled(), f"no enabled action {name}"
    action.trigger()


def test_course_from_the_patients_record_opens_the_course_of_the_visit_highlighted(
    qtbot: QtBot, window: MainWindow, nurse: Clinic, clock: FakeClock
) -> None:
    """Find the patient, highlight a visit, Course…: the course's tab, with its badges; a second time, the same tab."""
    walked = measured_course(nurse, clock)
    for _ in range(2):
        finder = window.find_patient()
        finder.query.setText("KD-40001")
        finder.visits.select_visit(walked.visits[1])
        button = finder.findChild(QPushButton, "patient_course_button")
        assert button is not None
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        screen = window.tabs.currentWidget()
        assert isinstance(screen, CourseScreen) and screen.course_id == walked.course_id
        assert not finder.isVisible()
    assert sum(isinstance(window.tabs.widget(i), CourseScreen) for i in range(window.tabs.count())) == 1
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Course · NÚÑEZ, Zoë"
    assert screen.summaries["phq9"].response.badge.text() == "Response: met"


def test_a_patient_with_no_course_is_told_so_in_the_record(qtbot: QtBot, window: MainWindow, nurse: Clinic) -> None:
    """No course planned: Course… says so and the dialog stays open; nothing new opens."""
    nurse.patients.register(make_patient("KD-40009"))
    finder = window.find_patient()
    finder.query.setText("KD-40009")
    tabs = window.tabs.count()
    finder.course()
    assert "has no treatment course planned" in finder.message.text()
    assert finder.isVisible() and window.tabs.count() == tabs
    finder.reject()


def test_course_from_the_open_visit_uses_the_visit_menu(window: MainWindow, nurse: Clinic, clock: FakeClock) -> None:
    """With a visit's review or workspace in front, Visit → Course of this patient… opens its course."""
    walked = measured_course(nurse, clock)
    window.open_record(walked.visits[0])
    _trigger(window, "course_action")
    screen = window.tabs.currentWidget()
    assert isinstance(screen, CourseScreen) and screen.course_id == walked.course_id
    booked = nurse.scheduling.schedule_visit(walked.patient_id, nurse.today(), 2, course_id=walked.course_id)
    assert booked.created_id is not None
    window.open_visit(booked.created_id)
    _trigger(window, "course_action")
    assert window.tabs.currentWidget() is screen
    window.show_board()
    _trigger(window, "course_action")
    assert window.tabs.currentIndex() == 0
    assert "Open a visit first" in window.statusBar().currentMessage()
