"""Substance-use screening: when each screening is next due, and the flags for one overdue or positive.

Each kind is due again ``<kind>_every_days`` after the day it was last done (protocol
``[watch.screening]``); never done, it is due on the course's start date (screen before
treatment, as the APA consensus asks). Flag (rule ``screening-overdue``): today is after
the day it was due (on the due day itself it is due, not overdue).

Only the latest screening of each kind counts for a result: a newer negative screen
replaces an older positive one. Flag (rule ``screening-positive``): an AUDIT-C or DAST-10
total at or above the protocol's cut-off (AUDIT-C's for a man, or the lower one for a
woman or a patient recorded with another or unknown sex), or a urine drug screen positive
and not explained by a prescribed medicine, or a prescription-monitoring check with
concerns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from ketadesk.core.local_time import local_date
from ketadesk.core.patient import Sex
from ketadesk.core.watch.flags import Flag, FlagInput, WatchRule
from ketadesk.core.watch.records import ScreeningKind, ScreeningRecord
from ketadesk.core.watch.settings import ScreeningRules


@dataclass(frozen=True, slots=True)
class ScreeningDue:
    """One kind of screening for a patient: the latest done, the day it is due again, whether that has passed."""

    kind: ScreeningKind
    latest: ScreeningRecord | None
    due_on: date
    every_days: int
    overdue: bool

    @property
    def status(self) -> str:
        """``due 2026-03-01``, ``OVERDUE since 2026-03-01``."""
        return f"OVERDUE since {self.due_on.isoformat()}" if self.overdue else f"due {self.due_on.isoformat()}"


def every_days(kind: ScreeningKind, rules: ScreeningRules) -> int:
    """How often the protocol wants ``kind`` done."""
    return {
        ScreeningKind.AUDIT_C: rules.audit_c_every_days,
        ScreeningKind.DAST_10: rules.dast_10_every_days,
        ScreeningKind.URINE_DRUG_SCREEN: rules.urine_drug_screen_every_days,
        ScreeningKind.PRESCRIPTION_MONITORING: rules.prescription_monitoring_every_days,
    }[kind]


def cut_off(kind: ScreeningKind, sex: Sex, rules: ScreeningRules) -> tuple[int, str] | None:
    """The score at or above which ``kind`` is flagged for a patient of ``sex``, and where it comes from."""
    if kind is ScreeningKind.AUDIT_C:
        if sex is Sex.MALE:
            return rules.audit_c_flag_at_or_above_male, "audit_c_flag_at_or_above_male"
        return rules.audit_c_flag_at_or_above_female, "audit_c_flag_at_or_above_female"
    if kind is ScreeningKind.DAST_10:
        return rules.dast_10_flag_at_or_above, "dast_10_flag_at_or_above"
    return None


def dues(
    records: Sequence[ScreeningRecord], start: date, today: date, rules: ScreeningRules, zone: tzinfo | None = None
) -> tuple[ScreeningDue, ...]:
    """Every kind of screening, in order, with its latest record and when it is due again."""
    found: list[ScreeningDue] = []
    for kind in ScreeningKind:
        mine = sorted((r for r in records if r.kind is kind), key=lambda r: (r.done_at, r.id))
        latest = mine[-1] if mine else None
        interval = every_days(kind, rules)
        due = start if latest is None else local_date(latest.done_at, zone) + timedelta(days=interval)
        found.append(ScreeningDue(kind, latest, due, interval, today > due))
    return tuple(found)


def screening_flags(
    course_id: int, screening: Sequence[ScreeningDue], sex: Sex, rules: ScreeningRules, zone: tzinfo | None = None
) -> list[Flag]:
    """An overdue flag and a positive flag for each kind that has one."""
    flags: list[Flag] = []
    for due in screening:
        latest = due.latest
        if due.overdue:
            last = (
                f"last done {local_date(latest.done_at, zone).isoformat()}; every {due.every_days} days"
                if latest is not None
                else "never done; due at the course's start"
            )
            flags.append(
                Flag(
                    WatchRule.SCREENING_OVERDUE,
                    course_id,
                    f"{due.kind.label} was due on {due.due_on.isoformat()} ({last})",
                    (
                        FlagInput("screening", due.kind.label),
                        FlagInput("due", f"{due.due_on.isoformat()} ({last})"),
                        FlagInput("interval", f"{due.every_days} days ([watch.screening] {due.kind.value}_every_days)"),
                    ),
                    (due.kind.value, str(latest.id) if latest is not None else "none", due.due_on.isoformat()),
                )
            )
        if latest is None:
            continue
        positive = _positive(latest, sex, rules)
        if positive is not None:
            flags.append(
                Flag(
                    WatchRule.SCREENING_POSITIVE,
                    course_id,
                    f"{latest.shown} on {local_date(latest.done_at, zone).isoformat()} ({positive})",
                    (
                        FlagInput("screening", f"{latest.shown}; {latest.detail or 'no detail'}"),
                        FlagInput("done", local_date(latest.done_at, zone).isoformat()),  # who: the screening says
                        FlagInput("rule", positive),
                    ),
                    (str(latest.id),),
                )
            )
    return flags


def _positive(record: ScreeningRecord, sex: Sex, rules: ScreeningRules) -> str | None:
    """Why the latest screening is flagged, or None."""
    limit = cut_off(record.kind, sex, rules)
    if limit is not None and record.score is not None:
        value, key = limit
        if record.score >= value:
            return f"{value} or more is flagged: [watch.screening] {key}"
        return None
    if record.result is not None and record.result.flagged:
        return f"{record.result.label.lower()} is flagged"
    return None
