"""Marks of a fixed size on a chart: the scores, the baseline's ring, the doses, the early stops' amounts.

pyqtgraph's ``ScatterPlotItem`` renders each symbol into an atlas and keeps a record per
point, which costs more to build and first paint than the rest of a course chart. A course
draws a few hundred plain marks in one colour, so one item paints them all: each point's
place is mapped to the screen and its circle, square or diamond drawn there in pixels, so
it keeps its size however long the course's time axis is.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QPainter, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget


class Mark(Enum):
    """The shape drawn at each point."""

    CIRCLE = "o"
    SQUARE = "s"
    DIAMOND = "d"


class Dots(QGraphicsItem):
    """``xs``/``ys`` in the chart's values, each drawn as ``mark`` ``size`` pixels across."""

    def __init__(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        *,
        mark: Mark,
        size: float,
        pen: QPen | None = None,
        brush: QBrush | None = None,
    ) -> None:
        super().__init__()
        self.xs = [float(x) for x in xs]
        self.ys = [float(y) for y in ys]
        self.mark = mark
        self.size = size
        self.pen = pen or QPen(QBrush(), 0)
        self.brush = brush or QBrush()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresParentOpacity, False)

    def getData(self) -> tuple[list[float], list[float]]:  # noqa: N802 (pyqtgraph's name for an item's points)
        """The points drawn, as pyqtgraph's items give them."""
        return list(self.xs), list(self.ys)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        """The points' extent in the chart's values (the marks' pixels around them are drawn unclipped)."""
        if not self.xs:
            return QRectF()
        left, right, low, high = min(self.xs), max(self.xs), min(self.ys), max(self.ys)
        return QRectF(left, low, max(right - left, 1e-9), max(high - low, 1e-9))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Each mark at its point's place on the screen, in pixels."""
        if not self.xs:
            return
        to_screen = painter.worldTransform()
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.pen)
        painter.setBrush(self.brush)
        half = self.size / 2
        for x, y in zip(self.xs, self.ys, strict=True):
            at = to_screen.map(QPointF(x, y))
            if self.mark is Mark.CIRCLE:
                painter.drawEllipse(at, half, half)
            elif self.mark is Mark.SQUARE:
                painter.drawRect(QRectF(at.x() - half, at.y() - half, self.size, self.size))
            else:
                painter.drawPolygon(
                    QPolygonF(
                        [
                            QPointF(at.x(), at.y() - half),
                            QPointF(at.x() + half, at.y()),
                            QPointF(at.x(), at.y() + half),
                            QPointF(at.x() - half, at.y()),
                        ]
                    )
                )
        painter.restore()
