"""The physician acknowledges one flag: what the rule found and from what, a note, their password again.

The acknowledgement is the signed-in physician's own act, signed with their key, so the
password is theirs, typed here; it is never remembered. A wrong one is said under the
password field and the note stays as typed (the password field is emptied for the next try).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.watch.evaluate import RaisedFlag
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.widgets import label, line
from ketadesk.ui.watch.form import WatchForm, text_box


class AcknowledgeDialog(WatchForm):
    """Acknowledge one flag raised now on the course: its text and inputs, a required note, the password."""

    def __init__(self, clinic: Clinic, course_id: int, raised: RaisedFlag, parent: QWidget | None = None) -> None:
        super().__init__(clinic, "acknowledge_dialog", "Acknowledge a watch flag", parent)
        self.course_id = course_id
        self.raised = raised
        flag = raised.flag
        self.outer.insertWidget(0, label("acknowledge_flag_text", flag.text, bold=True, plain=True, selectable=True))
        inputs = "\n".join(f"• {i.name}: {i.value}" for i in flag.inputs)
        self.outer.insertWidget(1, label("acknowledge_flag_inputs", inputs, plain=True, selectable=True))
        self.outer.insertWidget(
            2,
            label(
                "acknowledge_meaning",
                "Acknowledging says you reviewed this flag and what follows from it; it does not clear it. "
                "A new occurrence (a higher dose, another refused request) asks again.",
                style=MUTED_STYLE,
            ),
        )
        self.form.addRow("Acknowledging as", label("acknowledge_signer", clinic.user.signature_name, plain=True))
        self.note = text_box("acknowledge_note", "Note", "What you reviewed and decided (required)", height=90)
        self.add_field("note", "Note", self.note)
        self.password = line("acknowledge_password", "Your password", password=True, placeholder="your own password")
        self.add_field("password", "Password", self.password)
        self.password.returnPressed.connect(self.acknowledge)
        self.finish_layout("Acknowledge", self.acknowledge)
        verdict = clinic.watch.acknowledge_flag.allowed()
        self.save_button.setEnabled(bool(verdict))
        self.save_button.setToolTip(verdict.reason)
        if not verdict:
            self.message.error(verdict.reason)
        self.note.setFocus()

    def acknowledge(self) -> None:
        """Acknowledge with the typed note and password; stay open, the note kept, on a refusal."""
        if not self.password.text():
            # An empty try would count towards the lockout; say what is missing instead.
            _, refusal = self.fields["password"]
            refusal.error("Type your own password to acknowledge.")
            self.password.setFocus()
            return
        password = self.password.text()
        self.password.clear()
        self.save_with(
            lambda: self.clinic.watch.acknowledge_flag(
                self.course_id, self.raised.flag.fingerprint, self.note.toPlainText(), password=password
            )
        )
