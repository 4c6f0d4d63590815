"""The course's charts: each instrument's scores over the course above the dose given, on one time axis.

Every instrument the course measures gets a plot of its totals with its bands shaded and
named on the right (PHQ-9 minimal … severe), the baseline ringed; under them the dose of
each infusion in mg/kg. Every plot marks each infusion with a thin vertical line, and the
plots share one time axis (linked X), so a fall in scores lines up with the infusions and
doses that came before it. The charts are read-only: the mouse neither pans nor zooms, and
the wheel over them scrolls the page.

pyqtgraph is imported with the first chart, not at start (the program opens to the board
without it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from ketadesk.core.course_record import CourseVisit
from ketadesk.core.instruments.trend import InstrumentTrend
from ketadesk.ui.kit.colours import ALERT_COLOUR, MARKER_COLOUR

if TYPE_CHECKING:
    import pyqtgraph as pg

SCORE_COLOUR = "#0d47a1"
DOSE_COLOUR = "#4a148c"
INFUSION_COLOUR = "#9e9e9e"
# Band shading from the lowest band (least severe) to the highest; every instrument's bands rise in severity.
BAND_SHADES = ((46, 125, 50), (124, 179, 66), (251, 192, 45), (239, 108, 0), (198, 40, 40))
BAND_ALPHA = 38
LEFT_AXIS_PX = 44
RIGHT_AXIS_PX = 150
DAY_S = 86400.0
INSTRUMENT_PX = 184
DOSE_PX = 96
DATE_AXIS_PX = 28


def seconds(moment: datetime) -> float:
    """A moment as the time axis counts it (seconds since the epoch; the axis shows local dates)."""
    return moment.timestamp()


def _shade(index: int, count: int) -> tuple[int, int, int]:
    """The band's colour: spread over the shades so the lowest is green and the highest red."""
    if count <= 1:
        return BAND_SHADES[0]
    step = (len(BAND_SHADES) - 1) / (count - 1)
    return BAND_SHADES[round(index * step)]


def _plot(name: str, accessible: str, *, dates: bool) -> pg.PlotWidget:
    """One read-only plot on white, its axes the same widths as every other so the time axes line up."""
    import pyqtgraph as pg

    axes = {"bottom": pg.DateAxisItem(orientation="bottom")} if dates else {}
    widget = pg.PlotWidget(background="w", axisItems=axes)
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    item = widget.getPlotItem()
    item.setMouseEnabled(x=False, y=False)
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showAxis("right")
    item.showGrid(x=True, y=False, alpha=0.12)
    for side in ("left", "bottom", "right"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen("#616161"))
        axis.setTextPen(pg.mkPen("#212121"))
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    item.getAxis("left").setWidth(LEFT_AXIS_PX)
    item.getAxis("right").setWidth(RIGHT_AXIS_PX)
    item.getAxis("bottom").setStyle(showValues=dates)
    item.getAxis("bottom").setHeight(DATE_AXIS_PX if dates else 4)
    return widget


def _infusion_lines(plot: pg.PlotItem, xs: Sequence[float], low: float, high: float) -> pg.PlotCurveItem:
    """A thin vertical line at each infusion, drawn as one item (a ten-year course has hundreds)."""
    import pyqtgraph as pg

    line_xs = [x for x in xs for _ in (0, 1)]
    line_ys = [y for _ in xs for y in (low, high)]
    item = pg.PlotCurveItem(line_xs, line_ys, connect="pairs", pen=pg.mkPen(INFUSION_COLOUR, width=1))
    item.setZValue(-5)
    plot.addItem(item)
    return item


class InstrumentChart:
    """One instrument's plot: its bands shaded and named, its scores joined, its baseline ringed, the infusions."""

    def __init__(self, trend: InstrumentTrend, infusions: Sequence[float], *, dates: bool = False) -> None:
        import pyqtgraph as pg

        key = trend.instrument.key.value
        self.trend = trend
        self.widget = _plot(f"course_chart_{key}", f"Chart of {trend.name} totals over the course", dates=dates)
        plot = self.widget.getPlotItem()
        low, high = trend.instrument.range
        plot.setLabel("left", trend.name)
        for index, band in enumerate(trend.bands):
            region = pg.LinearRegionItem(
                values=(max(low, band.low - 0.5), min(high, band.high + 0.5)),
                orientation="horizontal",
                movable=False,
                brush=pg.mkBrush(*_shade(index, len(trend.bands)), BAND_ALPHA),
                pen=pg.mkPen(None),
            )
            region.setZValue(-20)
            plot.addItem(region)
        plot.getAxis("right").setTicks([[((b.low + b.high) / 2, b.name) for b in trend.bands], []])
        self.infusions = _infusion_lines(plot, infusions, low, high)
        xs = [seconds(p.at) for p in trend.points]
        ys = [p.total for p in trend.points]
        self.line = pg.PlotCurveItem(xs, ys, pen=pg.mkPen(SCORE_COLOUR, width=2))
        self.scores = pg.ScatterPlotItem(xs, ys, size=8, symbol="o", brush=pg.mkBrush(SCORE_COLOUR), pen=None)
        plot.addItem(self.line)
        plot.addItem(self.scores)
        baseline = trend.baseline
        self.baseline = pg.ScatterPlotItem(
            [seconds(baseline.at)] if baseline else [],
            [baseline.total] if baseline else [],
            size=18,
            symbol="o",
            brush=None,
            pen=pg.mkPen(SCORE_COLOUR, width=2),
        )
        plot.addItem(self.baseline)
        plot.setYRange(low, high, padding=0.04)
        self.widget.setFixedHeight(INSTRUMENT_PX + (DATE_AXIS_PX if dates else 0))


class DoseChart:
    """The dose prepared at each infusion in mg/kg, and the amount given where an infusion was stopped early."""

    def __init__(self, visits: Sequence[CourseVisit]) -> None:
        import pyqtgraph as pg

        self.widget = _plot("course_chart_dose", "Chart of the dose at each infusion, mg/kg", dates=True)
        plot = self.widget.getPlotItem()
        plot.setLabel("left", "mg/kg")
        plot.getAxis("left").enableAutoSIPrefix(False)  # doses read as 0.5, never as 500 × 0.001
        infused = [(v.started_at, v) for v in visits if v.started_at is not None and v.mg_per_kg is not None]
        xs = [seconds(at) for at, _ in infused]
        doses = [v.mg_per_kg or 0.0 for _, v in infused]
        early = [(seconds(at), v.given_mg_per_kg or 0.0) for at, v in infused if v.given and v.given.early]
        top = max([*doses, *(g for _, g in early), 0.5]) * 1.25
        self.infusions = _infusion_lines(plot, xs, 0.0, top)
        self.line = pg.PlotCurveItem(xs, doses, pen=pg.mkPen(DOSE_COLOUR, width=1.5, style=Qt.PenStyle.DashLine))
        self.doses = pg.ScatterPlotItem(xs, doses, size=9, symbol="s", brush=pg.mkBrush(DOSE_COLOUR), pen=None)
        self.given = pg.ScatterPlotItem(
            [x for x, _ in early],
            [g for _, g in early],
            size=11,
            symbol="d",
            brush=None,
            pen=pg.mkPen(ALERT_COLOUR, width=2),
        )
        for item in (self.line, self.doses, self.given):
            plot.addItem(item)
        plot.setYRange(0, top, padding=0)
        plot.getAxis("right").setTicks([[], []])
        self.widget.setFixedHeight(DOSE_PX + DATE_AXIS_PX)


def legend_html() -> str:
    """The charts' key, in words and symbols, above the charts so it never hides a score."""
    return (
        f'<span style="color:{SCORE_COLOUR}">● score &nbsp; ◯ baseline (last score before the first infusion)</span>'
        " &nbsp; shaded: the instrument's bands, named on the right &nbsp; "
        f'<span style="color:{MARKER_COLOUR}">│ infusion</span> &nbsp; '
        f'<span style="color:{DOSE_COLOUR}">■ dose prepared, mg/kg</span> &nbsp; '
        f'<span style="color:{ALERT_COLOUR}">◇ amount given when stopped early</span>'
    )


def time_range(moments: Sequence[float], fallback: float) -> tuple[float, float]:
    """The time axis: every score and infusion with half a day either side (a day around ``fallback`` if none)."""
    if not moments:
        return fallback - DAY_S, fallback + DAY_S
    return min(moments) - DAY_S / 2, max(moments) + DAY_S / 2


def link_time(plots: Sequence[pg.PlotWidget], span: tuple[float, float]) -> None:
    """Every chart follows the bottom one's time axis (the one with the dates), set to ``span``."""
    bottom = plots[-1].getPlotItem()
    for plot in plots[:-1]:
        plot.getPlotItem().setXLink(bottom)
    bottom.setXRange(*span, padding=0)
