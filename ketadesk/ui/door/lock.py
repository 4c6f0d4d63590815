"""The locked workstation: the same person, or another, unlocks with a password."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QWidget

from ketadesk.clinic import Clinic
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitSummary
from ketadesk.ui.door.panel import centred, note, panel, title
from ketadesk.ui.kit.colours import ALERT_COLOUR
from ketadesk.ui.kit.lines import MessageLine
from ketadesk.ui.kit.widgets import button, label, line
from ketadesk.ui.kit.writes import attempt


class LockScreen(QWidget):
    """The locked workstation: the same person, or another, unlocks with a password."""

    unlocked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self.clinic: Clinic | None = None
        frame, layout = panel(420)
        layout.addWidget(title("lock_title", "Screen locked"))
        self.reason = note("", "lock_reason")
        layout.addWidget(self.reason)
        # What needs a nurse now, by chair only: no name, MRN or reading shows while locked.
        self.chairs = label(
            "lock_chairs", style=f"color: {ALERT_COLOUR}; font-weight: bold;", accessible="Chairs that need attention"
        )
        layout.addWidget(self.chairs)
        form = QFormLayout()
        self.login = line("lock_login", "Login")
        self.password = line("lock_password", "Password", password=True)
        form.addRow("&Login", self.login)
        form.addRow("&Password", self.password)
        layout.addLayout(form)
        self.message = MessageLine("lock_message")
        layout.addWidget(self.message)
        self.button = button("unlock_button", "&Unlock")
        self.button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(note("Another person may sign in here: the screen then opens for them."), 1)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.login.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.unlock)
        self.button.clicked.connect(self.unlock)
        centred(self, frame)
        self.setFocusProxy(self.password)

    def prepare(self, clinic: Clinic, why: str) -> None:
        """Lock for ``clinic``'s user: their login filled in, the password empty."""
        self.clinic = clinic
        self.login.setText(clinic.user.login)
        self.password.clear()
        self.message.clear_message()
        self.reason.setText(f"{why} Signed in: {clinic.user.signature_name}. Notes being typed are kept as drafts.")

    def show_chairs(self, visits: list[VisitSummary], flagged: frozenset[int] = frozenset()) -> None:
        """Say which chairs have vitals overdue, an alert open, the planned end passed or a risk flag to assess.

        Chair numbers only; ``flagged`` are the visits whose patient has a suicide-risk flag still to assess.
        """
        lines = []
        for visit in sorted((v for v in visits if v.chair is not None), key=lambda v: v.chair or 0):
            needs = []
            if visit.unacknowledged_alerts:
                needs.append("alert to acknowledge")
            if visit.timers is not None and visit.timers.vitals_overdue:
                needs.append("vitals overdue")
            if visit.phase is Phase.INFUSING and visit.timers is not None and visit.timers.planned_end_passed:
                needs.append("planned end passed")
            if visit.id in flagged:
                needs.append("risk assessment needed")
            if needs:
                lines.append(f"Chair {visit.chair}: {', '.join(needs)}")
        self.chairs.setText("\n".join(lines))
        self.chairs.setVisible(bool(lines))

    def unlock(self) -> Clinic | None:
        """The signed-in user's password opens the screen again; another user's opens it for them."""
        clinic = self.clinic
        if clinic is None:
            return None
        login = self.login.text().strip().lower()
        if not login:
            self.message.error("Type your login.")
            return None
        password = self.password.text()
        if login == clinic.user.login:
            opened = attempt(self.message, lambda: _confirmed(clinic, password))
        else:
            opened = attempt(self.message, lambda: clinic.sign_in(login, password))
        self.password.clear()
        if opened is None:
            self.password.setFocus()
            return None
        self.unlocked.emit(opened)
        return opened


def _confirmed(clinic: Clinic, password: str) -> Clinic:
    """``clinic`` once its user has re-entered the password to unlock (audited as an unlock)."""
    clinic.accounts.confirm_password(password, "unlock")
    return clinic
