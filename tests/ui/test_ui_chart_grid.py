"""The vitals chart's grid is its own item, at the axes' ticks, following the view; the axes draw no grid of their
own, so a move of the time axis redraws only the axis strip (the grid in the axis cost 15 ms an Enter)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketadesk.core.protocol import Protocol
from ketadesk.ui.visit.vitals.chart import VitalsChart


def _chart(qtbot: QtBot, protocol: Protocol) -> VitalsChart:
    chart = VitalsChart(protocol.alerts)
    qtbot.addWidget(chart)
    chart.resize(900, 420)
    chart.show()
    QApplication.processEvents()
    return chart


def test_the_grid_is_drawn_at_the_axes_ticks_and_follows_the_view(qtbot: QtBot, default_protocol: Protocol) -> None:
    """Both plots have one grid each; its lines are the axes' major and minor ticks, moved with the range."""
    chart = _chart(qtbot, default_protocol)
    plots = [chart.chart.getPlotItem(), chart.spo2_chart.getPlotItem()]
    assert len(chart.grids) == 2
    for plot in plots:
        for side in ("bottom", "left"):
            assert plot.getAxis(side).grid is False  # no translucent grid inside the axis items
    main, grid = plots[0], chart.grids[0]
    main.setXRange(-5, 45, padding=0)
    main.setYRange(30, 230, padding=0)
    QApplication.processEvents()
    xs, ys = grid.levels()
    assert 0 in xs[0] and 40 in xs[0] and all(-5 <= x <= 45 for level in xs for x in level)
    assert 50 in ys[0] + ys[1] and 200 in ys[0] + ys[1]
    assert grid.boundingRect() == main.getViewBox().viewRect()
    main.setXRange(-5, 95, padding=0)
    QApplication.processEvents()
    assert grid.boundingRect() == main.getViewBox().viewRect()
    assert max(grid.levels()[0][0]) > 45


def test_the_grid_shows_in_the_picture(qtbot: QtBot, default_protocol: Protocol) -> None:
    """Grabbed with the grid and without it: along a row the pictures differ in a few one-pixel columns, the lines."""
    chart = _chart(qtbot, default_protocol)
    chart.chart.getPlotItem().setXRange(-5, 45, padding=0)
    QApplication.processEvents()
    row = chart.chart.height() // 2
    shown = chart.chart.grab().toImage()
    chart.grids[0].setVisible(False)
    QApplication.processEvents()
    hidden = chart.chart.grab().toImage()
    columns = [x for x in range(shown.width()) if shown.pixelColor(x, row) != hidden.pixelColor(x, row)]
    assert 5 <= len(columns) < shown.width() // 10, columns
    assert all(shown.pixelColor(x, row).lightness() < hidden.pixelColor(x, row).lightness() for x in columns)
