"""The few widgets every screen builds the same way: labels, fields, buttons, read-only tables.

Each takes the stable objectName that tests and screen readers find it by, and an
accessible name in words; the options cover what the screens need (bold or larger text,
text a nurse can select and copy, plain text that never renders as markup).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QLineEdit, QPushButton, QTableWidget

SCALE = "ketadesk_font_scale"
"""The property a label made larger than the text around it keeps its scale in, to follow the text size."""
_SCALED: weakref.WeakSet[QLabel] = weakref.WeakSet()
"""Those labels, each for as long as it exists (a label's parent keeps it; its deletion drops it here)."""


def follow_text_size(app: QApplication) -> int:
    """Resize every larger label to its scale of the application's font; the number resized.

    A label's own larger font is fixed in points once set, so the application's Larger text
    (Ctrl++) would leave the chair tiles' titles, timers and alerts — the text read from
    across the room — as they were. Each keeps its scale, and this sets it again.
    """
    base = app.font().pointSizeF()
    resized = 0
    # Only the labels that asked for it: walking app.allWidgets() wrapped every widget in the application,
    # Qt's own inner ones too, for one property each (and once crashed inside PySide doing so).
    for widget in list(_SCALED):
        scale = widget.property(SCALE) if shiboken6.isValid(widget) else None
        if isinstance(scale, float):
            font = widget.font()
            font.setPointSizeF(base * scale)
            widget.setFont(font)
            resized += 1
    return resized


def label(
    name: str,
    text: str = "",
    *,
    bold: bool = False,
    scale: float = 1.0,
    wrap: bool = True,
    selectable: bool = False,
    plain: bool = False,
    style: str = "",
    accessible: str | None = None,
) -> QLabel:
    """A label named ``name`` (its accessible name is the name in words unless ``accessible`` says otherwise)."""
    widget = QLabel(text)
    widget.setObjectName(name)
    widget.setAccessibleName(accessible if accessible is not None else name.replace("_", " "))
    widget.setWordWrap(wrap)
    if plain:
        widget.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold or scale != 1.0:
        font = widget.font()
        font.setBold(bold)
        if scale != 1.0:
            font.setPointSizeF(font.pointSizeF() * scale)
            widget.setProperty(SCALE, scale)
            _SCALED.add(widget)
        widget.setFont(font)
    if style:
        widget.setStyleSheet(style)
    return widget


def line(name: str, accessible: str, *, password: bool = False, placeholder: str = "") -> QLineEdit:
    """A one-line text field (a password field hides what is typed)."""
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setPlaceholderText(placeholder)
    if password:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def button(name: str, text: str, *, default: bool = True) -> QPushButton:
    """A push button; ``default=False`` keeps Enter in a form from pressing it."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setAccessibleName(text.replace("&", ""))
    if not default:
        widget.setAutoDefault(False)
    return widget


def table(name: str, accessible: str, headers: Sequence[str]) -> QTableWidget:
    """A read-only table that selects whole rows, one at a time."""
    widget = QTableWidget(0, len(headers))
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    widget.setHorizontalHeaderLabels(list(headers))
    widget.verticalHeader().hide()
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setAlternatingRowColors(True)
    widget.setWordWrap(False)
    widget.verticalHeader().setDefaultSectionSize(widget.fontMetrics().height() + 10)
    widget.horizontalHeader().setStretchLastSection(True)
    return widget
