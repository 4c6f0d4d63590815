"""Calendar days on screen: a date field typed as people type it, in the workstation's local order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketadesk.core.dates import DateOrder, in_words, parse_date
from ketadesk.core.errors import ValidationError
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.widgets import label, line


def local_order() -> DateOrder:
    """Day first or month first, as this workstation's locale writes a short date."""
    short = QLocale.system().dateFormat(QLocale.FormatType.ShortFormat)
    day, month = short.find("d"), short.find("M")
    return DateOrder.MONTH_FIRST if 0 <= month < day else DateOrder.DAY_FIRST


class DateField(QWidget):
    """A date typed as people type it, read back in words under the field before it is saved.

    No input mask: what is typed stays as typed. :meth:`value` gives the date it means or
    raises the core's refusal naming ``field`` (the form shows it and keeps the text).
    """

    def __init__(
        self,
        name: str,
        accessible: str,
        field: str,
        words: Callable[[date], str] = in_words,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.words = words
        self.order = local_order()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = line(name, accessible, placeholder=f"YYYY-MM-DD or {self.order.example.replace('29', 'DD', 1)}")
        self.edit.setMaxLength(24)
        self.read_back = label(f"{name}_words", style=MUTED_STYLE, accessible=f"{accessible} in words")
        layout.addWidget(self.edit)
        layout.addWidget(self.read_back)
        self.edit.textChanged.connect(self._read_back)
        self._read_back(self.edit.text())

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's spelling, so a form fills it like a line edit)
        """Put ``text`` in the field (it is read back at once)."""
        self.edit.setText(text)

    def text(self) -> str:
        """What is typed, exactly."""
        return self.edit.text()

    def set_date(self, day: date) -> None:
        """Show a stored date, in ISO form."""
        self.edit.setText(day.isoformat())

    def value(self) -> date:
        """The date typed, or the core's refusal naming the field."""
        return parse_date(self.field, self.edit.text(), self.order, label=self.edit.accessibleName())

    def _read_back(self, text: str) -> None:
        if not text.strip():
            self.read_back.setText("")
            return
        try:
            self.read_back.setText(self.words(parse_date(self.field, text, self.order)))
        except ValidationError as error:
            self.read_back.setText(f"Not a date yet: {error.allowed}")
