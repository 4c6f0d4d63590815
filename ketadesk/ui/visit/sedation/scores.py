"""Sedation (MOAA/S and RASS, together) and dissociation (CADSS-6) scores, and this visit's scores so far.

Every level and its wording come from core's :class:`Scale`, shown in full, so a nurse picks
a definition, not a bare number. Pickers start empty: a score is always a choice, never a
default that slipped through.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidgetItem,
    QVBoxLayout,
)

from ketadesk.clinic import Changes
from ketadesk.core.cadss6 import OBSERVER_ITEM
from ketadesk.core.corrections import Corrected
from ketadesk.core.records import ScoreRecord, VisitDetail
from ketadesk.core.scales import BEDSIDE_SCALES, CADSS6_MAX, CADSS_ANCHORS, Scale, cadss6_total, scale_label
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import INVALID_STYLE
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.struck import add_why_row, mark_entry, strike, why_text
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.correcting import CorrectionActions
from ketadesk.ui.visit.sedation.history import HistoryTable
from ketadesk.ui.visit.sedation.part import SedationPart, picker


def score_text(score: ScoreRecord) -> str:
    """A score as the history shows it: the level with its definition, or the CADSS-6 total and items."""
    if score.scale in (Scale.MOAAS, Scale.RASS):
        scale = Scale(score.scale)
        return f"{scale.show(score.total)} — {scale.definition(score.total)}"
    if score.scale == Scale.CADSS6:
        items = sorted(((int(k), v) for k, v in score.items), key=lambda kv: kv[0])
        listed = ", ".join(f"{k}: {v}" for k, v in items)
        return f"{score.total} / {CADSS6_MAX}  (items {listed})" if listed else f"{score.total} / {CADSS6_MAX}"
    return str(score.total)


class ScoresPart(SedationPart):
    """The sedation, CADSS-6 and scores-this-visit boxes of the sedation section."""

    def _build_sedation(self) -> QGroupBox:
        box = QGroupBox("Sedation — MOAA/S and RASS")
        box.setObjectName("sedation_group")
        form = QFormLayout(box)
        self.moaas_picker = picker("moaas_picker", "MOAA/S level", "Choose the MOAA/S level")
        for level, text in Scale.MOAAS.levels.items():
            self.moaas_picker.addItem(f"{level} — {text}", level)
        self.moaas_picker.setCurrentIndex(-1)
        self.rass_picker = picker("rass_picker", "RASS level", "Choose the RASS level")
        for level, text in Scale.RASS.levels.items():
            self.rass_picker.addItem(f"{Scale.RASS.show(level)} — {text}", level)
        self.rass_picker.setCurrentIndex(-1)
        form.addRow("MOAA/S", self.moaas_picker)
        form.addRow("RASS", self.rass_picker)
        self.record_sedation_button = widgets.button("record_sedation_button", "Record sedation")
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
            widgets.label(
                "cadss_anchors",
                f"Ask the patient about right now; the observer-rated item is yours to rate.\nEach item: {anchors}.",
            )
        )
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.cadss_items: dict[int, QComboBox] = {}
        for row, (number, text) in enumerate(self.clinic.protocol.cadss6_items):
            observer = number == OBSERVER_ITEM
            caption = text if "observer" in text.lower() or not observer else f"{text} (observer-rated)"
            number_label = widgets.label(f"cadss_number_{number}", f"{number}.", bold=True, wrap=False)
            text_label = widgets.label(f"cadss_label_{number}", caption)
            if observer:
                text_label.setStyleSheet("font-style: italic;")
                text_label.setToolTip("Rated by the observer, not asked of the patient")
            combo = picker(f"cadss_item_{number}", f"CADSS item {number}: {caption}", "0–4")
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
        self.cadss_total = widgets.label("cadss_total", bold=True, wrap=False)
        bottom.addWidget(self.cadss_total)
        bottom.addStretch(1)
        self.record_cadss_button = widgets.button("record_cadss_button", "Record CADSS-6")
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
        self.score_corrections = CorrectionActions(
            self.clinic, Corrected.SCORE, self.scores_history, "score", lambda: self._detail, self
        )
        layout.addLayout(self.score_corrections.buttons())
        return box

    def record_sedation(self) -> Changes | None:
        """Record the chosen MOAA/S and RASS levels together."""
        moaas = self.moaas_picker.currentData()
        rass = self.rass_picker.currentData()
        self._unmark(self.moaas_picker, self.rass_picker)
        missing = [
            (p, name)
            for p, name, value in (
                (self.moaas_picker, Scale.MOAAS.label, moaas),
                (self.rass_picker, Scale.RASS.label, rass),
            )
            if value is None
        ]
        if missing:
            for picker, _ in missing:
                set_style(picker, INVALID_STYLE)
            missing[0][0].setFocus()
            names = " and ".join(name for _, name in missing)
            self.sedation_message.error(f"{names}: choose the level that matches the patient before recording.")
            return None
        fields = {
            Scale.MOAAS.value: (self.moaas_picker, Scale.MOAAS.label),
            Scale.RASS.value: (self.rass_picker, Scale.RASS.label),
        }

        def settle(_changes: Changes) -> None:
            self.moaas_picker.setCurrentIndex(-1)
            self.rass_picker.setCurrentIndex(-1)
            self.sedation_message.ok(
                f"Recorded MOAA/S {moaas} and RASS {Scale.RASS.show(int(rass))} at {self._now_text()}"
            )

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
            self.cadss_total.setText(f"Total – / {CADSS6_MAX}  ({done} of {len(scores)} items scored)")
            return
        total = cadss6_total({n: int(v) for n, v in scores.items() if v is not None})
        self.cadss_total.setText(f"Total {total} / {CADSS6_MAX}")

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
        fields = {f"{Scale.CADSS6.value} item {n}": (combo, f"CADSS item {n}") for n, combo in self.cadss_items.items()}

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

    def _fill_scores(self, detail: VisitDetail) -> None:
        """Every sedation and dissociation score in time order; a corrected or struck one stays, struck, with why."""
        shown = sorted(
            [(x, True) for x in detail.scores if x.scale in BEDSIDE_SCALES]
            + [(x, False) for x in detail.replaced_scores if x.scale in BEDSIDE_SCALES],
            key=lambda pair: (pair[0].taken_at, pair[0].id),
        )
        table = self.scores_history
        table.setRowCount(0)
        table.clearSpans()
        table.setRowCount(len(shown) + sum(1 for _, current in shown if not current))
        row = 0
        for score, current in shown:
            corrected = current and any(
                c.record is Corrected.SCORE and c.replacement_id == score.id for c in detail.corrections
            )
            cells = (
                local_time(score.taken_at) + (" (corrected)" if corrected else ""),
                scale_label(score.scale),
                score_text(score),
                self._name(score.by),
            )
            why = "" if current else why_text(detail.correction_of(Corrected.SCORE, score.id), self._name)
            for column, text in enumerate(cells):
                item = mark_entry(QTableWidgetItem(text), score.id, current=current)
                item.setToolTip(text)
                if not current:
                    strike(item, why)
                table.setItem(row, column, item)
            row += 1
            if not current:
                add_why_row(table, row, why)
                row += 1
        table.scrollToBottom()
        self.score_corrections.update_buttons()
