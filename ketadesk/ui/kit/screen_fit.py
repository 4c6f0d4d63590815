"""Windows sized for the screen they open on: 1366×768 at 100 % and 1920×1080 at 150 % included.

A size in pixels that suits a large monitor puts a dialog's Save and Close below the edge
of a laptop's screen (the PDF preview asked for 1000 pixels of height; 1920×1080 at 150 %
gives 720). Each window asks for the size it would like and gets at most what the screen
has free, centred over its parent or the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MARGIN = 0.94
"""The share of the free screen a window may take: room for its frame and title bar."""


def available(widget: QWidget) -> QRect:
    """The free area (without panels and task bars) of the screen ``widget`` is on, or the primary one."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted(wanted: QSize, room: QRect) -> QSize:
    """``wanted``, made no larger than the share of ``room`` a window may take."""
    return QSize(
        min(wanted.width(), int(room.width() * MARGIN)),
        min(wanted.height(), int(room.height() * MARGIN)),
    )


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """Resize ``widget`` to ``width``×``height`` or the screen's free area, whichever is smaller; the size given."""
    room = available(widget)
    size = fitted(QSize(width, height), room)
    widget.resize(size)
    return size


def keep_on_screen(widget: QWidget) -> None:
    """Move and shrink ``widget`` so its whole frame lies on its screen (a geometry restored from a larger one)."""
    room = available(widget)
    size = fitted(widget.size(), room)
    if size != widget.size():
        widget.resize(size)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), room.x()), room.right() - frame.width() + 1)
    y = min(max(frame.y(), room.y()), room.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(max(x, room.x()), max(y, room.y()))
