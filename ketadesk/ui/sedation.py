"""Sedation and dissociation: MOAA/S and RASS, CADSS-6, free-text notes, adverse events and what was given.

Every scale's levels and wording come from ``ketadesk.core.scales`` and are shown in full, so a
nurse picks a definition, not a bare number. Pickers start empty: a score is always a choice,
never a default that slipped through.

A note being typed is scratch kept through the clinic API as a draft: saved a moment after
typing stops, and at once when the box loses focus or the section is hidden, so a nurse called
away mid-sentence finds the text again in any new window on the same visit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta

from PySide6.QtCore import QSize, Qt, QTime, QTimer
from PySide6.QtGui import QCloseEvent, QFocusEvent, QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic, ValidationError, VisitView
from ketadesk.core.charting import NOTE_KINDS
from ketadesk.core.events import AdverseEvent, AdverseEventKind, Intervention, Route
from ketadesk.core.records import NoteRecord, ScoreRecord
from ketadesk.core.scales import CADSS6_ITEMS, CADSS_ANCHORS, MOAAS_LEVELS, RASS_LEVELS, cadss6_total
from ketadesk.ui.common import SectionBase
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.writes import USER_ERRORS
from ketadesk.ui.vitals_row import INVALID_STYLE

# Typing pauses this long before the draft is written; focus-out and hiding write it at once.
DRAFT_DELAY_MS = 800
SCALES_SHOWN = ("moaas", "rass", "cadss6")
SCALE_NAMES = {"moaas": "MOAA/S", "rass": "RASS", "cadss6": "CADSS-6"}
NOTE_KIND_LABELS = {
    "dissociation": "Dissociation",
    "nursing": "Nursing",
    "adverse_event": "Adverse event",
    "intervention": "Intervention",
    "physician": "Physician",
    "correction": "Correction",
}
# Dissociation first: it is what this section is for; the other kinds follow the clinic's order.
OFFERED_NOTE_KINDS = ("dissociation", *(k for k in NOTE_KINDS if k != "dissociation"))
CADSS_MAX = 4 * len(CADSS6_ITEMS)


def rass_text(level: int) -> str:
    """A RASS level with its sign, as on the published scale: ``+1``, ``0``, ``−2``."""
    if level > 0:
        return f"+{level}"
    if level < 0:
        return f"−{-level}"
    return "0"


def draft_field(kind: str) -> str:
    """The draft slot for a note of ``kind``."""
    return f"note:{kind}"


def _label(name: str, text: str = "", *, bold: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setAccessibleName(name.replace("_", " "))
    label.setWordWrap(wrap)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _picker(name: str, accessible: str, placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setPlaceholderText(placeholder)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def _line(name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    box = QLineEdit()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setPlaceholderText(placeholder)
    return box


def _button(name: str, text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    return button


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


class ClockTimeEdit(QTimeEdit):
    """A time of day that follows the clock until the user sets it.

    A form left open for half an hour must not chart its event at the time the form was
    opened; so until the user touches the time it means "now", and ``moment()`` says so.
    """

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setDisplayFormat("HH:mm")
        self.setToolTip("Follows the clock until you change it")
        self.touched = False
        self._following = False
        self.timeChanged.connect(self._changed)

    def _changed(self) -> None:
        if not self._following:
            self.touched = True

    def follow(self, now: datetime) -> None:
        """Show ``now`` (aware) in local time, unless the user has set a time or is editing it."""
        if self.touched or self.hasFocus():
            return
        local = now.astimezone()
        self._following = True
        try:
            self.setTime(QTime(local.hour, local.minute))
        finally:
            self._following = False

    def reset(self, now: datetime) -> None:
        """Go back to following the clock."""
        self.touched = False
        set_style(self, "")
        self.follow(now)

    def moment(self, now: datetime) -> datetime | None:
        """The chosen time as an aware datetime, or None for "now" when the user has not set one.

        The time is today's, in local time; a time later than now that fits the last 12 hours is
        taken as yesterday's (an event just before midnight, charted just after).
        """
        if not self.touched:
            return None
        chosen = self.time()
        local_now = now.astimezone()
        moment = datetime.combine(local_now.date(), time(chosen.hour(), chosen.minute())).astimezone()
        if moment > now + timedelta(minutes=1):
            earlier = datetime.combine(
                local_now.date() - timedelta(days=1), time(chosen.hour(), chosen.minute())
            ).astimezone()
            if earlier >= now - timedelta(hours=12):
                return earlier
        return moment


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


class SedationSection(SectionBase):
    """The "Sedation and dissociation" part of the visit workspace, for one visit."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("sedation_section")
        self._names: dict[str, str] = {}
        self._score_ids: tuple[int, ...] | None = None
        self._note_ids: tuple[int, ...] | None = None
        self._history_key: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        self._event_ids: tuple[int, ...] | None = None
        self._draft_kind = OFFERED_NOTE_KINDS[0]
        self._saved_draft = ""
        self._loading = False

        # One debounce timer, a child of the section, single-shot: it runs only while a draft waits.
        self.draft_timer = QTimer(self)
        self.draft_timer.setObjectName("draft_timer")
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.flush_draft)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("sedation_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        columns = QHBoxLayout(content)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        left.addWidget(self._build_sedation())
        left.addWidget(self._build_cadss())
        left.addWidget(self._build_scores(), 1)
        right.addWidget(self._build_notes(), 1)
        right.addWidget(self._build_events(), 1)
        scroll.setWidget(content)
        outer.addWidget(scroll)

        self._restore_draft()
        self.refresh(clinic.visits.get(visit_id))

    # ------------------------------------------------------------------ building

    def _build_sedation(self) -> QGroupBox:
        box = QGroupBox("Sedation — MOAA/S and RASS")
        box.setObjectName("sedation_group")
        form = QFormLayout(box)
        self.moaas_picker = _picker("moaas_picker", "MOAA/S level", "Choose the MOAA/S level")
        for level, text in MOAAS_LEVELS.items():
            self.moaas_picker.addItem(f"{level} — {text}", level)
        self.moaas_picker.setCurrentIndex(-1)
        self.rass_picker = _picker("rass_picker", "RASS level", "Choose the RASS level")
        for level, text in RASS_LEVELS.items():
            self.rass_picker.addItem(f"{rass_text(level)} — {text}", level)
        self.rass_picker.setCurrentIndex(-1)
        form.addRow("MOAA/S", self.moaas_picker)
        form.addRow("RASS", self.rass_picker)
        self.record_sedation_button = _button("record_sedation_button", "Record sedation")
        self.record_sedation_button.clicked.connect(self.record_sedation)
        form.addRow("", self.record_sedation_button)
        self.sedation_message = MessageLine("sedation_message")
        form.addRow(self.sedation_message)
        return box

    def _build_cadss(self) -> QGroupBox:
        box = QGroupBox("Dissociation — CADSS-6")
        box.setObjectName("cadss_group")
        layout = QVBoxLayout(box)
        anchors = " · ".join(f"{score} {anchor.lower()}" for score, anchor in enumerate(CADSS_ANCHORS))
        layout.addWidget(
            _label(
                "cadss_anchors",
                f"Ask the patient about right now; the observer-rated item is yours to rate.\nEach item: {anchors}.",
            )
        )
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.cadss_items: dict[int, QComboBox] = {}
        for row, (number, text) in enumerate(CADSS6_ITEMS):
            observer = number == 22
            caption = text if "observer" in text.lower() or not observer else f"{text} (observer-rated)"
            number_label = _label(f"cadss_number_{number}", f"{number}.", bold=True, wrap=False)
            text_label = _label(f"cadss_label_{number}", caption)
            if observer:
                text_label.setStyleSheet("font-style: italic;")
                text_label.setToolTip("Rated by the observer, not asked of the patient")
            combo = _picker(f"cadss_item_{number}", f"CADSS item {number}: {caption}", "0–4")
            combo.setMinimumContentsLength(10)
            for score, anchor in enumerate(CADSS_ANCHORS):
                combo.addItem(f"{score} — {anchor}", score)
            combo.setCurrentIndex(-1)
            combo.currentIndexChanged.connect(self._update_cadss_total)
            text_label.setBuddy(combo)
            grid.addWidget(number_label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text_label, row, 1)
            grid.addWidget(combo, row, 2)
            self.cadss_items[number] = combo
        layout.addLayout(grid)
        bottom = QHBoxLayout()
        self.cadss_total = _label("cadss_total", bold=True, wrap=False)
        bottom.addWidget(self.cadss_total)
        bottom.addStretch(1)
        self.record_cadss_button = _button("record_cadss_button", "Record CADSS-6")
        self.record_cadss_button.clicked.connect(self.record_cadss)
        bottom.addWidget(self.record_cadss_button)
        layout.addLayout(bottom)
        self.cadss_message = MessageLine("cadss_message")
        layout.addWidget(self.cadss_message)
        self._update_cadss_total()
        return box

    def _build_scores(self) -> QGroupBox:
        box = QGroupBox("Scores this visit")
        box.setObjectName("scores_group")
        layout = QVBoxLayout(box)
        self.scores_history = HistoryTable(0, 4)
        self.scores_history.setObjectName("scores_history")
        self.scores_history.setAccessibleName("Sedation and dissociation scores this visit")
        self.scores_history.setHorizontalHeaderLabels(["Time", "Scale", "Score", "By"])
        self.scores_history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scores_history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.scores_history.verticalHeader().setVisible(False)
        # Rows grow to fit the wrapped definition whatever the width: a clipped definition is no definition.
        self.scores_history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.scores_history.setWordWrap(True)
        self.scores_history.setMinimumHeight(150)
        header = self.scores_history.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.scores_history)
        return box

    def _build_notes(self) -> QGroupBox:
        box = QGroupBox("Notes — what the patient describes, emergence, what helped")
        box.setObjectName("notes_group")
        layout = QVBoxLayout(box)
        top = QHBoxLayout()
        kind_caption = QLabel("Kind")
        self.note_kind = QComboBox()
        self.note_kind.setObjectName("note_kind")
        self.note_kind.setAccessibleName("Note kind")
        for kind in OFFERED_NOTE_KINDS:
            self.note_kind.addItem(NOTE_KIND_LABELS.get(kind, kind), kind)
        self.note_kind.currentIndexChanged.connect(self._kind_changed)
        kind_caption.setBuddy(self.note_kind)
        top.addWidget(kind_caption)
        top.addWidget(self.note_kind)
        top.addStretch(1)
        self.note_draft_status = _label("note_draft_status", wrap=False)
        self.note_draft_status.setStyleSheet("color: #616161;")
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
        self.save_note_button = _button("save_note_button", "Save note")
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
        return box

    def _build_events(self) -> QGroupBox:
        box = QGroupBox("Adverse events and what was given")
        box.setObjectName("events_group")
        layout = QVBoxLayout(box)

        event_grid = QGridLayout()
        event_grid.setColumnStretch(1, 1)
        self.adverse_kind = _picker("adverse_kind", "Adverse event", "Choose what happened")
        for kind in AdverseEventKind:
            self.adverse_kind.addItem(kind.label, kind.value)
        self.adverse_kind.setCurrentIndex(-1)
        self.adverse_onset = ClockTimeEdit("adverse_onset", "Onset time")
        self.adverse_onset_now = self._now_button("adverse_onset_now", self.adverse_onset)
        self.adverse_description = _line("adverse_description", "Description", "What was seen (required for other)")
        self.record_adverse_button = _button("record_adverse_button", "Record event")
        self.record_adverse_button.clicked.connect(self.record_adverse_event)
        event_grid.addWidget(QLabel("Event"), 0, 0)
        event_grid.addWidget(self.adverse_kind, 0, 1)
        event_grid.addWidget(QLabel("Onset"), 0, 2)
        event_grid.addWidget(self.adverse_onset, 0, 3)
        event_grid.addWidget(self.adverse_onset_now, 0, 4)
        event_grid.addWidget(QLabel("Description"), 1, 0)
        event_grid.addWidget(self.adverse_description, 1, 1, 1, 3)
        event_grid.addWidget(self.record_adverse_button, 1, 4)
        layout.addLayout(event_grid)
        self.adverse_message = MessageLine("adverse_message")
        layout.addWidget(self.adverse_message)

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(rule)

        given_grid = QGridLayout()
        given_grid.setColumnStretch(1, 1)
        self.intervention_drug = _line("intervention_drug", "Drug or measure", "e.g. Ondansetron")
        self.intervention_dose = _line("intervention_dose", "Dose", "e.g. 4 mg")
        self.intervention_dose.setMaximumWidth(110)
        self.intervention_route = _picker("intervention_route", "Route", "Route")
        self.intervention_route.setMinimumContentsLength(6)
        for route in Route:
            self.intervention_route.addItem(route.value, route.value)
        self.intervention_route.setCurrentIndex(-1)
        self.intervention_time = ClockTimeEdit("intervention_time", "Time given")
        self.intervention_time_now = self._now_button("intervention_time_now", self.intervention_time)
        self.intervention_for_event = _picker("intervention_for_event", "Given for adverse event", "")
        self.intervention_note = _line("intervention_note", "Intervention note", "Effect, who ordered it (optional)")
        self.record_intervention_button = _button("record_intervention_button", "Record given")
        self.record_intervention_button.clicked.connect(self.record_intervention)
        given_grid.addWidget(QLabel("Given"), 0, 0)
        given_grid.addWidget(self.intervention_drug, 0, 1)
        given_grid.addWidget(QLabel("Dose"), 0, 2)
        given_grid.addWidget(self.intervention_dose, 0, 3, 1, 2)
        given_grid.addWidget(QLabel("For"), 1, 0)
        given_grid.addWidget(self.intervention_for_event, 1, 1)
        given_grid.addWidget(QLabel("Route"), 1, 2)
        given_grid.addWidget(self.intervention_route, 1, 3, 1, 2)
        given_grid.addWidget(QLabel("Note"), 2, 0)
        given_grid.addWidget(self.intervention_note, 2, 1)
        given_grid.addWidget(QLabel("Time"), 2, 2)
        given_grid.addWidget(self.intervention_time, 2, 3)
        given_grid.addWidget(self.intervention_time_now, 2, 4)
        given_grid.addWidget(self.record_intervention_button, 3, 3, 1, 2)
        layout.addLayout(given_grid)
        self.intervention_message = MessageLine("intervention_message")
        layout.addWidget(self.intervention_message)

        self.events_list = HistoryTree()
        self.events_list.setObjectName("events_list")
        self.events_list.setAccessibleName("Adverse events and interventions of this visit")
        # Who charted each line is in its tooltip: the width goes to what happened and what was given.
        self.events_list.setHeaderLabels(["Time", "What"])
        self.events_list.setMinimumHeight(100)
        self.events_list.setAlternatingRowColors(True)
        header = self.events_list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.events_list, 1)
        return box

    def _now_button(self, name: str, edit: ClockTimeEdit) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText("Now")
        button.setAccessibleName(f"{edit.accessibleName()}: now")
        button.setToolTip("Back to the current time")
        button.clicked.connect(lambda: edit.reset(self.clinic.clock.now()))
        return button

    # ------------------------------------------------------------------ refusals

    def _refuse(self, line: MessageLine, error: BaseException, fields: Mapping[str, tuple[QWidget, str]]) -> None:
        """Say what was refused, mark the field and put the cursor there; nothing typed is cleared."""
        message = str(getattr(error, "message", None) or error)
        field = getattr(error, "field", None)
        target = fields.get(field) if isinstance(field, str) else None
        if target is not None:
            widget, label = target
            set_style(widget, INVALID_STYLE)
            widget.setFocus()
            if isinstance(error, ValidationError) and message.startswith(f"{error.field}: "):
                # The core's generic wording names the field by its code; say it as the screen does.
                message = f"{label} {_shown(widget)} is not allowed: {error.allowed}."
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

    # ------------------------------------------------------------------ sedation and CADSS-6

    def record_sedation(self) -> Changes | None:
        """Record the chosen MOAA/S and RASS levels together."""
        moaas = self.moaas_picker.currentData()
        rass = self.rass_picker.currentData()
        self._unmark(self.moaas_picker, self.rass_picker)
        missing = [
            (p, name)
            for p, name, value in ((self.moaas_picker, "MOAA/S", moaas), (self.rass_picker, "RASS", rass))
            if value is None
        ]
        if missing:
            for picker, _ in missing:
                set_style(picker, INVALID_STYLE)
            missing[0][0].setFocus()
            names = " and ".join(name for _, name in missing)
            self.sedation_message.error(f"{names}: choose the level that matches the patient before recording.")
            return None
        fields = {"moaas": (self.moaas_picker, "MOAA/S"), "rass": (self.rass_picker, "RASS")}

        def settle(_changes: Changes) -> None:
            self.moaas_picker.setCurrentIndex(-1)
            self.rass_picker.setCurrentIndex(-1)
            self.sedation_message.ok(f"Recorded MOAA/S {moaas} and RASS {rass_text(int(rass))} at {self._now_text()}")

        changes = self._write(
            self.sedation_message,
            lambda: self.clinic.bedside.record_sedation(self.visit_id, moaas=int(moaas), rass=int(rass)),
            fields,
            settle,
        )
        if changes is None:
            return None
        return changes

    def cadss_scores(self) -> dict[int, int | None]:
        """Each CADSS-6 item's chosen score, None where not scored yet."""
        return {number: combo.currentData() for number, combo in self.cadss_items.items()}

    def _update_cadss_total(self) -> None:
        scores = self.cadss_scores()
        unscored = [n for n, value in scores.items() if value is None]
        for number in scores:
            if scores[number] is not None:
                set_style(self.cadss_items[number], "")
        if unscored:
            done = len(scores) - len(unscored)
            self.cadss_total.setText(f"Total – / {CADSS_MAX}  ({done} of {len(scores)} items scored)")
            return
        total = cadss6_total({n: int(v) for n, v in scores.items() if v is not None})
        self.cadss_total.setText(f"Total {total} / {CADSS_MAX}")

    def record_cadss(self) -> Changes | None:
        """Record the CADSS-6 items and their total."""
        scores = self.cadss_scores()
        unscored = [n for n, value in scores.items() if value is None]
        if unscored:
            for number in unscored:
                set_style(self.cadss_items[number], INVALID_STYLE)
            self.cadss_items[unscored[0]].setFocus()
            listed = ", ".join(str(n) for n in unscored)
            self.cadss_message.error(f"CADSS-6: score every item (0–4) before recording; not scored: item {listed}.")
            return None
        items = {n: int(v) for n, v in scores.items() if v is not None}
        fields = {f"cadss6 item {n}": (combo, f"CADSS item {n}") for n, combo in self.cadss_items.items()}

        def settle(_changes: Changes) -> None:
            total = self.cadss_total.text().removeprefix("Total ")
            for combo in self.cadss_items.values():
                combo.setCurrentIndex(-1)
            self.cadss_message.ok(f"Recorded CADSS-6 {total} at {self._now_text()}")

        changes = self._write(
            self.cadss_message,
            lambda: self.clinic.bedside.record_cadss6(self.visit_id, items),
            fields,
            settle,
        )
        if changes is None:
            return None
        return changes

    # ------------------------------------------------------------------ notes and drafts

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
            detail = str(getattr(error, "message", None) or error)
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
                    f"An earlier unsaved {NOTE_KIND_LABELS.get(new_kind, new_kind).lower()} "
                    f"draft was added below what you typed."
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
            self.note_message.ok(f"{NOTE_KIND_LABELS.get(kind, kind)} note saved at {self._now_text()}")

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

    # ------------------------------------------------------------------ adverse events and interventions

    def record_adverse_event(self) -> Changes | None:
        """Chart the adverse event as typed; the onset is now unless a time was set."""
        kind = self.adverse_kind.currentData()
        fields: dict[str, tuple[QWidget, str]] = {
            "kind": (self.adverse_kind, "Event"),
            "description": (self.adverse_description, "Description"),
            "onset_at": (self.adverse_onset, "Onset time"),
        }
        self._unmark(*(widget for widget, _ in fields.values()))
        if kind is None:
            set_style(self.adverse_kind, INVALID_STYLE)
            self.adverse_kind.setFocus()
            choices = ", ".join(k.label.lower() for k in AdverseEventKind)
            self.adverse_message.error(f"Event: choose what happened ({choices}).")
            return None
        onset = self.adverse_onset.moment(self.clinic.clock.now())
        description = self.adverse_description.text()
        label = AdverseEventKind(str(kind)).label

        def settle(_changes: Changes) -> None:
            when = local_time(onset or self.clinic.clock.now())
            self.adverse_kind.setCurrentIndex(-1)
            self.adverse_description.clear()
            self.adverse_onset.reset(self.clinic.clock.now())
            self.adverse_message.ok(f"{label} charted, onset {when}")

        changes = self._write(
            self.adverse_message,
            lambda: self.clinic.bedside.record_adverse_event(self.visit_id, str(kind), description, onset),
            fields,
            settle,
        )
        if changes is None:
            return None
        # Redrawn by now (the event is in the list): what is given next is most often for this event,
        # so offer it, unless another is being charted.
        blank = not (self.intervention_drug.text() or self.intervention_dose.text())
        if blank and changes.created_id is not None:
            found = self.intervention_for_event.findData(changes.created_id)
            if found >= 0:
                self.intervention_for_event.setCurrentIndex(found)
        return changes

    def record_intervention(self) -> Changes | None:
        """Chart what was given (drug, dose, route, time), for an adverse event when one is chosen."""
        route = self.intervention_route.currentData()
        fields: dict[str, tuple[QWidget, str]] = {
            "drug": (self.intervention_drug, "Drug or measure"),
            "dose": (self.intervention_dose, "Dose"),
            "route": (self.intervention_route, "Route"),
            "given_at": (self.intervention_time, "Time given"),
            "note": (self.intervention_note, "Note"),
            "adverse_event": (self.intervention_for_event, "Adverse event"),
        }
        self._unmark(*(widget for widget, _ in fields.values()))
        if route is None:
            set_style(self.intervention_route, INVALID_STYLE)
            self.intervention_route.setFocus()
            self.intervention_message.error(f"Route: choose how it was given ({', '.join(r.value for r in Route)}).")
            return None
        event_id = self.intervention_for_event.currentData()
        given_at = self.intervention_time.moment(self.clinic.clock.now())
        drug, dose, note = self.intervention_drug.text(), self.intervention_dose.text(), self.intervention_note.text()

        def settle(_changes: Changes) -> None:
            for_what = f" for {self.intervention_for_event.currentText()}" if event_id is not None else ""
            summary = f"{drug.strip()} {dose.strip()} {route} at {local_time(given_at or self.clinic.clock.now())}"
            for box in (self.intervention_drug, self.intervention_dose, self.intervention_note):
                box.clear()
            self.intervention_route.setCurrentIndex(-1)
            self.intervention_for_event.setCurrentIndex(0)
            self.intervention_time.reset(self.clinic.clock.now())
            self.intervention_message.ok(f"Given: {summary}{for_what}")

        changes = self._write(
            self.intervention_message,
            lambda: self.clinic.bedside.record_intervention(
                self.visit_id,
                drug=drug,
                dose=dose,
                route=str(route),
                given_at=given_at,
                note=note,
                adverse_event_id=None if event_id is None else int(event_id),
            ),
            fields,
            settle,
        )
        if changes is None:
            return None
        return changes

    # ------------------------------------------------------------------ redrawing

    def _name(self, login: str) -> str:
        """A user's printed name for the lists (the record keeps the login)."""
        if login not in self._names:
            try:
                user = self.clinic.accounts.by_login(login)
            except USER_ERRORS:
                user = None
            self._names[login] = user.signature_name if user is not None else login
        return self._names[login]

    def refresh(self, view: VisitView) -> None:
        """Redraw from ``view``: cheap, idempotent, and never touches what is being typed."""
        detail = view.detail
        now = self.clinic.clock.now()
        self.adverse_onset.follow(now)
        self.intervention_time.follow(now)
        scores = [s for s in detail.scores if s.scale in SCALES_SHOWN]
        score_ids = tuple(s.id for s in scores)
        if score_ids != self._score_ids:
            self._score_ids = score_ids
            self._fill_scores(scores)
        note_ids = tuple(n.id for n in detail.notes)
        if note_ids != self._note_ids:
            self._note_ids = note_ids
            self._fill_notes(detail.notes)
        event_ids = tuple(e.id for e in detail.adverse_events)
        history_key = (event_ids, tuple(i.id for i in detail.interventions))
        if history_key != self._history_key:
            self._history_key = history_key
            self._fill_events(detail.adverse_events, detail.interventions)
        if event_ids != self._event_ids:
            self._event_ids = event_ids
            self._fill_event_choices(detail.adverse_events)

    def _fill_scores(self, scores: list[ScoreRecord]) -> None:
        table = self.scores_history
        table.setRowCount(len(scores))
        for row, score in enumerate(scores):
            cells = (
                local_time(score.taken_at),
                SCALE_NAMES.get(score.scale, score.scale),
                _score_text(score),
                self._name(score.by),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        table.scrollToBottom()

    def _fill_notes(self, notes: tuple[NoteRecord, ...]) -> None:
        self.notes_list.clear()
        for note in sorted(notes, key=lambda n: (n.at, n.id)):
            head = f"{local_time(note.at)}  ·  {NOTE_KIND_LABELS.get(note.kind, note.kind)}  ·  {self._name(note.by)}"
            item = QListWidgetItem(f"{head}\n{note.text}")
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            item.setToolTip(note.text)
            self.notes_list.addItem(item)
        self.notes_list.scrollToBottom()

    def _fill_events(self, events: tuple[AdverseEvent, ...], given: tuple[Intervention, ...]) -> None:
        tree = self.events_list
        tree.clear()
        known = {e.id for e in events}
        tops: list[tuple[datetime, int, QTreeWidgetItem]] = []
        parents: dict[int, QTreeWidgetItem] = {}
        for event in events:
            what = f"{event.kind.label} — {event.description}" if event.description else event.kind.label
            item = QTreeWidgetItem([local_time(event.onset_at), what])
            item.setData(0, Qt.ItemDataRole.UserRole, event.id)
            _tooltips(
                item, f"onset {local_time(event.onset_at)}; charted {local_time(event.at)} by {self._name(event.by)}"
            )
            parents[event.id] = item
            tops.append((event.onset_at, 0, item))
        for intervention in sorted(given, key=lambda i: (i.given_at, i.id)):
            what = f"Given: {intervention.drug} {intervention.dose} {intervention.route.value}"
            if intervention.note:
                what = f"{what} — {intervention.note}"
            item = QTreeWidgetItem([local_time(intervention.given_at), what])
            item.setData(0, Qt.ItemDataRole.UserRole, intervention.id)
            _tooltips(
                item,
                f"given {local_time(intervention.given_at)}; charted {local_time(intervention.at)} by "
                f"{self._name(intervention.by)}",
            )
            if intervention.adverse_event_id in known:
                parents[int(intervention.adverse_event_id or 0)].addChild(item)
            else:
                tops.append((intervention.given_at, 1, item))
        for _, _, item in sorted(tops, key=lambda t: (t[0], t[1])):
            tree.addTopLevelItem(item)
        tree.expandAll()
        tree.scrollToBottom()

    def _fill_event_choices(self, events: tuple[AdverseEvent, ...]) -> None:
        """The intervention's "for" list, keeping the nurse's choice across redraws."""
        combo = self.intervention_for_event
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem("Not for an adverse event", None)
            for event in events:
                text = f"{event.kind.label}, onset {local_time(event.onset_at)}"
                combo.addItem(text, event.id)
            found = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(found, 0))
        finally:
            combo.blockSignals(False)


def _score_text(score: ScoreRecord) -> str:
    """A score as the history shows it: the level with its definition, or the CADSS-6 total and items."""
    if score.scale == "moaas":
        return f"{score.total} — {MOAAS_LEVELS.get(score.total, '')}"
    if score.scale == "rass":
        return f"{rass_text(score.total)} — {RASS_LEVELS.get(score.total, '')}"
    if score.scale == "cadss6":
        items = sorted(((int(k), v) for k, v in score.items), key=lambda kv: kv[0])
        listed = ", ".join(f"{k}: {v}" for k, v in items)
        return f"{score.total} / {CADSS_MAX}  (items {listed})" if listed else f"{score.total} / {CADSS_MAX}"
    return str(score.total)


def _tooltips(item: QTreeWidgetItem, charted: str) -> None:
    """The full line and who charted it on hover, for text a narrow column cuts short."""
    for column in range(item.columnCount()):
        item.setToolTip(column, f"{item.text(1)}\n{charted[0].upper()}{charted[1:]}")


def _shown(widget: QWidget) -> str:
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
