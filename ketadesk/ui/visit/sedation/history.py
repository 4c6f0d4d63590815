"""History lists that ask only for their minimum height: the section's layout gives them whatever is left."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QListWidget, QTableWidget, QTreeWidget


class HistoryTable(QTableWidget):
    """A history table that asks only for its minimum height; the layout gives it whatever is left."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Width as Qt says; height only the minimum."""
        return QSize(super().sizeHint().width(), self.minimumHeight())


class HistoryList(QListWidget):
    """A history list that asks only for its minimum height; the layout gives it whatever is left."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Width as Qt says; height only the minimum."""
        return QSize(super().sizeHint().width(), self.minimumHeight())


class HistoryTree(QTreeWidget):
    """A history tree that asks only for its minimum height; the layout gives it whatever is left."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Width as Qt says; height only the minimum."""
        return QSize(super().sizeHint().width(), self.minimumHeight())
