"""UI test guards: no test may leave a QTimer running (a program full of timers needs this).

Every KetaDesk timer carries an objectName; Qt's own unnamed helpers (the status bar's
message timeout, for one) are not ours to stop and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def no_running_timers(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves any widget's QTimer active behind it."""
    yield
    running = [
        f"{widget.objectName() or type(widget).__name__}.{timer.objectName()}"
        for widget in QApplication.allWidgets()
        for timer in widget.findChildren(QTimer)
        if timer.isActive() and timer.objectName()
    ]
    for widget in QApplication.allWidgets():
        for timer in widget.findChildren(QTimer):
            timer.stop()
    assert not running, f"QTimers left running: {running}"
