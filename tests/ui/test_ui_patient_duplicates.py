"""Registering someone already registered: the form asks, names the MRN there, and keeps what was typed."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QPainter, QPixmap
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.ui.patients.find import FindPatientDialog
from ketadesk.ui.patients.form import PatientForm
from tests.helpers import make_patient

# KETADESK_SCREENSHOTS=docs/screenshots saves the question as the product's screenshot.
SHOTS = os.environ.get("KETADESK_SCREENSHOTS", "")
BORN = date(1979, 4, 2)


def _typed_again(form: PatientForm) -> None:
    """The same person typed again with another MRN, in other case and spacing."""
    form.mrn.setText("KD-30002")
    form.family.setText("  SMITH ")
    form.given.setText("ann")
    form.born.setText(BORN.isoformat())


def _shot(form: PatientForm) -> None:
    """The form with its question beside it, as the user sees them (for docs/ when asked to)."""
    if not SHOTS or form.duplicate_question is None:
        return
    left, right = form.grab(), form.duplicate_question.grab()
    both = QPixmap(left.width() + right.width() + 16, max(left.height(), right.height()))
    both.fill(form.palette().window().color())
    painter = QPainter(both)
    painter.drawPixmap(0, 0, left)
    painter.drawPixmap(left.width() + 16, 0, right)
    painter.end()
    both.save(str(Path(SHOTS) / "register-duplicate-question.png"))


def test_the_same_name_and_birth_date_asks_before_registering(qtbot: QtBot, nurse: Clinic) -> None:
    """The question names the patient there; "Don't register" keeps the form as typed, "Register another" saves."""
    nurse.patients.register(make_patient("KD-30001", family_name="Smith", given_name="Ann", date_of_birth=BORN))
    form = PatientForm(nurse)
    qtbot.addWidget(form)
    form.show()
    _typed_again(form)
    form.save()
    question = form.duplicate_question
    assert question is not None and question.isVisible()
    assert "A patient with this name and date of birth exists: MRN KD-30001" in question.text()
    assert "KD-30001" in form.message.text()
    assert nurse.patients.count() == 1
    _shot(form)
    question.keep_button.click()
    assert "Not registered" in form.message.text() and "What you typed is kept" in form.message.text()
    assert (form.mrn.text(), form.family.text(), form.given.text()) == ("KD-30002", "  SMITH ", "ann")
    assert nurse.patients.count() == 1 and form.saved_id is None
    form.save()
    again = form.duplicate_question
    assert again is not None
    again.register_button.click()
    saved = nurse.patients.by_mrn("KD-30002")
    assert saved is not None and (saved.family_name, saved.given_name) == ("SMITH", "ann")
    assert form.saved_id == saved.id and nurse.patients.count() == 2


def test_another_birth_date_registers_without_asking(qtbot: QtBot, nurse: Clinic) -> None:
    """A namesake born on another day is another patient: no question."""
    nurse.patients.register(make_patient("KD-30001", family_name="Smith", given_name="Ann", date_of_birth=BORN))
    form = PatientForm(nurse)
    qtbot.addWidget(form)
    _typed_again(form)
    form.born.setText("1979-04-03")
    form.save()
    assert form.duplicate_question is None and nurse.patients.count() == 2


def test_a_search_with_a_broken_character_is_said_not_crashed_on(
    qtbot: QtBot, nurse: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+F given half a surrogate pair (Qt hands one on from some input methods) says why and lists nothing."""
    finder = FindPatientDialog(nurse)
    qtbot.addWidget(finder)
    monkeypatch.setattr(finder.query, "text", lambda: "Smi\ud800")
    finder.search()
    assert finder.patients == []
    assert "control character" in finder.message.text()
    monkeypatch.undo()
    finder.query.setText("Smi")
    assert not finder.message.text()
