"""The physician signs the visit: what is signed, the meaning, and the password again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from ketadesk.clinic import Changes, Clinic
from ketadesk.core.phases import Phase
from ketadesk.core.signing import VISIT_MEANING
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.times import local_datetime
from ketadesk.ui.kit.writes import error_text, run_write
from ketadesk.ui.review.page import text
from ketadesk.ui.review.subject import password_field, visit_words


class SignDialog(QDialog):
    """The physician signs the visit: what is signed, the meaning, and the password again.

    A refusal (a wrong password, a visit not discharged) is shown inline and the dialog stays
    open; the signature is written by the clinic, which also locks the visit.
    """

    def __init__(
        self,
        clinic: Clinic,
        visit_id: int,
        parent: QWidget | None = None,
        *,
        shown: Callable[[], str] | None = None,
        changed: Callable[[], None] | None = None,
    ) -> None:
        """``shown`` gives the fingerprint of the record the screen behind shows now: the signature is refused if
        the record changed from it, and ``changed`` then redraws that screen, so Sign pressed again is of it."""
        super().__init__(parent)
        self.shown, self.changed = shown, changed
        self.setObjectName("sign_dialog")
        self.setWindowTitle("Sign the visit")
        self.clinic = clinic
        self.visit_id = visit_id
        self.result_changes: Changes | None = None
        view = clinic.visits.get(visit_id)
        patient = clinic.patients.get(view.detail.summary.patient_id)
        layout = QVBoxLayout(self)
        subject = text("sign_subject", visit_words(view, patient), bold=True)
        layout.addWidget(subject)
        discharged = view.detail.event_time(Phase.DISCHARGED)
        layout.addWidget(
            text(
                "sign_discharged",
                f"Discharged {local_datetime(discharged)}" if discharged else "Not discharged",
                style=MUTED_STYLE,
            )
        )
        form = QFormLayout()
        form.addRow("Signing as", text("sign_signer", clinic.user.signature_name))
        self.meaning = QComboBox()
        self.meaning.setObjectName("sign_meaning")
        self.meaning.setAccessibleName("Meaning of the signature")
        self.meaning.setEditable(True)
        self.meaning.addItem(VISIT_MEANING)
        form.addRow("Meaning", self.meaning)
        self.password = password_field("sign_password")
        form.addRow("Password", self.password)
        layout.addLayout(form)
        layout.addWidget(
            text(
                "sign_statement",
                "Your signature records your printed name, the date and time, its meaning and a SHA-256 fingerprint of "
                "the visit record shown. The visit is then locked; later corrections are added as signed addenda.",
                style=MUTED_STYLE,
            )
        )
        self.message = MessageLine("sign_message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign")
        ok.setObjectName("sign_confirm")
        ok.setDefault(True)  # Enter in the password field signs
        buttons.accepted.connect(self.sign)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def _refused(self, error: BaseException) -> None:
        self.message.error(error_text(error))
        if getattr(error, "field", None) == "visit" and self.changed is not None:  # changed elsewhere: show it now
            self.changed()

    def sign(self) -> None:
        """Sign with the typed password and meaning; stay open on a refusal."""
        if not self.password.text():
            # An empty try would count towards the lockout; say what is missing instead.
            self.message.error("Type your password to sign.")
            self.password.setFocus()
            return
        meaning = self.meaning.currentText()
        changes = run_write(
            self.clinic,
            self.message,
            lambda: self.clinic.signing.sign_visit(
                self.visit_id, self.password.text(), meaning, shown=None if self.shown is None else self.shown()
            ),
            self,
            refused=self._refused,
        )
        if changes is None:
            self.password.selectAll()
            self.password.setFocus()
            return
        self.result_changes = changes
        self.accept()
