"""The course's charts: each instrument's scores over the course above the dose given, on one time axis.

Every instrument the course measures gets a chart of its totals with its bands shaded and
named on the right (PHQ-9 minimal … severe), the baseline ringed; under them the dose of
each infusion in mg/kg. Every chart marks each infusion with a thin vertical line, and the
charts share one time axis (linked X, dated under the lowest chart), so a fall in scores
lines up with the infusions and doses that came before it. The charts are read-only: the
mouse neither pans nor zooms, and the wheel over them scrolls the page.

Each chart is a bare view with its axes (no pyqtgraph ``PlotItem``, whose option menus cost
five times the rest of the chart to build), so the screen for a course of hundreds of
visits opens quickly. pyqtgraph is imported with the first chart, not at start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPalette, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QHBoxLayout, QWidget

from ketadesk.core.course_record import CourseVisit
from ketadesk.core.instruments.trend import InstrumentTrend
from ketadesk.ui.kit.colours import ALERT_COLOUR, MARKER_COLOUR

if TYPE_CHECKING:
    import pyqtgraph as pg

SCORE_COLOUR = "#0d47a1"
DOSE_COLOUR = "#4a148c"
INFUSION_COLOUR = "#757575"
# Band shading from the lowest band (least severe) to the highest; every instrument's bands rise in severity.
BAND_SHADES = ((46, 125, 50), (124, 179, 66), (251, 192, 45), (239, 108, 0), (198, 40, 40))
BAND_ALPHA = 38
LEFT_AXIS_PX = 52
RIGHT_AXIS_PX = 150
INSTRUMENT_PX = 184
DOSE_PX = 96
DATE_AXIS_PX = 24
DAY_S = 86400.0
TICK_STEPS_DAYS = (1, 2, 7, 14, 30, 61, 91, 182, 365, 730)
"""The spacings the date axis may use; from 30 days on, ticks fall on the first of a month."""
TICK_LABEL_PX = 96


def seconds(moment: datetime) -> float:
    """A moment as the time axis counts it (seconds since the epoch; the axis shows local dates)."""
    return moment.timestamp()


def _midnight(day: date) -> float:
    """The workstation's local midnight starting ``day``, on the time axis."""
    return datetime(day.year, day.month, day.day).astimezone().timestamp()


def day_ticks(low: float, high: float, width_px: float) -> tuple[float, list[float]]:
    """Date ticks for the span: the spacing in seconds and the ticks, as many as fit labels ``width_px`` wide."""
    days = max(1.0, (high - low) / DAY_S)
    room = max(1, int(width_px // TICK_LABEL_PX))
    step = next((s for s in TICK_STEPS_DAYS if days / s <= room), TICK_STEPS_DAYS[-1])
    first = datetime.fromtimestamp(low).date()
    last = datetime.fromtimestamp(high).date()
    ticks: list[float] = []
    if step < 30:
        day = first
        while day <= last:
            if day.toordinal() % step == 0:
                ticks.append(_midnight(day))
            day += timedelta(days=1)
    else:
        months = step // 30
        year, month = first.year, first.month
        while date(year, month, 1) <= last:
            if (year * 12 + month - 1) % months == 0:
                ticks.append(_midnight(date(year, month, 1)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return step * DAY_S, [t for t in ticks if low <= t <= high]


def _shade(index: int, count: int) -> tuple[int, int, int]:
    """The band's colour: spread over the shades so the lowest is green and the highest red."""
    if count <= 1:
        return BAND_SHADES[0]
    step = (len(BAND_SHADES) - 1) / (count - 1)
    return BAND_SHADES[round(index * step)]


def _axis(orientation: str) -> pg.AxisItem:
    """An axis in the charts' grays, its values never rescaled by an SI prefix (a dose reads 0.5, not 500 m)."""
    import pyqtgraph as pg

    axis = pg.AxisItem(orientation, pen=pg.mkPen("#616161"), textPen=pg.mkPen("#212121"))
    axis.enableAutoSIPrefix(False)  # also spares a relabelling on every change of range
    return axis


def _date_axis() -> pg.AxisItem:
    """A time axis labelled with local dates in the clinic's form (``2026-11-28``; ``2026-11`` by months)."""
    import pyqtgraph as pg

    class DateAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph has no type hints
        def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802, N803
            spacing, ticks = day_ticks(minVal, maxVal, size)
            return [(spacing, ticks)]

        def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
            shown = "%Y-%m" if spacing >= 30 * DAY_S else "%Y-%m-%d"
            return [datetime.fromtimestamp(v).strftime(shown) for v in values]

    axis = DateAxis("bottom", pen=pg.mkPen("#616161"), textPen=pg.mkPen("#212121"))
    axis.enableAutoSIPrefix(False)
    return axis


class Chart:
    """One read-only chart: a view with a left, a right and (for the lowest chart) a dated bottom axis."""

    def __init__(self, name: str, accessible: str, height: int, *, dates: bool) -> None:
        import pyqtgraph as pg

        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setObjectName(name)
        self.widget.setAccessibleName(accessible)
        self.widget.setBackground("w")
        self.widget.setFixedHeight(height + (DATE_AXIS_PX if dates else 0))
        self.widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = self.widget.ci
        layout.setContentsMargins(2, 6, 2, 2)
        layout.setSpacing(0)
        self.view = pg.ViewBox(enableMenu=False, enableMouse=False, defaultPadding=0)
        self.left = _axis("left")
        self.right = _axis("right")
        self.bottom = _date_axis() if dates else None
        axes = [self.left, self.right] + ([self.bottom] if self.bottom is not None else [])
        for axis in axes:
            axis.linkToView(self.view)
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.left.setWidth(LEFT_AXIS_PX)
        self.right.setWidth(RIGHT_AXIS_PX)
        layout.addItem(self.left, 0, 0)
        layout.addItem(self.view, 0, 1)
        layout.addItem(self.right, 0, 2)
        if self.bottom is not None:
            self.bottom.setHeight(DATE_AXIS_PX)
            layout.addItem(self.bottom, 1, 1)

    def add(self, item: Any) -> Any:
        """Draw ``item`` in the chart's view (its extent leaves the ranges alone: they are set from the course)."""
        self.view.addItem(item, ignoreBounds=True)
        return item

    def infusion_lines(self, xs: Sequence[float], low: float, high: float) -> pg.PlotCurveItem:
        """A thin vertical line at each infusion, drawn as one item (a ten-year course has hundreds)."""
        import pyqtgraph as pg

        line_xs = [x for x in xs for _ in (0, 1)]
        line_ys = [y for _ in xs for y in (low, high)]
        item = pg.PlotCurveItem(line_xs, line_ys, connect="pairs", pen=pg.mkPen(INFUSION_COLOUR, width=1))
        item.setZValue(-5)
        return self.add(item)

    def show_range(self, span: tuple[float, float], low: float, high: float) -> None:
        """The time span and the value range shown (never changed by what is drawn)."""
        self.view.disableAutoRange()
        self.view.setRange(xRange=span, yRange=(low, high), padding=0)


class InstrumentChart(Chart):
    """One instrument: its bands shaded and named, its scores joined, its baseline ringed, the infusions marked."""

    def __init__(
        self, trend: InstrumentTrend, infusions: Sequence[float], span: tuple[float, float], *, dates: bool = False
    ) -> None:
        import pyqtgraph as pg

        key = trend.instrument.key.value
        super().__init__(
            f"course_chart_{key}", f"Chart of {trend.name} totals over the course", INSTRUMENT_PX, dates=dates
        )
        self.trend = trend
        low, high = trend.instrument.range
        self.left.setLabel(trend.name)
        for index, band in enumerate(trend.bands):
            bottom, top = max(low, band.low - 0.5), min(high, band.high + 0.5)
            shade = QGraphicsRectItem(QRectF(span[0], bottom, span[1] - span[0], top - bottom))
            shade.setBrush(QBrush(QColor(*_shade(index, len(trend.bands)), BAND_ALPHA)))
            shade.setPen(QPen(Qt.PenStyle.NoPen))
            shade.setZValue(-20)
            self.add(shade)
        self.right.setTicks([[((b.low + b.high) / 2, b.name) for b in trend.bands], []])
        self.infusions = self.infusion_lines(infusions, low, high)
        xs = [seconds(p.at) for p in trend.points]
        ys = [p.total for p in trend.points]
        self.line = self.add(pg.PlotCurveItem(xs, ys, pen=pg.mkPen(SCORE_COLOUR, width=2)))
        self.scores = self.add(pg.ScatterPlotItem(xs, ys, size=8, symbol="o", brush=pg.mkBrush(SCORE_COLOUR), pen=None))
        baseline = trend.baseline
        self.baseline = self.add(
            pg.ScatterPlotItem(
                [seconds(baseline.at)] if baseline else [],
                [baseline.total] if baseline else [],
                size=18,
                symbol="o",
                brush=None,
                pen=pg.mkPen(SCORE_COLOUR, width=2),
            )
        )
        pad = (high - low) * 0.04
        self.show_range(span, low - pad, high + pad)


class DoseChart(Chart):
    """The dose prepared at each infusion in mg/kg, and the amount given where an infusion was stopped early."""

    def __init__(self, visits: Sequence[CourseVisit], span: tuple[float, float]) -> None:
        import pyqtgraph as pg

        super().__init__("course_chart_dose", "Chart of the dose at each infusion, mg/kg", DOSE_PX, dates=True)
        self.left.setLabel("mg/kg")
        self.right.setTicks([[], []])
        infused = [(v.started_at, v) for v in visits if v.started_at is not None and v.mg_per_kg is not None]
        xs = [seconds(at) for at, _ in infused]
        doses = [v.mg_per_kg or 0.0 for _, v in infused]
        early = [(seconds(at), v.given_mg_per_kg or 0.0) for at, v in infused if v.given and v.given.early]
        top = max([*doses, *(g for _, g in early), 0.5]) * 1.25
        self.infusions = self.infusion_lines(xs, 0.0, top)
        dashed = pg.mkPen(DOSE_COLOUR, width=1.5, style=Qt.PenStyle.DashLine)
        self.line = self.add(pg.PlotCurveItem(xs, doses, pen=dashed))
        self.doses = self.add(
            pg.ScatterPlotItem(xs, doses, size=9, symbol="s", brush=pg.mkBrush(DOSE_COLOUR), pen=None)
        )
        self.given = self.add(
            pg.ScatterPlotItem(
                [x for x, _ in early],
                [g for _, g in early],
                size=11,
                symbol="d",
                brush=None,
                pen=pg.mkPen(ALERT_COLOUR, width=2),
            )
        )
        self.show_range(span, 0.0, top)


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


def time_range(moments: Sequence[float], fallback: float) -> tuple[float, float]:
    """The time axis: every score and infusion with a day either side (a day around ``fallback`` if none)."""
    if not moments:
        return fallback - DAY_S, fallback + DAY_S
    return min(moments) - DAY_S, max(moments) + DAY_S


def link_time(charts: Sequence[Chart]) -> None:
    """Every chart follows the lowest one's time axis (the one with the dates)."""
    bottom = charts[-1].view
    for chart in charts[:-1]:
        chart.view.setXLink(bottom)
