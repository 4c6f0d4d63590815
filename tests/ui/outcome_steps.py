"""Steps shared by the outcome-measure screen tests: a visit in pre-assessment, answers chosen on a form."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ketadesk.clinic import Clinic
from ketadesk.ui.outcomes.measure_form import MeasureForm
from ketadesk.ui.visit.workspace import VisitWorkspace
from tests.helpers import ready_to_infuse

# KETADESK_SCREENSHOTS=docs/screenshots saves the outcome screens there (gui_measure_form.png, …).
SHOTS = os.environ.get("KETADESK_SCREENSHOTS", "")

# A PHQ-9 with item 9 answered 2 ("more than half the days"): a high-priority flag; total 11.
FLAGGING_PHQ9 = {1: 1, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 2, 10: 1}
# A PHQ-9 with item 9 answered 0: no flag.
CALM_PHQ9 = {1: 1, 2: 1, 3: 0, 4: 1, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 1}


def choose(form: MeasureForm, answers: Mapping[int, int]) -> None:
    """Click each answer on the nurse's form."""
    for number, value in answers.items():
        form.choices[number].choose(value)


def shoot(widget: QWidget, name: str) -> None:
    """Save ``widget`` as docs/screenshots/``name`` when screenshots are asked for."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()  # the layout of words just changed settles before the picture
        widget.grab().save(str(Path(SHOTS) / name))


def ready_workspace(qtbot: QtBot, nurse: Clinic, visit_id: int) -> VisitWorkspace:
    """The visit's workspace shown, every pre-infusion gate met but the outcome measures."""
    ready_to_infuse(nurse, visit_id)
    built = VisitWorkspace(nurse, visit_id)
    qtbot.addWidget(built)
    built.resize(1280, 900)
    built.show()
    return built
