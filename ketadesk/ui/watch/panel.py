"""The watch panel of one course: substance-use history, the flags raised now, requests, screenings.

Self-contained so any screen can hold it (the course screen, the banner's dialog): it
takes the clinic and the course, reads the course's watch once per redraw
(:meth:`ketadesk.clinic.watch.Watch.state`) and listens to the change bus itself. The
flags are evaluated afresh from the record, so a dose prepared, a score entered or a
request decided anywhere redraws it; hidden, it only marks itself stale. Each button is
live only when the clinic would accept the act from the signed-in user (the use case's
``allowed()``), so a nurse sees the physician's acknowledgement and decision, greyed,
with the reason.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLayout, QScrollArea, QVBoxLayout, QWidget

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.core.watch.evaluate import RaisedFlag, WatchState
from ketadesk.core.watch.records import PatientRequest
from ketadesk.ui.kit.colours import ALERT_COLOUR, MUTED_STYLE
from ketadesk.ui.kit.lines import set_style
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.kit.writes import Watching
from ketadesk.ui.watch.acknowledge import AcknowledgeDialog
from ketadesk.ui.watch.requests import DecideDialog, RequestDialog
from ketadesk.ui.watch.rows import FlagRow, RequestRow, draw_screenings, empty_line, screening_table
from ketadesk.ui.watch.screening import ScreeningDialog

HISTORY_STYLE = f"color: white; background: {ALERT_COLOUR}; padding: 4px;"
"""A recorded substance-use history: as prominent as on the visit banner."""

REDRAWN_BY = frozenset({Change.WATCH, Change.PATIENT})
"""Changes to the patient that the panel shows directly (the watch's records, the substance-use history)."""
JUDGED_FROM = frozenset({Change.DOSE, Change.PHASE, Change.SCORES, Change.SCHEDULE})
"""Changes to visits the flags are judged from (a dose prepared or given, a visit booked, a measure taken)."""


def _box(name: str, title: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    box.setObjectName(name)
    box.setAccessibleName(title)
    return box, QVBoxLayout(box)


def _empty(layout: QLayout) -> None:
    """Remove everything a redraw put in ``layout``: hidden at once (not left on screen until deleted), then deleted."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def _fill(layout: QVBoxLayout, widgets: list[QWidget], empty: QWidget) -> None:
    """Put the redrawn rows (or the "nothing yet" line) in ``layout``, shown at once rather than on the next event."""
    for widget in widgets or [empty]:
        layout.addWidget(widget)
        widget.show()


class WatchPanel(QWidget, Watching):
    """One course's tolerance and misuse watch, redrawn whole from one read of it."""

    def __init__(self, clinic: Clinic, course_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.course_id = course_id
        self.setObjectName("watch_panel")
        self.state: WatchState | None = None
        self.dialog: QDialog | None = None
        """The dialog last opened from the panel (tests drive it there)."""
        self.flag_rows: list[FlagRow] = []
        self.request_rows: list[RequestRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.substance = label("watch_substance_use", plain=True, selectable=True, bold=True, accessible="history")
        outer.addWidget(self.substance)  # above the scrolling part: always in view
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        content = QWidget()
        column = QVBoxLayout(content)
        self.scroll_area.setWidget(content)
        outer.addWidget(self.scroll_area, 1)
        flags_box, flags_column = _box("watch_flags", "Flags raised now")
        self.flags_layout = QVBoxLayout()
        flags_column.addLayout(self.flags_layout)
        self.unjudged = label("watch_unjudged", style=MUTED_STYLE, plain=True, accessible="rules not judged")
        flags_column.addWidget(self.unjudged)  # a rule that could not judge says so, in the flags' own box
        column.addWidget(flags_box)
        requests_box, requests_column = _box("watch_requests", "Patient requests")
        self.requests_layout = QVBoxLayout()
        requests_column.addLayout(self.requests_layout)
        self.record_request = button("watch_record_request", "Record a request…", default=False)
        self.record_request.clicked.connect(self.open_request)
        requests_column.addLayout(_right(self.record_request))
        column.addWidget(requests_box)
        screenings_box, screenings_column = _box("watch_screenings_box", "Substance-use screenings")
        self.screenings = screening_table()
        screenings_column.addWidget(self.screenings)
        self.record_screening = button("watch_record_screening", "Record a screening…", default=False)
        self.record_screening.clicked.connect(self.open_screening)
        screenings_column.addLayout(_right(self.record_screening))
        column.addWidget(screenings_box)
        column.addStretch(1)
        self.refresh()
        self.watch(clinic)

    # ------------------------------------------------------------------ drawing

    def refresh(self) -> None:
        """Read the course's watch once and draw all of it."""
        self.stale = False
        self.draw(self.clinic.watch.state(self.course_id))

    def draw(self, state: WatchState) -> None:
        """Draw ``state``: the history, each flag, the rules not judged, the requests, the screenings."""
        self.state = state
        names = names_for(self.clinic).name
        self.substance.setText(("⚠ " if state.substance_use else "") + state.substance_text)
        set_style(self.substance, HISTORY_STYLE if state.substance_use else MUTED_STYLE)
        _empty(self.flags_layout)
        verdict = self.clinic.watch.acknowledge_flag.allowed()
        self.flag_rows = [FlagRow(raised, names, verdict, self.open_acknowledge) for raised in state.flags]
        _fill(
            self.flags_layout,
            list(self.flag_rows),
            empty_line("watch_no_flags", "No flag is raised on this course now."),
        )
        unjudged = [f"Not judged — {rule.label}: {why}" for rule, why in state.unjudged]
        self.unjudged.setText("\n".join(unjudged))
        self.unjudged.setVisible(bool(unjudged))
        _empty(self.requests_layout)
        deciding = self.clinic.watch.decide_request.allowed()
        self.request_rows = [RequestRow(r, names, deciding, self.open_decide) for r in state.requests]
        _fill(self.requests_layout, list(self.request_rows), empty_line("watch_no_requests", "No request recorded."))
        draw_screenings(self.screenings, state.screening, names)
        for action, use_case in (
            (self.record_request, self.clinic.watch.record_request),
            (self.record_screening, self.clinic.watch.record_screening),
        ):
            allowed = use_case.allowed()
            action.setEnabled(bool(allowed))
            action.setToolTip(allowed.reason)

    # ------------------------------------------------------------------ the dialogs

    def _open(self, dialog: QDialog) -> None:
        """Open ``dialog`` without blocking, kept as :attr:`dialog`; the previous one is let go."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()

    def open_acknowledge(self, raised: RaisedFlag) -> None:
        """Ask the physician for the note and their password to acknowledge ``raised``."""
        self._open(AcknowledgeDialog(self.clinic, self.course_id, raised, self))

    def open_decide(self, request: PatientRequest) -> None:
        """Ask the physician to grant or refuse ``request``, saying why."""
        self._open(DecideDialog(self.clinic, request, self))

    def open_request(self) -> None:
        """Write down a request the patient made."""
        self._open(RequestDialog(self.clinic, self.course_id, self))

    def open_screening(self) -> None:
        """Record a screening for the course's patient."""
        assert self.state is not None
        self._open(ScreeningDialog(self.clinic, self.state.patient_id, self))

    # ------------------------------------------------------------------ the change contract

    def affected_by(self, changes: Changes) -> bool:
        """The patient's watch or history changed, or a visit the flags are judged from may have."""
        if self.state is not None and self.state.patient_id in changes.patients and changes.touches(*REDRAWN_BY):
            return True
        return bool(changes.visits) and changes.touches(*JUDGED_FROM)

    def redraw(self) -> None:
        """One read of the watch, drawn."""
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Coming back into view catches up with any change made meanwhile."""
        super().showEvent(event)
        self.shown()


def _right(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    return row
