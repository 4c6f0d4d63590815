"""The watch's records in the lines the screens show: an acknowledgement, a request, its decision, a screening.

The record keeps logins and UTC moments; these lines give the person's printed name and
the workstation's local time, so the panel, the dialogs and the banner say them alike.
"""

from __future__ import annotations

from collections.abc import Callable

from ketadesk.core.watch.evaluate import RaisedFlag, WatchState
from ketadesk.core.watch.records import FlagAcknowledgement, PatientRequest, RequestDecisionRecord
from ketadesk.core.watch.screening_rules import ScreeningDue
from ketadesk.ui.kit.times import local_datetime

Names = Callable[[str], str]
"""A login to the person's printed name (:meth:`ketadesk.ui.kit.names.NameBook.name`)."""


def acknowledged_line(acknowledgement: FlagAcknowledgement, name: Names) -> str:
    """``Acknowledged by Samuel Okonkwo, MD on 2026-11-24 10:15: <note>``."""
    return f"Acknowledged by {name(acknowledgement.by)} on {local_datetime(acknowledgement.at)}: {acknowledgement.note}"


def request_line(request: PatientRequest, name: Names) -> str:
    """``2026-11-20 10:00 · A higher dose — “…” (written down by Maria Santos, RN)``."""
    detail = f" — “{request.detail}”" if request.detail else ""
    return (
        f"{local_datetime(request.requested_at)} · {request.kind.label}{detail} "
        f"(written down by {name(request.entered_by)})"
    )


def decision_line(decision: RequestDecisionRecord | None, name: Names) -> str:
    """``Refused by Samuel Okonkwo, MD on 2026-11-21 09:30: <reason>`` or ``Not decided yet``."""
    if decision is None:
        return "Not decided yet"
    return (
        f"{decision.decision.label} by {name(decision.decided_by)} on "
        f"{local_datetime(decision.decided_at)}: {decision.reason}"
    )


def latest_line(due: ScreeningDue, name: Names) -> str:
    """``AUDIT-C 3 on 2026-11-10 14:00 by Maria Santos, RN (detail)`` or ``Never done``."""
    latest = due.latest
    if latest is None:
        return "Never done"
    detail = f" — {latest.detail}" if latest.detail else ""
    return f"{latest.shown} on {local_datetime(latest.done_at)} by {name(latest.entered_by)}{detail}"


def due_line(due: ScreeningDue) -> str:
    """``Next due 2026-02-08 (every 90 days)`` or ``OVERDUE since 2026-11-24 (every 90 days)``."""
    status = due.status
    return f"{'Next ' if not due.overdue else ''}{status} (every {due.every_days} days)"


def open_flags_line(state: WatchState) -> str:
    """The banner's line: ``Watch: dose creep, screening overdue — not acknowledged`` ('' when none is open)."""
    open_flags = state.open_flags
    if not open_flags:
        return ""
    rules = list(dict.fromkeys(f.flag.rule.label.lower() for f in open_flags))
    return f"Watch: {', '.join(rules)} — not acknowledged"


def flag_status(raised: RaisedFlag, name: Names) -> str:
    """The acknowledgement of one flag, or that it waits for a physician's."""
    if raised.acknowledgement is None:
        return "Not acknowledged: a physician reviews it and acknowledges it with a note."
    return acknowledged_line(raised.acknowledgement, name)
