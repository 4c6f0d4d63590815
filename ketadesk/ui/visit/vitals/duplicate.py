"""The duplicate question: a set charted in the same minute as a current reading is saved only when the nurse says so.

Two sets in one minute are most often one set entered twice; sometimes a real repeat. The
clinic accepts both (``clinic.bedside.record_vitals`` does not refuse a second set), so the
question is the screen's: it quotes the reading already there and offers "Save this one as
well" or "Don't save" (the typed values stay). It opens without blocking (``open()``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from ketadesk.core.correction_text import reading_words
from ketadesk.core.records import VitalsRecord
from ketadesk.ui.kit.times import local_time


def duplicate_text(existing: VitalsRecord) -> str:
    """``A reading at 10:15 already exists (BP 132/84, …). Save this one as well?``"""
    return (
        f"A reading at {local_time(existing.vitals.taken_at)} already exists ({reading_words(existing)}). "
        "Save this one as well?"
    )


class DuplicateQuestion(QMessageBox):
    """Asks whether a second set in the same minute is to be saved: ``save`` runs on yes, ``keep`` on no."""

    def __init__(
        self,
        existing: VitalsRecord,
        save: Callable[[], object],
        keep: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("duplicate_question")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle("A reading in the same minute")
        self.setText(duplicate_text(existing))
        self.setInformativeText("Two sets in one minute are often the same set entered twice.")
        self.save_button: QPushButton = self.addButton("Save this one as well", QMessageBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("duplicate_save")
        self.keep_button: QPushButton = self.addButton("Don't save", QMessageBox.ButtonRole.RejectRole)
        self.keep_button.setObjectName("duplicate_cancel")
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)
        # The buttons' own signals, not the dialog's result: a message box's result for its own buttons is opaque.
        self.save_button.clicked.connect(save)
        self.keep_button.clicked.connect(keep)
