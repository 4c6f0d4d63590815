"""Who and where: the Patient, the clinic (Organization), each clinician who acted, and the Encounter.

The Patient's MRN carries the clinic's own identifier system (a setting; by default
``urn:ketadesk:<installation>:mrn``), so MRNs of two clinics never look like one patient.
Practitioners are keyed by login under the installation, so the same nurse has the same
id in every document the clinic sends; each has a PractitionerRole at the clinic.
"""

from __future__ import annotations

from typing import Any

from ketadesk.core.phases import Phase
from ketadesk.reports.fhir import codes
from ketadesk.reports.fhir.builder import Builder, when

CARE_TEAM_SECTION = "care team"
DISCHARGE_SECTION = "discharge"

ENCOUNTER_STATUS = {
    Phase.SCHEDULED: "planned",
    Phase.PRE_ASSESSMENT: "arrived",
    Phase.INFUSING: "in-progress",
    Phase.STOPPED_EARLY: "in-progress",
    Phase.OBSERVATION: "in-progress",
    Phase.READY_FOR_DISCHARGE: "in-progress",
    Phase.DISCHARGED: "finished",
    Phase.SIGNED: "finished",
    Phase.CANCELLED: "cancelled",
    Phase.NO_SHOW: "cancelled",
}
"""Finished only once the patient was discharged; an unsigned discharged visit is finished, not yet signed."""


def patient(b: Builder) -> None:
    """The Patient with the MRN under the clinic's system, name, sex and birth date."""
    p = b.patient
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [
            {
                "use": "usual",
                "type": {
                    "coding": [
                        {"system": codes.IDENTIFIER_TYPE_SYSTEM, "code": "MR", "display": "Medical record number"}
                    ],
                    "text": "MRN",
                },
                "system": b.mrn_system,
                "value": p.mrn,
                "assigner": {"reference": b.organization_url, "display": b.protocol.clinic_name},
            }
        ],
        "name": [
            {
                "use": "official",
                "family": p.family_name,
                "given": [p.given_name],
                "text": f"{p.given_name} {p.family_name}",
            }
        ],
        "gender": p.sex.value,
        "birthDate": p.date_of_birth.isoformat(),
        "managingOrganization": {"reference": b.organization_url},
    }
    b.add(b.patient_url, resource)


def organization(b: Builder) -> None:
    """The clinic: its name, and its installation id as identifier."""
    resource: dict[str, Any] = {"resourceType": "Organization", "active": True, "name": b.protocol.clinic_name}
    if b.sender.installation:
        resource["identifier"] = [{"system": "urn:ketadesk:installation", "value": b.sender.installation}]
    b.add(b.organization_url, resource, CARE_TEAM_SECTION)


def practitioners(b: Builder) -> None:
    """A Practitioner and a PractitionerRole at the clinic for everyone referenced so far (call last)."""
    for login, url in sorted(b.people.items()):
        printed = b.name(login)
        b.add(
            url,
            {
                "resourceType": "Practitioner",
                "identifier": [{"system": f"urn:ketadesk:{b.sender.installation or 'local'}:login", "value": login}],
                "active": True,
                "name": [{"text": printed}],
            },
            CARE_TEAM_SECTION,
        )
        role: dict[str, Any] = {
            "resourceType": "PractitionerRole",
            "active": True,
            "practitioner": {"reference": url, "display": printed},
            "organization": {"reference": b.organization_url, "display": b.protocol.clinic_name},
        }
        words = b.sender.roles.get(login, "")
        if words:
            role["code"] = [{"text": words}]
        b.add(b.shared_url(f"practitioner role {login}"), role, CARE_TEAM_SECTION)


def encounter(b: Builder) -> None:
    """The visit as an ambulatory Encounter: status, period from check-in to discharge, who took part."""
    v = b.visit
    summary = v.summary
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "identifier": [{"system": b.visit_system, "value": str(summary.id)}],
        "status": ENCOUNTER_STATUS[summary.phase],
        "class": {"system": codes.ACT_CODE_SYSTEM, "code": "AMB", "display": "ambulatory"},
        "type": [{"text": "Ketamine infusion visit"}],
        "subject": b.subject(),
        "serviceProvider": {"reference": b.organization_url},
    }
    start = v.event_time(Phase.PRE_ASSESSMENT)
    end = v.event_time(Phase.DISCHARGED)
    if start is not None:
        resource["period"] = {"start": when(start)}
        if end is not None:
            resource["period"]["end"] = when(end)
    people = list(dict.fromkeys(e.by for e in v.events if e.phase is not Phase.SCHEDULED))
    if people:
        resource["participant"] = [{"individual": b.who(login)} for login in people]
    if summary.position is not None:
        resource["type"].append({"text": summary.position.label})
    if end is not None:
        resource["hospitalization"] = {"dischargeDisposition": {"text": "Discharged from the clinic"}}
    b.add(b.encounter_url, resource, DISCHARGE_SECTION if end is not None else None)
