"""Every reading of the visit in a table and a chart, and each alert with what was done about it.

The alerts box also lists the physician's acknowledgements of protocol overrides (a
baseline BP above the limit, a dose outside the rules); the discharge override is shown with
the discharge.
"""

from __future__ import annotations

from ketadesk.clinic import Clinic
from ketadesk.core import readiness
from ketadesk.core.orders import order_line, request_line
from ketadesk.core.records import Acknowledgement, VisitDetail
from ketadesk.core.vitals import CONFIRMED_EXTREME
from ketadesk.ui.kit.colours import ALERT_COLOUR
from ketadesk.ui.kit.lines import ERROR_STYLE
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.review.page import Box, Entry, EntryList, text, when
from ketadesk.ui.visit.vitals.chart import VitalsChart
from ketadesk.ui.visit.vitals.table import (
    confirmed_extreme_text,
    fill_readings_table,
    fit_table_height,
    make_readings_table,
)

# Physician acknowledgements of protocol overrides, as the review names them.
OVERRIDES = {
    readiness.BASELINE_BP: "Baseline BP above the limit",
    readiness.DOSE_OVERRIDE: "Dose outside the protocol's rules",
    readiness.DISCHARGE_OVERRIDE: "Discharge with criteria unmet",
}


class ReadingsBox(Box):
    """The readings in time order, a line saying how many crossed a threshold, and the chart."""

    def __init__(self, clinic: Clinic, names: NameBook) -> None:
        super().__init__("review_vitals", "Vital signs")
        self.clinic = clinic
        self.names = names
        self.summary = text("review_vitals_summary")
        self.column.addWidget(self.summary)
        self.table = make_readings_table("review_readings_table", "Vital signs readings, in time order")
        self.column.addWidget(self.table)
        self.chart = VitalsChart(clinic.protocol.alerts, name="review_chart", prefix="review_")
        self.chart.setFixedHeight(440)
        self.column.addWidget(self.chart)

    def draw(self, detail: VisitDetail) -> None:
        """Fill the table and the chart; say how many alerts nobody acknowledged."""
        visit_id = detail.summary.id
        pending = {r.id for r in self.clinic.visits.unacknowledged_alerts(visit_id)}
        fill_readings_table(self.table, detail, pending, newest_first=False, name=self.names.name)
        fit_table_height(self.table)
        self.chart.draw(detail)
        count = len(detail.vitals)
        alerts = sum(1 for r in detail.vitals if r.alerts)
        extremes = sum(1 for r in detail.vitals if r.confirmed_extremes)
        baseline = detail.baseline
        parts = [
            f"{count} reading{'s' if count != 1 else ''}, in time order",
            f"{alerts} with an alert" if alerts else "none crossed an alert threshold",
        ]
        if extremes:
            parts.append(f"{extremes} {CONFIRMED_EXTREME} value{'s' if extremes != 1 else ''} (confirmed at entry)")
        if baseline is not None:
            parts.append(f"baseline {baseline.vitals.sbp}/{baseline.vitals.dbp}, HR {baseline.vitals.hr}")
        if pending:
            parts.append(f"{len(pending)} alert{'s' if len(pending) != 1 else ''} NOT acknowledged")
        self.summary.setText(" · ".join(parts))
        self.summary.setStyleSheet(ERROR_STYLE if pending else "")


class AlertsBox(Box):
    """Each reading that crossed a threshold with its acknowledgements, then the overrides a physician acknowledged."""

    def __init__(self, names: NameBook) -> None:
        super().__init__("review_alerts_box", "Alerts and acknowledgements")
        self.names = names
        self.alerts = EntryList("review_alerts", "No reading crossed an alert threshold; no protocol override.")
        self.column.addWidget(self.alerts)
        self.column.addStretch(1)

    def draw(self, detail: VisitDetail) -> None:
        """Show the alerts and the overrides of the visit."""
        self.alerts.show_entries(self._entries(detail))

    def _entries(self, detail: VisitDetail) -> list[Entry]:
        day = detail.summary.scheduled_date
        entries: list[Entry] = []
        alert_acks: dict[int, list[Acknowledgement]] = {}
        overrides: list[Acknowledgement] = []
        for ack in detail.acknowledgements:
            if ack.subject in OVERRIDES:
                if ack.subject != readiness.DISCHARGE_OVERRIDE:  # shown with the discharge
                    overrides.append(ack)
            elif ack.subject_id is not None:
                alert_acks.setdefault(ack.subject_id, []).append(ack)
        for record in detail.vitals:
            if not record.alerts:
                continue
            v = record.vitals
            words = ", ".join(a.label for a in record.alerts)
            head = f"⚠ {when(v.taken_at, day)}  {words} — BP {v.sbp}/{v.dbp}, HR {v.hr}, SpO2 {v.spo2} %, RR {v.rr}"
            if record.confirmed_extremes:
                head += f" ({confirmed_extreme_text(record)})"
            acks = alert_acks.get(record.id, [])
            if acks:
                body = "\n".join(f"Acknowledged {when(a.at, day)} by {self.names.name(a.by)}: {a.note}" for a in acks)
                entries.append(Entry(head, body, f"color: {ALERT_COLOUR};"))
            else:
                entries.append(Entry(head, "NOT ACKNOWLEDGED", f"color: {ALERT_COLOUR};"))
        for ack in overrides:
            entries.append(
                Entry(
                    f"Physician acknowledgement — {OVERRIDES[ack.subject]}",
                    f"“{ack.note}” — {self.names.name(ack.by)}, {when(ack.at, day)}"
                    + (f" (at the bedside; entered by {self.names.name(ack.entered_by)})" if ack.entered_by else ""),
                )
            )
        for request in detail.approval_requests:
            style = f"color: {ALERT_COLOUR};" if request.pending else ""
            entries.append(Entry(f"Approval request — {request.label}", request_line(request, self.names.name), style))
        for order in detail.verbal_orders:
            head = f"{order.mode.label} — {order.label} — {order.status_word.upper()}"
            style = f"color: {ALERT_COLOUR};" if order.outstanding else ""
            entries.append(Entry(head, order_line(order, self.names.name), style))
        return entries
