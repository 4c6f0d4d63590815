"""One alert reading waiting for a nurse's acknowledgement, with the note of the action taken."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ketadesk.core.records import VitalsRecord
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import ALERT_COLOUR
from ketadesk.ui.kit.times import local_time

ALERT_TEXT_STYLE = f"color: {ALERT_COLOUR}; font-weight: bold;"


class AlertRow(QWidget):
    """One alert reading waiting for acknowledgement: what it was, an action note, Acknowledge."""

    def __init__(self, record: VitalsRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setObjectName(f"alert_row_{record.id}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        v = record.vitals
        words = ", ".join(a.label for a in record.alerts)
        self.label = QLabel(
            f"⚠ {local_time(v.taken_at)}  {words} — BP {v.sbp}/{v.dbp}, HR {v.hr}, SpO2 {v.spo2} %, RR {v.rr}"
        )
        self.label.setObjectName(f"alert_text_{record.id}")
        self.label.setStyleSheet(ALERT_TEXT_STYLE)
        self.note = QLineEdit()
        self.note.setObjectName(f"alert_note_{record.id}")
        self.note.setAccessibleName(f"Action taken for the {local_time(v.taken_at)} alert")
        self.note.setPlaceholderText("Action taken (e.g. rechecked in 5 min, physician informed)")
        self.note.setMinimumWidth(300)
        self.button = widgets.button(f"alert_ack_{record.id}", "Acknowledge")
        self.button.setAccessibleName(f"Acknowledge the {local_time(v.taken_at)} alert")
        layout.addWidget(self.label)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.button)
