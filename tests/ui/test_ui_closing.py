"""Closing the window while a patient is in the chair asks first and names who; any ending records one sign-out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.core.clock import FakeClock
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitSummary
from ketadesk.ui.window.ending import ask_before_closing, close_question
from ketadesk.ui.window.main_window import MainWindow, Page
from tests.helpers import ready_to_infuse
from tests.ui.sign_in_steps import PASSWORDS, give_passwords, guarded_window, quick_argon2, sign_in


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap password hashing for these screens."""
    quick_argon2(monkeypatch)


class Asked:
    """A stand-in for the confirmation: records what it was asked and answers as told."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.calls: list[tuple[list[VisitSummary], bool]] = []

    def __call__(self, parent: QWidget, visits: Sequence[VisitSummary], locked: bool) -> bool:
        self.calls.append((list(visits), locked))
        return self.answer


def sign_outs(db_path: Path) -> int:
    """How many sign-outs the audit trail holds."""
    with sqlite3.connect(db_path) as raw:
        return int(raw.execute("SELECT count(*) FROM audit WHERE action = 'sign_out'").fetchone()[0])


@pytest.fixture
def window(
    qtbot: QtBot, clinic: Clinic, db_path: Path, clock: FakeClock, default_protocol: Protocol, tmp_path: Path
) -> Iterator[MainWindow]:
    """The guarded window as the real program runs it, the nurse signed in through the door."""
    give_passwords(clinic)
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    built = guarded_window(qtbot, db_path, clock, default_protocol, settings)
    sign_in(qtbot, built, "nurse", PASSWORDS["nurse"])
    assert built.page is Page.WORK
    yield built
    built.close_without_asking()
    built.clinic.close()


@pytest.fixture
def infusing(nurse: Clinic, visit_id: int, clock: FakeClock) -> int:
    """The visit in chair 1, ten minutes into its infusion."""
    ready_to_infuse(nurse, visit_id)
    nurse.infusion.start_infusion(visit_id)
    clock.advance(minutes=10)
    return visit_id


def test_closing_with_a_patient_infusing_asks_and_names_who(
    qtbot: QtBot, window: MainWindow, infusing: int, db_path: Path
) -> None:
    """'Keep open' keeps the window and the session; 'Close' closes it and records one sign-out."""
    keep = Asked(False)
    window.confirm_close = keep
    window.start()
    window.close()
    assert window.isVisible() and window.page is Page.WORK
    assert window.timer.isActive(), "the board keeps ticking when the nurse keeps the window open"
    assert sign_outs(db_path) == 0
    [(visits, locked)] = keep.calls
    assert [v.id for v in visits] == [infusing] and not locked
    text = close_question(visits, locked=locked)
    assert "Chair 1 — NÚÑEZ, Zoë (infusing)" in text
    window.confirm_close = Asked(True)
    window.close()
    assert not window.isVisible()
    assert sign_outs(db_path) == 1


def test_nothing_in_the_chair_closes_without_asking(qtbot: QtBot, window: MainWindow, db_path: Path) -> None:
    """With no patient infusing or recovering the window closes at once (and signs out once)."""
    asked = Asked(False)
    window.confirm_close = asked
    window.close()
    assert asked.calls == [] and not window.isVisible()
    assert sign_outs(db_path) == 1


def test_on_the_lock_screen_only_chairs_are_named(
    qtbot: QtBot, window: MainWindow, infusing: int, clock: FakeClock
) -> None:
    """Locked, the question names the chair and phase, not the patient."""
    window.lock()
    asked = Asked(False)
    window.confirm_close = asked
    window.close()
    [(visits, locked)] = asked.calls
    assert locked
    text = close_question(visits, locked=True)
    assert "Chair 1 (infusing)" in text and "NÚÑEZ" not in text


def test_every_ending_records_the_sign_out_once(qtbot: QtBot, window: MainWindow, infusing: int, db_path: Path) -> None:
    """A signal's ending, then the window closing, then the application quitting: one sign-out in all."""
    window.confirm_close = Asked(False)
    window.end_session("signal SIGTERM")
    window.close_without_asking()
    window.end_session("quit")
    assert not window.isVisible()
    assert sign_outs(db_path) == 1


def test_the_real_question_defaults_to_keep_open(qtbot: QtBot, nurse: Clinic, infusing: int) -> None:
    """The program's own dialog names the patient, and Enter (its default) keeps the window open."""
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), "the question is open, modal"
        seen.append(f"{box.objectName()}|{box.text()}")
        default = box.defaultButton()
        if isinstance(default, QPushButton) and default.objectName() == "keep_open":
            default.click()
        else:
            box.done(0)  # never leave a modal open, whatever went wrong

    QTimer.singleShot(0, answer)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert ask_before_closing(parent, nurse.visits.board(), False) is False
    assert seen and seen[0].startswith("close_while_infusing|")
    assert "Chair 1 — NÚÑEZ, Zoë (infusing)" in seen[0]
