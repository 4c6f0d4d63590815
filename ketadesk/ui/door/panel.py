"""What the three doors share: a centred panel with a large title and muted notes, and how a refusal is worded."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ketadesk.clinic import Clinic, NewerDatabaseError, ProtocolError
from ketadesk.core import users
from ketadesk.core.protocol import Protocol
from ketadesk.core.users import User
from ketadesk.ui.kit.colours import MUTED_STYLE
from ketadesk.ui.kit.widgets import label
from ketadesk.ui.kit.writes import USER_ERRORS

# What opening or building another database may raise that a user can act on.
DOOR_ERRORS = (*USER_ERRORS, NewerDatabaseError, ProtocolError, OSError)


def with_protocol(clinic: Clinic, protocol: Protocol) -> Clinic:
    """The same clinic and user under another protocol (after the clinic's name or chairs change)."""
    return clinic.with_protocol(protocol)


def role_words(user: User) -> str:
    """A user's roles in words: ``nurse, administrator``."""
    return users.role_words(user.roles)


def door_error_text(error: BaseException) -> str:
    """What to tell the user about ``error`` (a file error names the file)."""
    if isinstance(error, OSError):
        return f"{error.strerror or error} {error.filename or ''}".strip()
    return str(getattr(error, "message", None) or error)


def title(name: str, text: str) -> QLabel:
    """The door's large bold heading."""
    return label(name, text, bold=True, scale=1.6)


def note(text: str, name: str = "") -> QLabel:
    """A muted explanatory line (read by a screen reader as its text)."""
    return label(name, text, style=MUTED_STYLE, accessible="")


def centred(page: QWidget, panel: QWidget) -> None:
    """Put ``panel`` in the middle of ``page``, whatever the window's size."""
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(panel, 0)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)


def panel(width: int) -> tuple[QFrame, QVBoxLayout]:
    """The framed panel a door's form sits in, ``width`` wide (it may grow a little with the window)."""
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setMinimumWidth(width)
    frame.setMaximumWidth(int(width * 1.6))
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(28, 24, 28, 24)
    layout.setSpacing(12)
    return frame, layout
