"""The second look at an extreme reading: "Systolic 262 mmHg is extreme (≥ 250). Is this the reading?"

The clinic refused the reading because it passed an extreme limit of the protocol and was
not confirmed (:class:`ExtremeNeedsConfirming`); this dialog asks the nurse, naming each
value and its limit. "Save 262" sends the same reading again, confirmed; "Go back" (the
default and where the focus starts, so a reflexive Enter does not confirm; Tab to Save and
Enter does) returns to the row with the typing kept.
It opens window-modal without blocking (``open()``), so the event loop keeps running.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ketadesk.core.vitals import Extreme
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import WARNING_STYLE


def save_text(found: tuple[Extreme, ...], typed: Mapping[str, str]) -> str:
    """What the confirming button says: the value itself (``Save 262``), both BPs for a pressure, else the reading."""
    fields = list(dict.fromkeys(field for extreme in found for field in extreme.fields))
    if len(fields) == 1:
        return f"Save {found[0].value}"
    if set(fields) <= {"sbp", "dbp"}:
        return f"Save {int(typed['sbp'])}/{int(typed['dbp'])}"
    return "Save this reading"


class ExtremeValueDialog(QDialog):
    """Asks whether an extreme value is the reading; accepted means "save it, confirmed"."""

    def __init__(self, found: tuple[Extreme, ...], typed: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("extreme_value_dialog")
        self.setWindowTitle("Check an extreme value")
        self.extremes = found
        layout = QVBoxLayout(self)
        self.question = QLabel("\n".join(f"{extreme}." for extreme in found) + "\nIs this the reading?")
        self.question.setObjectName("extreme_value_text")
        self.question.setStyleSheet(WARNING_STYLE)
        self.question.setWordWrap(True)
        self.question.setMinimumWidth(360)
        layout.addWidget(self.question)
        hint = QLabel("Saving records that you confirmed it. Go back to correct a typing slip.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        # Both stay auto-default: Enter presses the button that has the focus, and the focus starts on Go back.
        self.save_button = widgets.button("extreme_value_save", save_text(found, typed))
        self.save_button.clicked.connect(self.accept)
        buttons.addWidget(self.save_button)
        self.back_button = widgets.button("extreme_value_back", "Go back")
        self.back_button.setDefault(True)
        self.back_button.clicked.connect(self.reject)
        buttons.addWidget(self.back_button)
        layout.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Focus on Go back: the safe answer is the one under the nurse's finger."""
        super().showEvent(event)
        self.back_button.setFocus()
