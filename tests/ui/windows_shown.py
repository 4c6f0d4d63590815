"""Which widgets were shown as windows of their own while a screen was built: a widget shown before its
layout took it opens for an instant as a window (a flash on a desktop, and a native window made and
destroyed), which only watching every Show event can catch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget


class _Watch(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            self.names.append(watched.objectName())
        return False


@contextmanager
def windows_shown() -> Iterator[list[str]]:
    """The object names of the widgets shown as windows inside the ``with`` block, in order."""
    app = QApplication.instance()
    assert app is not None
    watch = _Watch()
    app.installEventFilter(watch)
    try:
        yield watch.names
    finally:
        app.removeEventFilter(watch)
