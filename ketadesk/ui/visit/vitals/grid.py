"""The vitals chart's grid: solid light lines at the axes' ticks, drawn behind the readings on every paint.

pyqtgraph draws a plot's grid as part of its axis items, across the whole plot, in
translucent lines; an axis item redraws itself whenever its range moves, and with the grid in
it that one redraw took about 15 ms on the bedside VM (``python -m bench.ui profile-enter``:
``AxisItem.paint`` and ``QPicture.play``), paid by the Enter that moved the time axis. Here
the axes draw only their own strip, and this item draws the same lines itself: a score of
one-pixel opaque lines, a fraction of a millisecond, whatever moved.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

# The axis grid's look on white, without its translucency: major ticks, then minor ones.
LEVEL_COLOURS = ("#e6e6e6", "#f1f1f1")


def _pen(colour: str) -> QPen:
    pen = QPen(QColor(colour))
    pen.setCosmetic(True)  # one pixel wide however the view is scaled
    pen.setWidth(0)
    return pen


class PlotGrid(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph is untyped
    """The grid of one plot, at its bottom and left axes' ticks, behind everything else drawn in it."""

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__()
        self._plot = plot
        self._pens = tuple(_pen(c) for c in LEVEL_COLOURS)
        self.setZValue(-1000)
        box = plot.getViewBox()
        box.sigRangeChanged.connect(self._moved)
        box.sigResized.connect(self._moved)
        plot.addItem(self, ignoreBounds=True)

    def _moved(self, *_: object) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        """The whole view: the lines run from edge to edge."""
        rect: QRectF = self._plot.getViewBox().viewRect()
        return rect

    def levels(self) -> tuple[list[list[float]], list[list[float]]]:
        """Where the vertical and the horizontal lines are now, by tick level (major, then minor)."""
        box = self._plot.getViewBox()
        rect = box.viewRect()
        bottom = self._plot.getAxis("bottom").tickValues(rect.left(), rect.right(), box.width())
        left = self._plot.getAxis("left").tickValues(rect.top(), rect.bottom(), box.height())
        keep = len(self._pens)
        return [list(vs) for _, vs in bottom[:keep]], [list(vs) for _, vs in left[:keep]]

    def paint(self, painter: QPainter, *_: Any) -> None:
        """Each tick level's lines in its colour, minor under major."""
        rect = self._plot.getViewBox().viewRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        xs, ys = self.levels()
        for level in reversed(range(len(self._pens))):
            painter.setPen(self._pens[level])
            for x in xs[level] if level < len(xs) else ():
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            for y in ys[level] if level < len(ys) else ():
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
