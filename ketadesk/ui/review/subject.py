"""What the sign and addendum dialogs share: the words for what is signed, and the password field."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ketadesk.clinic import VisitView
from ketadesk.core.patient import Patient
from ketadesk.ui.kit.widgets import line


def visit_words(view: VisitView, patient: Patient) -> str:
    """What a signature or an addendum is about: patient, visit date, course position."""
    summary = view.detail.summary
    position = summary.position.label if summary.position else "not in a course"
    chair = f", chair {summary.chair}" if summary.chair else ""
    return (
        f"{patient.display_name} (MRN {patient.mrn})\nVisit of {summary.scheduled_date.isoformat()}{chair} — {position}"
    )


def password_field(name: str) -> QLineEdit:
    """The password typed again to sign (signing is an act of the signer's own credentials)."""
    field = line(name, "Your password", password=True, placeholder="Re-enter your password to sign")
    field.setMinimumWidth(320)
    return field
