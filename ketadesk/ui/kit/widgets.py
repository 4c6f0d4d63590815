"""The few widgets every screen builds the same way: labels, fields, buttons, read-only tables.

Each takes the stable objectName that tests and screen readers find it by, and an
accessible name in words; the options cover what the screens need (bold or larger text,
text a nurse can select and copy, plain text that never renders as markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QPushButton, QTableWidget


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
