"""Whether a visit may move on: the gates before the infusion starts and before discharge.

Both are clinical rules, so they live here once; the workspace, the board, the CLI and
the reports all ask this module rather than deciding for themselves. Each answer is a
value (which gate or criterion, why, what would satisfy it), so a screen renders it
without reading the words; ``str()`` of each gives the sentence shown today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ketadesk.core import orders
from ketadesk.core.dosing import review_dose
from ketadesk.core.instruments.risk import RiskFlag, blocking
from ketadesk.core.orders import VerbalOrder, covering_order
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import ChecklistItem, Protocol
from ketadesk.core.records import Acknowledgement, VisitDetail
from ketadesk.core.scales import Scale, aldrete_verdict, sedation_resolved, sedation_resolved_text
from ketadesk.core.timers import VisitTimers, compute_timers, format_duration
from ketadesk.core.vitals import baseline_needs_physician, within_percent_of_baseline

# Subjects of acknowledgements: a nurse's of an alert reading, a physician's of an override.
VITALS_ALERT = "vitals_alert"
# The physician's subjects are core.orders' (requests and verbal orders name them too).
BASELINE_BP = orders.BASELINE_BP
DOSE_OVERRIDE = orders.DOSE_OVERRIDE
DISCHARGE_OVERRIDE = orders.DISCHARGE_OVERRIDE
OVERRIDE_SUBJECTS = orders.OVERRIDE_SUBJECTS

PHYSICIAN_ACKNOWLEDGEMENT = "a physician's acknowledgement"
# How far today's weight may differ from the weight the dose was calculated for (rounding in the entry).
DOSE_WEIGHT_TOLERANCE_KG = 0.05


class Gate(StrEnum):
    """A gate before the infusion starts. A physician's gates have the acknowledgement subject as their value."""

    CHECKLIST = "checklist"
    WEIGHT = "weight"
    BASELINE = "baseline"
    BASELINE_BP = BASELINE_BP
    DOSE = "dose"
    DOSE_OVERRIDE = DOSE_OVERRIDE
    DOSE_WEIGHT = "dose_weight"
    SUICIDE_RISK = "suicide_risk"


@dataclass(frozen=True, slots=True)
class Blocker:
    """One thing that stops the infusion from starting: which gate, why, and what would clear it."""

    gate: Gate
    why: str
    remedy: str
    needs_physician: bool = False
    item: ChecklistItem | None = None
    """The unticked checklist item (checklist gates only)."""
    reasons: tuple[str, ...] = ()
    """Why the dose needs a physician, one reason each (dose override only)."""
    flag: RiskFlag | None = None
    """The suicide-risk flag still to assess (suicide-risk gates only)."""

    @property
    def key(self) -> str:
        """Which gate: ``weight``, ``baseline_bp``, … or ``checklist:<item key>`` for a checklist item."""
        return f"{self.gate.value}:{self.item.key}" if self.item is not None else self.gate.value

    @property
    def override_subject(self) -> str | None:
        """The acknowledgement subject a physician clears this with, if a physician must."""
        return self.gate.value if self.needs_physician else None

    def __str__(self) -> str:
        return self.why

    def __contains__(self, text: object) -> bool:
        """``"Baseline BP" in blocker``: whether the sentence says it."""
        return isinstance(text, str) and text in self.why


class AutoCheck(StrEnum):
    """Discharge criteria judged from the record rather than ticked (their keys in the protocol file)."""

    OBSERVATION_ELAPSED = "observation_elapsed"
    ALDRETE_PASS = "aldrete_pass"
    SEDATION_RESOLVED = "sedation_resolved"
    VITALS_NEAR_BASELINE = "vitals_near_baseline"
    VITALS_NOT_OVERDUE = "vitals_not_overdue"


# Always a discharge criterion, whatever the clinic's checklist says (CLINICAL.md: "one set before
# discharge"): a patient does not leave on a set of vitals that is overdue. A clinic may place it in
# its own list (an automatic item with this key); otherwise it follows the judged criteria.
FINAL_VITALS = ChecklistItem(AutoCheck.VITALS_NOT_OVERDUE.value, "Vital signs up to date", automatic=True)
VITALS_OVERDUE_AT_DISCHARGE = "Vitals are overdue: record a final set before discharge, or a physician's override"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One discharge criterion: met or not, in words why, and what would satisfy it."""

    key: str
    label: str
    met: bool
    detail: str
    automatic: bool
    remedy: str = ""
    """What would satisfy it: ``a modified Aldrete score of 9 or more``, ``MOAA/S 5 and RASS 0``."""
    recorded: bool = True
    """False when nothing in the record judges it yet (no score, observation not begun, never ticked)."""
    remaining: timedelta | None = None
    """Observation still to go (the observation criterion, once observation has begun)."""

    def __str__(self) -> str:
        return f"{self.label} ({self.detail})"


RISK_REMEDY = "a clinician's risk assessment (level and action taken), or a physician's override with a reason"


def start_blockers(
    protocol: Protocol, visit: VisitDetail, previous_mg_per_kg: float | None, risk: Sequence[RiskFlag] = ()
) -> list[Blocker]:
    """Everything that stops the infusion from starting now, in the order a nurse fixes them.

    ``risk`` is the patient's suicide-risk flags (:func:`ketadesk.core.instruments.risk.risk_flags`):
    one raised and neither assessed nor overridden stops the infusion, first of all.
    """
    blockers: list[Blocker] = [
        Blocker(Gate.SUICIDE_RISK, f"{flag.summary}", RISK_REMEDY, flag=flag) for flag in blocking(risk)
    ]
    for item in protocol.pre_infusion_checklist:
        answer = visit.checklist_answer("pre_infusion", item.key)
        if answer is None or not answer.checked:
            why = f"Checklist: {item.label}"
            blockers.append(Blocker(Gate.CHECKLIST, why, "a tick on the pre-infusion checklist", item=item))
    if visit.weight_kg is None:
        blockers.append(Blocker(Gate.WEIGHT, "Weight today is not recorded", "record today's weight"))
    baseline = visit.baseline
    if baseline is None:
        blockers.append(
            Blocker(Gate.BASELINE, "Baseline vital signs are not recorded", "record a baseline set of vital signs")
        )
    elif baseline_needs_physician(baseline.vitals, protocol.alerts) and not _acked(
        visit, BASELINE_BP, since=baseline.entered_at
    ):
        limit = f"{protocol.alerts.baseline_sbp_above}/{protocol.alerts.baseline_dbp_above}"
        shown = f"{baseline.vitals.sbp}/{baseline.vitals.dbp}"
        why = f"Baseline BP {shown} is above {limit}: a physician must acknowledge it"
        blockers.append(Blocker(Gate.BASELINE_BP, why, PHYSICIAN_ACKNOWLEDGEMENT, needs_physician=True))
    if visit.dose is None:
        blockers.append(Blocker(Gate.DOSE, "The dose is not prepared", "prepare the dose"))
    else:
        review = review_dose(visit.dose.mg_per_kg, previous_mg_per_kg, protocol.dose)
        if review.needs_physician and not _acked(visit, DOSE_OVERRIDE, visit.dose.id):
            why = "Dose needs a physician's acknowledgement: " + "; ".join(review.reasons)
            reasons = tuple(review.reasons)
            blockers.append(
                Blocker(Gate.DOSE_OVERRIDE, why, PHYSICIAN_ACKNOWLEDGEMENT, needs_physician=True, reasons=reasons)
            )
        if visit.weight_kg is not None and abs(visit.dose.weight_kg - visit.weight_kg) > DOSE_WEIGHT_TOLERANCE_KG:
            why = (
                f"The dose was calculated for {visit.dose.weight_kg:g} kg but today's weight is "
                f"{visit.weight_kg:g} kg: recalculate it"
            )
            blockers.append(Blocker(Gate.DOSE_WEIGHT, why, "recalculate the dose for today's weight"))
    return blockers


def _acked(visit: VisitDetail, subject: str, subject_id: int | None = None, *, since: datetime | None = None) -> bool:
    """Whether a physician approved ``subject`` (after ``since``: a newer, higher baseline needs a new one).

    An approval is an acknowledgement, or a verbal order in force (unverified until
    countersigned: the nurse may act on it now; it blocks only the visit's signature).
    A request is not an approval: it clears nothing until the physician approves it.
    """
    return any(
        a.subject == subject and (subject_id is None or a.subject_id == subject_id) and (since is None or a.at >= since)
        for a in visit.acknowledgements
    ) or (covering_order(visit.verbal_orders, subject, subject_id, since=since) is not None)


def discharge_override(visit: VisitDetail) -> Acknowledgement | None:
    """The physician's written override that lets this patient go with a criterion unmet, if there is one.

    An override speaks for this recovery: only one given since the visit last entered
    observation counts.
    """
    since = visit.event_time(Phase.OBSERVATION)
    found = [a for a in visit.acknowledgements if a.subject == DISCHARGE_OVERRIDE and (since is None or a.at >= since)]
    return found[-1] if found else None


def discharge_items(protocol: Protocol) -> tuple[ChecklistItem, ...]:
    """The discharge criteria in order: the protocol's checklist with :data:`FINAL_VITALS` if it does not list it.

    Added after the last criterion judged from the record, so the judged ones stay together.
    """
    items = protocol.discharge_checklist
    if any(i.key == FINAL_VITALS.key for i in items):
        return items
    after = max((n + 1 for n, item in enumerate(items) if item.automatic), default=len(items))
    return (*items[:after], FINAL_VITALS, *items[after:])


def discharge_criteria(
    protocol: Protocol, visit: VisitDetail, timers: VisitTimers | None, now: datetime
) -> list[Criterion]:
    """Judge every discharge criterion (:func:`discharge_items`) against the record at ``now``."""
    results: list[Criterion] = []
    for item in discharge_items(protocol):
        if item.automatic:
            results.append(_automatic(item, protocol, visit, timers))
            continue
        answer = visit.checklist_answer("discharge", item.key)
        met = answer is not None and answer.checked
        detail = f"ticked by {answer.by}" if answer is not None and answer.checked else "not ticked"
        remedy = "a tick on the discharge checklist"
        results.append(Criterion(item.key, item.label, met, detail, False, remedy, recorded=answer is not None))
    return results


def discharge_verbal_order(visit: VisitDetail) -> VerbalOrder | None:
    """A verbal order in force, given since the visit last entered observation, to discharge with a criterion unmet."""
    return covering_order(visit.verbal_orders, DISCHARGE_OVERRIDE, since=visit.event_time(Phase.OBSERVATION))


def criteria_from_record(protocol: Protocol, visit: VisitDetail, at: datetime) -> list[Criterion]:
    """The discharge criteria judged from the record alone at ``at`` (a report or a review, never the clock).

    A visit discharged by then is judged as it stood while ready for discharge, so its
    observation counts up to ``at`` (the discharge, for the record as it stood then).
    """
    phase = Phase.READY_FOR_DISCHARGE if visit.event_time(Phase.DISCHARGED) is not None else None
    timers = compute_timers(visit.times(phase), protocol, at)
    return discharge_criteria(protocol, visit, timers, at)


def _automatic(item: ChecklistItem, protocol: Protocol, visit: VisitDetail, timers: VisitTimers | None) -> Criterion:
    key, label = item.key, item.label
    if key == AutoCheck.OBSERVATION_ELAPSED:
        minimum = protocol.observation_minimum_min
        if timers is None or timers.observation_remaining is None:
            remedy = f"{minimum} min of observation after the infusion stops"
            return Criterion(key, label, False, "observation has not started", True, remedy, recorded=False)
        left = timers.observation_remaining
        if timers.observation_complete:
            return Criterion(key, label, True, f"{minimum} min observed", True, "", remaining=left)
        shown = format_duration(left)
        return Criterion(
            key, label, False, f"{shown} of observation left", True, f"{shown} more of observation", remaining=left
        )
    if key == AutoCheck.ALDRETE_PASS:
        remedy = f"a modified Aldrete score of {protocol.aldrete_pass} or more"
        score = visit.latest_score(Scale.ALDRETE)
        if score is None:
            return Criterion(key, label, False, "no Aldrete score recorded", True, remedy, recorded=False)
        verdict = aldrete_verdict(score.total, protocol)
        detail = f"Aldrete {score.total} (pass {verdict.pass_mark})"
        return Criterion(key, label, verdict.passed, detail, True, remedy)
    if key == AutoCheck.SEDATION_RESOLVED:
        remedy = sedation_resolved_text()
        moaas, rass = visit.latest_score(Scale.MOAAS), visit.latest_score(Scale.RASS)
        if moaas is None or rass is None:
            return Criterion(key, label, False, "MOAA/S and RASS not both recorded", True, remedy, recorded=False)
        # The criterion has always written RASS with an ASCII sign and "+0" for alert and calm.
        detail = (
            f"{Scale.MOAAS.label} {moaas.total}, {Scale.RASS.label} {Scale.RASS.show(rass.total, minus='-', zero='+0')}"
        )
        return Criterion(key, label, sedation_resolved(moaas.total, rass.total), detail, True, remedy)
    if key == AutoCheck.VITALS_NEAR_BASELINE:
        percent = protocol.vitals_within_percent_of_baseline
        remedy = f"a reading within {percent} % of baseline"
        baseline, latest = visit.baseline, visit.reading_since_baseline
        if baseline is None or latest is None:
            return Criterion(key, label, False, "no reading since the baseline", True, remedy, recorded=False)
        ok = within_percent_of_baseline(latest.vitals, baseline.vitals, percent)
        shown = f"{latest.vitals.sbp}/{latest.vitals.dbp}, HR {latest.vitals.hr}"
        detail = f"latest {shown} {'within' if ok else 'outside'} {percent} % of baseline"
        return Criterion(key, label, ok, detail, True, remedy)
    if key == AutoCheck.VITALS_NOT_OVERDUE:
        remedy = "a final set of vital signs"
        if timers is None:
            return Criterion(key, label, False, "not judged yet", True, remedy, recorded=False)
        if timers.vitals_overdue:
            return Criterion(key, label, False, VITALS_OVERDUE_AT_DISCHARGE, True, remedy)
        return Criterion(key, label, True, "not overdue", True, remedy)
    return Criterion(key, label, False, f"no automatic rule for {key!r}", True, recorded=False)
