"""The protocol's ``[watch]`` and ``[watch.screening]`` sections: every threshold the watch's rules use.

Read by :func:`ketadesk.core.protocol.load_protocol` through its own reader (passed in, so
this module does not import the protocol module that imports it). The dose ceiling is not
here: it is the protocol's ``[dose] max_mg_per_kg``, the clinic's one maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class SectionReader(Protocol):
    """What the protocol's reader offers: typed values that name the key and line when they are wrong."""

    def number(self, section: str, key: str, low: float, high: float, *, whole: bool = False) -> float: ...

    def whole(self, section: str, key: str, low: int, high: int) -> int: ...

    def fail(self, section: str, key: str, reason: str) -> Exception: ...


@dataclass(frozen=True, slots=True)
class ScreeningRules:
    """How often each substance-use screening is due, and the scores that raise a flag."""

    audit_c_every_days: int
    audit_c_flag_at_or_above_female: int
    """AUDIT-C positive screen for women, and for patients recorded with another or unknown sex (the lower cut-off)."""
    audit_c_flag_at_or_above_male: int
    dast_10_every_days: int
    dast_10_flag_at_or_above: int
    urine_drug_screen_every_days: int
    prescription_monitoring_every_days: int


@dataclass(frozen=True, slots=True)
class WatchRules:
    """The watch's thresholds (CLINICAL.md, "Tolerance and misuse over a course"; every one a clinic default)."""

    dose_creep_factor: float
    """Today's mg/kg at or above this times the course's first effective dose is dose creep."""
    rising_visits: int
    """Doses rising at each of this many infusions in a row, with no outcome score improving, raise a flag."""
    improvement_percent: int
    """A score improved when it fell by at least this percent from the score it is compared with."""
    shortening_intervals: int
    """This many intervals between infusions outside induction, each shorter than the one before, raise a flag."""
    shortening_min_days: int
    """By at least this many days each, so a day's drift of the booking is not a shortening."""
    window_days: int
    infusions_in_window: int
    """The most infusions any ``window_days`` days may hold once a course is past induction."""
    wearing_off_cycles: int
    """This many cycles in a row whose benefit lasted less each time raise a flag …"""
    wearing_off_shrink_percent: int
    """… when the newest lasted at least this percent less than the oldest of them."""
    refused_requests: int
    """This many refused requests (more infusions, a higher dose, an earlier visit) within the window raise a flag."""
    refused_window_days: int
    screening: ScreeningRules


def read_watch(r: SectionReader) -> WatchRules:
    """The ``[watch]`` settings, each inside its range (a factor of 1 or less would call every dose creep)."""
    s = "watch"
    screening = "watch.screening"
    return WatchRules(
        dose_creep_factor=r.number(s, "dose_creep_factor", 1.05, 5.0),
        rising_visits=r.whole(s, "rising_visits", 2, 20),
        improvement_percent=r.whole(s, "improvement_percent", 1, 100),
        shortening_intervals=r.whole(s, "shortening_intervals", 2, 20),
        shortening_min_days=r.whole(s, "shortening_min_days", 1, 90),
        window_days=r.whole(s, "window_days", 1, 90),
        infusions_in_window=r.whole(s, "infusions_in_window", 1, 60),
        wearing_off_cycles=r.whole(s, "wearing_off_cycles", 2, 20),
        wearing_off_shrink_percent=r.whole(s, "wearing_off_shrink_percent", 1, 99),
        refused_requests=r.whole(s, "refused_requests", 1, 50),
        refused_window_days=r.whole(s, "refused_window_days", 1, 3650),
        screening=ScreeningRules(
            audit_c_every_days=r.whole(screening, "audit_c_every_days", 1, 3650),
            audit_c_flag_at_or_above_female=r.whole(screening, "audit_c_flag_at_or_above_female", 1, 12),
            audit_c_flag_at_or_above_male=r.whole(screening, "audit_c_flag_at_or_above_male", 1, 12),
            dast_10_every_days=r.whole(screening, "dast_10_every_days", 1, 3650),
            dast_10_flag_at_or_above=r.whole(screening, "dast_10_flag_at_or_above", 1, 10),
            urine_drug_screen_every_days=r.whole(screening, "urine_drug_screen_every_days", 1, 3650),
            prescription_monitoring_every_days=r.whole(screening, "prescription_monitoring_every_days", 1, 3650),
        ),
    )
