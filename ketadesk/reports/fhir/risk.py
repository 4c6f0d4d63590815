"""The suicide-risk flag a PHQ-9 raised, and what answered it, in the visit's FHIR document.

A flag is written on the PHQ-9's total Observation as a note (its priority and why, in core's
words: :class:`~ketadesk.core.instruments.risk.RiskFlag`). A clinician's risk assessment goes
out as a RiskAssessment based on the PHQ-9's response and total: the level found as its
qualitative risk (R4's risk-probability codes low, moderate and high are the same three
levels) and the action taken as its mitigation, performed by the clinician who recorded it.
A physician's override is a Provenance targeting the PHQ-9, its author the physician and,
when someone else typed it in, that person as enterer. A flag neither assessed nor
overridden says so on the note: the infusion could not start until it was.
"""

from __future__ import annotations

from typing import Any

from ketadesk.core.instruments.risk import RiskFlag
from ketadesk.reports.fhir import codes
from ketadesk.reports.fhir.builder import Builder, when

RISK_PROBABILITY = "http://terminology.hl7.org/CodeSystem/risk-probability"
OUTCOME = "Suicide attempt or self-harm"


def flag_note(flag: RiskFlag) -> str:
    """``Suicide-risk flag (high priority): PHQ-9 item 9 answered 2 (2 or more) — assessed``: the Observation's note."""
    state = (
        "assessed (see the RiskAssessment)"
        if flag.assessment is not None
        else "overridden by a physician (see the Provenance)"
        if flag.override is not None
        else "no risk assessment recorded"
    )
    return f"Suicide-risk flag ({flag.priority}): {'; '.join(flag.why)} — {state}"


def _agent(b: Builder, kind: str, login: str) -> dict[str, Any]:
    return {"type": {"coding": [{"system": codes.PARTICIPANT_TYPE, "code": kind}]}, "who": b.who(login)}


def risk(b: Builder, basis: dict[int, tuple[str, str]], section: str) -> list[str]:
    """Each flag's assessment or override as its resource, listed in ``section``; the lines that section adds.

    ``basis`` maps a measure's id to the fullUrls of its response and total Observation.
    """
    lines: list[str] = []
    for flag in b.risk_flags:
        urls = basis.get(flag.measure.id)
        if urls is None:
            continue
        targets = [b.ref(url) for url in urls]
        a, o = flag.assessment, flag.override
        if a is not None:
            resource: dict[str, Any] = {
                "resourceType": "RiskAssessment",
                "identifier": [{"system": f"{b.measure_system}:risk-assessment", "value": str(a.id)}],
                "status": "final",
                "subject": b.subject(),
                "encounter": b.encounter_ref(),
                "occurrenceDateTime": when(a.at),
                "performer": b.who(a.by),
                "basis": targets,
                "prediction": [
                    {
                        "outcome": {"text": OUTCOME},
                        "qualitativeRisk": {
                            "coding": [{"system": RISK_PROBABILITY, "code": a.level.value}],
                            "text": a.level.label,
                        },
                    }
                ],
                "mitigation": a.action,
            }
            b.add(b.url(f"risk assessment {a.id}"), resource, section)
            lines.append(f"Risk assessment: {a.level.label} by {b.name(a.by)} at {when(a.at)}; action: {a.action}")
        elif o is not None:
            agents = [_agent(b, "author", o.by)]
            if o.entered_by and o.entered_by != o.by:
                agents.append(_agent(b, "enterer", o.entered_by))
            text = f"Suicide-risk flag overridden by {b.name(o.by)}: {o.reason}"
            resource = {
                "resourceType": "Provenance",
                "target": targets,
                "recorded": when(o.at),
                "reason": [{"text": o.reason}],
                "activity": {"text": text},
                "agent": agents,
            }
            b.add(b.url(f"risk override {o.id}"), resource, section)
            lines.append(f"{text} ({when(o.at)})")
        else:
            lines.append(flag_note(flag))
    return lines
