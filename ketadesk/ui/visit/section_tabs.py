"""The workspace's section tabs, each section in a scroll area so a laptop screen holds any of them.

A section asks for the height its chart, tables and fields need together; on 1366×768, or
1920×1080 at 150 %, that is more than the screen once the banner and the status bar are
there, and Qt would grow the main window past the screen's edge. In a scroll area the
section keeps its size and the window keeps the screen's. The tabs still speak of the
sections themselves: ``currentWidget()`` is the section in front.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget


class SectionTabs(QTabWidget):
    """Tabs whose pages are sections, each scrolled within the room the window has."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sections: list[QWidget] = []

    def add_section(self, section: QWidget, title: str) -> int:
        """Add ``section`` as a tab titled ``title``, inside its own scroll area; its index."""
        area = QScrollArea(self)
        area.setObjectName(f"{section.objectName() or 'section'}_scroll")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        area.setWidget(section)
        self._sections.append(section)
        return self.addTab(area, title)

    def currentWidget(self) -> QWidget:  # noqa: N802 (Qt's name)
        """The section in front (not the scroll area around it)."""
        index = self.currentIndex()
        return self._sections[index] if 0 <= index < len(self._sections) else super().currentWidget()

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt's name)
        """Bring ``widget`` — a section or its scroll area — to the front."""
        if widget in self._sections:
            self.setCurrentIndex(self._sections.index(widget))
        else:
            super().setCurrentWidget(widget)
