"""The vital-signs chart: BP and heart rate over the visit above a SpO2 strip, read-only.

The bedside monitoring section and the physician's review draw the same chart. It draws
only from a :class:`VisitDetail` and writes nothing.

The chart's x axis is minutes from the infusion start (baseline readings are negative);
before the infusion starts it counts from the first reading.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from ketadesk.core.phases import Phase
from ketadesk.core.protocol import AlertThresholds
from ketadesk.core.records import VisitDetail
from ketadesk.core.vitals import AlertKind
from ketadesk.ui.kit.colours import ALERT_COLOUR, DBP_COLOUR, HR_COLOUR, MARKER_COLOUR, SBP_COLOUR
from ketadesk.ui.kit.times import local_time

if TYPE_CHECKING:
    import pyqtgraph as pg

    from ketadesk.ui.visit.vitals.grid import PlotGrid

SPO2_COLOUR = "#6a1b9a"
"""The SpO2 series (the kit's palette has no SpO2 colour yet; only the chart uses it)."""
# When readings run past every planned mark, the time axis grows by this many minutes at a time.
AXIS_STEP_MIN = 15


def _minutes(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 60.0


def _pen(colour: str, width: float = 2, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> object:
    import pyqtgraph as pg

    return pg.mkPen(colour, width=width, style=style)


class _Series:
    """One vital over the visit: a line and its symbols, as two plain pyqtgraph items.

    pyqtgraph's all-in-one ``PlotDataItem`` does the same drawing but costs about 0.7 ms a
    ``setData`` against 0.3 ms for the pair, and the chart redraws four series on every Enter.
    """

    def __init__(self, plot: pg.PlotItem, pen: object, symbol: str, size: int, colour: str) -> None:
        import pyqtgraph as pg

        self.line = pg.PlotCurveItem(pen=pen)
        self.symbols = pg.ScatterPlotItem(symbol=symbol, size=size, brush=pg.mkBrush(colour), pen=None)
        plot.addItem(self.line)
        plot.addItem(self.symbols)

    def setData(self, xs: list[float], ys: list[int]) -> None:  # noqa: N802 (pyqtgraph's name, kept for callers)
        """Draw the readings: the line through them and a symbol on each."""
        self.line.setData(xs, ys)
        self.symbols.setData(xs, ys)

    def getData(self) -> tuple[object, object]:  # noqa: N802
        """The x (minutes) and y values drawn, as pyqtgraph holds them."""
        xs, ys = self.line.getData()
        return xs, ys


class VitalsChart(QWidget):
    """BP and heart rate over the visit above a SpO2 strip, with alert thresholds, alert readings and
    the infusion's start, stop and planned end marked. Read-only: the mouse neither pans nor zooms.

    ``prefix`` goes in front of the children's objectNames (``vitals_chart``, ``spo2_chart``,
    ``vitals_chart_legend``) so two charts on one screen stay distinct.
    """

    def __init__(
        self,
        limits: AlertThresholds,
        parent: QWidget | None = None,
        *,
        name: str = "vitals_charts",
        prefix: str = "",
        observation_min: int = 0,
    ) -> None:
        import pyqtgraph as pg  # loaded with the first chart, so the program starts (to the board) without it

        super().__init__(parent)
        self.setObjectName(name)
        self.limits = limits
        self.observation_min = observation_min
        self._alert_rings: tuple[list[tuple[float, int]], list[tuple[float, int]]] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.chart = pg.PlotWidget(background="w")
        self.chart.setObjectName(f"{prefix}vitals_chart")
        self.chart.setAccessibleName("Chart of blood pressure and heart rate")
        self.spo2_chart = pg.PlotWidget(background="w")
        self.spo2_chart.setObjectName(f"{prefix}spo2_chart")
        self.spo2_chart.setAccessibleName("Chart of SpO2")
        self.spo2_chart.setFixedHeight(120)
        self.chart.setMinimumHeight(180)
        from ketadesk.ui.visit.vitals.grid import PlotGrid  # pyqtgraph loads with the first chart, not at start

        self.grids: list[PlotGrid] = []
        for widget in (self.chart, self.spo2_chart):
            item = widget.getPlotItem()
            item.setMouseEnabled(x=False, y=False)
            item.setMenuEnabled(False)
            item.hideButtons()
            self.grids.append(PlotGrid(item))  # not the axes' grid: each move of an axis redrew it, 15 ms
            for side in ("left", "bottom"):
                axis = item.getAxis(side)
                axis.setPen(pg.mkPen("#616161"))
                axis.setTextPen(pg.mkPen("#212121"))
                # The axis is kept as a pixmap, redrawn only when it changes (range, size, title), not on every repaint.
                axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item.getAxis("left").setWidth(52)
        self.spo2_chart.setXLink(self.chart)
        main = self.chart.getPlotItem()
        main.setLabel("left", "mmHg · beats/min")
        main.getAxis("bottom").setStyle(showValues=True)
        self.curves = {
            "sbp": _Series(main, _pen(SBP_COLOUR), "t", 9, SBP_COLOUR),
            "dbp": _Series(main, _pen(DBP_COLOUR), "t1", 9, DBP_COLOUR),
            "hr": _Series(main, _pen(HR_COLOUR, 1.5, Qt.PenStyle.DashLine), "o", 6, HR_COLOUR),
        }
        self.alert_points = pg.ScatterPlotItem(size=16, symbol="o", pen=pg.mkPen(ALERT_COLOUR, width=2.5), brush=None)
        main.addItem(self.alert_points)
        spo2 = self.spo2_chart.getPlotItem()
        spo2.setLabel("left", "SpO2 %")
        self.curves["spo2"] = _Series(spo2, _pen(SPO2_COLOUR), "s", 6, SPO2_COLOUR)
        self.spo2_alert_points = pg.ScatterPlotItem(
            size=16, symbol="o", pen=pg.mkPen(ALERT_COLOUR, width=2.5), brush=None
        )
        spo2.addItem(self.spo2_alert_points)
        self._add_thresholds()
        self.start_markers = [self._marker(main), self._marker(spo2, label=False)]
        self.stop_markers = [self._marker(main, left_of_line=True, position=0.02), self._marker(spo2, label=False)]
        self.planned_end_marker = self._marker(
            main, colour="#757575", style=Qt.PenStyle.DotLine, left_of_line=True, position=0.02
        )
        # The key sits above the plot, in words and symbols, so it never hides a reading.
        self.legend = QLabel(
            f'<span style="color:{SBP_COLOUR}">▼ SBP</span> &nbsp; '
            f'<span style="color:{DBP_COLOUR}">▲ DBP</span> &nbsp; '
            f'<span style="color:{HR_COLOUR}">● HR (dashed)</span> &nbsp; '
            f'<span style="color:{SPO2_COLOUR}">■ SpO2 (lower chart)</span> &nbsp; '
            f'<span style="color:{ALERT_COLOUR}">◯ reading that raised an alert</span> &nbsp; '
            f'<span style="color:{MARKER_COLOUR}">┆ infusion start / stop (dotted: planned end)</span> &nbsp; '
            '<span style="color:#616161">- - alert thresholds (shaded: alert zone)</span>'
        )
        self.legend.setObjectName(f"{prefix}vitals_chart_legend")
        self.legend.setWordWrap(True)
        # The legend belongs to the chart, which is always drawn on white: keep it readable in dark themes.
        self.legend.setStyleSheet("background: white; padding: 3px;")
        layout.addWidget(self.legend)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.spo2_chart)

    def _add_thresholds(self) -> None:
        """Dashed lines at the protocol's alert thresholds, named, in the colour of the vital they watch."""
        import pyqtgraph as pg

        limits = self.limits
        main = self.chart.getPlotItem()
        lines = (
            (limits.sbp_at_or_above, f"SBP ≥ {limits.sbp_at_or_above}", SBP_COLOUR, 0.02),
            (limits.sbp_below, f"SBP < {limits.sbp_below}", SBP_COLOUR, 0.02),
            (limits.dbp_at_or_above, f"DBP ≥ {limits.dbp_at_or_above}", DBP_COLOUR, 0.02),
            (limits.hr_above, f"HR > {limits.hr_above}", HR_COLOUR, 0.98),
            (limits.hr_below, f"HR < {limits.hr_below}", HR_COLOUR, 0.98),
        )
        self.threshold_lines: dict[str, pg.InfiniteLine] = {}
        for value, text, colour, position in lines:
            self.threshold_lines[text] = self._threshold(main, value, text, colour, position)
        # The SBP alert zone is shaded too: nothing normal lives up there, so the band reads at a glance.
        band = pg.LinearRegionItem(
            values=(limits.sbp_at_or_above, 400),
            orientation="horizontal",
            movable=False,
            brush=pg.mkBrush(198, 40, 40, 22),
            pen=pg.mkPen(None),
        )
        band.setZValue(-20)
        main.addItem(band)
        spo2 = self.spo2_chart.getPlotItem()
        self.threshold_lines["spo2"] = self._threshold(
            spo2, limits.spo2_below, f"SpO2 < {limits.spo2_below}", SPO2_COLOUR, 0.02
        )
        low_band = pg.LinearRegionItem(
            values=(0, limits.spo2_below),
            orientation="horizontal",
            movable=False,
            brush=pg.mkBrush(198, 40, 40, 22),
            pen=pg.mkPen(None),
        )
        low_band.setZValue(-20)
        spo2.addItem(low_band)

    @staticmethod
    def _threshold(plot: pg.PlotItem, value: float, text: str, colour: str, position: float) -> pg.InfiniteLine:
        import pyqtgraph as pg

        anchor = (0, 1) if position < 0.5 else (1, 1)  # the label sits just above the line, inside the plot
        options = {
            "position": position,
            "color": colour,
            "anchors": [anchor, anchor],
            "fill": pg.mkBrush(255, 255, 255, 200),
        }
        line = pg.InfiniteLine(
            pos=value, angle=0, movable=False, pen=_pen(colour, 1, Qt.PenStyle.DashLine), label=text, labelOpts=options
        )
        line.setZValue(-10)
        plot.addItem(line, ignoreBounds=True)
        return line

    @staticmethod
    def _marker(
        plot: pg.PlotItem,
        *,
        label: bool = True,
        colour: str = MARKER_COLOUR,
        style: Qt.PenStyle = Qt.PenStyle.DashDotLine,
        left_of_line: bool = False,
        position: float = 0.97,
    ) -> pg.InfiniteLine:
        # Labels of the stop and planned-end lines sit left of the line (they are near the right edge) and at the
        # foot of the chart, where readings seldom are, so they neither cover the start label nor an SBP alert.
        import pyqtgraph as pg

        anchor = (1, 1) if left_of_line else (0, 0)
        options = {
            "position": position,
            "color": colour,
            "anchors": [anchor, anchor],
            "fill": pg.mkBrush(255, 255, 255, 220),
        }
        line = pg.InfiniteLine(
            pos=0,
            angle=90,
            movable=False,
            pen=_pen(colour, 2, style),
            label="" if label else None,
            labelOpts=options if label else None,
        )
        line.setVisible(False)
        plot.addItem(line, ignoreBounds=True)
        return line

    def draw(self, detail: VisitDetail) -> None:
        """Redraw every curve, alert ring and marker from the visit's current readings and events."""
        readings = detail.vitals
        started = detail.event_time(Phase.INFUSING)
        stopped = detail.infusion_stopped_at
        origin = started or (readings[0].vitals.taken_at if readings else None)
        xs = [_minutes(r.vitals.taken_at, origin) for r in readings] if origin else []
        self.curves["sbp"].setData(xs, [r.vitals.sbp for r in readings])
        self.curves["dbp"].setData(xs, [r.vitals.dbp for r in readings])
        self.curves["hr"].setData(xs, [r.vitals.hr for r in readings])
        self.curves["spo2"].setData(xs, [r.vitals.spo2 for r in readings])
        fields = {
            AlertKind.SBP_HIGH: "sbp",
            AlertKind.SBP_LOW: "sbp",
            AlertKind.DBP_HIGH: "dbp",
            AlertKind.HR_HIGH: "hr",
            AlertKind.HR_LOW: "hr",
        }
        points = [
            (x, getattr(r.vitals, fields[a]))
            for x, r in zip(xs, readings, strict=True)
            for a in r.alerts
            if a in fields
        ]
        low = [(x, r.vitals.spo2) for x, r in zip(xs, readings, strict=True) if AlertKind.SPO2_LOW in r.alerts]
        if (points, low) != self._alert_rings:  # most readings raise no alert: leave the rings as they are
            self._alert_rings = (points, low)
            self.alert_points.setData([p[0] for p in points], [p[1] for p in points])
            self.spo2_alert_points.setData([p[0] for p in low], [p[1] for p in low])

        main = self.chart.getPlotItem()
        label = "Minutes from infusion start" if started else "Minutes from first reading (infusion not started)"
        if self.spo2_chart.getPlotItem().getAxis("bottom").labelText != label:
            # One axis title under both charts; set only when it changes, as pyqtgraph redraws the axis each time.
            self.spo2_chart.getPlotItem().setLabel("bottom", label)
        marks: list[float] = []
        for line in self.start_markers:
            line.setVisible(started is not None)
            line.setPos(0)
        if started is not None:
            marks.append(0.0)
            self.start_markers[0].label.setFormat(f"Start {local_time(started)}")
        early = detail.stopped_early
        stop_x = _minutes(stopped, origin) if stopped is not None and origin is not None else None
        for line in self.stop_markers:
            line.setVisible(stop_x is not None)
            if stop_x is not None:
                line.setPos(stop_x)
        if stop_x is not None:
            marks.append(stop_x)
            what = "Stopped early" if early else "Stop"
            self.stop_markers[0].label.setFormat(f"{what} {local_time(stopped)}")
        planned_end = None
        if stop_x is None and started is not None and detail.dose is not None:
            planned_end = float(detail.dose.duration_min)  # show the whole planned infusion while it runs
            marks.append(planned_end)
            end_time = started + timedelta(minutes=detail.dose.duration_min)
            self.planned_end_marker.setVisible(True)  # before the text: a hidden label ignores new text
            self.planned_end_marker.setPos(planned_end)
            self.planned_end_marker.label.setFormat(f"Planned end {local_time(end_time)}")
        else:
            self.planned_end_marker.setVisible(False)
        if stop_x is not None and self.observation_min:
            # After the stop the time axis reaches to the end of the planned observation, so the nurse sees how
            # much is left and the axes stay put as readings come in (a moving axis is redrawn on every reading).
            marks.append(stop_x + self.observation_min)
        left = min([*xs, *marks, 0.0]) - 3
        right = max([*marks, left + 20]) + 3
        if xs and max(xs) + 3 > right:
            # Readings past every planned mark (an overrun, a long observation): grow in whole steps, so the
            # axes are redrawn once a step rather than with every reading.
            right += math.ceil((max(xs) + 3 - right) / AXIS_STEP_MIN) * AXIS_STEP_MIN
        main.setXRange(left, right, padding=0)
        top = max([230, *(r.vitals.sbp + 25 for r in readings)])  # headroom for the start label
        bottom = min([30, *(r.vitals.hr - 10 for r in readings), *(r.vitals.dbp - 10 for r in readings)])
        main.setYRange(bottom, top, padding=0)
        self.spo2_chart.getPlotItem().setYRange(min([84, *(r.vitals.spo2 - 3 for r in readings)]), 101, padding=0)
