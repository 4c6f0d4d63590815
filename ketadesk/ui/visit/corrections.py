"""The correction dialog: the entry as recorded, its new value(s) prefilled with the old, and the reason.

One dialog serves every kind of entry (a reading, a score, a checklist answer, a note) and
both ways of correcting it: "Correct…" shows an editor with the recorded values to change;
"Strike as entered in error…" shows none. Either way the reason is required, the write
goes through the one write path, and a refusal is shown in the dialog with the field
marked and everything typed kept. It opens without blocking (``open()``), so a test drives
it through its own widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.records import VitalsRecord
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import INVALID_STYLE, MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.writes import error_text, run_write

STRIKE_EXPLANATION = (
    "The entry stays in the record, struck through, with your name, the time and the reason; "
    "it no longer counts in the chart, the alerts or the discharge criteria."
)


class Editor(QWidget):
    """The new values of one kind of entry, prefilled with the recorded ones; ``fields`` names them for refusals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.aliases: dict[str, QWidget] = {}
        """Other names a refusal may give a field (``moaas`` for the level, ``cadss6 item 15`` for item 15)."""
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)

    def add(self, key: str, caption: str, field: QWidget) -> None:
        """One field of the editor, under the name a refusal gives it."""
        field.setObjectName(f"correction_{key}")
        field.setAccessibleName(f"Corrected {caption}")
        self.form.addRow(caption, field)
        self.fields[key] = field


class VitalsEditor(Editor):
    """SBP, DBP, HR, SpO2, RR and temperature, as recorded."""

    FIELDS = (("sbp", "SBP"), ("dbp", "DBP"), ("hr", "HR"), ("spo2", "SpO2"), ("rr", "RR"), ("temp_c", "Temp °C"))

    def __init__(self, record: VitalsRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = record.vitals
        recorded = {
            "sbp": str(v.sbp),
            "dbp": str(v.dbp),
            "hr": str(v.hr),
            "spo2": str(v.spo2),
            "rr": str(v.rr),
            "temp_c": "" if v.temp_c is None else f"{v.temp_c:g}",
        }
        for key, caption in self.FIELDS:
            box = QLineEdit(recorded[key])
            box.setMaxLength(6)
            self.add(key, caption, box)

    def values(self) -> dict[str, str]:
        """What is typed now, by field."""
        return {key: field.text() for key, field in self.fields.items() if isinstance(field, QLineEdit)}


class ChoiceEditor(Editor):
    """One choice per item (a MOAA/S or RASS level; the CADSS-6 or Aldrete items), set to the recorded ones."""

    def __init__(
        self, items: Sequence[tuple[str, str, Sequence[tuple[int, str]], int | None]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        for key, caption, choices, recorded in items:
            combo = QComboBox()
            for value, words in choices:
                combo.addItem(words, value)
            combo.setCurrentIndex(combo.findData(recorded) if recorded is not None else -1)
            self.add(key, caption, combo)

    def values(self) -> dict[str, int]:
        """The chosen value of each item (items left unchosen are left out: the clinic names them)."""
        chosen = {key: field.currentData() for key, field in self.fields.items() if isinstance(field, QComboBox)}
        return {key: int(value) for key, value in chosen.items() if value is not None}


class AnswerEditor(Editor):
    """A checklist answer: ticked or not, and its note."""

    def __init__(self, label: str, checked: bool, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QCheckBox(label)
        self.box.setChecked(checked)
        self.add("checked", "Answer", self.box)
        self.note = QLineEdit(note)
        self.add("note", "Note", self.note)


class NoteEditor(Editor):
    """A note's text, as written."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(text)
        self.text.setMinimumHeight(90)
        self.add("text", "Text", self.text)


class CorrectionDialog(QDialog):
    """Correct or strike one entry, with a reason; it stays open, keeping what was typed, on a refusal."""

    def __init__(
        self,
        clinic: Clinic,
        *,
        title: str,
        recorded: str,
        editor: Editor | None,
        write: Callable[[str], Changes],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("correction_dialog")
        self.setWindowTitle(title)
        self.clinic = clinic
        self.editor = editor
        self._write = write
        self.result_changes: Changes | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.label("correction_recorded", f"As recorded: {recorded}", plain=True))
        if editor is not None:
            box = QGroupBox("Corrected entry")
            box.setObjectName("correction_values")
            inner = QVBoxLayout(box)
            inner.addWidget(editor)
            layout.addWidget(box)
        else:
            layout.addWidget(widgets.label("correction_explanation", STRIKE_EXPLANATION, style=MUTED_STYLE))
        reason_caption = QLabel("Reason (required)")
        self.reason = widgets.line(
            "correction_reason", "Reason for the correction", placeholder="e.g. typed 182 for 128; wrong patient"
        )
        self.reason.setMinimumWidth(380)
        self.reason.returnPressed.connect(self.save)
        reason_caption.setBuddy(self.reason)
        layout.addWidget(reason_caption)
        layout.addWidget(self.reason)
        self.message = MessageLine("correction_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("Save correction" if editor is not None else "Strike as entered in error")
        self.save_button.setObjectName("correction_save")
        self.save_button.setAutoDefault(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("correction_cancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # A correction starts at the first value, selected so typing replaces it; a strike, at the reason.
        first = next(iter(editor.fields.values()), None) if editor is not None else None
        (first or self.reason).setFocus()
        if isinstance(first, QLineEdit):
            first.selectAll()

    def _refused(self, error: BaseException) -> None:
        """Say why, mark the field the refusal names (the reason or a value) and put the cursor there."""
        field = getattr(error, "field", None)
        target: QWidget | None = None
        if field == "reason":
            target = self.reason
        elif self.editor is not None and isinstance(field, str):
            target = self.editor.fields.get(field) or self.editor.aliases.get(field)
        if target is not None:
            set_style(target, INVALID_STYLE)
            target.setFocus()
        self.message.error(error_text(error))

    def save(self) -> None:
        """Write the correction; on success close, on a refusal stay with everything typed."""
        set_style(self.reason, "")
        if self.editor is not None:
            for field in self.editor.fields.values():
                set_style(field, "")
        changes = run_write(
            self.clinic, self.message, lambda: self._write(self.reason.text()), self, refused=self._refused
        )
        if changes is not None:
            self.result_changes = changes
            self.accept()
