"""A time-of-day picker that follows the clock until the nurse sets it: when an event happened."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QTimeEdit, QWidget

from ketadesk.core.charting import time_of_day_to_moment
from ketadesk.ui.kit.lines import set_style


class ClockTimeEdit(QTimeEdit):
    """A time of day that follows the clock until the user sets it.

    A form left open for half an hour must not chart its event at the time the form was
    opened; so until the user touches the time it means "now", and ``moment()`` says so.
    """

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setDisplayFormat("HH:mm")
        self.setToolTip("Follows the clock until you change it")
        self.touched = False
        self._following = False
        self.timeChanged.connect(self._changed)

    def _changed(self) -> None:
        if not self._following:
            self.touched = True

    def follow(self, now: datetime) -> None:
        """Show ``now`` (aware) in local time, unless the user has set a time or is editing it."""
        if self.touched or self.hasFocus():
            return
        local = now.astimezone()
        self._following = True
        try:
            self.setTime(QTime(local.hour, local.minute))
        finally:
            self._following = False

    def reset(self, now: datetime) -> None:
        """Go back to following the clock."""
        self.touched = False
        set_style(self, "")
        self.follow(now)

    def moment(self, now: datetime, field: str = "time") -> datetime | None:
        """The chosen time as an aware datetime, or None for "now" when the user has not set one.

        The time is today's, in local time, or yesterday's when today's would be ahead of now
        (core's rule for a time of day picked on screen, which also settles the hour the clocks
        go back and refuses, naming ``field``, a time in the hour they skip).
        """
        if not self.touched:
            return None
        chosen = self.time()
        return time_of_day_to_moment(now.astimezone().date(), time(chosen.hour(), chosen.minute()), now, field)
