"""One item's answer scale as a row of buttons, one per number, with the scale's words under each.

The nurse's form and the patient's questionnaire both choose an answer this way, so an
item looks and behaves the same wherever it is answered. Nothing is chosen until someone
chooses; the widget never guesses a default (an unanswered item must stay visibly so).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QBoxLayout, QButtonGroup, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ketadesk.core.instruments.types import Item
from ketadesk.ui.kit.colours import INVALID_STYLE
from ketadesk.ui.kit.lines import set_style

CHOSEN_STYLE = "QPushButton:checked { background: #1565c0; color: white; font-weight: bold; }"
"""A chosen answer: filled, and its button is checked (a screen reader says "checked")."""


class AnswerChoice(QWidget):
    """The buttons of one item's scale; exactly one may be chosen, or none yet.

    ``vertical`` lays the answers one under another (the patient's large screen: a whole
    sentence per answer), otherwise side by side (the nurse's form: the whole scale in a row).
    """

    chosen = Signal(int)
    typed = Signal(int)
    """An answer chosen by typing its number (the form moves on to the next item)."""

    def __init__(self, name: str, item: Item, *, vertical: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.item = item
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # so the refused outline is drawn
        self.setAccessibleName(f"Item {item.number} answer")
        layout: QBoxLayout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[int, QPushButton] = {}
        for value in item.scale.values:
            words = item.scale.label(value)
            text = f"{value}  {words}" if vertical else (f"{value}\n{words}" if words else str(value))
            button = QPushButton(text)
            button.setObjectName(f"{name}_{value}")
            button.setAccessibleName(f"{value} {words}".strip())
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setStyleSheet(CHOSEN_STYLE)
            self.group.addButton(button, value)
            self.buttons[value] = button
            layout.addWidget(button)
        self.group.idClicked.connect(self._clicked)

    def _clicked(self, value: int) -> None:
        self.mark_invalid(False)
        self.chosen.emit(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Typing an answer's number chooses it: a form is filled from the keyboard, one key an item."""
        if not self.take_key(event):
            super().keyPressEvent(event)

    def take_key(self, event: QKeyEvent) -> bool:
        """Choose the answer whose number was typed (and say it was typed); False for any other key.

        Also for a page that holds one item at a time and takes the key wherever its focus is.
        """
        text = event.text()
        if not (text.isdigit() and int(text) in self.buttons):
            return False
        self.choose(int(text))
        self.typed.emit(int(text))
        event.accept()
        return True

    def value(self) -> int | None:
        """The number chosen, or None while nothing is."""
        checked = self.group.checkedId()
        return None if checked == -1 else checked

    def choose(self, value: int) -> None:
        """Choose ``value`` as a click would (tests and keyboard users land here too)."""
        self.buttons[value].click()

    def clear(self) -> None:
        """Leave the item unanswered again (an item that may be left blank)."""
        self.group.setExclusive(False)
        for button in self.buttons.values():
            button.setChecked(False)
        self.group.setExclusive(True)

    def mark_invalid(self, invalid: bool = True) -> None:
        """Outline the item whose answer was refused or is missing (the words under the form say why)."""
        set_style(self, f"#{self.objectName()} {{ {INVALID_STYLE} }}" if invalid else "")
