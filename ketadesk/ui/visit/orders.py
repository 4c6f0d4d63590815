"""The nurse's two other ways to a physician's approval: ask one elsewhere, or record their verbal order.

Both are pages of the approval dialog (:mod:`ketadesk.ui.visit.approval`), next to the
bedside way. A request is sent to the physician's own session and clears nothing until
they approve it there; a verbal or telephone order is read back (a required tick, kept in
the record), clears the bedside step now and shows as unverified until its physician
countersigns it. :class:`ApprovalStatusLine` is where the section that needs the approval
shows both: the request pending, then the answer; the order unverified, then countersigned.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketadesk.clinic import Changes, Clinic
from ketadesk.clinic.usecase import Verdict
from ketadesk.core.orders import Decision, OrderMode, order_line, request_line
from ketadesk.core.records import VisitDetail
from ketadesk.core.users import Role
from ketadesk.ui.kit.colours import CAUTION_STYLE, MUTED_STYLE, WARNING_STYLE
from ketadesk.ui.kit.lines import OK_STYLE, MessageLine, set_style
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.kit.widgets import button, label, line
from ketadesk.ui.kit.writes import run_write


def physician_choice(clinic: Clinic, name: str) -> QComboBox:
    """The clinic's physicians by printed name (their login as the data), the signed-in one left out."""
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName("Physician")
    for user in clinic.accounts.with_role(Role.PHYSICIAN):
        if user.id != clinic.user.id:
            box.addItem(user.signature_name, user.login)
    return box


def _text_box(name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(70)
    return box


class _OrderPage(QWidget):
    """What both pages share: one visit and subject, the values concerned, a message line, and what to do when saved."""

    def __init__(
        self, clinic: Clinic, visit_id: int, subject: str, values: str, done: Callable[[Changes], None]
    ) -> None:
        super().__init__()
        self.clinic = clinic
        self.visit_id = visit_id
        self.subject = subject
        self.done = done
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.values = line(f"{self.prefix}_values", "Values concerned", placeholder="the values the physician needs")
        self.values.setText(values)
        self.message = MessageLine(f"{self.prefix}_message")

    prefix = "order"
    physician: QComboBox

    def _close_with(self, hint: str, name: str, text: str, verdict: Verdict, submit: Callable[[], None]) -> QPushButton:
        """The page's foot: its hint, the message line and its one button, live when the clinic would accept."""
        self.layout_.addWidget(label(f"{self.prefix}_hint", hint, style=MUTED_STYLE, accessible=""))
        self.layout_.addWidget(self.message)
        action = button(name, text, default=False)
        action.clicked.connect(submit)
        self.layout_.addWidget(action)
        self.layout_.addStretch(1)
        action.setEnabled(bool(verdict))
        action.setToolTip(verdict.reason)
        return action

    def _chosen_physician(self) -> str | None:
        """The chosen physician's login, or None (said in place) when the clinic has no other physician."""
        login = self.physician.currentData()
        if login is None:
            self.message.error("No other physician is registered in this clinic.")
            return None
        return str(login)

    def _finish(self, action: Callable[[], Changes]) -> None:
        changes = run_write(self.clinic, self.message, action, self)
        if changes is not None:
            self.done(changes)


class RequestPage(_OrderPage):
    """Ask a physician elsewhere in the clinic: it appears at once on their worklist and in their status bar."""

    prefix = "request"

    def __init__(
        self, clinic: Clinic, visit_id: int, subject: str, values: str, done: Callable[[Changes], None]
    ) -> None:
        super().__init__(clinic, visit_id, subject, values, done)
        self.setObjectName("approval_request_page")
        self.physician = physician_choice(clinic, "request_physician")
        self.form.addRow("Ask", self.physician)
        self.reason = _text_box("request_reason", "Why it is asked", "Why you ask, and what you see now")
        self.form.addRow("Why", self.reason)
        self.form.addRow("Values", self.values)
        self.send = self._close_with(
            "The physician answers in their own session. Nothing is unblocked until they approve; "
            "this visit shows the request pending, then their answer.",
            "send_request_button",
            "Send the request",
            clinic.orders.request_approval.allowed(visit_id),
            self.submit,
        )

    def submit(self) -> None:
        """Send the request to the chosen physician (refused in place: no physician, no reason)."""
        login = self._chosen_physician()
        if login is None:
            return
        self._finish(
            lambda: self.clinic.orders.request_approval(
                self.visit_id,
                self.subject,
                self.reason.toPlainText(),
                self.values.text(),
                physician_login=login,
            )
        )


class VerbalOrderPage(_OrderPage):
    """Record a verbal or telephone order, read back; it is unverified until the physician countersigns it."""

    prefix = "verbal"

    def __init__(
        self, clinic: Clinic, visit_id: int, subject: str, values: str, done: Callable[[Changes], None]
    ) -> None:
        super().__init__(clinic, visit_id, subject, values, done)
        self.setObjectName("verbal_order_page")
        self.physician = physician_choice(clinic, "verbal_physician")
        self.form.addRow("Physician", self.physician)
        self.mode = QComboBox()
        self.mode.setObjectName("verbal_mode")
        self.mode.setAccessibleName("How the order was given")
        for mode in (OrderMode.TELEPHONE, OrderMode.VERBAL):
            self.mode.addItem(mode.label, mode.value)
        self.form.addRow("Given as", self.mode)
        self.order = _text_box("verbal_order_text", "The order as read back", "The order, word for word as read back")
        self.form.addRow("Order", self.order)
        self.form.addRow("Values", self.values)
        self.read_back = QCheckBox("I read the order back and the physician confirmed it")
        self.read_back.setObjectName("verbal_read_back")
        self.layout_.addWidget(self.read_back)
        self.record = self._close_with(
            "You may act on it now. It shows as UNVERIFIED everywhere until the physician countersigns it "
            "in their own session, and the visit cannot be signed before then.",
            "record_verbal_order_button",
            "Record the order",
            clinic.orders.record_verbal_order.allowed(visit_id),
            self.submit,
        )

    def submit(self) -> None:
        """Record the order in the chosen physician's name (refused in place without the read-back tick)."""
        login = self._chosen_physician()
        if login is None:
            return
        self._finish(
            lambda: self.clinic.orders.record_verbal_order(
                self.visit_id,
                self.subject,
                self.order.toPlainText(),
                self.values.text(),
                physician_login=login,
                mode=str(self.mode.currentData()),
                read_back=self.read_back.isChecked(),
            )
        )


class ApprovalStatusLine(QLabel):
    """Under the approval a section needs: each request (pending, then the answer) and each verbal order."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName("Requests and verbal orders for this approval")
        self.setWordWrap(True)

    def draw(self, detail: VisitDetail, subject: str, names: NameBook, subject_id: int | None = None) -> None:
        """Show this subject's requests and verbal orders (about ``subject_id`` when given), newest last."""
        lines: list[str] = []
        style = OK_STYLE
        for request in detail.approval_requests:
            if request.subject != subject or (subject_id is not None and request.subject_id != subject_id):
                continue
            answer = request.answer
            mark = "⚑" if answer is None else "✓" if answer.decision is Decision.APPROVED else "✗"
            lines.append(f"{mark} Request: {request_line(request, names.name)}")
            if answer is None:
                style = CAUTION_STYLE
            elif answer.decision is Decision.DECLINED and style == OK_STYLE:
                style = WARNING_STYLE
        for order in detail.verbal_orders:
            if order.subject != subject or (subject_id is not None and order.subject_id != subject_id):
                continue
            mark = "✓" if order.countersigned else "⚠" if order.outstanding else "✗"
            lines.append(f"{mark} {order_line(order, names.name)}")
            if order.outstanding:
                style = CAUTION_STYLE
        self.setText("\n".join(lines))
        set_style(self, style)
        self.setVisible(bool(lines))
