"""The line over a signed visit's workspace: who signed it and when, that the record is locked, and the addendum.

A signed visit is locked (by triggers in the database, and every section's writes are
refused by the clinic's verdicts, so nothing there can be typed into). What is learned
later goes in an addendum, signed by its author: the same dialog the review uses, opened
from here, not blocking.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from ketadesk.clinic import Clinic
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.times import local_datetime
from ketadesk.ui.kit.widgets import button, label
from ketadesk.ui.review.addendum_dialog import AddendumDialog

NOTICE_STYLE = "#signed_notice { background: #eceff1; border: 2px solid #546e7a; border-radius: 4px; }"


class SignedNotice(QFrame):
    """Shown only on a signed visit: "Signed by … at …; the record is locked", and Add addendum…."""

    def __init__(self, clinic: Clinic, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinic = clinic
        self.visit_id = visit_id
        self.addendum_dialog: AddendumDialog | None = None
        self.setObjectName("signed_notice")
        self.setStyleSheet(NOTICE_STYLE)
        row = QHBoxLayout(self)
        self.text = label("signed_notice_text", bold=True, selectable=True, plain=True, accessible="Signed")
        row.addWidget(self.text, 1)
        self.message = MessageLine("signed_notice_message")
        row.addWidget(self.message)
        self.addendum_button = button("workspace_addendum_button", "Add addendum…", default=False)
        self.addendum_button.setAccessibleName("Add an addendum to the signed visit")
        self.addendum_button.clicked.connect(self.open_addendum_dialog)
        row.addWidget(self.addendum_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def draw(self, signed: bool) -> None:
        """Read the signature and addenda of a signed visit and say so; hide for any other."""
        signature = self.clinic.signing.signature(self.visit_id) if signed else None
        if signature is None:
            self.hide()
            return
        who = f"{signature.printed_name}, {signature.credentials}" if signature.credentials else signature.printed_name
        addenda = len(self.clinic.signing.addenda(self.visit_id))
        after = f" {addenda} addend{'um' if addenda == 1 else 'a'} after it." if addenda else ""
        self.text.setText(
            f"Signed by {who} at {local_datetime(signature.signed_at)}; the record is locked. "
            f"Anything more is an addendum, signed by its author.{after}"
        )
        verdict = self.clinic.signing.add_addendum.allowed(self.visit_id)
        self.addendum_button.setEnabled(verdict.allowed)
        self.addendum_button.setToolTip(
            "Add a correction or addition after the signature, signed by you." if verdict else verdict.reason
        )
        self.show()

    def open_addendum_dialog(self) -> AddendumDialog:
        """The review's addendum dialog, not blocking (kept as ``addendum_dialog``)."""
        if self.addendum_dialog is not None:
            self.addendum_dialog.deleteLater()
        dialog = AddendumDialog(self.clinic, self.visit_id, self)
        dialog.accepted.connect(lambda: self.message.ok("Addendum added and signed."))
        self.addendum_dialog = dialog
        dialog.open()
        dialog.text.setFocus()
        return dialog
