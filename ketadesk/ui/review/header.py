"""The review's header: who and which visit, where it stands, and Sign… / Add addendum… with why not.

Whether each button is enabled comes from the clinic's own declaration of the use case
(``clinic.signing.sign_visit.allowed(phase=...)``), so the screen keeps no copy of who may
sign or when; the header only words the refusal for the person reading it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from ketadesk.clinic import Clinic
from ketadesk.clinic.usecase import BoundUseCase
from ketadesk.core.orders import signing_blocked_by
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitDetail
from ketadesk.core.signing import Addendum, Signature
from ketadesk.ui.kit.colours import CAUTION_STYLE, MUTED_STYLE
from ketadesk.ui.kit.lines import OK_STYLE, MessageLine
from ketadesk.ui.kit.names import names_for
from ketadesk.ui.kit.times import local_datetime
from ketadesk.ui.kit.widgets import button
from ketadesk.ui.review.page import text


def _refused_for_role(use_case: BoundUseCase[Any, Any, Any], clinic: Clinic) -> bool:
    """True when the signed-in user's roles (not the visit's phase) are why ``use_case`` may not run."""
    return use_case.rule.role_error(clinic.user) is not None


class ReviewHeader(QFrame):
    """The title, the two signing buttons, the visit's signing status and the message line."""

    def __init__(self, clinic: Clinic) -> None:
        super().__init__()
        self.clinic = clinic
        self.setObjectName("review_header")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(self)
        row = QHBoxLayout()
        self.buttons_row = row  # the screen adds its export buttons here
        self.title = text("review_title", bold=True, scale=1.25)
        row.addWidget(self.title, 1)
        self.sign_button = button("sign_button", "Sign…")
        self.sign_button.setAccessibleName("Sign the visit")
        font = self.sign_button.font()
        font.setBold(True)
        self.sign_button.setFont(font)
        self.addendum_button = button("addendum_button", "Add addendum…")
        self.addendum_button.setAccessibleName("Add an addendum to the signed visit")
        row.addWidget(self.sign_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.addendum_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        self.status = text("review_status", bold=True)
        column.addWidget(self.status)
        self.message = MessageLine("review_message")
        column.addWidget(self.message)

    def draw(self, detail: VisitDetail, patient: Patient, signature: Signature | None, addenda: list[Addendum]) -> None:
        """Say which visit this is and where its signing stands; enable what may be done now."""
        summary = detail.summary
        position = summary.position.label if summary.position else "not in a course"
        self.title.setText(
            f"Review — {patient.display_name} · MRN {patient.mrn} · visit of "
            f"{summary.scheduled_date.isoformat()} · {position}"
        )
        phase = summary.phase
        if phase is Phase.SIGNED and signature is not None:
            more = f" · {len(addenda)} addend{'um' if len(addenda) == 1 else 'a'} after it" if addenda else ""
            self.status.setText(f"✓ Signed. {signature.manifestation}{more}")
            self.status.setStyleSheet(OK_STYLE)
        elif phase is Phase.DISCHARGED:
            discharged = detail.event_time(Phase.DISCHARGED)
            blocked = signing_blocked_by(detail.verbal_orders, names_for(self.clinic).name)
            self.status.setText(
                f"Discharged {local_datetime(discharged)} — awaiting a physician's signature."
                + (f"\n⚠ {blocked}" if blocked else "")
            )
            self.status.setStyleSheet(CAUTION_STYLE)
        else:
            self.status.setText(f"{phase.label}: the visit can be signed once the patient is discharged.")
            self.status.setStyleSheet(MUTED_STYLE)
        self._draw_buttons(phase, signature, signing_blocked_by(detail.verbal_orders, names_for(self.clinic).name))

    def _draw_buttons(self, phase: Phase, signature: Signature | None, orders_block: str = "") -> None:
        user = self.clinic.user
        roles = ", ".join(sorted(r.value for r in user.roles)) or "no role"
        sign = self.clinic.signing.sign_visit
        verdict = sign.allowed(phase=phase)
        if verdict:
            why = ""
        elif _refused_for_role(sign, self.clinic):
            why = f"Only a physician can sign a visit; you are signed in as {user.signature_name} ({roles})."
        elif phase is Phase.SIGNED:
            who = f" by {signature.printed_name}" if signature is not None else ""
            why = f"This visit is already signed{who}; add an addendum for anything more."
        else:
            why = verdict.reason
        why = why or orders_block  # an outstanding verbal order: the clinic refuses the signature, naming it
        self.sign_button.setEnabled(not why)
        self.sign_button.setToolTip(why or "Sign the visit: re-enter your password to confirm.")
        add = self.clinic.signing.add_addendum
        verdict = add.allowed(phase=phase)
        if verdict:
            why = ""
        elif _refused_for_role(add, self.clinic):
            why = f"Only nurses and physicians write addenda; you are signed in as {user.signature_name} ({roles})."
        else:
            why = verdict.reason
        self.addendum_button.setEnabled(not why)
        self.addendum_button.setToolTip(why or "Add a correction or addition after the signature, signed by you.")
