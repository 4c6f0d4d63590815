"""The idle lock's sense of activity: every key press, click and wheel turn anywhere in the program."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject


class ActivityWatch(QObject):
    """Hears every key press, click and wheel turn anywhere in the program, for the idle lock."""

    INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})

    def __init__(self, on_input: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activity_watch")
        self._on_input = on_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Note the input and let the event go on."""
        if event.type() in self.INPUT:
            self._on_input()
        return False


class IdleClock:
    """When someone last used the keyboard or mouse, by the clinic's clock (so a test's fake clock drives it)."""

    def __init__(self, now: datetime) -> None:
        self.last_input = now

    def note(self, now: datetime) -> None:
        """Input at ``now``: the idle lock starts counting again."""
        self.last_input = now

    def idle_for(self, now: datetime) -> timedelta:
        """How long the program has been idle at ``now``."""
        return now - self.last_input

    def past(self, now: datetime, minutes: int) -> bool:
        """``minutes`` have gone by at ``now`` without a key press, click or wheel turn (time to lock)."""
        return self.idle_for(now) >= timedelta(minutes=minutes)
