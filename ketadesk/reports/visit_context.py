"""What every part of the visit report shares: the record it is built from, the styles, who is who.

The report is built in parts (:mod:`ketadesk.reports.visit_pdf` composes them; the monitoring
record and the recovery and discharge record are parts of their own), and each part reads
the visit through this context, so none needs another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from ketadesk.core import readiness
from ketadesk.core.charting import NoteKind
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import ScoreRecord, VisitDetail
from ketadesk.core.scales import (
    Scale,
)
from ketadesk.core.signing import Addendum, Signature
from ketadesk.core.vitals import AlertKind
from ketadesk.reports.layout import (
    MUTED,
    Styles,
    markup,
    person,
)

TITLE = "Infusion visit record"

SUBJECT_LABELS = {
    readiness.BASELINE_BP: "Baseline BP above the protocol limit",
    readiness.DOSE_OVERRIDE: "Dose outside the protocol's rules",
    readiness.DISCHARGE_OVERRIDE: "Discharge with a criterion unmet",
}
SHORT_ALERTS = {
    AlertKind.SBP_HIGH: "SBP high",
    AlertKind.SBP_LOW: "SBP low",
    AlertKind.DBP_HIGH: "DBP high",
    AlertKind.HR_HIGH: "HR high",
    AlertKind.HR_LOW: "HR low",
    AlertKind.SPO2_LOW: "SpO2 low",
    AlertKind.RR_LOW: "RR low",
    AlertKind.RR_HIGH: "RR high",
}
# Which table column an alert marks: the value that crossed the threshold prints bold red.
ALERT_COLUMNS = {
    AlertKind.SBP_HIGH: 1,
    AlertKind.SBP_LOW: 1,
    AlertKind.DBP_HIGH: 2,
    AlertKind.HR_HIGH: 3,
    AlertKind.HR_LOW: 3,
    AlertKind.SPO2_LOW: 4,
    AlertKind.RR_LOW: 5,
    AlertKind.RR_HIGH: 5,
}
ALERT_MARK = "⚠"
STRUCK = f"#{MUTED.hexval()[2:]}"
"""The gray of an entry that no longer counts, printed struck through (the report's muted ink)."""


def note_heading(kind: str) -> str:
    """A note's kind as the record heads it: ``Nursing note``, ``Correction`` (an unknown kind capitalised)."""
    try:
        known = NoteKind(kind)
    except ValueError:
        return kind.capitalize()
    return known.label if known is NoteKind.CORRECTION else f"{known.label} note"


def score_level(scale: Scale, score: ScoreRecord) -> str:
    """A level with its definition; the printed record writes RASS with an ASCII minus (``-1``)."""
    return f"<b>{scale.show(score.total, minus='-')}</b> — {markup(scale.definition(score.total))}"


def staff_on_visit(visit: VisitDetail) -> list[str]:
    """Logins of everyone who charted on the visit, in order of first entry."""
    seen: dict[str, None] = {}
    entries: list[tuple[datetime, str]] = [(e.at, e.by) for e in visit.events if e.phase is not Phase.SCHEDULED]
    entries += [(c.at, c.by) for c in visit.checklist] + [(v.entered_at, v.entered_by) for v in visit.vitals]
    entries += [(n.at, n.by) for n in visit.notes] + [(a.at, a.by) for a in visit.acknowledgements]
    entries += [(s.taken_at, s.by) for s in visit.scores]
    entries += [(d.at, d.by) for d in (*visit.earlier_doses, *([visit.dose] if visit.dose else []))]
    if visit.dose_given is not None:
        entries.append((visit.dose_given.at, visit.dose_given.by))
    for _, login in sorted(entries, key=lambda pair: pair[0]):
        seen.setdefault(login, None)
    return list(seen)


class VisitReportContext:
    """The visit, patient, protocol, signature, addenda and staff names one report is built from."""

    def __init__(
        self,
        visit: VisitDetail,
        patient: Patient,
        protocol: Protocol,
        signature: Signature | None,
        addenda: Sequence[Addendum],
        staff: Mapping[str, str],
    ) -> None:
        self.visit = visit
        self.patient = patient
        self.protocol = protocol
        self.signature = signature
        self.addenda = addenda
        self.staff = staff
        self.s = Styles()
        self.width = 0.0

    def who(self, login: str) -> str:
        return person(login, self.staff)

    def heading(self, text: str) -> list[Flowable]:
        # A heading never sits alone at the foot of a page.
        return [CondPageBreak(28 * mm), Paragraph(markup(text), self.s.heading)]

    def none(self, text: str) -> Paragraph:
        return Paragraph(markup(text), self.s.small)


def latest_entry(visit: VisitDetail) -> datetime | None:
    """When the record a draft shows was last written to: its creation date, so the same draft gives the same file."""
    moments = [e.at for e in visit.events] + [v.entered_at for v in visit.vitals] + [n.at for n in visit.notes]
    return max(moments, default=None)
