"""The sedation, dissociation and recovery scores over time, each written the way a physician reads it."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from ketadesk.core.protocol import Protocol
from ketadesk.core.records import ScoreRecord, VisitDetail
from ketadesk.core.scales import ALDRETE_ITEM_LABELS, ALDRETE_ITEMS, ALDRETE_MAX, CADSS6_MAX, Scale, aldrete_verdict
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.review.page import Box, text, when
from ketadesk.ui.visit.vitals.table import fit_table_height

SCORE_COLUMNS = ("Time", "Scale", "Score", "By")


def scale_name(key: str) -> str:
    """A stored scale key as the narrow column names it (an unknown key as stored)."""
    try:
        return Scale(key).short_label
    except ValueError:
        return key


def _aldrete_item(key: str) -> str:
    """An Aldrete item's name inside a sentence: lower-case, except an abbreviation such as SpO2."""
    name = ALDRETE_ITEM_LABELS[key]
    return name if any(c.isdigit() for c in name) else name.lower()


def score_text(score: ScoreRecord, protocol: Protocol) -> str:
    """A score as a physician reads it: the level with its definition, or the total with its items."""
    if score.scale in (Scale.MOAAS, Scale.RASS):
        scale = Scale(score.scale)
        return f"{scale.show(score.total)} — {scale.definition(score.total)}"
    if score.scale == Scale.CADSS6:
        items = sorted((int(k), v) for k, v in score.items)
        listed = ", ".join(f"item {k}: {v}" for k, v in items)
        return f"{score.total} / {CADSS6_MAX}" + (f" ({listed})" if listed else "")
    if score.scale == Scale.ALDRETE:
        verdict = "pass" if aldrete_verdict(score.total, protocol).passed else "below the pass mark"
        given = dict(score.items)
        listed = ", ".join(f"{_aldrete_item(k)} {given[k]}" for k, _ in ALDRETE_ITEMS if k in given)
        return f"{score.total} / {ALDRETE_MAX}, {verdict}" + (f" ({listed})" if listed else "")
    return str(score.total)


class ScoresBox(Box):
    """Every score in time order, one row each; a muted line when none was recorded."""

    def __init__(self, protocol: Protocol, names: NameBook) -> None:
        super().__init__("review_scores_box", "Sedation, dissociation and recovery scores")
        self.protocol = protocol
        self.names = names
        self.table = self._table()
        self.column.addWidget(self.table)
        self.empty = text("review_scores_empty", "No scores recorded.", style=MUTED_STYLE)
        self.column.addWidget(self.empty)
        self.column.addStretch(1)

    @staticmethod
    def _table() -> QTableWidget:
        table = QTableWidget(0, len(SCORE_COLUMNS))
        table.setObjectName("review_scores")
        table.setAccessibleName("Scores over time")
        table.setHorizontalHeaderLabels(list(SCORE_COLUMNS))
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        return table

    def draw(self, detail: VisitDetail) -> None:
        """One row per score, oldest first."""
        day = detail.summary.scheduled_date
        scores = sorted(detail.scores, key=lambda s: (s.taken_at, s.id))
        table = self.table
        table.setRowCount(len(scores))
        for row, score in enumerate(scores):
            cells = (
                when(score.taken_at, day),
                scale_name(score.scale),
                score_text(score, self.protocol),
                self.names.name(score.by),
            )
            for column, words in enumerate(cells):
                item = QTableWidgetItem(words)
                item.setToolTip(words)
                table.setItem(row, column, item)
        fit_table_height(table)
        table.setVisible(bool(scores))
        self.empty.setVisible(not scores)
