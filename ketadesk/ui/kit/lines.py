"""Lines that tell the user something: a refusal in red, a confirmation in green, in words as well as colour.

Every screen reports a refused entry the same way — a red line naming the field, the value
and what is allowed — and never clears what the user typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QWidget

ERROR_STYLE = "color: #c62828; font-weight: bold;"
OK_STYLE = "color: #2e7d32;"


def set_style(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` the style sheet ``sheet`` unless it has it already.

    Qt re-polishes a widget (and its children) on every ``setStyleSheet`` call, even with
    the same text; the screens set their styles on every once-a-second redraw, so an
    unchanged style would cost a polish and a full repaint each second for nothing.
    """
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


class MessageLine(QLabel):
    """A line under a form that says what went wrong, or what was saved."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(name.replace("_", " "))
        self.setWordWrap(True)
        self.hide()

    def error(self, text: str) -> None:
        """Show a refusal in red, in words."""
        set_style(self, ERROR_STYLE)
        self.setText(f"⚠ {text}")
        self.show()
        self._room()

    def _room(self) -> None:
        """Grow the dialog the line is in to fit it, never shrinking it: a long refusal (two workstations, who did
        what) squeezed the form's fields to slivers in a dialog kept at its first size."""
        top = self.window()
        if not isinstance(top, QDialog) or not top.isVisible():
            return
        layout = top.layout()
        if layout is not None:
            layout.activate()
        wanted = top.sizeHint().expandedTo(top.minimumSizeHint())
        width = max(top.width(), wanted.width())
        height = max(top.height(), top.heightForWidth(width) if top.hasHeightForWidth() else wanted.height())
        if (width, height) != (top.width(), top.height()):
            top.resize(width, height)

    def ok(self, text: str) -> None:
        """Show a confirmation."""
        set_style(self, OK_STYLE)
        self.setText(f"✓ {text}")
        self.show()

    def clear_message(self) -> None:
        """Hide the line."""
        self.setText("")
        self.hide()
