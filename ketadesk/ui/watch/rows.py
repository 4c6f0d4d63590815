"""The rows of the watch panel: one flag with its acknowledgement, one request with its decision, the screenings.

Each row is drawn whole from the record and says everything in words (colour only goes
with them): a flag names its rule and lists the inputs it was raised from; a request says
who wrote it down and who decided it; a screening its latest result and when it is due.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic.usecase import Verdict
from ketadesk.core.watch.evaluate import RaisedFlag
from ketadesk.core.watch.records import PatientRequest
from ketadesk.core.watch.screening_rules import ScreeningDue
from ketadesk.ui.kit.colours import ALERT_COLOUR, CAUTION_STYLE, MUTED_STYLE
from ketadesk.ui.kit.lines import OK_STYLE
from ketadesk.ui.kit.widgets import button, label, table
from ketadesk.ui.watch.words import Names, decision_line, due_line, flag_status, latest_line, request_line

SCREENING_HEADERS = ("Screening", "Latest", "Next due")


def _action(name: str, text: str, verdict: Verdict, pressed: Callable[[], None]) -> QPushButton:
    """A row's button: live only when the clinic would accept the act now, saying why not otherwise.

    It has no parent until the row's layout takes it: shown before that, it would open as a window of its own.
    """
    widget = button(name, text, default=False)
    widget.setEnabled(bool(verdict))
    widget.setToolTip(verdict.reason)
    widget.clicked.connect(pressed)
    return widget


class FlagRow(QFrame):
    """One flag raised now: its rule and finding, the inputs, and the acknowledgement or the way to give it."""

    def __init__(
        self, raised: RaisedFlag, names: Names, verdict: Verdict, acknowledge: Callable[[RaisedFlag], None]
    ) -> None:
        super().__init__()
        self.raised = raised
        flag = raised.flag
        self.setObjectName(f"watch_flag_{flag.rule.value}")
        self.setAccessibleName(flag.rule.label)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(3)
        mark = "⚑" if raised.open else "✓"
        self.heading = label(
            "watch_flag_text", f"{mark} {flag.text}", bold=True, plain=True, selectable=False, accessible="flag"
        )
        column.addWidget(self.heading)
        inputs = "\n".join(f"• {i.name}: {i.value}" for i in flag.inputs)
        self.inputs = label("watch_flag_inputs", inputs, plain=True, selectable=False, accessible="inputs")
        column.addWidget(self.inputs)
        foot = QHBoxLayout()
        column.addLayout(foot)  # in the row before anything is shown in it (see _action)
        self.status = label(
            "watch_flag_status",
            flag_status(raised, names),
            plain=True,
            selectable=False,
            style=CAUTION_STYLE if raised.open else OK_STYLE,
            accessible="acknowledgement",
        )
        foot.addWidget(self.status, 1)
        self.acknowledge = _action("watch_acknowledge", "Acknowledge…", verdict, lambda: acknowledge(raised))
        foot.addWidget(self.acknowledge)
        self.acknowledge.setHidden(not raised.open)


class RequestRow(QFrame):
    """One patient request: what and when, who wrote it down, and the decision or the way to make it."""

    def __init__(
        self, request: PatientRequest, names: Names, verdict: Verdict, decide: Callable[[PatientRequest], None]
    ) -> None:
        super().__init__()
        self.request = request
        self.setObjectName(f"watch_request_{request.id}")
        self.setAccessibleName(request.kind.label)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(3)
        column.addWidget(label("watch_request_text", request_line(request, names), plain=True, selectable=False))
        foot = QHBoxLayout()
        column.addLayout(foot)  # in the row before anything is shown in it (see _action)
        decision = request.decision
        style = CAUTION_STYLE if decision is None else f"color: {ALERT_COLOUR};" if request.refused else OK_STYLE
        self.status = label(
            "watch_request_decision", decision_line(decision, names), plain=True, selectable=False, style=style
        )
        foot.addWidget(self.status, 1)
        self.decide = _action("watch_decide", "Decide…", verdict, lambda: decide(request))
        foot.addWidget(self.decide)
        self.decide.setHidden(decision is not None)


def screening_table() -> QTableWidget:
    """The screenings table: each kind with its latest result and when it is next due."""
    widget = table("watch_screenings", "Screenings", SCREENING_HEADERS)
    widget.setWordWrap(True)
    return widget


def draw_screenings(widget: QTableWidget, screening: Sequence[ScreeningDue], names: Names) -> None:
    """Fill the table, one row a kind; an overdue one says so in words and in the alert colour."""
    widget.setRowCount(len(screening))
    for row, due in enumerate(screening):
        cells = (due.kind.label, latest_line(due, names), due_line(due))
        for column, words in enumerate(cells):
            item = QTableWidgetItem(words)
            item.setToolTip(words)
            if due.overdue and column == 2:
                item.setForeground(QBrush(QColor(ALERT_COLOUR)))
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            widget.setItem(row, column, item)
    header = widget.horizontalHeader()
    for column in (0, 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    height = widget.horizontalHeader().height() + sum(widget.rowHeight(r) for r in range(widget.rowCount())) + 4
    widget.setFixedHeight(height)


def empty_line(name: str, words: str) -> QWidget:
    """A muted "nothing here yet" line."""
    return label(name, words, style=MUTED_STYLE, plain=True)
