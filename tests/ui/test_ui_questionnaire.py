"""The patient's questionnaire mode: one item a screen, nothing else reachable, no flag, back to the lock at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QDialog, QHBoxLayout, QLabel, QVBoxLayout
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.instruments.measures import EntryMode
from ketadesk.core.instruments.types import InstrumentKey
from ketadesk.core.protocol import Protocol
from ketadesk.ui.outcomes.choices import AnswerChoice
from ketadesk.ui.outcomes.questionnaire import QuestionnairePage
from ketadesk.ui.window.main_window import MainWindow, Page
from tests.helpers import make_patient
from tests.ui.outcome_steps import FLAGGING_PHQ9, shoot
from tests.ui.sign_in_steps import PASSWORDS, close_window, give_passwords, guarded_window

PHQ9 = InstrumentKey.PHQ9
OTHER = make_patient("KD-00002", family_name="Lindqvist", given_name="Astrid")


@pytest.fixture
def window(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """The guarded window, the nurse signed in."""
    give_passwords(clinic)
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    built = guarded_window(qtbot, db_path, clock, default_protocol, settings, user_login="nurse")
    yield built
    close_window(built)


@pytest.fixture
def other_patient(nurse: Clinic) -> int:
    """A second patient in chair 2 today, with a visit of her own."""
    created = nurse.patients.register(OTHER).created_id
    assert created is not None
    course = nurse.scheduling.plan_course(created, nurse.today())
    nurse.scheduling.schedule_visit(created, nurse.today(), 2, course_id=course.created_id)
    return created


def _hand_over(window: MainWindow, visit_id: int, keys: tuple[InstrumentKey, ...] = (PHQ9,)) -> QuestionnairePage:
    """The nurse opens the visit and presses "Patient fills it in…"."""
    window.clinic.infusion.start_pre_assessment(visit_id)
    workspace = window.tabs.open_visit(visit_id)
    box = workspace.pre_assessment.outcomes
    if keys == (PHQ9,):
        box.patient_buttons[PHQ9].click()
    else:
        box.all_due_button.click()
    page = window.questionnaire.page
    assert page is not None and window.page is Page.QUESTIONNAIRE
    return page


def _texts(page: QuestionnairePage) -> str:
    """Every word on the page's labels and buttons."""
    labels = [w.text() for w in page.findChildren(QLabel)]
    buttons = [w.text() for w in page.findChildren(QAbstractButton)]
    return "\n".join(labels + buttons)


def _answer_all(page: QuestionnairePage, answers: dict[int, int]) -> list[str]:
    """Answer item after item with Next; the progress line of each screen."""
    seen = []
    while not page.done:
        seen.append(page.progress.text())
        choice = page.choice
        assert choice is not None
        choice.choose(answers[page.step.item.number])
        page.next_button.click()
    return seen


def _on_patient_page(window: MainWindow, page: QuestionnairePage) -> None:
    assert window.page is Page.QUESTIONNAIRE
    assert window.stack.currentWidget() is page
    assert not window.board.isVisible()
    assert not [d for d in window.findChildren(QDialog) if d.isVisible()]


def test_the_patient_answers_one_item_a_screen_and_the_nurse_signs_back_in(
    qtbot: QtBot, window: MainWindow, visit_id: int, patient_id: int
) -> None:
    """First name only, one item a screen, Back and Next; saved as the patient's in the nurse's session; then locked."""
    page = _hand_over(window, visit_id)
    assert "Hello, Zoë" in page.greeting.text()
    assert "Núñez" not in _texts(page) and "KD-00001" not in _texts(page)
    assert page.progress.text().startswith("Question 1 of 10")
    assert len([c for c in page.findChildren(AnswerChoice) if c.isVisible()]) == 1
    assert not page.back_button.isEnabled()
    page.next_button.click()  # nothing chosen: stays, and says so
    assert page.progress.text().startswith("Question 1 of 10") and page.message.isVisible()
    page.choice.choose(1)  # type: ignore[union-attr]
    page.next_button.click()
    assert page.progress.text().startswith("Question 2 of 10")
    page.back_button.click()
    assert page.choice is not None and page.choice.value() == 1  # kept
    window.resize(1280, 860)
    shoot(window, "gui_questionnaire.png")
    seen = _answer_all(page, FLAGGING_PHQ9)
    assert len(seen) == 10  # item 10 asked: the total is above 0
    assert "Done — please hand the tablet back" in _texts(page)
    [measure] = window.clinic.outcomes.current(patient_id)
    assert (measure.mode, measure.entered_by, dict(measure.answers)) == (EntryMode.PATIENT, "nurse", FLAGGING_PHQ9)
    assert "risk" not in _texts(page).lower()  # a flag was raised; the patient never sees it
    qtbot.mouseClick(page.hand_back_button, Qt.MouseButton.LeftButton)
    assert window.page is Page.LOCKED and window.stack.currentWidget() is window.lock_page
    assert "Questionnaire done: PHQ-9 saved" in window.lock_page.reason.text()
    window.lock_page.password.setText(PASSWORDS["nurse"])
    window.lock_page.unlock()
    assert window.page is Page.WORK
    window.tabs.setCurrentIndex(0)
    assert "HIGH PRIORITY" in window.board.tile(1).risk_flag.text()


def test_the_patient_may_answer_by_typing_the_answers_number(
    qtbot: QtBot, window: MainWindow, visit_id: int, patient_id: int
) -> None:
    """A number key chooses that answer wherever the focus is on the page; a number off the scale chooses nothing."""
    page = _hand_over(window, visit_id)
    page.next_button.setFocus()
    qtbot.keyClick(page.next_button, "7")  # PHQ-9 answers are 0-3
    assert page.choice is not None and page.choice.value() is None
    qtbot.keyClick(page.next_button, "2")
    assert page.choice.value() == 2 and page.answers[PHQ9] == {1: 2}
    qtbot.keyClick(page.next_button, "0")
    assert page.choice.value() == 0 and page.answers[PHQ9] == {1: 0}


def test_item_10_is_skipped_when_the_total_is_0(window: MainWindow, visit_id: int, patient_id: int) -> None:
    """Every item answered 0: PHQ-9 item 10 is not asked, and the measure is saved without it."""
    page = _hand_over(window, visit_id)
    for _ in range(8):
        page.choice.choose(0)  # type: ignore[union-attr]
        page.next_button.click()
    page.choice.choose(0)  # type: ignore[union-attr]
    assert page.next_button.text().startswith("Finish")  # item 10 will not be asked at a total of 0
    page.choice.choose(1)  # type: ignore[union-attr]
    assert page.next_button.text().startswith("Next")  # now it will
    page.choice.choose(0)  # type: ignore[union-attr]
    seen = _answer_all(page, dict.fromkeys(range(1, 11), 0))
    assert len(seen) == 1
    [measure] = window.clinic.outcomes.current(patient_id)
    assert measure.answer(10) is None and measure.total == 0


def test_nothing_reaches_the_board_or_another_patient(
    qtbot: QtBot, window: MainWindow, visit_id: int, other_patient: int
) -> None:
    """Menus gone, shortcuts inert, Escape does nothing; no other patient's name anywhere on the page."""
    page = _hand_over(window, visit_id)
    assert window.menuBar().isHidden() and not window.statusBar().isVisible()
    live = [a for a in window.findChildren(QAction) if a.isEnabled() and not a.shortcut().isEmpty()]
    assert live == []
    for key, modifier in (
        (Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier),  # the board
        (Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier),  # chair 2
        (Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier),  # find a patient
        (Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier),  # lock / switch user
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),  # close the tab
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),  # the next tab
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    ):
        qtbot.keyClick(page.next_button, key, modifier)
        _on_patient_page(window, page)
    text = _texts(page)
    assert "Astrid" not in text and "Lindqvist" not in text and "KD-00002" not in text


def test_closing_the_window_ends_at_the_lock_not_the_board(window: MainWindow, visit_id: int, patient_id: int) -> None:
    """Closing during the questionnaire locks the window: the board stays hidden and nothing half-answered is saved."""
    page = _hand_over(window, visit_id)
    page.choice.choose(2)  # type: ignore[union-attr]
    page.next_button.click()
    assert not window.close()
    assert window.page is Page.LOCKED and window.stack.currentWidget() is window.lock_page
    assert not window.board.isVisible()
    assert "nothing was saved" in window.lock_page.reason.text()
    assert window.clinic.outcomes.measures(patient_id) == []
    assert window.questionnaire.page is None


def test_stop_asks_twice_then_locks(window: MainWindow, visit_id: int) -> None:
    """One press of Stop only warns (a stray touch); the second hands back to the lock screen."""
    page = _hand_over(window, visit_id)
    page.stop_button.click()
    assert window.page is Page.QUESTIONNAIRE and "Press again" in page.stop_button.text()
    page.stop_button.click()
    assert window.page is Page.LOCKED


def test_every_due_measure_in_one_sitting(window: MainWindow, visit_id: int, patient_id: int) -> None:
    """PHQ-9 and GAD-7 one after the other, counted as one questionnaire; both saved as the patient's."""
    page = _hand_over(window, visit_id, (PHQ9, InstrumentKey.GAD7))
    assert page.progress.text().startswith("Question 1 of 17")
    _answer_all(page, dict.fromkeys(range(1, 11), 1))
    saved = {m.instrument: m.mode for m in window.clinic.outcomes.current(patient_id)}
    assert saved == {PHQ9: EntryMode.PATIENT, InstrumentKey.GAD7: EntryMode.PATIENT}


def test_an_item_that_may_be_left_can_be_left_blank(window: MainWindow, visit_id: int, patient_id: int) -> None:
    """PHQ-9 item 10 may be left: Next goes on without an answer, and one chosen can be taken back."""
    page = _hand_over(window, visit_id)
    for _ in range(9):
        assert not page.clear_button.isVisible()
        page.choice.choose(1)  # type: ignore[union-attr]
        page.next_button.click()
    assert page.step.item.number == 10 and page.clear_button.isVisible()
    page.choice.choose(2)  # type: ignore[union-attr]
    page.clear_button.click()
    assert page.choice is not None and page.choice.value() is None
    page.next_button.click()
    assert page.done
    [measure] = window.clinic.outcomes.current(patient_id)
    assert measure.answer(10) is None and measure.total == 9


def test_the_fear_questionnaires_long_scale_sits_side_by_side(
    window: MainWindow, visit_id: int, patient_id: int
) -> None:
    """Nine answers (0-8) in one row, so a 768-pixel screen holds them; PCL-5's five stay one under another."""
    course = window.clinic.scheduling.courses(patient_id)[-1]
    window.clinic.outcomes.choose_instruments(course.id, ["pcl5", "fear_questionnaire"])
    page = _hand_over(window, visit_id, (InstrumentKey.PCL5, InstrumentKey.FQ))
    assert page.choice is not None and isinstance(page.choice.layout(), QVBoxLayout)
    for _ in range(20):
        page.choice.choose(1)
        page.next_button.click()
    assert page.step.instrument.key is InstrumentKey.FQ
    assert page.choice is not None and isinstance(page.choice.layout(), QHBoxLayout)
    assert len(page.choice.buttons) == 9


def test_the_lock_screen_names_the_chair_whose_risk_flag_waits(window: MainWindow, visit_id: int) -> None:
    """After the questionnaire raised a flag, the lock screen says which chair needs a risk assessment — no name."""
    page = _hand_over(window, visit_id)
    _answer_all(page, FLAGGING_PHQ9)
    page.hand_back_button.click()
    assert window.page is Page.LOCKED
    window.tick()  # the once-a-second timer, locked: the chairs that need a nurse, by number
    assert window.lock_page.chairs.text() == "Chair 1: risk assessment needed"
    assert "Zoë" not in window.lock_page.chairs.text()


def test_a_questionnaire_left_without_input_locks_after_the_idle_minutes_keeping_what_was_saved(
    window: MainWindow, clock: FakeClock, visit_id: int, patient_id: int
) -> None:
    """PHQ-9 answered, GAD-7 begun, then the patient walks away: at the idle lock's minutes (not before) the window
    locks, saying so; answers are saved only at the end (the patient may go back to any item), so none is kept
    of a questionnaire left unfinished, and the board never shows."""
    page = _hand_over(window, visit_id, (PHQ9, InstrumentKey.GAD7))
    for _ in range(10):  # PHQ-9 whole, item 10 included (its total is above 0)
        page.choice.choose(1)  # type: ignore[union-attr]
        page.next_button.click()
    page.choice.choose(2)  # type: ignore[union-attr]  # GAD-7 item 1, then nothing more
    page.next_button.click()
    window.note_activity()
    minutes = window.clinic.protocol.idle_lock_minutes
    clock.advance(seconds=minutes * 60 - 1)
    window.tick()
    assert window.page is Page.QUESTIONNAIRE
    clock.advance(seconds=1)
    window.tick()
    assert window.page is Page.LOCKED and not window.board.isVisible()
    said = window.lock_page.reason.text()
    assert said.startswith(f"Questionnaire left without input for {minutes} min: nothing was saved."), said
    assert window.clinic.outcomes.measures(patient_id) == []
    assert window.questionnaire.page is None
