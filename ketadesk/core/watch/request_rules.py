"""Repeated refused requests: a patient asking again and again for more, sooner or stronger, and refused.

The pattern in a widely reported 2023 death (CLINICAL.md): the clinic's doctors refused a
higher dose and the patient went elsewhere. Flag (rule ``refused-requests``): at least
``refused_requests`` (2) of the course's requests refused, among those made in the
``refused_window_days`` (90) days up to now (a request made exactly that long ago counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ketadesk.core.local_time import local_date
from ketadesk.core.watch.flags import Flag, FlagInput, WatchRule
from ketadesk.core.watch.records import PatientRequest
from ketadesk.core.watch.settings import WatchRules
from ketadesk.core.watch.words import listed


def refused_requests(
    course_id: int, requests: Sequence[PatientRequest], now: datetime, rules: WatchRules
) -> Flag | None:
    """``refused_requests`` or more refused requests made within ``refused_window_days`` of now."""
    since = now - timedelta(days=rules.refused_window_days)
    refused = sorted(
        (r for r in requests if r.refused and since <= r.requested_at <= now), key=lambda r: (r.requested_at, r.id)
    )
    if len(refused) < rules.refused_requests:
        return None
    items = [
        # Who refused is on each request as the screens and reports show it (by printed name); a flag's
        # text is signed into its acknowledgement, so it names no login.
        f"{r.kind.label.lower()} (asked {local_date(r.requested_at).isoformat()}, refused)"
        for r in refused
        if r.decision is not None
    ]
    return Flag(
        WatchRule.REFUSED_REQUESTS,
        course_id,
        f"{len(refused)} requests refused in the last {rules.refused_window_days} days: {listed(items)}",
        (
            *(FlagInput(f"request {r.id}", f"{r.kind.label}: {r.detail or '(no detail)'}") for r in refused),
            FlagInput(
                "rule",
                f"{rules.refused_requests} refused ([watch] refused_requests) within "
                f"{rules.refused_window_days} days ([watch] refused_window_days)",
            ),
        ),
        tuple(str(r.id) for r in refused),
    )
