"""Calendar days between Qt's date widgets and Python's ``date`` (the record's days are Python's)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def qdate(day: date) -> QDate:
    """``day`` for a Qt date field."""
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    """A Qt date field's day as the record keeps it."""
    return date(day.year(), day.month(), day.day())
