"""Correcting from the screen where an entry shows: a context menu and two buttons under its list or table.

:class:`CorrectionActions` gives one list or table (readings, scores, notes) or one
checklist "Correct…" and "Strike as entered in error…", offered only for entries that
still count and only when the clinic would accept the correction now (the use case's own
``allowed``, never a copy of its rules). :func:`dialog_for` builds the dialog for one
entry: the entry as recorded, an editor prefilled with its values, and the write.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QMenu, QWidget

from ketadesk.clinic import Changes, Clinic
from ketadesk.clinic.usecase import Verdict
from ketadesk.core.correction_text import reading_words
from ketadesk.core.corrections import Corrected
from ketadesk.core.records import ChecklistEntry, NoteRecord, ScoreRecord, VisitDetail, VitalsRecord
from ketadesk.core.scales import ALDRETE_ITEM_LABELS, ALDRETE_ITEMS, CADSS_ANCHORS, Scale, scale_label
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.struck import CURRENT_ROLE, ENTRY_ROLE
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.corrections import AnswerEditor, ChoiceEditor, CorrectionDialog, Editor, NoteEditor, VitalsEditor

Write = Callable[[str], Changes]
"""The write a dialog runs with the typed reason."""


def _reading(clinic: Clinic, visit_id: int, record: VitalsRecord, strike: bool) -> tuple[str, Editor | None, Write]:
    recorded = f"reading at {local_time(record.vitals.taken_at)}: {reading_words(record)}"
    if strike:
        return (
            recorded,
            None,
            lambda why: clinic.bedside.correct_vitals(visit_id, record.id, reason=why, entered_in_error=True),
        )
    editor = VitalsEditor(record)

    def write(why: str) -> Changes:
        typed = editor.values()
        return clinic.bedside.correct_vitals(
            visit_id,
            record.id,
            reason=why,
            sbp=typed["sbp"],
            dbp=typed["dbp"],
            hr=typed["hr"],
            spo2=typed["spo2"],
            rr=typed["rr"],
            temp_c=typed["temp_c"] or None,
        )

    return recorded, editor, write


def _score_editor(clinic: Clinic, score: ScoreRecord) -> ChoiceEditor:
    given = dict(score.items)
    if score.scale in (Scale.MOAAS, Scale.RASS):
        scale = Scale(score.scale)
        levels = [(level, f"{scale.show(level)} — {words}") for level, words in scale.levels.items()]
        editor = ChoiceEditor([("level", scale.label, levels, score.total)])
        editor.aliases[scale.value] = editor.fields["level"]  # a refused level is named by its scale
        return editor
    if score.scale == Scale.CADSS6:
        anchors = [(value, f"{value} — {anchor}") for value, anchor in enumerate(CADSS_ANCHORS)]
        items = [(str(n), f"{n}. {text}", anchors, given.get(str(n))) for n, text in clinic.protocol.cadss6_items]
        editor = ChoiceEditor(items)
        for n, _ in clinic.protocol.cadss6_items:
            editor.aliases[f"{Scale.CADSS6.value} item {n}"] = editor.fields[str(n)]
        return editor
    rows = [
        (key, ALDRETE_ITEM_LABELS.get(key, key), [(v, f"{v} — {w}") for v, w in enumerate(levels)], given.get(key))
        for key, levels in ALDRETE_ITEMS
    ]
    editor = ChoiceEditor(rows)
    for key, _ in ALDRETE_ITEMS:
        editor.aliases[f"{Scale.ALDRETE.value} {key}"] = editor.fields[key]
    return editor


def _score(clinic: Clinic, visit_id: int, score: ScoreRecord, strike: bool) -> tuple[str, Editor | None, Write]:
    recorded = f"{scale_label(score.scale)} at {local_time(score.taken_at)}: {score.total}"
    if score.items:
        recorded += " (" + ", ".join(f"{k}: {v}" for k, v in score.items) + ")"
    if strike:
        return (
            recorded,
            None,
            lambda why: clinic.corrections.correct_score(visit_id, score.id, reason=why, entered_in_error=True),
        )
    editor = _score_editor(clinic, score)
    levelled = score.scale in (Scale.MOAAS, Scale.RASS)

    def write(why: str) -> Changes:
        chosen = editor.values()
        if levelled:
            return clinic.corrections.correct_score(visit_id, score.id, reason=why, level=chosen.get("level"))
        return clinic.corrections.correct_score(visit_id, score.id, reason=why, items=chosen)

    return recorded, editor, write


def _answer(clinic: Clinic, visit_id: int, entry: ChecklistEntry, strike: bool) -> tuple[str, Editor | None, Write]:
    items = {i.key: i.label for i in (*clinic.protocol.pre_infusion_checklist, *clinic.protocol.discharge_checklist)}
    label = items.get(entry.item_key, entry.item_key)
    state = "ticked" if entry.checked else "unticked"
    recorded = f"“{label}” {state} at {local_time(entry.at)}" + (f" — {entry.note}" if entry.note else "")
    if strike:
        return (
            recorded,
            None,
            lambda why: clinic.corrections.correct_checklist(visit_id, entry.id, reason=why, entered_in_error=True),
        )
    editor = AnswerEditor(label, entry.checked, entry.note)
    return (
        recorded,
        editor,
        lambda why: clinic.corrections.correct_checklist(
            visit_id, entry.id, reason=why, checked=editor.box.isChecked(), note=editor.note.text()
        ),
    )


def _note(clinic: Clinic, visit_id: int, note: NoteRecord, strike: bool) -> tuple[str, Editor | None, Write]:
    recorded = f"note at {local_time(note.at)}: {note.text}"
    if strike:
        return (
            recorded,
            None,
            lambda why: clinic.corrections.correct_note(visit_id, note.id, reason=why, entered_in_error=True),
        )
    editor = NoteEditor(note.text)
    return (
        recorded,
        editor,
        lambda why: clinic.corrections.correct_note(visit_id, note.id, reason=why, text=editor.text.toPlainText()),
    )


def dialog_for(
    clinic: Clinic, detail: VisitDetail, kind: Corrected, entry_id: int, *, strike: bool, parent: QWidget | None
) -> CorrectionDialog | None:
    """The dialog correcting (or striking) one current entry of ``detail``; None when it no longer counts."""
    visit_id = detail.summary.id
    built: tuple[str, Editor | None, Write] | None = None
    if kind is Corrected.VITALS:
        reading = next((r for r in detail.vitals if r.id == entry_id), None)
        built = _reading(clinic, visit_id, reading, strike) if reading else None
    elif kind is Corrected.SCORE:
        score = next((x for x in detail.scores if x.id == entry_id), None)
        built = _score(clinic, visit_id, score, strike) if score else None
    elif kind is Corrected.CHECKLIST:
        entry = next((c for c in detail.checklist if c.id == entry_id), None)
        built = _answer(clinic, visit_id, entry, strike) if entry else None
    else:
        note = next((n for n in detail.notes if n.id == entry_id), None)
        built = _note(clinic, visit_id, note, strike) if note else None
    if built is None:
        return None
    recorded, editor, write = built
    verb = "Strike as entered in error" if strike else "Correct"
    return CorrectionDialog(
        clinic, title=f"{verb}: {kind.label}", recorded=recorded, editor=editor, write=write, parent=parent
    )


def allowed(clinic: Clinic, kind: Corrected, detail: VisitDetail) -> Verdict:
    """Whether the signed-in user may correct this kind of entry of the visit now (the clinic's answer)."""
    phase = detail.summary.phase
    if kind is Corrected.VITALS:
        return clinic.bedside.correct_vitals.allowed(phase=phase)
    if kind is Corrected.SCORE:
        return clinic.corrections.correct_score.allowed(phase=phase)
    if kind is Corrected.CHECKLIST:
        return clinic.corrections.correct_checklist.allowed(phase=phase)
    return clinic.corrections.correct_note.allowed(phase=phase)


class CorrectionActions(QObject):
    """ "Correct…" and "Strike as entered in error…" for the entries of one list or table: a menu and two buttons.

    ``view`` is the table or list, whose items carry the entry id (:mod:`ketadesk.ui.kit.struck`);
    ``detail`` gives the record last drawn; without a view, ``chosen`` names the entry the
    buttons act on (the latest Aldrete). The open dialog is kept as ``dialog``.
    """

    def __init__(
        self,
        clinic: Clinic,
        kind: Corrected,
        view: QAbstractItemView | None,
        name: str,
        detail: Callable[[], VisitDetail | None],
        parent: QWidget,
        chosen: Callable[[], int | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.kind = kind
        self.view = view
        self.detail = detail
        self.chosen = chosen
        self.owner = parent
        self.dialog: CorrectionDialog | None = None
        self.correct_button = widgets.button(f"{name}_correct_button", "Correct…", default=False)
        self.strike_button = widgets.button(f"{name}_strike_button", "Strike as entered in error…", default=False)
        self.correct_button.clicked.connect(lambda: self._open_selected(strike=False))
        self.strike_button.clicked.connect(lambda: self._open_selected(strike=True))
        if view is not None:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(self._menu_requested)
            view.selectionModel().currentChanged.connect(lambda *_: self.update_buttons())
        self.update_buttons()

    def buttons(self) -> QHBoxLayout:
        """The two buttons on a row, to the right, for under the list."""
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.correct_button)
        row.addWidget(self.strike_button)
        return row

    @staticmethod
    def entry_of(index: QModelIndex) -> int | None:
        """The id of the current entry an index of the view shows (None for a struck entry or a correction line)."""
        if not index.isValid():
            return None
        first = index.siblingAtColumn(0)
        if not first.data(CURRENT_ROLE):
            return None
        value = first.data(ENTRY_ROLE)
        return int(value) if value is not None else None

    def selected(self) -> int | None:
        """The current entry selected in the view (or the one ``chosen`` names, without a view), if any."""
        if self.chosen is not None:
            return self.chosen()
        return None if self.view is None else self.entry_of(self.view.currentIndex())

    def verdict(self) -> Verdict:
        """The clinic's answer to "may I correct this kind of entry now?"."""
        detail = self.detail()
        return Verdict(False, "Nothing to correct.") if detail is None else allowed(self.clinic, self.kind, detail)

    def update_buttons(self) -> None:
        """Live when a current entry is selected and the clinic would take the correction; else say why on hover."""
        verdict = self.verdict()
        chosen = self.selected() is not None
        for button in (self.correct_button, self.strike_button):
            button.setEnabled(bool(verdict) and chosen)
            button.setToolTip(
                verdict.reason if not verdict else f"Select a {self.kind.label} first" if not chosen else ""
            )

    def open(self, entry_id: int, *, strike: bool) -> CorrectionDialog | None:
        """Open the dialog for one entry without blocking (kept as ``dialog``)."""
        detail = self.detail()
        if detail is None:
            return None
        dialog = dialog_for(self.clinic, detail, self.kind, entry_id, strike=strike, parent=self.owner)
        if dialog is None:
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()  # the dialog puts the cursor on the first value (or, striking, on the reason)
        return dialog

    def _open_selected(self, *, strike: bool) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.open(chosen, strike=strike)

    def menu_for(self, entry_id: int) -> QMenu:
        """The context menu of one entry (built here, shown by the view's request; tests trigger its actions)."""
        menu = QMenu(self.owner)
        menu.setObjectName(f"{self.kind.value}_correction_menu")
        verdict = self.verdict()
        for text, strike in (("Correct…", False), ("Strike as entered in error…", True)):
            action = menu.addAction(text)
            action.setEnabled(bool(verdict))
            action.setToolTip(verdict.reason)
            action.triggered.connect(lambda _=False, s=strike: self.open(entry_id, strike=s))
        return menu

    def _menu_requested(self, position: QPoint) -> None:
        if self.view is None:
            return
        entry_id = self.entry_of(self.view.indexAt(position))
        if entry_id is not None:
            self.menu_for(entry_id).popup(self.view.viewport().mapToGlobal(position))
