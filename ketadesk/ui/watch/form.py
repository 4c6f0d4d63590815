"""What the watch's dialogs share: fields with their own refusal line, a "when" field, one write path.

A refusal names its field (:class:`~ketadesk.core.errors.ValidationError` ``.field``); the
dialog marks that field, says the refusal on the line right under it and puts the cursor
there. Nothing typed is cleared: the user corrects the one value and tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic, ValidationError
from ketadesk.core.local_time import local_moments
from ketadesk.ui.kit.colours import INVALID_STYLE
from ketadesk.ui.kit.dates import DateField
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.writes import error_text, run_write

FORM_WIDTH = 600
"""Wide enough for a flag's text on a few lines, well inside a 1366-pixel screen."""


def text_box(name: str, accessible: str, placeholder: str, height: int = 70) -> QPlainTextEdit:
    """A few lines of free text (a reason, a note, what the patient said)."""
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


def moment_on(field: str, day: date, clock_time: time, now: datetime, label: str) -> datetime:
    """The moment the workstation's clock read ``clock_time`` on ``day``: the latest not ahead of ``now``.

    In the hour the clocks go back the time happened twice, and the later one already past
    is meant; a time in the hour the clocks skip never happened and is refused.
    """
    found = local_moments(day, clock_time)
    if not found:
        shown = clock_time.strftime("%H:%M")
        raise ValidationError(
            field,
            shown,
            "a time the clock showed that day",
            message=f"{label}: {shown} did not happen on {day.isoformat()}; the clocks went forward an hour.",
        )
    past = [moment for moment in found if moment <= now]
    return past[-1] if past else found[0]


class WhenField(QWidget):
    """A day typed as people type it and a clock time: when something happened, today and now to begin with."""

    def __init__(self, name: str, accessible: str, field: str, now: datetime) -> None:
        super().__init__()
        self.field = field
        self.accessible = accessible
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.day = DateField(f"{name}_date", f"{accessible}, day", field)
        local = now.astimezone()
        self.day.set_date(local.date())
        self.clock = QTimeEdit()
        self.clock.setObjectName(f"{name}_time")
        self.clock.setAccessibleName(f"{accessible}, time")
        self.clock.setDisplayFormat("HH:mm")
        self.clock.setTime(QTime(local.hour, local.minute))
        row.addWidget(self.day, 2)
        row.addWidget(self.clock, 1)

    def moment(self, now: datetime) -> datetime:
        """The moment typed, or the refusal naming the field (a day that is not a date, an hour that was skipped)."""
        chosen = self.clock.time()
        return moment_on(self.field, self.day.value(), time(chosen.hour(), chosen.minute()), now, self.accessible)

    def mark(self, sheet: str) -> None:
        """Mark (or unmark) the field's boxes."""
        set_style(self.day.edit, sheet)
        set_style(self.clock, sheet)


class WatchForm(QDialog):
    """A watch dialog: a form whose fields each have a refusal line, a message line, and Save and Cancel.

    Subclasses add their fields with :meth:`add_field` under the name the clinic's refusal
    uses, then :meth:`finish_layout` with their save, which runs the write by :meth:`save_with`.
    """

    def __init__(self, clinic: Clinic, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.clinic = clinic
        self.result_changes: Changes | None = None
        self.outer = QVBoxLayout(self)
        # As tall as the form needs and no taller, growing as a refusal shows under a field and shrinking after.
        self.outer.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        self.outer.addItem(QSpacerItem(FORM_WIDTH, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))
        self.form = QFormLayout()
        self.outer.addLayout(self.form)
        self.fields: dict[str, tuple[QWidget, MessageLine]] = {}
        self.rows: dict[str, QWidget] = {}
        """Each field's row (the field with its refusal line), to show or hide it whole."""
        self.message = MessageLine(f"{name}_message")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName(f"{name}_save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self, save_text: str, save: Callable[[], object]) -> None:
        """Put the message line and the buttons under the form (after the fields are added); Save runs ``save``."""
        self.save_button.setText(save_text)
        self.buttons.accepted.connect(save)
        self.outer.addWidget(self.message)
        self.outer.addWidget(self.buttons)

    def add_field(self, field: str, label: str, widget: QWidget) -> MessageLine:
        """A row of the form for the clinic's ``field``, with the line its refusal is said on."""
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        refusal = MessageLine(f"{self.objectName()}_{field}_error")
        layout.addWidget(refusal)
        self.form.addRow(label, column)
        self.fields[field] = (widget, refusal)
        self.rows[field] = column
        return refusal

    def refused(self, error: BaseException) -> None:
        """Say the refusal by the field it names (marked, the cursor put there), else on the message line."""
        field = getattr(error, "field", None)
        target = self.fields.get(field) if isinstance(field, str) else None
        if target is None:
            self.message.error(error_text(error))
            return
        widget, refusal = target
        _mark(widget, INVALID_STYLE)
        refusal.error(error_text(error))
        focus = widget.day.edit if isinstance(widget, WhenField) else widget
        focus.setFocus()

    def save_with(self, action: Callable[[], Changes]) -> Changes | None:
        """Run the write; on success close with its changes, on a refusal stay open with everything typed."""
        self.message.clear_message()
        for widget, refusal in self.fields.values():
            _mark(widget, "")
            refusal.clear_message()
        changes = run_write(self.clinic, self.message, action, self, refused=self.refused)
        if changes is not None:
            self.result_changes = changes
            self.accept()
        return changes


def _mark(widget: QWidget, sheet: str) -> None:
    if isinstance(widget, WhenField):
        widget.mark(sheet)
    else:
        set_style(widget, sheet)
