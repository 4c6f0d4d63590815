"""Monitoring: the keyboard vitals row, every reading in a table and a chart, alerts, and the pump.

The section draws only from the :class:`VisitView` the workspace hands to ``refresh`` and
writes only through the clinic API. ``refresh`` runs once a second, so it compares what it
last drew (reading ids, acknowledgements, infusion times) and redraws the table and chart
only when those changed; it never touches what the user is typing.

The table shows the newest reading first, so the latest set is visible without scrolling.
The chart's x axis is minutes from the infusion start (baseline readings are negative);
before the infusion starts it counts from the first reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic, VisitView
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitDetail, VitalsRecord
from ketadesk.core.timers import format_duration
from ketadesk.core.vitals import AlertKind
from ketadesk.ui.common import ERROR_STYLE, OK_STYLE, MessageLine, SectionBase, attempt, local_time
from ketadesk.ui.vitals_row import VitalsRow

ALERT_COLOUR = "#c62828"
ALERT_BACKGROUND = "#ffebee"
SBP_COLOUR = "#b71c1c"
DBP_COLOUR = "#1565c0"
HR_COLOUR = "#2e7d32"
SPO2_COLOUR = "#6a1b9a"
MARKER_COLOUR = "#424242"

# A pump and the workstation do not agree to the second; a stop this close to the planned
# end is the infusion completing, anything earlier is an early stop and needs a reason.
STOP_GRACE = timedelta(minutes=1)

# Phases in which a reading may be recorded (the clinic API decides; this only greys the row out).
RECORDING_PHASES = frozenset({Phase.PRE_ASSESSMENT, Phase.INFUSING, Phase.STOPPED_EARLY, Phase.OBSERVATION,
                              Phase.READY_FOR_DISCHARGE})

COLUMNS = ("Time", "SBP", "DBP", "HR", "SpO2", "RR", "Temp", "By", "Alerts")

# Which table column an alert points at, and which way the value went.
ALERT_CELLS: dict[AlertKind, tuple[int, str]] = {
    AlertKind.SBP_HIGH: (1, "↑"),
    AlertKind.SBP_LOW: (1, "↓"),
    AlertKind.DBP_HIGH: (2, "↑"),
    AlertKind.HR_HIGH: (3, "↑"),
    AlertKind.HR_LOW: (3, "↓"),
    AlertKind.SPO2_LOW: (4, "↓"),
    AlertKind.RR_LOW: (5, "↓"),
    AlertKind.RR_HIGH: (5, "↑"),
}


def _minutes(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 60.0


def infusion_stop(detail: VisitDetail) -> tuple[datetime | None, bool]:
    """When the pump stopped (the first stop or observation event) and whether it was stopped early."""
    for event in detail.events:
        if event.phase in (Phase.STOPPED_EARLY, Phase.OBSERVATION):
            return event.at, event.phase is Phase.STOPPED_EARLY
    return None, False


def _pen(colour: str, width: float = 2, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> object:
    return pg.mkPen(colour, width=width, style=style)


@dataclass(frozen=True, slots=True)
class _ChartKey:
    """What the chart was last drawn from; equal keys mean nothing to redraw."""

    readings: tuple[int, ...]
    started: datetime | None
    stopped: datetime | None
    planned_min: int | None


class StopEarlyDialog(QDialog):
    """Asks why the infusion stops before its planned end, and stops it; stays open on a refusal."""

    def __init__(self, clinic: Clinic, visit_id: int, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stop_early_dialog")
        self.setWindowTitle("Stop the infusion early")
        self.clinic = clinic
        self.visit_id = visit_id
        self.result_changes: Changes | None = None
        layout = QVBoxLayout(self)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.reason = QLineEdit()
        self.reason.setObjectName("stop_early_reason")
        self.reason.setAccessibleName("Reason for stopping early")
        self.reason.setPlaceholderText("e.g. distressing dissociation, patient asked to stop")
        self.reason.setMinimumWidth(380)
        self.reason.returnPressed.connect(self.stop)
        layout.addWidget(self.reason)
        self.message = MessageLine("stop_early_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Stop infusion now")
        ok.setObjectName("stop_early_confirm")
        ok.setAutoDefault(False)
        buttons.accepted.connect(self.stop)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def stop(self) -> None:
        """Stop the pump early with the typed reason; a refusal keeps the dialog and the text."""
        changes = attempt(self.message, lambda: self.clinic.stop_infusion(self.visit_id, early=True,
                                                                           reason=self.reason.text()))
        if changes is not None:
            self.result_changes = changes
            self.accept()


class _AlertRow(QWidget):
    """One alert reading waiting for acknowledgement: what it was, an action note, Acknowledge."""

    def __init__(self, record: VitalsRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setObjectName(f"alert_row_{record.id}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        v = record.vitals
        words = ", ".join(a.label for a in record.alerts)
        self.label = QLabel(f"⚠ {local_time(v.taken_at)}  {words} — BP {v.sbp}/{v.dbp}, HR {v.hr}, "
                            f"SpO2 {v.spo2} %, RR {v.rr}")
        self.label.setObjectName(f"alert_text_{record.id}")
        self.label.setStyleSheet(f"color: {ALERT_COLOUR}; font-weight: bold;")
        self.note = QLineEdit()
        self.note.setObjectName(f"alert_note_{record.id}")
        self.note.setAccessibleName(f"Action taken for the {local_time(v.taken_at)} alert")
        self.note.setPlaceholderText("Action taken (e.g. rechecked in 5 min, physician informed)")
        self.note.setMinimumWidth(300)
        self.button = QPushButton("Acknowledge")
        self.button.setObjectName(f"alert_ack_{record.id}")
        self.button.setAccessibleName(f"Acknowledge the {local_time(v.taken_at)} alert")
        layout.addWidget(self.label)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.button)


class MonitoringSection(SectionBase):
    """Vitals entry, readings table and chart, alert acknowledgement, and starting and stopping the infusion."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("monitoring_section")
        self.setAccessibleName("Monitoring")
        self._chart_key: _ChartKey | None = None
        self._alerts_key: tuple[object, ...] | None = None
        self._blockers_key: tuple[object, ...] | None = None
        self._blockers: list[str] = []
        self.alert_rows: dict[int, _AlertRow] = {}
        self.stop_dialog: StopEarlyDialog | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addLayout(self._build_infusion_bar())
        self.start_blockers = QLabel()
        self.start_blockers.setObjectName("start_blockers")
        self.start_blockers.setAccessibleName("What stops the infusion from starting")
        self.start_blockers.setWordWrap(True)
        outer.addWidget(self.start_blockers)
        self.infusion_message = MessageLine("infusion_message")
        outer.addWidget(self.infusion_message)

        self.vitals_row = VitalsRow(clinic, visit_id, self, name="vitals_row")
        self.vitals_row.setAccessibleName("Vital signs entry")
        self.vitals_row.committed.connect(self.emit_changes)
        outer.addWidget(self.vitals_row)

        outer.addWidget(self._build_alerts_panel())

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("monitoring_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_table())
        splitter.addWidget(self._build_charts())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([190, 420])  # about six readings visible above the chart
        outer.addWidget(splitter, 1)

        self.refresh(clinic.visit(visit_id))

    # ------------------------------------------------------------------ building

    def _build_infusion_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.infusion_status = QLabel()
        self.infusion_status.setObjectName("infusion_status")
        self.infusion_status.setAccessibleName("Infusion status")
        font = self.infusion_status.font()
        font.setBold(True)
        self.infusion_status.setFont(font)
        bar.addWidget(self.infusion_status, 1)
        self.start_button = QPushButton("Start infusion")
        self.start_button.setObjectName("start_infusion_button")
        self.start_button.setAccessibleName("Start infusion")
        self.start_button.clicked.connect(self.start_infusion)
        self.stop_button = QPushButton("Stop infusion (completed)")
        self.stop_button.setObjectName("stop_infusion_button")
        self.stop_button.setAccessibleName("Stop infusion, completed")
        self.stop_button.clicked.connect(self.stop_infusion)
        self.stop_early_button = QPushButton("Stop early…")
        self.stop_early_button.setObjectName("stop_early_button")
        self.stop_early_button.setAccessibleName("Stop the infusion early, with a reason")
        self.stop_early_button.clicked.connect(self._stop_early_clicked)
        for button in (self.start_button, self.stop_button, self.stop_early_button):
            bar.addWidget(button)
        return bar

    def _build_alerts_panel(self) -> QGroupBox:
        self.alerts_panel = QGroupBox("Alerts waiting for acknowledgement")
        self.alerts_panel.setObjectName("alerts_panel")
        self.alerts_panel.setAccessibleName("Alerts waiting for acknowledgement")
        self.alerts_panel.setStyleSheet(f"QGroupBox#alerts_panel {{ border: 2px solid {ALERT_COLOUR}; "
                                        f"border-radius: 4px; margin-top: 1.2em; padding: 4px; }} "
                                        f"QGroupBox#alerts_panel::title {{ color: {ALERT_COLOUR}; "
                                        f"subcontrol-origin: margin; left: 8px; }}")
        self.alerts_layout = QVBoxLayout(self.alerts_panel)
        self.alerts_message = MessageLine("alerts_message")
        self.alerts_layout.addWidget(self.alerts_message)
        self.alerts_panel.hide()
        return self.alerts_panel

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("readings_table")
        table.setAccessibleName("Vital signs readings, newest first")
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        table.setMinimumHeight(110)
        self.readings_table = table
        return table

    def _build_charts(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.chart = pg.PlotWidget(background="w")
        self.chart.setObjectName("vitals_chart")
        self.chart.setAccessibleName("Chart of blood pressure and heart rate")
        self.spo2_chart = pg.PlotWidget(background="w")
        self.spo2_chart.setObjectName("spo2_chart")
        self.spo2_chart.setAccessibleName("Chart of SpO2")
        self.spo2_chart.setFixedHeight(120)
        self.chart.setMinimumHeight(180)
        for widget in (self.chart, self.spo2_chart):
            item = widget.getPlotItem()
            item.setMouseEnabled(x=False, y=False)
            item.setMenuEnabled(False)
            item.hideButtons()
            item.showGrid(x=True, y=True, alpha=0.15)
            for side in ("left", "bottom"):
                axis = item.getAxis(side)
                axis.setPen(pg.mkPen("#616161"))
                axis.setTextPen(pg.mkPen("#212121"))
            item.getAxis("left").setWidth(52)
        self.spo2_chart.setXLink(self.chart)
        main = self.chart.getPlotItem()
        main.setLabel("left", "mmHg · beats/min")
        main.getAxis("bottom").setStyle(showValues=True)
        self.curves = {
            "sbp": main.plot([], [], name="SBP ▼", pen=_pen(SBP_COLOUR), symbol="t", symbolSize=9,
                             symbolBrush=SBP_COLOUR, symbolPen=None),
            "dbp": main.plot([], [], name="DBP ▲", pen=_pen(DBP_COLOUR), symbol="t1", symbolSize=9,
                             symbolBrush=DBP_COLOUR, symbolPen=None),
            "hr": main.plot([], [], name="HR ●", pen=_pen(HR_COLOUR, 1.5, Qt.PenStyle.DashLine), symbol="o",
                            symbolSize=6, symbolBrush=HR_COLOUR, symbolPen=None),
        }
        self.alert_points = pg.ScatterPlotItem(size=16, symbol="o", pen=pg.mkPen(ALERT_COLOUR, width=2.5),
                                               brush=None)
        main.addItem(self.alert_points)
        spo2 = self.spo2_chart.getPlotItem()
        spo2.setLabel("left", "SpO2 %")
        self.curves["spo2"] = spo2.plot([], [], pen=_pen(SPO2_COLOUR), symbol="s", symbolSize=6,
                                        symbolBrush=SPO2_COLOUR, symbolPen=None)
        self.spo2_alert_points = pg.ScatterPlotItem(size=16, symbol="o", pen=pg.mkPen(ALERT_COLOUR, width=2.5),
                                                    brush=None)
        spo2.addItem(self.spo2_alert_points)
        self._add_thresholds()
        self.start_markers = [self._marker(main), self._marker(spo2, label=False)]
        self.stop_markers = [self._marker(main, left_of_line=True, position=0.02), self._marker(spo2, label=False)]
        self.planned_end_marker = self._marker(main, colour="#757575", style=Qt.PenStyle.DotLine, left_of_line=True,
                                               position=0.02)
        # The key sits above the plot, in words and symbols, so it never hides a reading.
        self.chart_legend = QLabel(
            f'<span style="color:{SBP_COLOUR}">▼ SBP</span> &nbsp; '
            f'<span style="color:{DBP_COLOUR}">▲ DBP</span> &nbsp; '
            f'<span style="color:{HR_COLOUR}">● HR (dashed)</span> &nbsp; '
            f'<span style="color:{SPO2_COLOUR}">■ SpO2 (lower chart)</span> &nbsp; '
            f'<span style="color:{ALERT_COLOUR}">◯ reading that raised an alert</span> &nbsp; '
            f'<span style="color:{MARKER_COLOUR}">┆ infusion start / stop (dotted: planned end)</span> &nbsp; '
            '<span style="color:#616161">- - alert thresholds (shaded: alert zone)</span>')
        self.chart_legend.setObjectName("vitals_chart_legend")
        self.chart_legend.setWordWrap(True)
        # The legend belongs to the chart, which is always drawn on white: keep it readable in dark themes.
        self.chart_legend.setStyleSheet("background: white; padding: 3px;")
        layout.addWidget(self.chart_legend)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.spo2_chart)
        return box

    def _add_thresholds(self) -> None:
        """Dashed lines at the protocol's alert thresholds, named, in the colour of the vital they watch."""
        limits = self.clinic.protocol.alerts
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
        band = pg.LinearRegionItem(values=(limits.sbp_at_or_above, 400), orientation="horizontal", movable=False,
                                   brush=pg.mkBrush(198, 40, 40, 22), pen=pg.mkPen(None))
        band.setZValue(-20)
        main.addItem(band)
        spo2 = self.spo2_chart.getPlotItem()
        self.threshold_lines["spo2"] = self._threshold(spo2, limits.spo2_below, f"SpO2 < {limits.spo2_below}",
                                                       SPO2_COLOUR, 0.02)
        low_band = pg.LinearRegionItem(values=(0, limits.spo2_below), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(198, 40, 40, 22), pen=pg.mkPen(None))
        low_band.setZValue(-20)
        spo2.addItem(low_band)

    @staticmethod
    def _threshold(plot: pg.PlotItem, value: float, text: str, colour: str, position: float) -> pg.InfiniteLine:
        anchor = (0, 1) if position < 0.5 else (1, 1)  # the label sits just above the line, inside the plot
        options = {"position": position, "color": colour, "anchors": [anchor, anchor],
                   "fill": pg.mkBrush(255, 255, 255, 200)}
        line = pg.InfiniteLine(pos=value, angle=0, movable=False, pen=_pen(colour, 1, Qt.PenStyle.DashLine),
                               label=text, labelOpts=options)
        line.setZValue(-10)
        plot.addItem(line, ignoreBounds=True)
        return line

    @staticmethod
    def _marker(plot: pg.PlotItem, *, label: bool = True, colour: str = MARKER_COLOUR,
                style: Qt.PenStyle = Qt.PenStyle.DashDotLine, left_of_line: bool = False,
                position: float = 0.97) -> pg.InfiniteLine:
        # Labels of the stop and planned-end lines sit left of the line (they are near the right edge) and at the
        # foot of the chart, where readings seldom are, so they neither cover the start label nor an SBP alert.
        anchor = (1, 1) if left_of_line else (0, 0)
        options = {"position": position, "color": colour, "anchors": [anchor, anchor],
                   "fill": pg.mkBrush(255, 255, 255, 220)}
        line = pg.InfiniteLine(pos=0, angle=90, movable=False, pen=_pen(colour, 2, style),
                               label="" if label else None, labelOpts=options if label else None)
        line.setVisible(False)
        plot.addItem(line, ignoreBounds=True)
        return line

    # ------------------------------------------------------------------ refresh

    def reload(self) -> None:
        """Re-read the visit and redraw (for use outside the workspace)."""
        self.refresh(self.clinic.visit(self.visit_id))

    def refresh(self, view: VisitView) -> None:
        """Redraw from ``view``; cheap when nothing but the clock moved, and never touches typed text."""
        detail = view.detail
        self._refresh_buttons(view)
        self._refresh_status(view)
        ids = tuple(v.id for v in detail.vitals)
        ack_ids = tuple(a.id for a in detail.acknowledgements)
        if (ids, ack_ids) != self._alerts_key:  # the table shows acknowledgement too, so it redraws with the panel
            self._alerts_key = (ids, ack_ids)
            pending = self.clinic.unacknowledged_alerts(self.visit_id)
            self._refresh_alerts(pending)
            pending_ids = {r.id for r in pending}
            self._draw_table(detail, pending_ids)
        started = detail.event_time(Phase.INFUSING)
        stopped, _ = infusion_stop(detail)
        planned = detail.dose.duration_min if detail.dose is not None else None
        key = _ChartKey(ids, started, stopped, planned)
        if key != self._chart_key:
            self._chart_key = key
            self._draw_chart(detail, started, stopped)

    def _refresh_buttons(self, view: VisitView) -> None:
        detail = view.detail
        phase = detail.summary.phase
        self.vitals_row.setEnabled(phase in RECORDING_PHASES)
        self.start_button.setEnabled(phase is Phase.PRE_ASSESSMENT)
        self.stop_button.setEnabled(phase is Phase.INFUSING)
        self.stop_early_button.setEnabled(phase is Phase.INFUSING)
        if phase is Phase.PRE_ASSESSMENT:
            key = (detail.checklist, detail.weight_kg, detail.dose, tuple(v.id for v in detail.vitals),
                   detail.acknowledgements)
            if key != self._blockers_key:
                self._blockers_key = key
                self._blockers = self.clinic.start_blockers(self.visit_id)
            if self._blockers:
                listed = "\n".join(f"• {b}" for b in self._blockers)
                self.start_button.setToolTip(f"The infusion cannot start yet:\n{listed}")
                self.start_blockers.setText("Before the infusion can start: " + "; ".join(self._blockers) + ".")
                self.start_blockers.setStyleSheet(f"color: {ALERT_COLOUR};")
            else:
                self.start_button.setToolTip("Every pre-infusion check holds: the infusion may start.")
                self.start_blockers.setText("✓ Ready to start the infusion.")
                self.start_blockers.setStyleSheet(OK_STYLE)
            self.start_blockers.show()
        else:
            self._blockers_key = None
            self.start_blockers.hide()
            self.start_button.setToolTip("The infusion starts from pre-assessment."
                                         if phase is Phase.SCHEDULED else "The infusion has already started.")
        self.stop_button.setToolTip("Record that the infusion ran to its planned end." if phase is Phase.INFUSING
                                    else "Possible only while infusing.")
        self.stop_early_button.setToolTip("Stop before the planned end; you will be asked for the reason."
                                          if phase is Phase.INFUSING else "Possible only while infusing.")

    def _refresh_status(self, view: VisitView) -> None:
        detail, timers = view.detail, view.timers
        phase = detail.summary.phase
        started = detail.event_time(Phase.INFUSING)
        stopped, early = infusion_stop(detail)
        parts: list[str] = []
        overdue = False
        if phase is Phase.SCHEDULED:
            parts.append("Scheduled — start the pre-assessment to take the baseline")
        elif phase is Phase.PRE_ASSESSMENT:
            parts.append("Pre-assessment — readings now are the baseline")
        elif phase is Phase.INFUSING:
            parts.append(f"● INFUSING since {local_time(started)}")
            if timers.infusion_elapsed is not None:
                parts.append(f"{format_duration(timers.infusion_elapsed)} elapsed")
            if timers.infusion_remaining is not None:
                left = timers.infusion_remaining
                parts.append(f"{format_duration(left)} left" if left > timedelta(0) else "planned time reached")
        else:
            if started is not None:
                how = "stopped early" if early else "ended"
                parts.append(f"{phase.label} — infusion {local_time(started)}–{local_time(stopped)} ({how})")
            else:
                parts.append(phase.label)
            if timers.observation_remaining is not None and phase is not Phase.READY_FOR_DISCHARGE:
                if timers.observation_complete:
                    parts.append("observation minimum done")
                else:
                    parts.append(f"observation {format_duration(timers.observation_remaining)} left")
        if timers.vitals_due_in is not None:
            if timers.vitals_overdue:
                overdue = True
                parts.append(f"VITALS OVERDUE by {format_duration(-timers.vitals_due_in)}")
            else:
                parts.append(f"next vitals in {format_duration(timers.vitals_due_in)}")
        self.infusion_status.setText(" · ".join(parts))
        self.infusion_status.setStyleSheet(ERROR_STYLE if overdue else "")

    def _refresh_alerts(self, pending: list[VitalsRecord]) -> None:
        """Add rows for new alerts and drop acknowledged ones; rows that stay keep their typed notes."""
        wanted = {r.id: r for r in pending}
        for vitals_id in list(self.alert_rows):
            if vitals_id not in wanted:
                row = self.alert_rows.pop(vitals_id)
                self.alerts_layout.removeWidget(row)
                row.deleteLater()
        for record in pending:
            if record.id in self.alert_rows:
                continue
            row = _AlertRow(record, self.alerts_panel)
            row.button.clicked.connect(lambda _=False, vid=record.id: self.acknowledge(vid))
            row.note.returnPressed.connect(lambda vid=record.id: self.acknowledge(vid))
            self.alert_rows[record.id] = row
            self.alerts_layout.insertWidget(self.alerts_layout.count() - 1, row)
        if not wanted:
            self.alerts_message.clear_message()
        self.alerts_panel.setTitle(f"⚠ {len(wanted)} alert{'s' if len(wanted) != 1 else ''} waiting for "
                                   "acknowledgement — write the action taken")
        self.alerts_panel.setVisible(bool(wanted))

    def _draw_table(self, detail: VisitDetail, pending: set[int]) -> None:
        table = self.readings_table
        readings = list(reversed(detail.vitals))
        table.setRowCount(len(readings))
        bold = QFont(table.font())
        bold.setBold(True)
        for row, record in enumerate(readings):
            v = record.vitals
            when = local_time(v.taken_at)
            if record.is_baseline:
                when += " baseline"
            if record.corrects_id is not None:
                when += " (corrected)"
            values = [when, str(v.sbp), str(v.dbp), str(v.hr), str(v.spo2), str(v.rr),
                      "" if v.temp_c is None else f"{v.temp_c:.1f}", record.entered_by, ""]
            marked: dict[int, str] = {}
            for alert in record.alerts:
                column, arrow = ALERT_CELLS[alert]
                marked[column] = arrow
            if record.alerts:
                words = ", ".join(a.label for a in record.alerts)
                state = "not acknowledged" if record.id in pending else "acknowledged"
                values[-1] = f"⚠ {words} ({state})"
            for column, text in enumerate(values):
                item = QTableWidgetItem(text + (f" {marked[column]}" if column in marked else ""))
                if 0 < column < len(COLUMNS) - 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column in marked or (column == len(COLUMNS) - 1 and record.alerts):
                    item.setForeground(QBrush(QColor(ALERT_COLOUR)))
                    item.setBackground(QBrush(QColor(ALERT_BACKGROUND)))
                    item.setFont(bold)
                table.setItem(row, column, item)

    def _draw_chart(self, detail: VisitDetail, started: datetime | None, stopped: datetime | None) -> None:
        readings = detail.vitals
        origin = started or (readings[0].vitals.taken_at if readings else None)
        xs = [_minutes(r.vitals.taken_at, origin) for r in readings] if origin else []
        self.curves["sbp"].setData(xs, [r.vitals.sbp for r in readings])
        self.curves["dbp"].setData(xs, [r.vitals.dbp for r in readings])
        self.curves["hr"].setData(xs, [r.vitals.hr for r in readings])
        self.curves["spo2"].setData(xs, [r.vitals.spo2 for r in readings])
        fields = {AlertKind.SBP_HIGH: "sbp", AlertKind.SBP_LOW: "sbp", AlertKind.DBP_HIGH: "dbp",
                  AlertKind.HR_HIGH: "hr", AlertKind.HR_LOW: "hr"}
        points = [(x, getattr(r.vitals, fields[a])) for x, r in zip(xs, readings, strict=True)
                  for a in r.alerts if a in fields]
        self.alert_points.setData([p[0] for p in points], [p[1] for p in points])
        low = [(x, r.vitals.spo2) for x, r in zip(xs, readings, strict=True) if AlertKind.SPO2_LOW in r.alerts]
        self.spo2_alert_points.setData([p[0] for p in low], [p[1] for p in low])

        main = self.chart.getPlotItem()
        label = "Minutes from infusion start" if started else "Minutes from first reading (infusion not started)"
        self.spo2_chart.getPlotItem().setLabel("bottom", label)  # one axis title under both charts
        marks: list[float] = []
        for line in self.start_markers:
            line.setVisible(started is not None)
            line.setPos(0)
        if started is not None:
            marks.append(0.0)
            self.start_markers[0].label.setFormat(f"Start {local_time(started)}")
        early = any(e.phase is Phase.STOPPED_EARLY for e in detail.events)
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
        span = xs + marks
        left = min([*span, 0.0]) - 3
        right = max([*span, left + 20]) + 3
        main.setXRange(left, right, padding=0)
        top = max([230, *(r.vitals.sbp + 25 for r in readings)])  # headroom for the start label
        bottom = min([30, *(r.vitals.hr - 10 for r in readings), *(r.vitals.dbp - 10 for r in readings)])
        main.setYRange(bottom, top, padding=0)
        self.spo2_chart.getPlotItem().setYRange(min([84, *(r.vitals.spo2 - 3 for r in readings)]), 101, padding=0)

    # ------------------------------------------------------------------ actions

    def start_infusion(self) -> None:
        """Start the pump; if something still blocks it, say what, in words."""
        changes = attempt(self.infusion_message, lambda: self.clinic.start_infusion(self.visit_id))
        if changes is not None:
            self.infusion_message.ok(f"Infusion started at {local_time(self.clinic.clock.now())}.")
            self.emit_changes(changes)

    def stop_infusion(self) -> None:
        """The infusion ran its planned time: stop it. Before the planned end it is an early stop and asks why."""
        view = self.clinic.visit(self.visit_id)
        left = view.timers.infusion_remaining
        if view.detail.summary.phase is Phase.INFUSING and left is not None and left > STOP_GRACE:
            self.ask_stop_early(f"The planned infusion still has {format_duration(left)} to run, so stopping now "
                                "is an early stop. Write why it is stopped.")
            return
        changes = attempt(self.infusion_message, lambda: self.clinic.stop_infusion(self.visit_id))
        if changes is not None:
            self.infusion_message.ok(f"Infusion stopped at {local_time(self.clinic.clock.now())}; "
                                     "observation has begun.")
            self.emit_changes(changes)

    def _stop_early_clicked(self) -> None:
        self.ask_stop_early()

    def ask_stop_early(self, explanation: str = "") -> StopEarlyDialog:
        """Open the early-stop dialog (not blocking); it stops the infusion once a reason is written."""
        if self.stop_dialog is not None:
            self.stop_dialog.deleteLater()
        dialog = StopEarlyDialog(self.clinic, self.visit_id,
                                 explanation or "Stopping before the planned end needs a written reason.", self)
        dialog.accepted.connect(lambda: self._stopped_early(dialog))
        self.stop_dialog = dialog
        dialog.open()
        dialog.reason.setFocus()
        return dialog

    def _stopped_early(self, dialog: StopEarlyDialog) -> None:
        self.infusion_message.ok(f"Infusion stopped early at {local_time(self.clinic.clock.now())}: "
                                 f"{dialog.reason.text().strip()}. Observation has begun.")
        self.emit_changes(dialog.result_changes)

    def acknowledge(self, vitals_id: int) -> None:
        """Acknowledge one alert reading with the action note typed next to it."""
        row = self.alert_rows.get(vitals_id)
        if row is None:
            return
        changes = attempt(self.alerts_message,
                          lambda: self.clinic.acknowledge_alert(self.visit_id, vitals_id, row.note.text()))
        if changes is None:
            row.note.setFocus()
            return
        row.setEnabled(False)  # written: the next refresh removes the row; no second acknowledgement meanwhile
        self.emit_changes(changes)
