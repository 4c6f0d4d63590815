"""A checklist line, as the pre-assessment and discharge sections show it.

A checklist line is a tick box, its label (word-wrapped: protocol labels can be long; a click
on the words ticks too) and who answered it and when. Its state is set with signals
blocked, so redrawing it never writes to the record.

Answers reach the section through a plain callback from Qt's own ``toggled`` signal.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel

from ketadesk.core.records import ChecklistEntry
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.kit.times import local_time


class _ClickableLabel(QLabel):
    """A label that clicks its tick box when clicked, as a check box's own text would."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.box = box
        self.setBuddy(box)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        """A left click on the words counts as a click on the box."""
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled():
            self.box.click()
        super().mousePressEvent(event)


class ChecklistLine:
    """One checklist item laid out on a row of a grid: box, wrapped label, and who answered it when.

    The three widgets go straight into the caller's grid (no wrapper widget), so word-wrapped
    labels get the height their real width needs and the rows stay evenly spaced.
    """

    def __init__(
        self, name: str, key: str, label: str, on_answer: Callable[[str, bool], None], grid: QGridLayout, row: int
    ) -> None:
        self.key = key
        self.box = QCheckBox()
        self.box.setObjectName(name)
        self.box.setAccessibleName(label)
        self.box.setToolTip(label)
        self.text = _ClickableLabel(label, self.box)
        self.text.setObjectName(f"{name}_label")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.by = QLabel()
        self.by.setObjectName(f"{name}_by")
        self.by.setAccessibleName(f"{label}: answered by")
        self.by.setStyleSheet(MUTED_STYLE)
        self.by.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.box, row, 0, top)
        grid.addWidget(self.text, row, 1, top)
        grid.addWidget(self.by, row, 2, top | Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(1, 1)
        self.box.toggled.connect(lambda checked: on_answer(self.key, checked))

    def show_answer(self, entry: ChecklistEntry | None, editable: bool, names: NameBook) -> None:
        """Draw the stored answer (never writing it back) and who gave it."""
        checked = entry is not None and entry.checked
        if self.box.isChecked() != checked:
            with QSignalBlocker(self.box):
                self.box.setChecked(checked)
        self.box.setEnabled(editable)
        self.text.setEnabled(editable)
        if entry is None:
            self.by.setText("not answered")
        elif entry.checked:
            self.by.setText(f"✓ {names.name(entry.by)} {local_time(entry.at)}")
        else:
            self.by.setText(f"unticked by {names.name(entry.by)} {local_time(entry.at)}")

    def put_back(self, checked: bool) -> None:
        """Undo a tick the clinic refused, without writing again."""
        with QSignalBlocker(self.box):
            self.box.setChecked(checked)
