"""The physician's approvals to give: requests from nurses elsewhere, and verbal orders given in their name.

It heads the physician's worklist. Each row says where (chair and patient), what, why or
the order as read back, the values and which nurse. The physician answers here, in their
own session: approve (the acknowledgement is theirs) or decline a request with a reason;
countersign or dispute an order with a reason. Each answer is signed: the physician types
their password beside the buttons, and it is cleared after every try. Another workstation's request shows
without a restart: the panel compares the store's revision on the window's tick
(:meth:`RequestsPanel.tick`) and re-reads only when something was committed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QTableWidgetItem, QVBoxLayout, QWidget

from ketadesk.clinic import Change, Changes, Clinic
from ketadesk.clinic.orders import Waiting
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_time
from ketadesk.ui.kit.widgets import button, label, line, table
from ketadesk.ui.kit.writes import Watching, run_write

DONE = {"approve": "approved", "decline": "declined", "countersign": "countersigned", "dispute": "disputed"}
COLUMNS = ("Asked", "Where", "What", "Why, or the order as read back", "Values", "From")


def kind_words(item: Waiting) -> str:
    """``Request`` or ``Telephone order — UNVERIFIED``, as the first word of a row."""
    if item.kind == "request":
        return "Request"
    mode = item.mode.label if item.mode is not None else "Verbal order"
    return f"{mode} — UNVERIFIED"


class RequestsPanel(QWidget, Watching):
    """Requests to answer and verbal orders to countersign, for the signed-in physician, oldest first."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("requests_panel")
        self.names = names_for(clinic)
        self.items: list[Waiting] = []
        self._revision: tuple[int, int] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = label("requests_title", bold=True, scale=1.15, wrap=False, accessible="Approvals to give")
        layout.addWidget(self.title)
        self.table = table("requests_table", "Requests and verbal orders waiting for you", COLUMNS)
        self.table.setMaximumHeight(190)
        self.table.itemSelectionChanged.connect(self._draw_buttons)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.reason = line(
            "answer_reason", "Your note or reason", placeholder="Your note (approving) or reason (declining, disputing)"
        )
        row.addWidget(self.reason, 1)
        self.password = line(
            "answer_password", "Your password, to sign the answer", password=True, placeholder="Password to sign"
        )
        self.password.setMaximumWidth(170)
        row.addWidget(self.password)
        self.approve = button("approve_request_button", "Approve", default=False)
        self.decline = button("decline_request_button", "Decline", default=False)
        self.countersign = button("countersign_order_button", "Countersign", default=False)
        self.dispute = button("dispute_order_button", "Dispute", default=False)
        for widget, act in (
            (self.approve, self.approve_selected),
            (self.decline, self.decline_selected),
            (self.countersign, self.countersign_selected),
            (self.dispute, self.dispute_selected),
        ):
            widget.clicked.connect(act)
            row.addWidget(widget)
        layout.addLayout(row)
        self.message = MessageLine("requests_message")
        layout.addWidget(self.message)
        self.empty = label(
            "requests_empty", "No request or verbal order waits for you.", style=MUTED_STYLE, accessible=""
        )
        layout.addWidget(self.empty)
        self.refresh()
        self.watch(clinic)

    # ------------------------------------------------------------------ reading and drawing

    def affected_by(self, changes: Changes) -> bool:
        """A request, an answer or an order in this session; other sessions' arrive through :meth:`tick`."""
        return changes.touches(Change.APPROVALS, Change.PATIENT, Change.SCHEDULE)

    def redraw(self) -> None:
        """One read of what waits."""
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Back in view: catch up."""
        super().showEvent(event)
        self.shown()

    def tick(self) -> None:
        """Once a second: re-read only when something was committed here or on another workstation."""
        if self.clinic.orders.revision() != self._revision:
            self.refresh()

    def refresh(self) -> None:
        """Re-read what waits for the signed-in physician and redraw, keeping the selected row."""
        self._revision = self.clinic.orders.revision()
        selected = self.current()
        self.items = self.clinic.orders.waiting_for_me()
        self.title.setText(f"Approvals to give: {len(self.items)}")
        self.table.setRowCount(len(self.items))
        for index, item in enumerate(self.items):
            cells = (
                local_time(item.at),
                item.where,
                f"{kind_words(item)}: {item.label}",
                item.text,
                item.values,
                self.names.name(item.by),
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(Qt.ItemDataRole.UserRole, (item.kind, item.id))
                self.table.setItem(index, column, cell)
        self.table.resizeColumnsToContents()
        keep = next(
            (i for i, w in enumerate(self.items) if selected and (w.kind, w.id) == (selected.kind, selected.id)), 0
        )
        if self.items:
            self.table.selectRow(keep)
        self.empty.setVisible(not self.items)
        self.table.setVisible(bool(self.items))
        self._draw_buttons()

    def current(self) -> Waiting | None:
        """The selected request or order, if any."""
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def select(self, kind: str, item_id: int) -> None:
        """Select the row of one request or order (tests and the status bar's link)."""
        for index, item in enumerate(self.items):
            if (item.kind, item.id) == (kind, item_id):
                self.table.selectRow(index)

    def _draw_buttons(self) -> None:
        item = self.current()
        orders = self.clinic.orders
        request = item is not None and item.kind == "request"
        order = item is not None and item.kind == "order"
        for widget, use, fits in (
            (self.approve, orders.approve_request, request),
            (self.decline, orders.decline_request, request),
            (self.countersign, orders.countersign_order, order),
            (self.dispute, orders.dispute_order, order),
        ):
            verdict = use.allowed()
            widget.setEnabled(bool(verdict) and fits)
            widget.setToolTip(verdict.reason)

    # ------------------------------------------------------------------ answering

    def _answer(self, kind: str, act: str) -> None:
        item = self.current()
        if item is None or item.kind != kind:
            self.message.error("Choose a request or an order first.")
            return
        password = self.password.text()
        if not password:
            # An empty try would count towards the lockout; say what is missing instead.
            self.message.error("Type your password to sign the answer.")
            self.password.setFocus()
            return
        orders = self.clinic.orders
        note = self.reason.text()
        actions = {
            "approve": lambda: orders.approve_request(item.id, note, password=password),
            "decline": lambda: orders.decline_request(item.id, note, password=password),
            "countersign": lambda: orders.countersign_order(item.id, password=password),
            "dispute": lambda: orders.dispute_order(item.id, note, password=password),
        }
        done = run_write(self.clinic, self.message, actions[act], self)
        self.password.clear()
        if done is None:
            self.password.setFocus()
        else:
            self.reason.clear()
            self.refresh()
            self.message.ok(f"{item.where}: {item.label} — {DONE[act]}.")

    def approve_selected(self) -> None:
        """Approve the selected request: the acknowledgement is written as the physician's own act."""
        self._answer("request", "approve")

    def decline_selected(self) -> None:
        """Decline the selected request, with the reason typed."""
        self._answer("request", "decline")

    def countersign_selected(self) -> None:
        """Countersign the selected verbal order: it is the physician's order from now on."""
        self._answer("order", "countersign")

    def dispute_selected(self) -> None:
        """Dispute the selected verbal order, with the reason typed."""
        self._answer("order", "dispute")
