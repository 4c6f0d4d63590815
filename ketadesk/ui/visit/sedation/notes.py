"""Free-text notes, with the draft of the one being typed kept through the clinic.

A note being typed is scratch kept as a draft: saved a moment after typing stops, and at
once when the box loses focus or the section is hidden, so a nurse called away
mid-sentence finds the text again in any new window on the same visit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFocusEvent, QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes
from ketadesk.core.charting import NOTE_KINDS, NoteKind, note_label
from ketadesk.core.corrections import Corrected
from ketadesk.core.records import VisitDetail
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.struck import mark_entry, strike, why_list_item, why_text
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.writes import USER_ERRORS, error_text
from ketadesk.ui.visit.correcting import CorrectionActions
from ketadesk.ui.visit.sedation.history import HistoryList
from ketadesk.ui.visit.sedation.part import SedationPart

# Typing pauses this long before the draft is written; focus-out and hiding write it at once.
DRAFT_DELAY_MS = 800
# Dissociation first: it is what this section is for; the other kinds follow the clinic's order.
OFFERED_NOTE_KINDS = (NoteKind.DISSOCIATION.value, *(k for k in NOTE_KINDS if k != NoteKind.DISSOCIATION))
DRAFT_STATUS_STYLE = "color: #616161;"
"""The quiet "draft kept" line (a shade lighter than the kit's muted hints, as it always was)."""


def draft_field(kind: str) -> str:
    """The draft slot for a note of ``kind``."""
    return f"note:{kind}"


class NoteEdit(QPlainTextEdit):
    """The note box: says when it loses focus (to keep the draft) and saves the note on Ctrl+Enter.

    It calls back rather than emitting signals of its own: focus changes happen all day long
    and a plain callback is the cheapest way to hear of them.
    """

    def __init__(
        self, on_focus_lost: Callable[[], object], on_submit: Callable[[], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._on_focus_lost = on_focus_lost
        self._on_submit = on_submit

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        """Losing focus keeps the draft at once."""
        super().focusOutEvent(event)
        self._on_focus_lost()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Ctrl+Enter saves the note; every other key types."""
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._on_submit()
            return
        super().keyPressEvent(event)


class NotesPart(SedationPart):
    """The notes box of the sedation section: the kind, the text with its draft, Save, and the notes so far."""

    _draft_kind: str
    _saved_draft: str
    _loading: bool
    draft_timer: QTimer

    def _start_drafts(self) -> None:
        """No draft yet; one debounce timer, a child of the section, single-shot: it runs only while a draft waits."""
        self._draft_kind = OFFERED_NOTE_KINDS[0]
        self._saved_draft = ""
        self._loading = False
        self.draft_timer = QTimer(self)
        self.draft_timer.setObjectName("draft_timer")
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.flush_draft)

    def _build_notes(self) -> QGroupBox:
        """The kind, the note box (its draft kept as typed), Save, and the notes so far."""
        box = QGroupBox("Notes — what the patient describes, emergence, what helped")
        box.setObjectName("notes_group")
        layout = QVBoxLayout(box)
        top = QHBoxLayout()
        kind_caption = QLabel("Kind")
        self.note_kind = QComboBox()
        self.note_kind.setObjectName("note_kind")
        self.note_kind.setAccessibleName("Note kind")
        for kind in OFFERED_NOTE_KINDS:
            self.note_kind.addItem(note_label(kind), kind)
        self.note_kind.currentIndexChanged.connect(self._kind_changed)
        kind_caption.setBuddy(self.note_kind)
        top.addWidget(kind_caption)
        top.addWidget(self.note_kind)
        top.addStretch(1)
        self.note_draft_status = widgets.label("note_draft_status", wrap=False)
        self.note_draft_status.setStyleSheet(DRAFT_STATUS_STYLE)
        top.addWidget(self.note_draft_status)
        layout.addLayout(top)
        self.note_text = NoteEdit(self.flush_draft, self.save_note)
        self.note_text.setObjectName("note_text")
        self.note_text.setAccessibleName("Note text")
        self.note_text.setPlaceholderText(
            "What the patient describes, emergence reactions, what helped… Kept as you type; Ctrl+Enter saves the note."
        )
        self.note_text.setMinimumHeight(80)
        self.note_text.setMaximumHeight(120)
        self.note_text.textChanged.connect(self._note_typed)
        layout.addWidget(self.note_text)
        row = QHBoxLayout()
        self.save_note_button = widgets.button("save_note_button", "Save note")
        self.save_note_button.clicked.connect(self.save_note)
        row.addStretch(1)
        row.addWidget(self.save_note_button)
        layout.addLayout(row)
        self.note_message = MessageLine("note_message")
        layout.addWidget(self.note_message)
        self.notes_list = HistoryList()
        self.notes_list.setObjectName("notes_list")
        self.notes_list.setAccessibleName("Notes of this visit")
        self.notes_list.setWordWrap(True)
        self.notes_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.notes_list.setAlternatingRowColors(True)
        self.notes_list.setMinimumHeight(120)
        layout.addWidget(self.notes_list, 1)
        self.note_corrections = CorrectionActions(
            self.clinic, Corrected.NOTE, self.notes_list, "note", lambda: self._detail, self
        )
        layout.addLayout(self.note_corrections.buttons())
        return box

    def _read_draft(self, kind: str) -> str:
        try:
            return self.clinic.bedside.draft(self.visit_id, draft_field(kind))
        except USER_ERRORS:
            return ""

    def _restore_draft(self) -> None:
        """Bring back what was being typed: the first note kind with a kept draft."""
        drafts = {kind: self._read_draft(kind) for kind in OFFERED_NOTE_KINDS}
        kind = next((k for k in OFFERED_NOTE_KINDS if drafts[k]), OFFERED_NOTE_KINDS[0])
        self._show_note(kind, drafts[kind])
        self._saved_draft = drafts[kind]
        if drafts[kind]:
            self.note_draft_status.setText("Unsaved draft restored")

    def _show_note(self, kind: str, text: str) -> None:
        """Put ``kind`` and ``text`` on screen without counting it as typing."""
        self._loading = True
        try:
            self.note_kind.setCurrentIndex(self.note_kind.findData(kind))
            if self.note_text.toPlainText() != text:
                self.note_text.setPlainText(text)
        finally:
            self._loading = False
        self._draft_kind = kind

    def _note_typed(self) -> None:
        if not self._loading:
            self.draft_timer.start()

    def _keep(self, kind: str, text: str) -> bool:
        """Write one draft slot; say so on the note line when it fails."""
        try:
            self.clinic.bedside.save_draft(self.visit_id, draft_field(kind), text)
        except USER_ERRORS as error:
            detail = error_text(error)
            self.note_message.error(f"The draft could not be kept ({detail}); save the note or copy the text.")
            return False
        return True

    def flush_draft(self) -> None:
        """Keep what is in the note box now (the debounce, focus-out and hiding all end here)."""
        self.draft_timer.stop()
        text = self.note_text.toPlainText()
        if text == self._saved_draft:
            return
        if self._keep(self._draft_kind, text):
            self._saved_draft = text
            self.note_draft_status.setText(f"Draft kept {self._now_text()}" if text else "")

    def _kind_changed(self, index: int) -> None:
        """A different kind for the note in the box: the text moves with it, and nothing is lost."""
        if self._loading:
            return
        new_kind = str(self.note_kind.itemData(index))
        old_kind = self._draft_kind
        if new_kind == old_kind:
            return
        self.draft_timer.stop()
        typed = self.note_text.toPlainText()
        stored = self._read_draft(new_kind)
        merged = typed
        if stored and stored != typed:
            merged = f"{typed.rstrip()}\n\n{stored}" if typed.strip() else stored
            if typed.strip():
                self.note_message.ok(
                    f"An earlier unsaved {note_label(new_kind).lower()} draft was added below what you typed."
                )
        # The new slot first, then the old one cleared: a failure in between duplicates, never loses.
        # If the new slot cannot be written, the next flush tries again with what is on screen.
        self._saved_draft = merged if self._keep(new_kind, merged) else stored
        if self._saved_draft == merged:
            self._keep(old_kind, "")
        self._show_note(new_kind, merged)

    def save_note(self) -> Changes | None:
        """Save the note as a time-stamped record; its draft is cleared in the same transaction."""
        self.draft_timer.stop()
        kind = self._draft_kind
        text = self.note_text.toPlainText()
        fields = {"text": (self.note_text, "Note"), "kind": (self.note_kind, "Kind")}

        def settle(_changes: Changes) -> None:
            self._saved_draft = ""
            self._show_note(kind, "")
            self.note_draft_status.setText("")
            self.note_message.ok(f"{note_label(kind)} note saved at {self._now_text()}")

        changes = self._write(
            self.note_message,
            lambda: self.clinic.bedside.add_note(self.visit_id, kind, text, draft_field=draft_field(kind)),
            fields,
            settle,
        )
        if changes is None:
            self.flush_draft()
            return None
        return changes

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        """Leaving the section keeps the draft at once."""
        self.flush_draft()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Closing keeps the draft at once (a section never shown gets no hide event)."""
        self.flush_draft()
        super().closeEvent(event)

    def _fill_notes(self, detail: VisitDetail) -> None:
        """Every note in time order; a corrected or struck one stays, struck through, with who, when and why."""
        self.notes_list.clear()
        shown = [(n, True) for n in detail.notes] + [(n, False) for n in detail.replaced_notes]
        for note, current in sorted(shown, key=lambda pair: (pair[0].at, pair[0].id)):
            head = f"{local_time(note.at)}  ·  {note_label(note.kind)}  ·  {self._name(note.by)}"
            if current and note.corrects_id is not None:
                head += "  ·  corrected"
            item = mark_entry(QListWidgetItem(f"{head}\n{note.text}"), note.id, current=current)
            item.setToolTip(note.text)
            self.notes_list.addItem(item)
            if not current:
                why = why_text(detail.correction_of(Corrected.NOTE, note.id), self._name)
                strike(item, why)
                self.notes_list.addItem(why_list_item(why))
        self.notes_list.scrollToBottom()
        self.note_corrections.update_buttons()
