"""The course's charts: each instrument's scores over the course above the dose given, on one time axis.

Every instrument the course measures gets a chart of its totals with its bands shaded and
named on the right (PHQ-9 minimal … severe), the baseline ringed; under them the dose of
each infusion in mg/kg. Every chart marks each infusion with a thin vertical line, and the
charts share one time axis (one span, dated under the lowest chart), so a fall in scores
lines up with the infusions and doses that came before it. The charts are read-only
pictures (:mod:`ketadesk.ui.course.chart_widget`): the wheel over them scrolls the page.

Why not pyqtgraph, which draws the visit's live vitals: its scene of graphics items (axes
that work out their ticks in Python at every paint, scatter items built from record
arrays) cost 50–60 ms of the course screen's 100 ms budget for three charts that never
move. Painted directly, the same charts take a few milliseconds; the course PDF draws the
same panel with its own vector code (:mod:`ketadesk.reports.course_outcomes`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ketadesk.core.course_record import CourseVisit
from ketadesk.core.instruments.trend import InstrumentTrend
from ketadesk.ui.course.chart_axes import seconds
from ketadesk.ui.course.chart_widget import INFUSION_COLOUR, Band, ChartWidget, Line, Marks, Picture, Shape
from ketadesk.ui.kit.colours import ALERT_COLOUR, MARKER_COLOUR

SCORE_COLOUR = "#0d47a1"
DOSE_COLOUR = "#4a148c"
# Band shading from the lowest band (least severe) to the highest; every instrument's bands rise in severity.
BAND_SHADES = ((46, 125, 50), (124, 179, 66), (251, 192, 45), (239, 108, 0), (198, 40, 40))
INSTRUMENT_PX = 184
DOSE_PX = 96


def _shade(index: int, count: int) -> tuple[int, int, int]:
    """The band's colour: spread over the shades so the lowest is green and the highest red."""
    if count <= 1:
        return BAND_SHADES[0]
    step = (len(BAND_SHADES) - 1) / (count - 1)
    return BAND_SHADES[round(index * step)]


class InstrumentChart(ChartWidget):
    """One instrument: its bands shaded and named, its scores joined, its baseline ringed, the infusions marked."""

    def __init__(
        self, trend: InstrumentTrend, infusions: Sequence[float], span: tuple[float, float], *, dates: bool = False
    ) -> None:
        key = trend.instrument.key.value
        low, high = trend.instrument.range
        bands = tuple(
            Band(max(low, b.low - 0.5), min(high, b.high + 0.5), b.name, _shade(i, len(trend.bands)))
            for i, b in enumerate(trend.bands)
        )
        xs = tuple(seconds(p.at) for p in trend.points)
        ys = tuple(float(p.total) for p in trend.points)
        baseline = trend.baseline
        marks = {
            "scores": Marks(xs, ys, Shape.DOT, 8, fill=SCORE_COLOUR),
            "baseline": Marks(
                (seconds(baseline.at),) if baseline else (),
                (float(baseline.total),) if baseline else (),
                Shape.DOT,
                18,
                outline=SCORE_COLOUR,
                outline_width=2,
            ),
        }
        pad = (high - low) * 0.04
        picture = Picture(
            span=span,
            shown=(low - pad, high + pad),
            ticked=(low, high),
            title=trend.name,
            bands=bands,
            infusions=tuple(infusions),
            lines=(Line(xs, ys, SCORE_COLOUR, 2),),
            marks=marks,
            dated=dates,
        )
        super().__init__(f"course_chart_{key}", f"Chart of {trend.name} totals over the course", picture, INSTRUMENT_PX)
        self.trend = trend


class DoseChart(ChartWidget):
    """The dose prepared at each infusion in mg/kg, and the amount given where an infusion was stopped early."""

    def __init__(self, visits: Sequence[CourseVisit], span: tuple[float, float]) -> None:
        infused = [(v.started_at, v) for v in visits if v.started_at is not None and v.mg_per_kg is not None]
        xs = tuple(seconds(at) for at, _ in infused)
        doses = tuple(v.mg_per_kg or 0.0 for _, v in infused)
        early = [(seconds(at), v.given_mg_per_kg or 0.0) for at, v in infused if v.given and v.given.early]
        top = max([*doses, *(g for _, g in early), 0.5]) * 1.25
        marks = {
            "doses": Marks(xs, doses, Shape.SQUARE, 9, fill=DOSE_COLOUR),
            "given": Marks(
                tuple(x for x, _ in early),
                tuple(g for _, g in early),
                Shape.DIAMOND,
                11,
                outline=ALERT_COLOUR,
                outline_width=2,
            ),
        }
        picture = Picture(
            span=span,
            shown=(0.0, top),
            ticked=(0.0, top),
            title="mg/kg",
            infusions=tuple(seconds(at) for at, _ in infused),
            lines=(Line(xs, doses, DOSE_COLOUR, 1.5, dashed=True),),
            marks=marks,
            dated=True,
        )
        super().__init__("course_chart_dose", "Chart of the dose at each infusion, mg/kg", picture, DOSE_PX)


LEGEND = (
    (SCORE_COLOUR, "● score"),
    (SCORE_COLOUR, "◯ baseline (last score before the first infusion)"),
    (MARKER_COLOUR, "shaded: the instrument's bands, named on the right"),
    (INFUSION_COLOUR, "│ infusion"),
    (DOSE_COLOUR, "■ dose prepared, mg/kg"),
    (ALERT_COLOUR, "◇ amount given when stopped early"),
)
"""The charts' key, in words and symbols, each in the colour it stands for."""


def legend() -> QWidget:
    """The charts' key on white above the charts, so it never hides a score (plain labels: quick to draw)."""
    from ketadesk.ui.course.verdicts import tinted
    from ketadesk.ui.kit.widgets import label

    widget = QWidget()
    widget.setObjectName("course_chart_legend")
    widget.setAccessibleName("Key to the charts")
    widget.setAutoFillBackground(True)
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("white"))
    widget.setPalette(palette)
    row = QHBoxLayout(widget)
    row.setContentsMargins(4, 3, 4, 3)
    row.setSpacing(14)
    for index, (colour, words) in enumerate(LEGEND):
        row.addWidget(tinted(label(f"course_chart_legend_{index}", words, plain=True, wrap=False), colour))
    row.addStretch(1)
    return widget
