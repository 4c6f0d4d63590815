"""Vital signs as CSV: one row per reading, times in ISO-8601, with whether it still counts.

A reading corrected or struck as entered in error stays in the file: its ``status`` says so
(``corrected`` or ``entered in error``; ``current`` for the readings that count), with who
corrected it, when and why; the correcting reading names it in ``corrects_id``.

``taken_at`` is UTC (``…Z``, as stored); ``taken_at_local`` is the same moment with the
clinic's offset (the protocol's ``time_zone``, else the workstation's), for a spreadsheet
read in the clinic. A name that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-`` or ``@``) is written with a leading
apostrophe. Each row also carries its visit's dose as given (never the planned amount) and
what that amount rests on (``completed``, ``confirmed``, ``corrected`` or ``from_times``),
empty while the pump runs. ``entered_by`` and ``corrected_by`` are logins; the columns after
each give the printed name and credentials, as the PDF prints them.

A file is written in UTF-8 with a byte-order mark by default, so a spreadsheet opened by
double-click reads "Núñez" and "王芳" rather than guessing a legacy code page
(:data:`BOM`; ``ketadesk csv --no-bom`` leaves it out for tools that do not expect one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Protocol

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.corrections import Corrected
from ketadesk.core.dose_given import given_dose
from ketadesk.core.local_time import in_zone
from ketadesk.core.records import VisitDetail

COLUMNS = (
    "visit_id",
    "mrn",
    "patient",
    "visit_date",
    "reading_id",
    "taken_at",
    "taken_at_local",
    "sbp",
    "dbp",
    "hr",
    "spo2",
    "rr",
    "temp_c",
    "source",
    "baseline",
    "alerts",
    "entered_by",
    "entered_by_name",
    "entered_at",
    "corrects_id",
    "dose_given_mg",
    "dose_given_basis",
    "confirmed_extremes",
    "status",
    "corrected_by",
    "corrected_by_name",
    "corrected_at",
    "correction_reason",
)


BOM = "\ufeff"
"""Written first in a CSV file (not in the text a screen previews): how a spreadsheet knows it is UTF-8."""


class TextSink(Protocol):
    """Anything CSV text can be written to: a file, a StringIO, an encoder into a file."""

    def write(self, text: str, /) -> object:
        """Take the next piece of text."""
        ...


def _safe(text: str) -> str:
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def write_header(out: TextSink) -> None:
    """The column names."""
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)


def write_rows(out: TextSink, visits: Iterable[VisitDetail], staff: Mapping[str, str] | None = None) -> int:
    """Every reading of every visit, current or not, in visit then time order; returns how many rows.

    ``staff`` maps logins to printed names (a login it lacks is printed as itself).
    """
    names = staff or {}
    writer = csv.writer(out, lineterminator="\n")
    count = 0
    for visit in visits:
        s = visit.summary
        given = given_dose(visit)
        given_columns = ["", ""] if given is None else [f"{given.mg:g}", given.basis.value]
        shown = [(r, True) for r in visit.vitals] + [(r, False) for r in visit.replaced_vitals]
        for record, current in sorted(shown, key=lambda pair: (pair[0].vitals.taken_at, pair[0].id)):
            vs = record.vitals
            fix = None if current else visit.correction_of(Corrected.VITALS, record.id)
            status = "current" if current else fix.status if fix is not None else "corrected"
            writer.writerow(
                [
                    s.id,
                    s.mrn,
                    _safe(s.patient_name),
                    s.scheduled_date.isoformat(),
                    record.id,
                    to_utc_iso(vs.taken_at),
                    in_zone(vs.taken_at).isoformat(timespec="seconds"),
                    vs.sbp,
                    vs.dbp,
                    vs.hr,
                    vs.spo2,
                    vs.rr,
                    "" if vs.temp_c is None else f"{vs.temp_c:g}",
                    record.source.value,
                    "yes" if record.is_baseline else "no",
                    ";".join(a.value for a in record.alerts),
                    record.entered_by,
                    _safe(names.get(record.entered_by, record.entered_by)),
                    to_utc_iso(record.entered_at),
                    "" if record.corrects_id is None else record.corrects_id,
                    *given_columns,
                    ";".join(e.value for e in record.confirmed_extremes),
                    status,
                    "" if fix is None else fix.by,
                    "" if fix is None else _safe(names.get(fix.by, fix.by)),
                    "" if fix is None else to_utc_iso(fix.at),
                    "" if fix is None else _safe(fix.reason),
                ]
            )
            count += 1
    return count


def vitals_csv(visits: Iterable[VisitDetail], staff: Mapping[str, str] | None = None) -> str:
    """The readings of ``visits`` as CSV text with its header (no byte-order mark: text, not a file)."""
    out = io.StringIO()
    write_header(out)
    write_rows(out, visits, staff)
    return out.getvalue()
