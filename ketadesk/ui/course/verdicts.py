"""Beside each instrument's chart: its baseline, latest score and change, and the response and remission badges.

A badge says the verdict in words (met, not met, not judged and why), and under it the rule
it was judged by with the rule's version, so nobody reads "responded" without knowing what
it means here. Colour only goes with the words.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ketadesk.core.instruments.trend import InstrumentTrend, TrendPoint, Verdict
from ketadesk.core.local_time import local_date
from ketadesk.ui.kit.colours import MUTED_COLOUR
from ketadesk.ui.kit.widgets import label

BADGE_STYLES = {
    "met": "background: #e8f5e9; color: #1b5e20; border: 1px solid #2e7d32;",
    "not met": "background: #eceff1; color: #263238; border: 1px solid #78909c;",
    "not judged": "background: white; color: #455a64; border: 1px dashed #90a4ae;",
}
BADGE_SHAPE = "border-radius: 3px; padding: 2px 6px; font-weight: bold;"
SUMMARY_WIDTH = 360


def tinted(widget: QLabel, colour: str = MUTED_COLOUR) -> QLabel:
    """``widget`` with its text in ``colour``, by palette (a style sheet on every label slows a long page's drawing)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    widget.setPalette(palette)
    return widget


def point_text(point: TrendPoint | None, empty: str) -> str:
    """``20 · severe · 2026-11-24`` (the band left out for an instrument without bands)."""
    if point is None:
        return empty
    band = f" · {point.band}" if point.band else ""
    return f"{point.total}{band} · {local_date(point.at).isoformat()}"


def badge_text(verdict: Verdict) -> str:
    """``Response: met``; ``Remission: not judged (no score since the baseline)``."""
    reason = f" ({verdict.why_not_judged})" if verdict.met is None and verdict.why_not_judged else ""
    return f"{verdict.rule.name}: {verdict.state}{reason}"


def rule_text(verdict: Verdict) -> str:
    """The rule in words with its version: ``a fall of 50 % or more … · rule outcome-rules-1``."""
    return f"{verdict.rule.definition[:1].upper()}{verdict.rule.definition[1:]} · rule {verdict.rule.version}"


class Badge(QWidget):
    """One verdict: the badge in words and colour, the rule and its version under it."""

    def __init__(self, name: str, verdict: Verdict) -> None:
        super().__init__()
        self.setObjectName(name)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 2, 0, 2)
        column.setSpacing(1)
        self.badge = label(f"{name}_state", badge_text(verdict), plain=True)
        self.badge.setStyleSheet(BADGE_STYLES[verdict.state] + BADGE_SHAPE)
        self.badge.setToolTip(verdict.text)
        self.rule = tinted(label(f"{name}_rule", rule_text(verdict), plain=True))
        column.addWidget(self.badge)
        column.addWidget(self.rule)


class InstrumentSummary(QWidget):
    """Baseline, latest and change of one instrument over the course, and its two badges."""

    def __init__(self, trend: InstrumentTrend) -> None:
        super().__init__()
        key = trend.instrument.key.value
        self.setObjectName(f"course_summary_{key}")
        self.setFixedWidth(SUMMARY_WIDTH)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 0, 0, 0)
        column.setSpacing(3)
        low, high = trend.instrument.range
        column.addWidget(label(f"course_{key}_title", f"{trend.name} ({low}–{high})", bold=True, plain=True))
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        self.values: dict[str, QLabel] = {}
        rows = (
            ("baseline", "Baseline", point_text(trend.baseline, "none before the first infusion")),
            ("latest", "Latest", point_text(trend.latest, "none since the baseline")),
            ("change", "Change", trend.change.text if trend.change is not None else "–"),
        )
        for row, (what, title, value) in enumerate(rows):
            grid.addWidget(tinted(label(f"course_{key}_{what}_title", title, plain=True, wrap=False)), row, 0)
            self.values[what] = label(f"course_{key}_{what}", value, plain=True, wrap=False)
            grid.addWidget(self.values[what], row, 1)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        self.response = Badge(f"course_{key}_response", trend.response)
        self.remission = Badge(f"course_{key}_remission", trend.remission)
        column.addWidget(self.response)
        column.addWidget(self.remission)
        column.addStretch(1)
