"""The window's pages, and the clinic the doors act as before anyone signs in."""

from __future__ import annotations

from enum import StrEnum

from ketadesk.clinic import Clinic


class Page(StrEnum):
    """What the window shows."""

    DOOR = "door"  # first start or sign-in: nothing clinical
    WORK = "work"  # the chair board and the visits
    LOCKED = "locked"  # the lock screen: nothing clinical
    QUESTIONNAIRE = "questionnaire"  # the patient answers outcome measures: their first name and the items only


def door_of(clinic: Clinic) -> Clinic:
    """The clinic acting as the program itself: what the doors use before anyone signs in."""
    return clinic.signed_out()
