"""The rest of the record: notes, checklists and consent, approvals and verbal orders, the signature and addenda.

Notes go out as Composition section narrative, each with its author and time (struck and
corrected ones marked): they are free text a clinician wrote and signed as part of the
visit, which is what a document section carries; ClinicalImpression would claim a coded
assessment they are not. A ticked consent item is a Consent resource (verified, with who
ticked it). Approvals, bedside acknowledgements and verbal orders are Provenance on the
Encounter, naming who gave the order (author), who entered it (enterer) and who
countersigned or disputed it (verifier): FHIR's own record of "who did what on whose
authority". The visit's signature and each addendum's are Provenance with ``signature``:
signer, time, the Ed25519 bytes as data, and the SHA-256 of the content they cover.
"""

from __future__ import annotations

import base64
from typing import Any

from ketadesk.core.corrections import Corrected
from ketadesk.core.orders import SUBJECT_LABELS
from ketadesk.reports.fhir import codes
from ketadesk.reports.fhir.builder import Builder, Seal, when

NOTES_SECTION = "notes"
CHECKLIST_SECTION = "checklists"
ORDERS_SECTION = "orders"
ADDENDA_SECTION = "addenda"
SIGNATURE_SECTION = "signature"

# Checklist items whose key names consent go out as a Consent as well as a ticked line.
_CONSENT_WORD = "consent"


def _stamp(b: Builder, by: str, at: Any) -> str:
    return f"{b.name(by)}, {when(at)}"


def notes_text(b: Builder) -> list[str]:
    """Every note with kind, author and time; a replaced or struck one marked as such, with who and why."""
    v = b.visit
    lines = [f"{n.kind}: {n.text} ({_stamp(b, n.by, n.at)})" for n in v.notes]
    for n in v.replaced_notes:
        c = v.correction_of(Corrected.NOTE, n.id)
        what = "struck as entered in error" if c is not None and c.struck else "corrected"
        why = f" by {b.name(c.by)} at {when(c.at)}: {c.reason}" if c is not None else ""
        lines.append(f"[{what}{why}] {n.kind}: {n.text} ({_stamp(b, n.by, n.at)})")
    return lines


def _labels(b: Builder) -> dict[tuple[str, str], str]:
    p = b.protocol
    found = {("pre_infusion", i.key): i.label for i in p.pre_infusion_checklist}
    found.update({("discharge", i.key): i.label for i in p.discharge_checklist})
    return found


def checklists(b: Builder) -> list[str]:
    """The checklist answers as lines (who ticked what, when), and a Consent for each consent item ticked."""
    v = b.visit
    labels = _labels(b)
    lines = []
    for entry in v.checklist:
        label = labels.get((entry.checklist, entry.item_key), entry.item_key)
        answer = "yes" if entry.checked else "no"
        note = f" — {entry.note}" if entry.note else ""
        lines.append(f"{entry.checklist.replace('_', '-')}: {label}: {answer}{note} ({_stamp(b, entry.by, entry.at)})")
        if entry.checked and _CONSENT_WORD in entry.item_key:
            consent: dict[str, Any] = {
                "resourceType": "Consent",
                "status": "active",
                "scope": {"coding": [{"system": codes.CONSENT_SCOPE, "code": "treatment", "display": "Treatment"}]},
                "category": [{"coding": [{"system": codes.LOINC, "code": "59284-0", "display": "Patient Consent"}]}],
                "patient": b.subject(),
                "dateTime": when(entry.at),
                "organization": [{"reference": b.organization_url}],
                "policyRule": {"text": label},
                "verification": [
                    {"verified": True, "verifiedWith": b.who(entry.by), "verificationDate": when(entry.at)}
                ],
            }
            b.add(b.url(f"consent {entry.id or entry.item_key}"), consent, CHECKLIST_SECTION)
    for entry in v.replaced_checklist:
        label = labels.get((entry.checklist, entry.item_key), entry.item_key)
        c = v.correction_of(Corrected.CHECKLIST, entry.id)
        why = f" by {b.name(c.by)} at {when(c.at)}: {c.reason}" if c is not None else ""
        lines.append(f"[replaced{why}] {label}: {'yes' if entry.checked else 'no'} ({_stamp(b, entry.by, entry.at)})")
    return lines


def _agent(b: Builder, kind: str, login: str) -> dict[str, Any]:
    return {"type": {"coding": [{"system": codes.PARTICIPANT_TYPE, "code": kind}]}, "who": b.who(login)}


def _provenance(b: Builder, key: str, at: Any, activity: str, agents: list[dict[str, Any]], **more: Any) -> str:
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": [b.encounter_ref()],
        "recorded": when(at),
        "activity": {"text": activity},
        "agent": agents,
        **more,
    }
    return b.add(b.url(key), resource, ORDERS_SECTION)


def orders(b: Builder) -> list[str]:
    """Bedside approvals, requests with their answers, and verbal orders with their review, as Provenance."""
    v = b.visit
    lines = []
    for ack in v.acknowledgements:
        label = SUBJECT_LABELS.get(ack.subject, ack.subject.replace("_", " "))
        agents = [_agent(b, "author", ack.by)]
        if ack.entered_by and ack.entered_by != ack.by:
            agents.append(_agent(b, "enterer", ack.entered_by))
        text = f"{label}: acknowledged by {b.name(ack.by)} — {ack.note}"
        _provenance(b, f"acknowledgement {ack.id}", ack.at, text, agents)
        lines.append(f"{text} ({when(ack.at)})")
    for request in v.approval_requests:
        agents = [_agent(b, "enterer", request.by)]
        text = f"Approval requested of {b.name(request.physician)}: {request.label} — {request.reason}"
        if request.values:
            text += f" ({request.values})"
        if request.answer is not None:
            agents.append(_agent(b, "author", request.answer.by))
            text += f"; {request.answer.decision.value} by {b.name(request.answer.by)} at {when(request.answer.at)}"
            if request.answer.reason:
                text += f": {request.answer.reason}"
        _provenance(b, f"approval request {request.id}", request.at, text, agents)
        lines.append(text)
    for order in v.verbal_orders:
        agents = [_agent(b, "author", order.physician), _agent(b, "enterer", order.by)]
        text = f"{order.mode.label} from {b.name(order.physician)}, taken by {b.name(order.by)}: "
        text += f"{order.label} — {order.text}"
        more: dict[str, Any] = {}
        if order.review is None:
            text += " (unverified: not yet countersigned)"
        else:
            agents.append(_agent(b, "verifier", order.review.by))
            text += f"; {order.review.review.value} by {b.name(order.review.by)} at {when(order.review.at)}"
            text += f": {order.review.reason}" if order.review.reason else ""
            if order.countersigned:
                more["signature"] = [_signature(b, codes.VERIFICATION_SIGNATURE, order.review.by, order.review.at)]
        _provenance(b, f"verbal order {order.id}", order.at, text, agents, **more)
        lines.append(text)
    return lines


def _signature(b: Builder, kind: tuple[str, str], login: str, at: Any, seal: Seal | None = None) -> dict[str, Any]:
    signature: dict[str, Any] = {
        "type": [{"system": codes.SIGNATURE_TYPE, "code": kind[0], "display": kind[1]}],
        "when": when(at),
        "who": b.who(login),
    }
    if seal is not None and seal.digital:
        signature["data"] = base64.b64encode(seal.digital).decode("ascii")
    return signature


def _sealed(b: Builder, key: str, seal: Seal, kind: tuple[str, str], section: str, what: str) -> str:
    sig = seal.signature
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": [b.ref(b.composition_url), b.encounter_ref()],
        "recorded": when(sig.signed_at),
        "activity": {
            "text": f"{what}: {sig.meaning} (Ed25519 over KetaDesk's signed text; SHA-256 of the content in entity)"
        },
        "agent": [_agent(b, "legal" if seal.addendum_id is None else "author", sig.login)],
        "entity": [
            {
                "role": "source",
                "what": {
                    "identifier": {"system": codes.SHA256_SYSTEM, "value": sig.content_hash},
                    "display": "SHA-256 of the canonical content the signature covers",
                },
            }
        ],
        "signature": [_signature(b, kind, sig.login, sig.signed_at, seal)],
    }
    return b.add(b.url(key), resource, section)


def signature(b: Builder) -> list[str]:
    """The visit's signature as a Provenance (nothing when unsigned), and the line the document shows."""
    seal = b.visit_seal
    if seal is None:
        return []
    _sealed(b, "signature", seal, codes.AUTHOR_SIGNATURE, SIGNATURE_SECTION, "Visit signed")
    sig = seal.signature
    who = f"{sig.printed_name}, {sig.credentials}" if sig.credentials else sig.printed_name
    return [f"Electronically signed by {who} at {when(sig.signed_at)}: {sig.meaning}"]


def addenda(b: Builder) -> list[str]:
    """Each addendum as a line of the Addenda section, and its signature as a Provenance."""
    lines = []
    for addendum in b.addenda:
        lines.append(f"{addendum.text} — reason: {addendum.reason} ({_stamp(b, addendum.by, addendum.at)})")
        seal = b.addendum_seals.get(addendum.id)
        if seal is None and addendum.signature is not None:
            seal = Seal(addendum.signature, addendum.id)
        if seal is not None:
            _sealed(b, f"addendum {addendum.id}", seal, codes.ADDENDUM_SIGNATURE, ADDENDA_SECTION, "Addendum signed")
    return lines
