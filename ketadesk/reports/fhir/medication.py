"""The infusion (Procedure), the ketamine given and each rescue drug (MedicationAdministration), and the adverse events.

The ketamine's dose is the amount actually given (core.dose_given), never the planned one,
and none is claimed while the pump runs. Each AdverseEvent names the ketamine as its suspect
entity; a rescue drug given for an event points at it through ``supportingInformation`` (R4's
MedicationAdministration.reasonReference cannot name an AdverseEvent) and says so in
``reasonCode`` text, and the event's own text names what was given for it.
"""

from __future__ import annotations

import re
from typing import Any

from ketadesk.core.dose_given import given_dose
from ketadesk.core.events import AdverseEvent, Intervention
from ketadesk.core.phases import Phase
from ketadesk.reports.fhir import codes
from ketadesk.reports.fhir.builder import Builder, when

MEDICATIONS_SECTION = "medications"
PROCEDURE_SECTION = "procedure"
EVENTS_SECTION = "adverse events"
PROCEDURE_KEY = "procedure"
"""The infusion's Procedure, under this key of the visit (an approval of the baseline BP authorises it)."""
KETAMINE_KEY = "medication administration"
"""The ketamine given, under this key of the visit (an approval of the dose authorises it)."""

# A rescue dose as nurses write it: an amount and a unit UCUM spells the same way.
_DOSE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mg|g|mL|L)\s*$")
_UCUM_UNITS = {"mg": "mg", "g": "g", "mL": "mL", "L": "L"}


def _status(b: Builder) -> str:
    stop = b.visit.pump_stop
    if stop is None:
        return "in-progress"
    return "stopped" if stop.phase is Phase.STOPPED_EARLY else "completed"


def infusion(b: Builder) -> None:
    """The ketamine infusion as a Procedure and the ketamine given as a MedicationAdministration."""
    v = b.visit
    dose, started = v.dose, v.event_time(Phase.INFUSING)
    if dose is None or started is None:
        return  # prepared but never given: nothing was administered
    starter = next(e.by for e in v.events if e.phase is Phase.INFUSING)
    stop = v.pump_stop
    period: dict[str, str] = {"start": when(started)}
    if stop is not None:
        period["end"] = when(stop.at)
    status = _status(b)
    reason = [{"text": stop.reason}] if stop is not None and stop.phase is Phase.STOPPED_EARLY and stop.reason else []
    procedure_url = b.url(PROCEDURE_KEY)
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed" if status == "completed" else status,
        "code": codes.local(codes.PROCEDURE_SYSTEM, "ketamine-infusion", "Intravenous ketamine infusion"),
        "subject": b.subject(),
        "encounter": b.encounter_ref(),
        "performedPeriod": period,
        "performer": [{"actor": b.who(starter)}],
    }
    if status == "stopped":
        procedure["statusReason"] = reason[0] if reason else {"text": "Stopped before its planned end"}
    b.add(procedure_url, procedure, PROCEDURE_SECTION)

    text = (
        f"{dose.mg_per_kg:g} mg/kg × {dose.weight_kg:g} kg = {dose.dose_mg:g} mg {dose.route} prepared, "
        f"{dose.volume_ml:g} mL at {dose.rate_ml_per_h:g} mL/h over {dose.duration_min} min"
    )
    given = given_dose(v)
    if given is not None:
        text += f"; {given.line(b.name)}"
    medication: dict[str, Any] = {
        "resourceType": "Medication",
        "id": "infused",
        "code": {
            "coding": [{"system": codes.RXNORM, "code": codes.KETAMINE_RXNORM[0], "display": codes.KETAMINE_RXNORM[1]}],
            "text": dose.drug,
        },
    }
    if dose.lot_number:
        medication["batch"] = {"lotNumber": dose.lot_number}
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "contained": [medication],
        "status": status,
        "medicationReference": {"reference": "#infused", "display": dose.drug},
        "subject": b.subject(),
        "context": b.encounter_ref(),
        "partOf": [b.ref(procedure_url)],
        "effectivePeriod": period,
        "performer": [{"actor": b.who(starter)}],
        "dosage": {
            "text": text,
            "route": codes.route(dose.route),
            "rateQuantity": codes.quantity(dose.rate_ml_per_h, "mL/h", "mL/h"),
        },
    }
    if given is not None:  # the amount given, never the planned one; none is claimed while the pump runs
        resource["dosage"]["dose"] = codes.quantity(given.mg, "mg", "mg")
    if reason:
        resource["statusReason"] = reason
    b.add(b.url(KETAMINE_KEY), resource, MEDICATIONS_SECTION)


def infusion_lines(b: Builder) -> tuple[list[str], list[str]]:
    """The narrative of the Medications and Infusion sections: the ketamine actually given, and how the pump stopped."""
    v = b.visit
    given = given_dose(v)
    drug = (
        [f"{v.dose.drug} {v.dose.route}: " + (given.line(b.name) if given else "no amount given yet")] if v.dose else []
    )
    stop = v.pump_stop
    if stop is None:
        return drug, ["Infusion running" if v.event_time(Phase.INFUSING) else ""]
    how = "Stopped early" if stop.phase is Phase.STOPPED_EARLY else "Completed"
    return drug, [f"{how} at {when(stop.at)}" + (f": {stop.reason}" if stop.reason else "")]


def _ketamine_url(b: Builder) -> str | None:
    v = b.visit
    return b.url(KETAMINE_KEY) if v.dose is not None and v.event_time(Phase.INFUSING) else None


def rescue_text(given: Intervention) -> str:
    """``Ondansetron 4 mg IV`` and the nurse's note."""
    return f"{given.drug} {given.dose} {given.route.value}" + (f" ({given.note})" if given.note else "")


def _rescue(b: Builder, given: Intervention, event_url: str | None, event: AdverseEvent | None) -> None:
    dosage: dict[str, Any] = {"text": f"{given.dose} {given.route.value}", "route": codes.route(given.route.value)}
    amount = _DOSE.match(given.dose)
    if amount is not None:
        dosage["dose"] = codes.quantity(float(amount[1]), amount[2], _UCUM_UNITS[amount[2]])
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "status": "completed",
        "medicationCodeableConcept": {"text": given.drug},
        "subject": b.subject(),
        "context": b.encounter_ref(),
        "effectiveDateTime": when(given.given_at),
        "performer": [{"actor": b.who(given.by)}],
        "dosage": dosage,
    }
    if given.note:
        resource["note"] = [{"text": given.note}]
    if event_url is not None and event is not None:
        resource["reasonCode"] = [{"text": f"Given for the adverse event: {event.kind.label}"}]
        resource["supportingInformation"] = [{"reference": event_url, "display": event.kind.label}]
    b.add(b.url(f"intervention {given.id}"), resource, MEDICATIONS_SECTION)


def adverse_events(b: Builder) -> None:
    """Each adverse event, with the ketamine as suspect, and each rescue drug given (for an event or not)."""
    v = b.visit
    ketamine = _ketamine_url(b)
    urls: dict[int, str] = {}
    for event in v.adverse_events:
        treated = [rescue_text(i) for i in v.interventions if i.adverse_event_id == event.id]
        text = event.description or event.kind.label
        resource: dict[str, Any] = {
            "resourceType": "AdverseEvent",
            "actuality": "actual",
            "event": {
                **codes.local(codes.EVENT_SYSTEM, event.kind.value, event.kind.label),
                "text": f"{event.kind.label}: {text}" + (f"; given: {'; '.join(treated)}" if treated else ""),
            },
            "subject": b.subject(),
            "encounter": b.encounter_ref(),
            "date": when(event.onset_at),
            "recordedDate": when(event.at),
            "recorder": b.who(event.by),
        }
        if ketamine is not None:
            resource["suspectEntity"] = [{"instance": {"reference": ketamine, "display": "Ketamine infusion"}}]
        urls[event.id] = b.add(b.url(f"adverse event {event.id}"), resource, EVENTS_SECTION)
    events = {e.id: e for e in v.adverse_events}
    for given in v.interventions:
        event_id = given.adverse_event_id
        _rescue(b, given, urls.get(event_id) if event_id else None, events.get(event_id) if event_id else None)
