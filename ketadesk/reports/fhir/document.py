"""One visit as a FHIR R4 ``document`` Bundle: the Composition first, then every entry it lists.

A signed visit's Composition is ``final`` with the signing physician as its ``legal``
attester at the signing time, and the Bundle's timestamp is that time. An unsigned visit is
``preliminary`` (its Observations too) and its title and first section say so; its
timestamp is the latest moment the record mentions (its outcome measures too), so the same record still gives the same
Bundle. Every entry is referenced from the Composition (subject, encounter, author,
attester, custodian or a section), and every reference resolves inside the Bundle.
R4 has no Bundle element for the FHIR version: the Bundle states it as a ``meta.tag`` from
the FHIRVersion code system (and files are written as ``application/fhir+json; fhirVersion=4.0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from ketadesk.core.instruments.measures import Measure
from ketadesk.core.instruments.risk import RiskFlag
from ketadesk.core.patient import Patient
from ketadesk.core.phases import Phase
from ketadesk.core.protocol import Protocol
from ketadesk.core.records import VisitDetail
from ketadesk.core.signing import Addendum
from ketadesk.reports.fhir import codes, measures, medication, observations, parties, record
from ketadesk.reports.fhir.builder import Builder, RecordSeal, Seal, Sender, div, when

PRELIMINARY_NOTE = "Preliminary: this visit is not signed by a physician; its record may still change."

# Section key → (title, code). LOINC where the section has a well-known code, else the clinic's own.
_SECTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "status": ("Document status", codes.local(codes.SECTION_SYSTEM, "status", "Document status")),
    observations.VITALS_SECTION: ("Vital signs", codes.loinc(codes.VITAL_SIGNS_SECTION)),
    medication.MEDICATIONS_SECTION: ("Medications administered", codes.loinc(codes.MEDICATIONS_ADMINISTERED_SECTION)),
    medication.PROCEDURE_SECTION: ("Infusion", codes.local(codes.SECTION_SYSTEM, "procedure", "Infusion")),
    medication.EVENTS_SECTION: (
        "Adverse events",
        codes.local(codes.SECTION_SYSTEM, "adverse-events", "Adverse events"),
    ),
    observations.SCORES_SECTION: ("Scores", codes.local(codes.SECTION_SYSTEM, "scores", "Scores")),
    measures.OUTCOMES_SECTION: (
        "Outcome measures",
        codes.local(codes.SECTION_SYSTEM, "outcome-measures", "Outcome measures"),
    ),
    record.NOTES_SECTION: ("Notes", codes.local(codes.SECTION_SYSTEM, "notes", "Notes")),
    record.CHECKLIST_SECTION: (
        "Checklists and consent",
        codes.local(codes.SECTION_SYSTEM, "checklists", "Checklists and consent"),
    ),
    record.ORDERS_SECTION: (
        "Approvals and verbal orders",
        codes.local(codes.SECTION_SYSTEM, "orders", "Approvals and verbal orders"),
    ),
    parties.DISCHARGE_SECTION: ("Discharge", codes.local(codes.SECTION_SYSTEM, "discharge", "Discharge")),
    record.ADDENDA_SECTION: ("Addenda", codes.local(codes.SECTION_SYSTEM, "addenda", "Addenda")),
    record.SIGNATURE_SECTION: ("Signature", codes.local(codes.SECTION_SYSTEM, "signature", "Signature")),
    parties.CARE_TEAM_SECTION: ("Care team", codes.local(codes.SECTION_SYSTEM, "care-team", "Care team")),
}


def _moment(b: Builder) -> datetime:
    if b.visit_seal is not None:
        return b.visit_seal.signature.signed_at
    moments = [m for m in (b.visit.last_moment, *(m.entered_at for m in b.measures)) if m is not None]
    return max(moments) if moments else datetime.combine(b.visit.summary.scheduled_date, time(), UTC)


def _lines(b: Builder) -> dict[str, list[str]]:
    """Build every entry in order, collecting each section's narrative lines."""
    v = b.visit
    parties.organization(b)
    parties.patient(b)
    parties.encounter(b)
    observations.weight(b)
    observations.vitals(b)
    medication.infusion(b)
    medication.adverse_events(b)
    observations.scores(b)
    outcome_lines = measures.outcomes(b)
    text: dict[str, list[str]] = {
        observations.VITALS_SECTION: [f"{when(r.vitals.taken_at)}: {observations.reading_text(r)}" for r in v.vitals],
        observations.SCORES_SECTION: [f"{when(s.taken_at)}: {observations.score_text(s)}" for s in v.scores],
        measures.OUTCOMES_SECTION: outcome_lines,
        medication.EVENTS_SECTION: [f"{e.kind.label}: {e.description} ({when(e.onset_at)})" for e in v.adverse_events],
        medication.MEDICATIONS_SECTION: [medication.rescue_text(i) for i in v.interventions],
        record.NOTES_SECTION: record.notes_text(b),
        record.CHECKLIST_SECTION: record.checklists(b),
        record.ORDERS_SECTION: record.orders(b),
        record.SIGNATURE_SECTION: record.signature(b),
        record.ADDENDA_SECTION: record.addenda(b),
    }
    drug, pump = medication.infusion_lines(b)
    text[medication.MEDICATIONS_SECTION][:0] = drug
    text[medication.PROCEDURE_SECTION] = pump
    discharged = [e for e in v.events if e.phase is Phase.DISCHARGED]
    text[parties.DISCHARGE_SECTION] = [f"Discharged by {b.name(e.by)} at {when(e.at)}" for e in discharged]
    text["status"] = [
        f"Signed: the record as the physician signed it at {when(_moment(b))}." if b.signed else PRELIMINARY_NOTE
    ]
    parties.practitioners(b)  # last: everyone referenced above
    text[parties.CARE_TEAM_SECTION] = [b.protocol.clinic_name] + [
        f"{b.name(login)} ({b.sender.roles.get(login) or 'staff'})" for login in sorted(b.people)
    ]
    return text


def _composition(b: Builder, text: dict[str, list[str]]) -> dict[str, Any]:
    v = b.visit
    moment = _moment(b)
    title = f"Ketamine infusion visit {v.summary.scheduled_date.isoformat()}"
    if not b.signed:
        title += " (preliminary, not signed)"
    sections = []
    for key, (heading, code) in _SECTIONS.items():
        lines, entries = text.get(key, []), b.sections.get(key, [])
        if not lines and not entries:
            continue
        section: dict[str, Any] = {"title": heading, "code": code, "text": {"status": "generated", "div": div(*lines)}}
        if entries:
            section["entry"] = [b.ref(url) for url in entries]
        sections.append(section)
    resource: dict[str, Any] = {
        "resourceType": "Composition",
        "identifier": {"system": b.visit_system, "value": str(v.summary.id)},
        "status": "final" if b.signed else "preliminary",
        "type": codes.loinc(codes.PROCEDURE_NOTE),
        "subject": b.subject(),
        "encounter": b.encounter_ref(),
        "date": when(moment),
        "title": title,
        "custodian": {"reference": b.organization_url, "display": b.protocol.clinic_name},
        "section": sections,
    }
    seal = b.visit_seal
    if seal is not None:
        signer = b.who(seal.signature.login)
        resource["author"] = [signer]
        resource["attester"] = [{"mode": "legal", "time": when(seal.signature.signed_at), "party": signer}]
    else:
        acted = [b.who(login) for login in dict.fromkeys(e.by for e in v.events) if login in b.people]
        resource["author"] = acted or [{"reference": b.organization_url}]
    return resource


def visit_bundle(
    visit: VisitDetail,
    patient: Patient,
    protocol: Protocol,
    staff: dict[str, str] | None = None,
    *,
    sender: Sender | None = None,
    seals: Sequence[Seal] = (),
    addenda: Sequence[Addendum] = (),
    record_seals: Sequence[RecordSeal] = (),
    outcome_measures: Sequence[Measure] = (),
    risk_flags: Sequence[RiskFlag] = (),
) -> dict[str, Any]:
    """The visit as a FHIR R4 ``document`` Bundle (plain dicts, ready for ``json.dumps``).

    ``staff`` maps logins to printed names (``sender.staff`` when a sender is given); ``seals``
    are the visit's signature and its addenda's, with their digital signatures; ``record_seals``
    the physicians' signatures over their approvals, answers and order reviews; ``outcome_measures``
    the outcome measures taken for the visit (every row: corrections and strikes too), ``risk_flags``
    the suicide-risk flags they raised with their assessments or overrides.
    """
    if sender is None:
        sender = Sender(staff=staff or {})
    b = Builder(visit, patient, protocol, sender, seals, addenda, record_seals, outcome_measures, risk_flags)
    text = _lines(b)
    composition = _composition(b, text)
    composition["id"] = b.composition_url.removeprefix("urn:uuid:")
    bundle_url = b.url("bundle")
    return {
        "resourceType": "Bundle",
        "id": bundle_url.removeprefix("urn:uuid:"),
        "meta": {"tag": [{"system": codes.FHIR_VERSION_SYSTEM, "code": codes.FHIR_VERSION, "display": "R4"}]},
        "identifier": {"system": codes.URI, "value": bundle_url},
        "type": "document",
        "timestamp": when(_moment(b)),
        "entry": [{"fullUrl": b.composition_url, "resource": composition}, *b.entries],
    }
