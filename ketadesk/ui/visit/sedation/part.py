"""What every part of the sedation section shares: refusals marked on the field, one write path, names, now.

Each part (the scores, the notes, the events) builds its boxes and runs its writes through
:meth:`SedationPart.write_marked`, which marks the field a refusal names and says it as the
screen names the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QTimeEdit, QWidget

from ketadesk.clinic import Changes, ValidationError
from ketadesk.core.records import VisitDetail
from ketadesk.ui.kit.colours import INVALID_STYLE
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.writes import error_text
from ketadesk.ui.visit.section import SectionBase


def picker(name: str, accessible: str, placeholder: str) -> QComboBox:
    """A choice that starts empty, at a width that fits its placeholder."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setPlaceholderText(placeholder)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def shown(widget: QWidget) -> str:
    """What a field holds, quoted as the refusal repeats it."""
    if isinstance(widget, QLineEdit):
        return f"“{widget.text()}”" if widget.text() else "(empty)"
    if isinstance(widget, QTimeEdit):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText() or "(none)"
    if isinstance(widget, QPlainTextEdit):
        return "(empty)" if not widget.toPlainText().strip() else "as typed"
    return ""


class SedationPart(SectionBase):
    """The helpers the sedation section's parts share."""

    _detail: VisitDetail | None
    """The record last drawn (the correction menus read the entries from it)."""

    def _refuse(self, line: MessageLine, error: BaseException, fields: Mapping[str, tuple[QWidget, str]]) -> None:
        """Say what was refused, mark the field and put the cursor there; nothing typed is cleared."""
        message = error_text(error)
        field = getattr(error, "field", None)
        target = fields.get(field) if isinstance(field, str) else None
        if target is not None:
            widget, label = target
            set_style(widget, INVALID_STYLE)
            widget.setFocus()
            if isinstance(error, ValidationError) and message.startswith(f"{error.field}: "):
                # The core's generic wording names the field by its code; say it as the screen does.
                message = f"{label} {shown(widget)} is not allowed: {error.allowed}."
        line.error(message)

    @staticmethod
    def _unmark(*widgets: QWidget) -> None:
        for widget in widgets:
            set_style(widget, "")

    def _write(
        self,
        line: MessageLine,
        action: Callable[[], Changes],
        fields: Mapping[str, tuple[QWidget, str]],
        then: Callable[[Changes], None],
    ) -> Changes | None:
        """Run one clinic write; a refusal marks the field and is reported on ``line``; ``then`` settles the form."""
        self._unmark(*(widget for widget, _ in fields.values()))
        return self.write(line, action, refused=lambda error: self._refuse(line, error, fields), then=then)

    def _now_text(self) -> str:
        return local_time(self.clinic.clock.now())

    def _name(self, login: str) -> str:
        """A user's printed name for the lists (the record keeps the login)."""
        return names_for(self.clinic).name(login)
