"""Form text a redraw may fill from the record only while the user has not started typing in it."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit


class PristineFields:
    """Fill form fields from the record only while the user has not typed in them.

    A field is *pristine* while its text is what the program last put there and it does not
    have the keyboard focus; only then may a refresh replace it.
    """

    def __init__(self) -> None:
        self._shown: dict[int, str] = {}

    def fill(self, field: QLineEdit, text: str, *, force: bool = False) -> None:
        """Show ``text`` unless the user is editing ``field`` (``force``: read-only fields always follow the record)."""
        last = self._shown.get(id(field), "")
        if force or (field.text() == last and not field.hasFocus()):
            if field.text() != text:
                field.setText(text)
            self._shown[id(field)] = text

    def adopt(self, field: QLineEdit) -> None:
        """What is typed now has been saved: treat it as the program's own text."""
        self._shown[id(field)] = field.text()
