"""Monitoring: the keyboard vitals row, every reading in a table and a chart, alerts, and the pump.

The section draws only from the :class:`VisitView` the workspace hands to ``refresh`` and
writes only through the clinic API. ``refresh`` runs once a second, so it compares what it
last drew (reading ids, acknowledgements, infusion times) and redraws the table and chart
only when those changed; it never touches what the user is typing.

The table shows the newest reading first, so the latest set is visible without scrolling.
The table and the chart themselves are drawn by :mod:`ketadesk.ui.visit.vitals`, which the
physician's review shares. Which buttons are live is the clinic's answer (each use case's
``allowed``), never a phase set kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, VisitView
from ketadesk.core.corrections import Corrected
from ketadesk.core.dose_given import given_dose
from ketadesk.core.phases import Phase
from ketadesk.core.readiness import Blocker
from ketadesk.core.records import VisitDetail, VitalsRecord
from ketadesk.core.timers import format_duration, planned_end_passed_text, stopping_is_early
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import ALERT_COLOUR
from ketadesk.ui.kit.lines import ERROR_STYLE, OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.correcting import CorrectionActions
from ketadesk.ui.visit.monitoring.alert_row import AlertRow
from ketadesk.ui.visit.monitoring.stop_early import StopEarlyDialog
from ketadesk.ui.visit.section import SectionBase
from ketadesk.ui.visit.vitals.chart import VitalsChart
from ketadesk.ui.visit.vitals.row import VitalsRow
from ketadesk.ui.visit.vitals.table import fill_readings_table, make_readings_table


@dataclass(frozen=True, slots=True)
class _ChartKey:
    """What the chart was last drawn from; equal keys mean nothing to redraw."""

    readings: tuple[int, ...]
    started: datetime | None
    stopped: datetime | None
    planned_min: int | None


class MonitoringSection(SectionBase):
    """Vitals entry, readings table and chart, alert acknowledgement, and starting and stopping the infusion."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(clinic, visit_id, parent)
        self.setObjectName("monitoring_section")
        self.setAccessibleName("Monitoring")
        self._chart_key: _ChartKey | None = None
        self._alerts_key: tuple[object, ...] | None = None
        self._blockers_key: tuple[object, ...] | None = None
        self._blockers: list[Blocker] = []
        self.alert_rows: dict[int, AlertRow] = {}
        self.stop_dialog: StopEarlyDialog | None = None
        self._detail: VisitDetail | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addLayout(self._build_infusion_bar())
        self.start_blockers = widgets.label("start_blockers", accessible="What stops the infusion from starting")
        outer.addWidget(self.start_blockers)
        self.infusion_message = MessageLine("infusion_message")
        outer.addWidget(self.infusion_message)

        self.vitals_row = VitalsRow(clinic, visit_id, self, name="vitals_row")
        self.vitals_row.setAccessibleName("Vital signs entry")
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

        self.refresh(clinic.visits.get(visit_id))

    # ------------------------------------------------------------------ building

    def _build_infusion_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.infusion_status = widgets.label("infusion_status", bold=True, wrap=False, accessible="Infusion status")
        bar.addWidget(self.infusion_status, 1)
        self.start_button = widgets.button("start_infusion_button", "Start infusion")
        self.start_button.clicked.connect(self.start_infusion)
        self.stop_button = widgets.button("stop_infusion_button", "Stop infusion (completed)")
        self.stop_button.setAccessibleName("Stop infusion, completed")
        self.stop_button.clicked.connect(self.stop_infusion)
        self.stop_early_button = widgets.button("stop_early_button", "Stop early…")
        self.stop_early_button.setAccessibleName("Stop the infusion early, with a reason")
        self.stop_early_button.clicked.connect(self._stop_early_clicked)
        for button in (self.start_button, self.stop_button, self.stop_early_button):
            bar.addWidget(button)
        return bar

    def _build_alerts_panel(self) -> QGroupBox:
        self.alerts_panel = QGroupBox("Alerts waiting for acknowledgement")
        self.alerts_panel.setObjectName("alerts_panel")
        self.alerts_panel.setAccessibleName("Alerts waiting for acknowledgement")
        self.alerts_panel.setStyleSheet(
            f"QGroupBox#alerts_panel {{ border: 2px solid {ALERT_COLOUR}; "
            f"border-radius: 4px; margin-top: 1.2em; padding: 4px; }} "
            f"QGroupBox#alerts_panel::title {{ color: {ALERT_COLOUR}; "
            f"subcontrol-origin: margin; left: 8px; }}"
        )
        self.alerts_layout = QVBoxLayout(self.alerts_panel)
        self.alerts_message = MessageLine("alerts_message")
        self.alerts_layout.addWidget(self.alerts_message)
        self.alerts_panel.hide()
        return self.alerts_panel

    def _build_table(self) -> QWidget:
        table = make_readings_table("readings_table", "Vital signs readings, newest first")
        table.setMinimumHeight(110)
        self.readings_table = table
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(table, 1)
        self.reading_corrections = CorrectionActions(
            self.clinic, Corrected.VITALS, table, "reading", lambda: self._detail, self
        )
        column.addLayout(self.reading_corrections.buttons())
        return holder

    def _build_charts(self) -> QWidget:
        self.vitals_chart = VitalsChart(
            self.clinic.protocol.alerts,
            name="vitals_charts",
            observation_min=self.clinic.protocol.observation_minimum_min,
        )
        # The chart's parts under the names the section has always had (tests and benchmarks reach them).
        chart = self.vitals_chart
        self.chart, self.spo2_chart, self.chart_legend = chart.chart, chart.spo2_chart, chart.legend
        self.curves, self.threshold_lines = chart.curves, chart.threshold_lines
        self.alert_points, self.spo2_alert_points = chart.alert_points, chart.spo2_alert_points
        self.start_markers, self.stop_markers = chart.start_markers, chart.stop_markers
        self.planned_end_marker = chart.planned_end_marker
        return chart

    # ------------------------------------------------------------------ refresh

    def reload(self) -> None:
        """Re-read the visit and redraw (for use outside the workspace)."""
        self.refresh(self.clinic.visits.get(self.visit_id))

    def refresh(self, view: VisitView) -> None:
        """Redraw from ``view``; cheap when nothing but the clock moved, and never touches typed text."""
        detail = view.detail
        self._detail = detail
        self._refresh_buttons(view)
        self._refresh_status(view)
        ids = tuple(v.id for v in detail.vitals)
        ack_ids = tuple(a.id for a in detail.acknowledgements)
        if (ids, ack_ids) != self._alerts_key:  # the table shows acknowledgement too, so it redraws with the panel
            self._alerts_key = (ids, ack_ids)
            pending = self.clinic.visits.unacknowledged_alerts(self.visit_id)
            self._refresh_alerts(pending)
            pending_ids = {r.id for r in pending}
            self._draw_table(detail, pending_ids)
        acknowledging = bool(self.clinic.bedside.acknowledge_alert.allowed(phase=detail.summary.phase))
        for row in self.alert_rows.values():  # a signed visit's alert stays shown, its note and button locked
            row.setEnabled(acknowledging)
        started = detail.event_time(Phase.INFUSING)
        stopped = detail.infusion_stopped_at
        planned = detail.dose.duration_min if detail.dose is not None else None
        key = _ChartKey(ids, started, stopped, planned)
        if key != self._chart_key:
            self._chart_key = key
            self._draw_chart(detail)
        if self.stop_dialog is not None and self.stop_dialog.isVisible():
            self.stop_dialog.refresh_estimate(detail)  # the amount it offers follows the clock until the nurse types

    def _refresh_buttons(self, view: VisitView) -> None:
        """Each button is live when the clinic would accept its use case now; a refusal says why on hover."""
        detail = view.detail
        phase = detail.summary.phase
        infusion = self.clinic.infusion
        self.vitals_row.setEnabled(bool(self.clinic.bedside.record_vitals.allowed(phase=phase)))
        self.reading_corrections.update_buttons()
        start = infusion.start_infusion.allowed(phase=phase)
        stop = infusion.stop_infusion.allowed(phase=phase)
        self.start_button.setEnabled(bool(start))
        self.stop_button.setEnabled(bool(stop))
        self.stop_early_button.setEnabled(bool(stop))
        if start:
            key = (
                detail.checklist,
                detail.weight_kg,
                detail.dose,
                tuple(v.id for v in detail.vitals),
                detail.acknowledgements,
                self.clinic.outcomes.risk_flags(detail.summary.patient_id),  # a flag raised or answered meanwhile
            )
            if key != self._blockers_key:
                self._blockers_key = key
                self._blockers = infusion.blockers(self.visit_id)
            if self._blockers:
                listed = "\n".join(f"• {b.why}" for b in self._blockers)
                self.start_button.setToolTip(f"The infusion cannot start yet:\n{listed}")
                self.start_blockers.setText(
                    "Before the infusion can start: " + "; ".join(b.why for b in self._blockers) + "."
                )
                set_style(self.start_blockers, f"color: {ALERT_COLOUR};")
            else:
                self.start_button.setToolTip("Every pre-infusion check holds: the infusion may start.")
                self.start_blockers.setText("✓ Ready to start the infusion.")
                set_style(self.start_blockers, OK_STYLE)
            self.start_blockers.show()
        else:
            self._blockers_key = None
            self.start_blockers.hide()
            self.start_button.setToolTip(start.reason)
        self.stop_button.setToolTip("Record that the infusion ran to its planned end." if stop else stop.reason)
        self.stop_early_button.setToolTip(
            "Stop before the planned end; you will be asked for the reason." if stop else stop.reason
        )

    def _refresh_status(self, view: VisitView) -> None:
        detail, timers = view.detail, view.timers
        phase = detail.summary.phase
        started = detail.event_time(Phase.INFUSING)
        stopped, early = detail.infusion_stopped_at, detail.stopped_early
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
                passed = timers.planned_end_passed
                if passed is not None:
                    overdue = True
                    parts.append(planned_end_passed_text(passed))
                else:
                    parts.append(f"{format_duration(left)} left" if left > timedelta(0) else "planned time reached")
        else:
            if started is not None:
                how = "stopped early" if early else "ended"
                parts.append(f"{phase.label} — infusion {local_time(started)}–{local_time(stopped)} ({how})")
                given = given_dose(detail)
                if given is not None:
                    parts.append(f"{given.mg:g} mg given of {given.dose.dose_mg:g} mg")
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
        set_style(self.infusion_status, ERROR_STYLE if overdue else "")

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
            row = AlertRow(record, self.alerts_panel)
            row.button.clicked.connect(lambda _=False, vid=record.id: self.acknowledge(vid))
            row.note.returnPressed.connect(lambda vid=record.id: self.acknowledge(vid))
            self.alert_rows[record.id] = row
            self.alerts_layout.insertWidget(self.alerts_layout.count() - 1, row)
        if not wanted:
            self.alerts_message.clear_message()
        self.alerts_panel.setTitle(
            f"⚠ {len(wanted)} alert{'s' if len(wanted) != 1 else ''} waiting for "
            "acknowledgement — write the action taken"
        )
        self.alerts_panel.setVisible(bool(wanted))

    def _draw_table(self, detail: VisitDetail, pending: set[int]) -> None:
        names = names_for(self.clinic).name  # the people who entered and corrected, as the review names them
        fill_readings_table(self.readings_table, detail, pending, name=names, corrector=names)
        self.reading_corrections.update_buttons()

    def _draw_chart(self, detail: VisitDetail) -> None:
        self.vitals_chart.draw(detail)

    # ------------------------------------------------------------------ actions

    def start_infusion(self) -> None:
        """Start the pump; if something still blocks it, say what, in words."""
        self.write(
            self.infusion_message,
            lambda: self.clinic.infusion.start_infusion(self.visit_id),
            then=lambda _changes: self.infusion_message.ok(
                f"Infusion started at {local_time(self.clinic.clock.now())}."
            ),
        )

    def stop_infusion(self) -> None:
        """The infusion ran its planned time: stop it. Before the planned end it is an early stop and asks why."""
        view = self.clinic.visits.get(self.visit_id)
        left = view.timers.infusion_remaining
        if view.detail.summary.phase is Phase.INFUSING and left is not None and stopping_is_early(left):
            self.ask_stop_early(
                f"The planned infusion still has {format_duration(left)} to run, so stopping now "
                "is an early stop. Write why it is stopped."
            )
            return
        self.write(
            self.infusion_message,
            lambda: self.clinic.infusion.stop_infusion(self.visit_id),
            then=lambda _changes: self.infusion_message.ok(
                f"Infusion stopped at {local_time(self.clinic.clock.now())}; observation has begun."
            ),
        )

    def _stop_early_clicked(self) -> None:
        self.ask_stop_early()

    def ask_stop_early(self, explanation: str = "") -> StopEarlyDialog:
        """Open the early-stop dialog (not blocking); it stops the infusion once a reason is written."""
        if self.stop_dialog is not None:
            self.stop_dialog.deleteLater()
        dialog = StopEarlyDialog(
            self.clinic, self.visit_id, explanation or "Stopping before the planned end needs a written reason.", self
        )
        dialog.accepted.connect(lambda: self._stopped_early(dialog))
        self.stop_dialog = dialog
        dialog.open()
        dialog.reason.setFocus()
        return dialog

    def _stopped_early(self, dialog: StopEarlyDialog) -> None:
        given = given_dose(self.clinic.visits.get(self.visit_id).detail)
        who = names_for(self.clinic).name
        amount = f" {given.mg:g} mg given — {given.basis_text(who)}." if given is not None else ""
        self.infusion_message.ok(
            f"Infusion stopped early at {local_time(self.clinic.clock.now())}: "
            f"{dialog.reason.text().strip()}.{amount} Observation has begun."
        )

    def acknowledge(self, vitals_id: int) -> None:
        """Acknowledge one alert reading with the action note typed next to it."""
        row = self.alert_rows.get(vitals_id)
        if row is None:
            return
        changes = self.write(
            self.alerts_message,
            lambda: self.clinic.bedside.acknowledge_alert(self.visit_id, vitals_id, row.note.text()),
            # written: the redraw removes the row; no second acknowledgement meanwhile
            then=lambda _changes: row.setEnabled(False),
        )
        if changes is None:
            row.note.setFocus()
