"""Stored UTC times as the workstation's local clock shows them."""

from __future__ import annotations

from datetime import datetime


def local_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """A stored UTC time as the workstation's local clock time."""
    if moment is None:
        return "–"
    return moment.astimezone().strftime("%H:%M:%S" if seconds else "%H:%M")


def local_datetime(moment: datetime | None) -> str:
    """A stored UTC time as local date and time."""
    if moment is None:
        return "–"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
