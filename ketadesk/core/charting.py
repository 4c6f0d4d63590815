"""Rules for what a nurse charts by hand: the kinds of note, and which times may be charted.

A reading, an adverse event or a medicine given is charted at the time it happened. Late
entries are normal at a busy bedside, but only within a shift; a time in the future is
never right (a minute's grace covers clocks a little apart). The screens, the clinic API
and the reports all ask here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.local_time import local_moments

LATE_ENTRY_LIMIT = timedelta(hours=12)
"""How far back a nurse may date an entry made late: one shift."""
FUTURE_GRACE = timedelta(minutes=1)
"""How far ahead of the workstation's clock a charted time may be (two clocks a little apart)."""
_HOUR = timedelta(hours=1)


class NoteKind(StrEnum):
    """What a time-stamped note is about. The value is what the store keeps."""

    NURSING = "nursing"
    DISSOCIATION = "dissociation"
    ADVERSE_EVENT = "adverse_event"
    INTERVENTION = "intervention"
    PHYSICIAN = "physician"
    CORRECTION = "correction"

    @property
    def label(self) -> str:
        """The kind as a nurse says it: ``Adverse event``."""
        return _NOTE_LABELS[self]


_NOTE_LABELS = {
    NoteKind.NURSING: "Nursing",
    NoteKind.DISSOCIATION: "Dissociation",
    NoteKind.ADVERSE_EVENT: "Adverse event",
    NoteKind.INTERVENTION: "Intervention",
    NoteKind.PHYSICIAN: "Physician",
    NoteKind.CORRECTION: "Correction",
}

NOTE_KINDS: tuple[str, ...] = tuple(k.value for k in NoteKind if k is not NoteKind.CORRECTION)
"""The notes a clinician writes; correction notes are written by the program with the correction itself."""


def note_label(kind: str) -> str:
    """A stored note kind in words (an unknown kind as stored, so nothing is hidden)."""
    try:
        return NoteKind(kind).label
    except ValueError:
        return kind


def check_charted_time(field: str, moment: datetime | None, now: datetime) -> datetime:
    """A charted time: ``now`` when not given, never in the future, at most :data:`LATE_ENTRY_LIMIT` back."""
    when = moment or now
    if when.tzinfo is None:
        raise ValidationError(field, str(when), "a time with its time zone")
    if when > now + FUTURE_GRACE:
        raise ValidationError(field, to_utc_iso(when), "a time not in the future")
    if when < now - LATE_ENTRY_LIMIT:
        raise ValidationError(field, to_utc_iso(when), f"within the last {LATE_ENTRY_LIMIT // _HOUR} hours")
    return when


def time_of_day_to_moment(day: date, clock_time: time, now: datetime, field: str = "time") -> datetime:
    """A time of day picked on screen as the moment it means: today's, or yesterday's if today's is ahead.

    A time later than now that fits the late-entry limit is taken as yesterday's (an event
    just before midnight, charted just after). In the hour the clocks go back, when the
    time happened twice, it is the latest of the two that is not ahead of now; a time in
    the hour the clocks skip never happened and is refused. The result is then checked by
    :func:`check_charted_time` like any charted time.
    """
    today = local_moments(day, clock_time)
    if not today:
        shown = clock_time.strftime("%H:%M")
        raise ValidationError(
            field,
            shown,
            "a time the clock showed that day",
            message=f"{shown} did not happen on {day.isoformat()}: the clocks went forward an hour; "
            "give the time as the clock showed it.",
        )
    past = [moment for moment in today if moment <= now + FUTURE_GRACE]
    if past:
        return past[-1]
    earlier = local_moments(day - timedelta(days=1), clock_time)
    if earlier and earlier[-1] >= now - LATE_ENTRY_LIMIT:
        return earlier[-1]
    return today[0]


def charted_minute(when: datetime) -> tuple[datetime, datetime]:
    """The minute ``when`` falls in, as [start, end): two readings in one minute ask whether one is a duplicate.

    A second set charted in the same minute as a current one is most often the same set
    entered twice (a double Enter, two nurses at one chair); sometimes it is real (a repeat
    cuff after a startling value), so the nurse is asked, never refused.
    """
    start = when.replace(second=0, microsecond=0)
    return start, start + timedelta(minutes=1)
