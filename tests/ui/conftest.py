"""UI test guards: no test may leave a QTimer running (a program full of timers needs this)."""

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
        f"{widget.objectName() or type(widget).__name__}.{timer.objectName() or 'timer'}"
        for widget in QApplication.allWidgets()
        for timer in widget.findChildren(QTimer)
        if timer.isActive()
    ]
    for widget in QApplication.allWidgets():
        for timer in widget.findChildren(QTimer):
            timer.stop()
    assert not running, f"QTimers left running: {running}"
