"""One course chart drawn with a painter: bands, infusion lines, joined values and marks, and its axes.

The course charts are pictures, not instruments: they never move while open (the page
redraws whole when the course changes) and the mouse neither pans nor zooms them. A plain
widget that paints what it is given opens in a fraction of the time a scene of graphics
items takes — which is what lets the course screen open in under 100 ms (see
docs/BENCHMARKS.md) — and keeps every figure it shows in plain attributes a test can read.

What is drawn is a :class:`Picture`: the time span and the value range, the shaded bands
(named on the right axis when the chart has them), the infusions as thin vertical lines,
lines joining values, and marks (dots, squares, diamonds; filled or outlined). The chart
carries dates under it only when it is the lowest of the page's charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from ketadesk.ui.course.chart_axes import day_label, day_ticks, value_label, value_ticks

LEFT_AXIS_PX = 52
RIGHT_AXIS_PX = 150
TOP_PX = 6
BOTTOM_PX = 4
DATE_AXIS_PX = 24
TICK_PX = 4
TITLE_PX = 16
"""The left axis's column for its title (the instrument's name, or mg/kg), written upwards."""
BAND_ALPHA = 38
AXIS_COLOUR = "#616161"
TEXT_COLOUR = "#212121"
INFUSION_COLOUR = "#757575"


class Shape(Enum):
    """How a mark is drawn."""

    DOT = "dot"
    SQUARE = "square"
    DIAMOND = "diamond"


@dataclass(frozen=True, slots=True)
class Band:
    """A stretch of the value axis shaded in one colour (an instrument's band), with its name."""

    low: float
    high: float
    name: str
    rgb: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Line:
    """Values joined in time order."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    colour: str
    width: float
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class Marks:
    """One mark at each value: filled with ``fill`` and/or outlined in ``outline``, ``size`` pixels across."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    shape: Shape
    size: float
    fill: str | None = None
    outline: str | None = None
    outline_width: float = 0.0


@dataclass(frozen=True, slots=True)
class Picture:
    """What one chart shows: its span and range, what is shaded, the infusions, lines and marks, the axes' words."""

    span: tuple[float, float]
    shown: tuple[float, float]
    """The value range drawn (a little wider than ``ticked`` for an instrument, so a mark at the edge shows whole)."""
    ticked: tuple[float, float]
    """The value range the left axis labels."""
    title: str
    bands: tuple[Band, ...] = ()
    infusions: tuple[float, ...] = ()
    lines: tuple[Line, ...] = ()
    marks: dict[str, Marks] = field(default_factory=dict)
    dated: bool = False


@dataclass(frozen=True, slots=True)
class Scale:
    """Moments and values to the widget's pixels: ``x = across * moment + left``, ``y = up * value + bottom``."""

    across: float
    left: float
    up: float
    bottom: float

    @staticmethod
    def of(area: QRectF, span: tuple[float, float], shown: tuple[float, float]) -> Scale:
        """The scale that puts ``span`` across ``area`` and ``shown`` up it (a point span in its middle)."""
        (t0, t1), (low, high) = span, shown
        across = area.width() / (t1 - t0) if t1 > t0 else 0.0
        up = area.height() / (high - low) if high > low else 0.0
        left = area.left() - t0 * across if t1 > t0 else area.center().x()
        bottom = area.bottom() + low * up if high > low else area.center().y()
        return Scale(across, left, -up, bottom)

    def x(self, moment: float) -> float:
        """Where ``moment`` lies across."""
        return self.across * moment + self.left

    def y(self, value: float) -> float:
        """Where ``value`` lies up."""
        return self.up * value + self.bottom

    def point(self, moment: float, value: float) -> QPointF:
        """Where a value at a moment lies."""
        return QPointF(self.across * moment + self.left, self.up * value + self.bottom)


class ChartWidget(QWidget):
    """Paints one :class:`Picture` over its width, its height fixed (the dates add a strip under the lowest)."""

    def __init__(self, name: str, accessible: str, picture: Picture, height: int) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.picture = picture
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it paints every pixel itself
        self.setFixedHeight(height + (DATE_AXIS_PX if picture.dated else 0))
        self.setMinimumWidth(LEFT_AXIS_PX + RIGHT_AXIS_PX + 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    # ------------------------------------------------------------------ what a test or a reader asks

    @property
    def span(self) -> tuple[float, float]:
        """The time axis (every chart of a course shares it)."""
        return self.picture.span

    @property
    def dated(self) -> bool:
        """Whether the dates are written under this chart (the lowest of the page's charts)."""
        return self.picture.dated

    @property
    def infusions(self) -> tuple[float, ...]:
        """The moment of each infusion's line."""
        return self.picture.infusions

    @property
    def band_names(self) -> list[str]:
        """The bands' names as the right axis writes them, the lowest first."""
        return [band.name for band in self.picture.bands]

    def plot_area(self) -> QRectF:
        """Where the values are drawn: inside the axes."""
        bottom = BOTTOM_PX + (DATE_AXIS_PX if self.picture.dated else 0)
        return QRectF(
            LEFT_AXIS_PX, TOP_PX, self.width() - LEFT_AXIS_PX - RIGHT_AXIS_PX, self.height() - TOP_PX - bottom
        )

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        """The whole chart: background, bands, infusions, lines, marks, then the axes and their words."""
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("white"))
            area = self.plot_area()
            if area.width() > 0 and area.height() > 0:
                scale = Scale.of(area, self.picture.span, self.picture.shown)
                self._paint_values(painter, area, scale)
                self._paint_axes(painter, area, scale)
        finally:
            painter.end()

    def _paint_values(self, painter: QPainter, area: QRectF, scale: Scale) -> None:
        picture = self.picture
        painter.setClipRect(area)
        for band in picture.bands:
            top, bottom = scale.y(band.high), scale.y(band.low)
            painter.fillRect(QRectF(area.left(), top, area.width(), bottom - top), QColor(*band.rgb, BAND_ALPHA))
        painter.setPen(QPen(QColor(INFUSION_COLOUR), 1))
        for x in picture.infusions:  # one call each: PySide's drawLines crashes on an empty list
            across = scale.x(x)
            painter.drawLine(QLineF(across, area.top(), across, area.bottom()))
        # A mark on the range's edge is drawn whole: the clip leaves room for half a mark around the area.
        painter.setClipRect(area.adjusted(-10, -TOP_PX, 10, BOTTOM_PX))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for line in picture.lines:
            pen = QPen(QColor(line.colour), line.width)
            # Flat ends: every value has its mark over the joint, and round caps cost Qt's raster engine about
            # eight times as much to stroke antialiased (3.8 ms against 0.5 ms for 84 segments).
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if line.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            points = [scale.point(x, y) for x, y in zip(line.xs, line.ys, strict=True)]
            if len(points) >= 2:
                # Segment by segment: Qt strokes a smoothed polyline as one outline and fills it, about 30
                # times slower than the same segments drawn apart (15 ms against 0.5 ms for 89 points).
                painter.drawLines([QLineF(a, b) for a, b in pairwise(points)])
        for marks in picture.marks.values():
            self._paint_marks(painter, marks, scale)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setClipping(False)

    def _paint_marks(self, painter: QPainter, marks: Marks, scale: Scale) -> None:
        painter.setBrush(QBrush(QColor(marks.fill)) if marks.fill else Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(marks.outline), marks.outline_width) if marks.outline else Qt.PenStyle.NoPen)
        half = marks.size / 2
        for x, y in zip(marks.xs, marks.ys, strict=True):
            at = scale.point(x, y)
            if marks.shape is Shape.DOT:
                painter.drawEllipse(at, half, half)
            elif marks.shape is Shape.SQUARE:
                painter.drawRect(QRectF(at.x() - half, at.y() - half, marks.size, marks.size))
            else:
                corners = (QPointF(0, -half), QPointF(half, 0), QPointF(0, half), QPointF(-half, 0))
                painter.drawPolygon(QPolygonF([at + c for c in corners]))

    def _paint_axes(self, painter: QPainter, area: QRectF, scale: Scale) -> None:
        picture = self.picture
        painter.setPen(QPen(QColor(AXIS_COLOUR), 1))
        painter.drawLine(QLineF(area.topLeft(), area.bottomLeft()))
        painter.drawLine(QLineF(area.topRight(), area.bottomRight()))
        text = QPen(QColor(TEXT_COLOUR))
        for value in value_ticks(*picture.ticked, area.height()):
            y = scale.y(value)
            painter.setPen(QPen(QColor(AXIS_COLOUR), 1))
            painter.drawLine(QLineF(area.left() - TICK_PX, y, area.left(), y))
            painter.setPen(text)
            words = QRectF(TITLE_PX, y - 9, area.left() - TICK_PX - 3 - TITLE_PX, 18)
            painter.drawText(words, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, value_label(value))
        painter.setPen(text)
        for band in picture.bands:
            low, high = max(band.low, picture.ticked[0]), min(band.high, picture.ticked[1])
            y = scale.y((low + high) / 2)
            words = QRectF(area.right() + TICK_PX + 3, y - 9, RIGHT_AXIS_PX - TICK_PX - 6, 18)
            painter.drawText(words, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, band.name)
        painter.save()
        painter.translate(TITLE_PX / 2 + 2, area.center().y())
        painter.rotate(-90)
        upright = QRectF(-area.height() / 2, -TITLE_PX / 2, area.height(), TITLE_PX)
        painter.drawText(upright, Qt.AlignmentFlag.AlignCenter, picture.title)
        painter.restore()
        if picture.dated:
            self._paint_dates(painter, area, scale)

    def _paint_dates(self, painter: QPainter, area: QRectF, scale: Scale) -> None:
        spacing, ticks = day_ticks(*self.picture.span, area.width())
        painter.setPen(QPen(QColor(AXIS_COLOUR), 1))
        painter.drawLine(QLineF(area.bottomLeft(), area.bottomRight()))
        for moment in ticks:
            x = scale.x(moment)
            painter.setPen(QPen(QColor(AXIS_COLOUR), 1))
            painter.drawLine(QLineF(x, area.bottom(), x, area.bottom() + TICK_PX))
            painter.setPen(QPen(QColor(TEXT_COLOUR)))
            words = QRectF(x - 60, area.bottom() + TICK_PX, 120, DATE_AXIS_PX - TICK_PX)
            under = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(words, under, day_label(moment, spacing))
