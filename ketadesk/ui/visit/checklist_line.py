"""A checklist line, as the pre-assessment and discharge sections show it.

A checklist line is a tick box, its label (word-wrapped: protocol labels can be long; a click
on the words ticks too) and who answered it and when. An answer given wrongly is corrected
or struck from its line ("Correct…", or the menu on its words); the earlier answer then shows
struck through above the current one, with who corrected it, when and why on hover. Its state is set with signals
blocked, so redrawing it never writes to the record.

Answers reach the section through a plain callback from Qt's own ``toggled`` signal.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QPoint, QSignalBlocker, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QToolButton, QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.corrections import Corrected
from ketadesk.core.records import ChecklistEntry, VisitDetail
from ketadesk.ui.kit.colours import MUTED_STYLE, STRUCK_COLOUR
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.kit.struck import why_text
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.correcting import CorrectionActions


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
        self,
        name: str,
        key: str,
        label: str,
        on_answer: Callable[[str, bool], None],
        grid: QGridLayout,
        row: int,
        clinic: Clinic | None = None,
    ) -> None:
        self.key = key
        self.name = name
        self.entry: ChecklistEntry | None = None
        self._detail: VisitDetail | None = None
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
        self.corrections: CorrectionActions | None = None
        owner = grid.parentWidget()
        if clinic is not None and owner is not None:
            self._add_corrections(clinic, owner, grid, row)

    def _add_corrections(self, clinic: Clinic, owner: QWidget, grid: QGridLayout, row: int) -> None:
        """A "Correct…" button with the two ways (correct, strike) and the same menu on the words and the answer."""
        self.corrections = CorrectionActions(clinic, Corrected.CHECKLIST, None, self.name, lambda: self._detail, owner)
        self.correct_button = QToolButton()
        self.correct_button.setObjectName(f"{self.name}_correct")
        self.correct_button.setText("Correct…")
        self.correct_button.setAccessibleName(f"Correct the answer: {self.box.accessibleName()}")
        self.correct_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.correct_button.setAutoRaise(True)
        grid.addWidget(self.correct_button, row, 3, Qt.AlignmentFlag.AlignTop)
        for widget in (self.text, self.by):
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            widget.customContextMenuRequested.connect(lambda position, w=widget: self._menu_requested(w, position))
        self.correct_button.setVisible(False)

    def _menu_requested(self, widget: QWidget, position: QPoint) -> None:
        if self.corrections is not None and self.entry is not None:
            self.corrections.menu_for(self.entry.id).popup(widget.mapToGlobal(position))

    def _draw_corrections(self, detail: VisitDetail | None, names: NameBook) -> None:
        """Offer the correction of the current answer; show an earlier answer corrected or struck, struck through."""
        self._detail = detail
        if self.corrections is None:
            return
        verdict = self.corrections.verdict()
        offered = self.entry is not None and bool(verdict)
        self.correct_button.setVisible(offered)
        if offered and self.entry is not None:
            self.correct_button.setMenu(self.corrections.menu_for(self.entry.id))
        if detail is None:
            return
        fix = (
            None
            if self.entry is None
            else next(
                (
                    c
                    for c in detail.corrections
                    if c.record is Corrected.CHECKLIST and c.replacement_id == self.entry.id
                ),
                None,
            )
        )
        if fix is not None and self.entry is not None:
            # The corrected answer keeps the time of the one it replaces; who corrected it, and when, is the line.
            mark = "✓" if self.entry.checked else "not ticked"
            self.by.setText(f"{mark} — corrected by {names.name(fix.by)} {local_time(fix.at)}")
        replaced = [
            e
            for e in detail.replaced_checklist
            if e.item_key == self.key and (self.entry is None or e.checklist == self.entry.checklist)
        ]
        if not replaced:
            self.by.setToolTip("")
            return
        lines = [why_text(detail.correction_of(Corrected.CHECKLIST, e.id), names.name) for e in replaced]
        last = replaced[-1]
        was = escape(_answered(last, names))
        now = escape(self.by.text())
        self.by.setTextFormat(Qt.TextFormat.RichText)
        self.by.setText(f"<s style='color: {STRUCK_COLOUR}'>{was}</s><br>{now}")
        self.by.setToolTip(
            "\n".join(f"{_answered(e, names)} — {line}" for e, line in zip(replaced, lines, strict=True))
        )

    def show_answer(
        self, entry: ChecklistEntry | None, editable: bool, names: NameBook, detail: VisitDetail | None = None
    ) -> None:
        """Draw the stored answer (never writing it back) and who gave it; with ``detail``, its corrections too."""
        self.entry = entry
        checked = entry is not None and entry.checked
        if self.box.isChecked() != checked:
            with QSignalBlocker(self.box):
                self.box.setChecked(checked)
        self.box.setEnabled(editable)
        self.text.setEnabled(editable)
        self.by.setTextFormat(Qt.TextFormat.PlainText)
        self.by.setText("not answered" if entry is None else _answered(entry, names))
        self._draw_corrections(detail, names)

    def put_back(self, checked: bool) -> None:
        """Undo a tick the clinic refused, without writing again."""
        with QSignalBlocker(self.box):
            self.box.setChecked(checked)


def _answered(entry: ChecklistEntry, names: NameBook) -> str:
    """Who answered and when: ``✓ Maria Santos, RN 09:05`` or ``unticked by … 09:05``."""
    if entry.checked:
        return f"✓ {names.name(entry.by)} {local_time(entry.at)}"
    return f"unticked by {names.name(entry.by)} {local_time(entry.at)}"
