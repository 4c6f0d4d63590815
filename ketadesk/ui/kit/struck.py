"""Entries that no longer count, drawn the same way everywhere: gray and struck through, with who, when and why.

A corrected or struck entry stays on screen. Its cells (or its list line) are gray in a
struck-through font, their tooltip says who corrected it, when and why, and a line under
it says the same without hovering. Items carry the entry's id and whether it still counts,
so a menu or a button offers corrections only for current entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QListWidgetItem, QTableWidget, QTableWidgetItem

from ketadesk.core.corrections import Correction, correction_line
from ketadesk.ui.kit.colours import STRUCK_COLOUR
from ketadesk.ui.kit.times import local_time

ENTRY_ROLE = Qt.ItemDataRole.UserRole
"""The id of the entry an item shows (None on a correction line)."""
CURRENT_ROLE = Qt.ItemDataRole.UserRole + 1
"""True when the entry still counts (it may be corrected); False when it was corrected or struck."""

Item = TypeVar("Item", QTableWidgetItem, QListWidgetItem)


def why_text(correction: Correction | None, name: Callable[[str], str]) -> str:
    """The line under a struck entry, with the corrector's printed name and the local time."""
    if correction is None:
        return correction_line(None, "", "")
    return correction_line(correction, name(correction.by), local_time(correction.at))


def mark_entry(item: Item, entry_id: int, *, current: bool) -> Item:
    """Say which entry ``item`` shows and whether it still counts."""
    item.setData(ENTRY_ROLE, entry_id)
    item.setData(CURRENT_ROLE, current)
    return item


def strike(item: Item, why: str) -> Item:
    """Draw ``item`` as an entry that no longer counts: gray, struck through, the reason on hover."""
    font = QFont(item.font())
    font.setStrikeOut(True)
    item.setFont(font)
    item.setForeground(QBrush(QColor(STRUCK_COLOUR)))
    item.setToolTip(why)
    return item


def why_item(text: str) -> QTableWidgetItem:
    """The line under a struck row of a table: gray italics, not struck, not selectable."""
    item = QTableWidgetItem(f"↳ {text}")
    font = QFont(item.font())
    font.setItalic(True)
    item.setFont(font)
    item.setForeground(QBrush(QColor(STRUCK_COLOUR)))
    item.setToolTip(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    return item


def add_why_row(table: QTableWidget, row: int, text: str) -> None:
    """Put the correction line in ``row``, spanning the whole table under the struck row above it."""
    table.setItem(row, 0, why_item(text))
    table.setSpan(row, 0, 1, table.columnCount())


def why_list_item(text: str) -> QListWidgetItem:
    """The line under a struck entry of a list: gray italics, not struck, not selectable."""
    item = QListWidgetItem(f"↳ {text}")
    font = QFont(item.font())
    font.setItalic(True)
    item.setFont(font)
    item.setForeground(QBrush(QColor(STRUCK_COLOUR)))
    item.setToolTip(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    return item
