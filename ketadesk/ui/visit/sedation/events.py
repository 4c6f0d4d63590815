"""Adverse events and what was given: charted at the time they happened, interventions under their event."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, ValidationError
from ketadesk.core.events import AdverseEvent, AdverseEventKind, Intervention, Route
from ketadesk.ui.kit import widgets
from ketadesk.ui.kit.colours import INVALID_STYLE
from ketadesk.ui.kit.lines import MessageLine, set_style
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.visit.sedation.clock_time import ClockTimeEdit
from ketadesk.ui.visit.sedation.history import HistoryTree
from ketadesk.ui.visit.sedation.part import SedationPart, picker


def _tooltips(item: QTreeWidgetItem, charted: str) -> None:
    """The full line and who charted it on hover, for text a narrow column cuts short."""
    for column in range(item.columnCount()):
        item.setToolTip(column, f"{item.text(1)}\n{charted[0].upper()}{charted[1:]}")


class EventsPart(SedationPart):
    """The adverse events and interventions box of the sedation section."""

    def _build_events(self) -> QGroupBox:
        box = QGroupBox("Adverse events and what was given")
        box.setObjectName("events_group")
        layout = QVBoxLayout(box)

        event_grid = QGridLayout()
        event_grid.setColumnStretch(1, 1)
        self.adverse_kind = picker("adverse_kind", "Adverse event", "Choose what happened")
        for kind in AdverseEventKind:
            self.adverse_kind.addItem(kind.label, kind.value)
        self.adverse_kind.setCurrentIndex(-1)
        self.adverse_onset = ClockTimeEdit("adverse_onset", "Onset time")
        self.adverse_onset_now = self._now_button("adverse_onset_now", self.adverse_onset)
        self.adverse_description = widgets.line(
            "adverse_description", "Description", placeholder="What was seen (required for other)"
        )
        self.record_adverse_button = widgets.button("record_adverse_button", "Record event")
        self.record_adverse_button.clicked.connect(self.record_adverse_event)
        event_grid.addWidget(QLabel("Event"), 0, 0)
        event_grid.addWidget(self.adverse_kind, 0, 1)
        event_grid.addWidget(QLabel("Onset"), 0, 2)
        event_grid.addWidget(self.adverse_onset, 0, 3)
        event_grid.addWidget(self.adverse_onset_now, 0, 4)
        event_grid.addWidget(QLabel("Description"), 1, 0)
        event_grid.addWidget(self.adverse_description, 1, 1, 1, 3)
        event_grid.addWidget(self.record_adverse_button, 1, 4)
        layout.addLayout(event_grid)
        self.adverse_message = MessageLine("adverse_message")
        layout.addWidget(self.adverse_message)

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(rule)

        given_grid = QGridLayout()
        given_grid.setColumnStretch(1, 1)
        self.intervention_drug = widgets.line("intervention_drug", "Drug or measure", placeholder="e.g. Ondansetron")
        self.intervention_dose = widgets.line("intervention_dose", "Dose", placeholder="e.g. 4 mg")
        self.intervention_dose.setMaximumWidth(110)
        self.intervention_route = picker("intervention_route", "Route", "Route")
        self.intervention_route.setMinimumContentsLength(6)
        for route in Route:
            self.intervention_route.addItem(route.value, route.value)
        self.intervention_route.setCurrentIndex(-1)
        self.intervention_time = ClockTimeEdit("intervention_time", "Time given")
        self.intervention_time_now = self._now_button("intervention_time_now", self.intervention_time)
        self.intervention_for_event = picker("intervention_for_event", "Given for adverse event", "")
        self.intervention_note = widgets.line(
            "intervention_note", "Intervention note", placeholder="Effect, who ordered it (optional)"
        )
        self.record_intervention_button = widgets.button("record_intervention_button", "Record given")
        self.record_intervention_button.clicked.connect(self.record_intervention)
        given_grid.addWidget(QLabel("Given"), 0, 0)
        given_grid.addWidget(self.intervention_drug, 0, 1)
        given_grid.addWidget(QLabel("Dose"), 0, 2)
        given_grid.addWidget(self.intervention_dose, 0, 3, 1, 2)
        given_grid.addWidget(QLabel("For"), 1, 0)
        given_grid.addWidget(self.intervention_for_event, 1, 1)
        given_grid.addWidget(QLabel("Route"), 1, 2)
        given_grid.addWidget(self.intervention_route, 1, 3, 1, 2)
        given_grid.addWidget(QLabel("Note"), 2, 0)
        given_grid.addWidget(self.intervention_note, 2, 1)
        given_grid.addWidget(QLabel("Time"), 2, 2)
        given_grid.addWidget(self.intervention_time, 2, 3)
        given_grid.addWidget(self.intervention_time_now, 2, 4)
        given_grid.addWidget(self.record_intervention_button, 3, 3, 1, 2)
        layout.addLayout(given_grid)
        self.intervention_message = MessageLine("intervention_message")
        layout.addWidget(self.intervention_message)

        self.events_list = HistoryTree()
        self.events_list.setObjectName("events_list")
        self.events_list.setAccessibleName("Adverse events and interventions of this visit")
        # Who charted each line is in its tooltip: the width goes to what happened and what was given.
        self.events_list.setHeaderLabels(["Time", "What"])
        self.events_list.setMinimumHeight(100)
        self.events_list.setAlternatingRowColors(True)
        header = self.events_list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.events_list, 1)
        return box

    def _now_button(self, name: str, edit: ClockTimeEdit) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText("Now")
        button.setAccessibleName(f"{edit.accessibleName()}: now")
        button.setToolTip("Back to the current time")
        button.clicked.connect(lambda: edit.reset(self.clinic.clock.now()))
        return button

    def record_adverse_event(self) -> Changes | None:
        """Chart the adverse event as typed; the onset is now unless a time was set."""
        kind = self.adverse_kind.currentData()
        fields: dict[str, tuple[QWidget, str]] = {
            "kind": (self.adverse_kind, "Event"),
            "description": (self.adverse_description, "Description"),
            "onset_at": (self.adverse_onset, "Onset time"),
        }
        self._unmark(*(widget for widget, _ in fields.values()))
        if kind is None:
            set_style(self.adverse_kind, INVALID_STYLE)
            self.adverse_kind.setFocus()
            choices = ", ".join(k.label.lower() for k in AdverseEventKind)
            self.adverse_message.error(f"Event: choose what happened ({choices}).")
            return None
        try:
            onset = self.adverse_onset.moment(self.clinic.clock.now(), "onset_at")
        except ValidationError as error:
            return self._refuse_time(self.adverse_onset, self.adverse_message, "Onset time", error)
        description = self.adverse_description.text()
        label = AdverseEventKind(str(kind)).label

        def settle(_changes: Changes) -> None:
            when = local_time(onset or self.clinic.clock.now())
            self.adverse_kind.setCurrentIndex(-1)
            self.adverse_description.clear()
            self.adverse_onset.reset(self.clinic.clock.now())
            self.adverse_message.ok(f"{label} charted, onset {when}")

        changes = self._write(
            self.adverse_message,
            lambda: self.clinic.bedside.record_adverse_event(self.visit_id, str(kind), description, onset),
            fields,
            settle,
        )
        if changes is None:
            return None
        # Redrawn by now (the event is in the list): what is given next is most often for this event,
        # so offer it, unless another is being charted.
        blank = not (self.intervention_drug.text() or self.intervention_dose.text())
        if blank and changes.created_id is not None:
            found = self.intervention_for_event.findData(changes.created_id)
            if found >= 0:
                self.intervention_for_event.setCurrentIndex(found)
        return changes

    def record_intervention(self) -> Changes | None:
        """Chart what was given (drug, dose, route, time), for an adverse event when one is chosen."""
        route = self.intervention_route.currentData()
        fields: dict[str, tuple[QWidget, str]] = {
            "drug": (self.intervention_drug, "Drug or measure"),
            "dose": (self.intervention_dose, "Dose"),
            "route": (self.intervention_route, "Route"),
            "given_at": (self.intervention_time, "Time given"),
            "note": (self.intervention_note, "Note"),
            "adverse_event": (self.intervention_for_event, "Adverse event"),
        }
        self._unmark(*(widget for widget, _ in fields.values()))
        if route is None:
            set_style(self.intervention_route, INVALID_STYLE)
            self.intervention_route.setFocus()
            self.intervention_message.error(f"Route: choose how it was given ({', '.join(r.value for r in Route)}).")
            return None
        event_id = self.intervention_for_event.currentData()
        try:
            given_at = self.intervention_time.moment(self.clinic.clock.now(), "given_at")
        except ValidationError as error:
            return self._refuse_time(self.intervention_time, self.intervention_message, "Time given", error)
        drug, dose, note = self.intervention_drug.text(), self.intervention_dose.text(), self.intervention_note.text()

        def settle(_changes: Changes) -> None:
            for_what = f" for {self.intervention_for_event.currentText()}" if event_id is not None else ""
            summary = f"{drug.strip()} {dose.strip()} {route} at {local_time(given_at or self.clinic.clock.now())}"
            for box in (self.intervention_drug, self.intervention_dose, self.intervention_note):
                box.clear()
            self.intervention_route.setCurrentIndex(-1)
            self.intervention_for_event.setCurrentIndex(0)
            self.intervention_time.reset(self.clinic.clock.now())
            self.intervention_message.ok(f"Given: {summary}{for_what}")

        changes = self._write(
            self.intervention_message,
            lambda: self.clinic.bedside.record_intervention(
                self.visit_id,
                drug=drug,
                dose=dose,
                route=str(route),
                given_at=given_at,
                note=note,
                adverse_event_id=None if event_id is None else int(event_id),
            ),
            fields,
            settle,
        )
        if changes is None:
            return None
        return changes

    @staticmethod
    def _refuse_time(edit: ClockTimeEdit, message: MessageLine, label: str, error: ValidationError) -> None:
        """A time that did not happen (the hour the clocks skip): marked and said, nothing charted."""
        set_style(edit, INVALID_STYLE)
        edit.setFocus()
        message.error(f"{label}: {error}")

    def _fill_events(self, events: tuple[AdverseEvent, ...], given: tuple[Intervention, ...]) -> None:
        tree = self.events_list
        tree.clear()
        known = {e.id for e in events}
        tops: list[tuple[datetime, int, QTreeWidgetItem]] = []
        parents: dict[int, QTreeWidgetItem] = {}
        for event in events:
            what = f"{event.kind.label} — {event.description}" if event.description else event.kind.label
            item = QTreeWidgetItem([local_time(event.onset_at), what])
            item.setData(0, Qt.ItemDataRole.UserRole, event.id)
            _tooltips(
                item, f"onset {local_time(event.onset_at)}; charted {local_time(event.at)} by {self._name(event.by)}"
            )
            parents[event.id] = item
            tops.append((event.onset_at, 0, item))
        for intervention in sorted(given, key=lambda i: (i.given_at, i.id)):
            what = f"Given: {intervention.drug} {intervention.dose} {intervention.route.value}"
            if intervention.note:
                what = f"{what} — {intervention.note}"
            item = QTreeWidgetItem([local_time(intervention.given_at), what])
            item.setData(0, Qt.ItemDataRole.UserRole, intervention.id)
            _tooltips(
                item,
                f"given {local_time(intervention.given_at)}; charted {local_time(intervention.at)} by "
                f"{self._name(intervention.by)}",
            )
            if intervention.adverse_event_id in known:
                parents[int(intervention.adverse_event_id or 0)].addChild(item)
            else:
                tops.append((intervention.given_at, 1, item))
        for _, _, item in sorted(tops, key=lambda t: (t[0], t[1])):
            tree.addTopLevelItem(item)
        tree.expandAll()
        tree.scrollToBottom()

    def _fill_event_choices(self, events: tuple[AdverseEvent, ...]) -> None:
        """The intervention's "for" list, keeping the nurse's choice across redraws."""
        combo = self.intervention_for_event
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem("Not for an adverse event", None)
            for event in events:
                text = f"{event.kind.label}, onset {local_time(event.onset_at)}"
                combo.addItem(text, event.id)
            found = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(found, 0))
        finally:
            combo.blockSignals(False)
