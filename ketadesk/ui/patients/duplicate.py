"""The duplicate question: a new patient named and born as one already registered is registered only when asked.

The clinic refuses such a registration (:class:`~ketadesk.core.patient.PossibleDuplicate`,
naming the MRN already there) unless the caller confirms, so the question is the screen's:
it names the patient already registered and offers "Register another patient" or "Don't
register" (what was typed stays in the form). It opens without blocking (``open()``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from ketadesk.core.patient import PossibleDuplicate


class RegisterDuplicateQuestion(QMessageBox):
    """Asks whether this is another person: ``register`` runs on yes, ``keep`` on no."""

    def __init__(
        self,
        duplicate: PossibleDuplicate,
        register: Callable[[], object],
        keep: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("register_duplicate_question")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle("A patient with this name and date of birth")
        self.setText(duplicate.message)
        self.setInformativeText(
            "Find that patient instead if it is the same person. Register another only for a different "
            "person who shares the name and the date of birth."
        )
        self.register_button: QPushButton = self.addButton(
            "Register another patient", QMessageBox.ButtonRole.AcceptRole
        )
        self.register_button.setObjectName("register_duplicate_yes")
        self.keep_button: QPushButton = self.addButton("Don't register", QMessageBox.ButtonRole.RejectRole)
        self.keep_button.setObjectName("register_duplicate_no")
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)
        self.register_button.clicked.connect(register)
        self.keep_button.clicked.connect(keep)
