"""Whether a visit may move on: the gates before the infusion starts and before discharge.

Both are clinical rules, so they live here once; the workspace, the board, the CLI and
the reports all ask this module rather than deciding for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ketadesk.core.dosing import review_dose
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail
from ketadesk.core.timers import VisitTimers, format_duration
from ketadesk.core.vitals import baseline_needs_physician, within_percent_of_baseline

# Subjects of physician acknowledgements.
BASELINE_BP = "baseline_bp"
DOSE_OVERRIDE = "dose_override"
DISCHARGE_OVERRIDE = "discharge_override"
OVERRIDE_SUBJECTS = (BASELINE_BP, DOSE_OVERRIDE, DISCHARGE_OVERRIDE)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One discharge criterion: met or not, and in words why."""

    key: str
    label: str
    met: bool
    detail: str
    automatic: bool


def start_blockers(protocol: Protocol, visit: VisitDetail, previous_mg_per_kg: float | None) -> list[str]:
    """Everything that stops the infusion from starting now, in the order a nurse fixes them."""
    blockers: list[str] = []
    for item in protocol.pre_infusion_checklist:
        answer = visit.checklist_answer("pre_infusion", item.key)
        if answer is None or not answer.checked:
            blockers.append(f"Checklist: {item.label}")
    if visit.weight_kg is None:
        blockers.append("Weight today is not recorded")
    baseline = visit.baseline
    if baseline is None:
        blockers.append("Baseline vital signs are not recorded")
    elif baseline_needs_physician(baseline.vitals, protocol.alerts) and not _acked(
        visit, BASELINE_BP, since=baseline.entered_at
    ):
        limit = f"{protocol.alerts.baseline_sbp_above}/{protocol.alerts.baseline_dbp_above}"
        blockers.append(
            f"Baseline BP {baseline.vitals.sbp}/{baseline.vitals.dbp} is above {limit}: a physician must acknowledge it"
        )
    if visit.dose is None:
        blockers.append("The dose is not prepared")
    else:
        review = review_dose(visit.dose.mg_per_kg, previous_mg_per_kg, protocol.dose)
        if review.needs_physician and not _acked(visit, DOSE_OVERRIDE, visit.dose.id):
            blockers.append("Dose needs a physician's acknowledgement: " + "; ".join(review.reasons))
        if visit.weight_kg is not None and abs(visit.dose.weight_kg - visit.weight_kg) > 0.05:
            blockers.append(
                f"The dose was calculated for {visit.dose.weight_kg:g} kg but today's weight is "
                f"{visit.weight_kg:g} kg: recalculate it"
            )
    return blockers


def _acked(visit: VisitDetail, subject: str, subject_id: int | None = None, *, since: datetime | None = None) -> bool:
    """Whether a physician acknowledged ``subject`` (after ``since``: a newer, higher baseline needs a new one)."""
    return any(
        a.subject == subject and (subject_id is None or a.subject_id == subject_id) and (since is None or a.at >= since)
        for a in visit.acknowledgements
    )


def discharge_criteria(
    protocol: Protocol, visit: VisitDetail, timers: VisitTimers | None, now: datetime
) -> list[Criterion]:
    """Judge every discharge criterion of the protocol against the record at ``now``."""
    results: list[Criterion] = []
    for item in protocol.discharge_checklist:
        if item.automatic:
            met, detail = _automatic(item.key, protocol, visit, timers)
        else:
            answer = visit.checklist_answer("discharge", item.key)
            met = answer is not None and answer.checked
            detail = f"ticked by {answer.by}" if answer is not None and answer.checked else "not ticked"
        results.append(Criterion(item.key, item.label, met, detail, item.automatic))
    return results


def _automatic(key: str, protocol: Protocol, visit: VisitDetail, timers: VisitTimers | None) -> tuple[bool, str]:
    if key == "observation_elapsed":
        if timers is None or timers.observation_remaining is None:
            return False, "observation has not started"
        if timers.observation_complete:
            return True, f"{protocol.observation_minimum_min} min observed"
        return False, f"{format_duration(timers.observation_remaining)} of observation left"
    if key == "aldrete_pass":
        score = visit.latest_score("aldrete")
        if score is None:
            return False, "no Aldrete score recorded"
        return score.total >= protocol.aldrete_pass, f"Aldrete {score.total} (pass {protocol.aldrete_pass})"
    if key == "sedation_resolved":
        moaas, rass = visit.latest_score("moaas"), visit.latest_score("rass")
        if moaas is None or rass is None:
            return False, "MOAA/S and RASS not both recorded"
        return moaas.total == 5 and rass.total == 0, f"MOAA/S {moaas.total}, RASS {rass.total:+d}"
    if key == "vitals_near_baseline":
        baseline = visit.baseline
        latest = visit.vitals[-1] if visit.vitals else None
        if baseline is None or latest is None or latest.id == baseline.id:
            return False, "no reading since the baseline"
        percent = protocol.vitals_within_percent_of_baseline
        ok = within_percent_of_baseline(latest.vitals, baseline.vitals, percent)
        shown = f"{latest.vitals.sbp}/{latest.vitals.dbp}, HR {latest.vitals.hr}"
        return ok, f"latest {shown} {'within' if ok else 'outside'} {percent} % of baseline"
    return False, f"no automatic rule for {key!r}"
