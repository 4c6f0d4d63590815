"""``ketadesk visits``: the visits of a day or a date range, and every visit still in progress.

A patient infusing at midnight is still in the chair the next morning: whenever the range
reaches today, the visits in progress are listed too, whatever day they were booked for, as
the board shows them. A range wholly in the past is a record of those days only.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import date

from ketadesk.clinic import Clinic, ValidationError
from ketadesk.core.dates import parse_date
from ketadesk.core.records import VisitSummary


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``visits`` subcommand and its options."""
    visits = commands.add_parser(
        "visits", help="list the visits of a day or a date range, and every visit still in progress"
    )
    visits.add_argument("--date", metavar="YYYY-MM-DD", help="one day (default: today)")
    visits.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first day of a range (default: --to)")
    visits.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last day of a range (default: --from)")
    visits.add_argument("--json", action="store_true", help="print JSON instead of a table")


@dataclass(frozen=True, slots=True)
class DayRange:
    """The days asked for, both ends included."""

    first: date
    last: date

    def words(self) -> str:
        """``on 2026-12-01`` or ``from 2026-11-30 to 2026-12-01``, for "No visits …"."""
        if self.first == self.last:
            return f"on {self.first.isoformat()}"
        return f"from {self.first.isoformat()} to {self.last.isoformat()}"


def _day(option: str, text: str) -> date:
    """The date typed after ``option``, or a refusal naming the option, the text and what is allowed."""
    try:
        return parse_date(option.lstrip("-"), text, label=option)
    except ValidationError as error:
        raise ValidationError(
            option,
            text,
            error.allowed,
            message=f"{option} {text!r} is not a date ({error.allowed}); write it as YYYY-MM-DD",
        ) from None


def typed_range(args: argparse.Namespace) -> tuple[date | None, date | None]:
    """The first and last day typed (either may be missing); a refusal names the option and the value."""
    if args.date and (args.first or args.last):
        raise ValidationError("date", args.date, "either --date or --from/--to, not both")
    if args.date:
        day = _day("--date", args.date)
        return day, day
    first = _day("--from", args.first) if args.first else None
    last = _day("--to", args.last) if args.last else None
    if first is not None and last is not None and last < first:
        raise ValidationError(
            "to",
            args.last,
            f"a last day on or after --from {first.isoformat()}",
            message=f"--to {args.last!r} is before --from {args.first!r}; give the earlier day with --from",
        )
    return first, last


def day_range(typed: tuple[date | None, date | None], today: date) -> DayRange:
    """The range asked for: one end alone is one day, neither is today (the clinic's today)."""
    first, last = typed
    first = first or last or today
    return DayRange(first, last or first)


def listed(clinic: Clinic, days: DayRange) -> list[VisitSummary]:
    """The visits booked in the range, with every visit in progress when the range reaches today."""
    if days.last >= clinic.today():
        return clinic.visits.booked_or_in_progress(days.first, days.last)
    return clinic.visits.between(days.first, days.last)


def rows(summaries: list[VisitSummary], days: DayRange) -> list[dict[str, object]]:
    """One JSON-ready row per visit; ``in_progress`` marks a visit in the chair booked outside the range."""
    return [
        {
            "id": s.id,
            "patient": s.patient_name,
            "mrn": s.mrn,
            "date": s.scheduled_date.isoformat(),
            "chair": s.chair,
            "phase": s.phase.value,
            "course_position": s.position.label if s.position else None,
            "substance_use": s.substance_use,
            "in_progress": s.phase.is_active,
            "booked_outside_range": not days.first <= s.scheduled_date <= days.last,
        }
        for s in summaries
    ]


def print_rows(table_rows: list[dict[str, object]], days: DayRange, *, as_json: bool) -> None:
    """JSON, or an aligned table under a header (a visit still in the chair from another day is marked)."""
    if as_json:
        print(json.dumps(table_rows, ensure_ascii=False, indent=2))
        return
    if not table_rows:
        print(f"No visits {days.words()}.")
        return
    headers = ("ID", "Patient", "MRN", "Date", "Chair", "Phase", "Course")
    table = [
        (
            str(r["id"]),
            str(r["patient"]) + (" [SUD]" if r["substance_use"] else ""),
            str(r["mrn"]),
            str(r["date"]),
            str(r["chair"] or "–"),
            str(r["phase"]).replace("_", " ") + (" (still in the chair)" if r["booked_outside_range"] else ""),
            str(r["course_position"] or "–"),
        )
        for r in table_rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
