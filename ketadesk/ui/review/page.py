"""What every part of the review page is drawn with: a box, selectable text, a list of entries, the visit's clock.

The page is read, not edited: every line is plain, selectable text a physician can copy,
and each list is redrawn whole from the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import OK_STYLE
from ketadesk.ui.kit.times import local_datetime, local_time
from ketadesk.ui.kit.widgets import label


def text(name: str, words: str = "", *, bold: bool = False, style: str = "", scale: float = 1.0) -> QLabel:
    """A wrapped, selectable plain-text line of the review (its accessible name drops the ``review_`` prefix)."""
    return label(
        name,
        words,
        bold=bold,
        style=style,
        scale=scale,
        plain=True,
        selectable=True,
        accessible=name.replace("review_", "").replace("_", " "),
    )


def when(moment: datetime | None, day: date) -> str:
    """Clock time on the visit's day, date and time on any other day."""
    if moment is not None and moment.astimezone().date() != day:
        return local_datetime(moment)
    return local_time(moment)


class Box(QGroupBox):
    """One titled box of the page; its contents go in ``column``."""

    def __init__(self, name: str, title: str) -> None:
        super().__init__(title)
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.column = QVBoxLayout(self)


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a list on the page: a heading line, the text under it, and a signature line if signed."""

    head: str
    body: str = ""
    style: str = ""
    signed: str = ""


class EntryList(QWidget):
    """A list of entries drawn as wrapped, selectable text; redrawn whole from the record."""

    def __init__(self, name: str, empty: str, parent: QWidget | None = None, *, bold: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.empty = empty
        self.bold = bold
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(6)
        self.labels: list[QLabel] = []

    def show_entries(self, entries: Iterable[Entry]) -> None:
        """Replace what is shown with ``entries`` (or the empty line)."""
        for old in self.labels:
            self.layout_.removeWidget(old)
            old.setParent(None)  # detached now, so a search for the page's labels never finds the old ones
            old.deleteLater()
        self.labels = []
        name = self.objectName()
        shown = list(entries)
        if not shown:
            self._add(text(f"{name}_empty", self.empty, style=MUTED_STYLE))
        for index, entry in enumerate(shown, start=1):
            self._add(text(f"{name}_{index}_head", entry.head, bold=self.bold, style=entry.style))
            if entry.body:
                body = text(f"{name}_{index}_body", entry.body)
                body.setContentsMargins(14, 0, 0, 0)
                self._add(body)
            if entry.signed:
                signed = text(f"{name}_{index}_signature", entry.signed, style=OK_STYLE)
                signed.setContentsMargins(14, 0, 0, 0)
                self._add(signed)

    def _add(self, line: QLabel) -> None:
        self.layout_.addWidget(line)
        self.labels.append(line)

    def texts(self) -> list[str]:
        """Every line shown, in order (what a screen reader would read)."""
        return [line.text() for line in self.labels]


class WheelToPage(QObject):
    """Charts ignore the mouse on this page, so the wheel over them scrolls the page instead."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        self.scroll = scroll

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Hand wheel events to the page's scroll bar."""
        if event.type() == QEvent.Type.Wheel:
            QApplication.sendEvent(self.scroll.verticalScrollBar(), event)
            return True
        return False
