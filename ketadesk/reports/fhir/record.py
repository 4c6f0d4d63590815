"""The rest of the record: notes, checklists and consent, approvals and verbal orders, the signature and addenda.

Notes go out as Composition section narrative, each with its author and time (struck and
corrected ones marked): they are free text a clinician wrote and signed as part of the
visit, which is what a document section carries; ClinicalImpression would claim a coded
assessment they are not. A ticked consent item is a Consent resource (verified, with who
ticked it). Approvals, bedside acknowledgements and verbal orders are Provenance whose
target is what they authorise (the infusion for a baseline BP, the ketamine given for a
dose, the Encounter for a discharge), naming who gave the order (author), who entered it
(enterer) and who countersigned or disputed it (verifier): FHIR's own record of "who did
what on whose authority". A physician's approval, answer and review is digitally signed in
the record (:mod:`ketadesk.core.record_signing`); its Provenance carries that signature
(the Ed25519 bytes, base64) and, contained, the exact text it is over. The visit's signature
and each addendum's are Provenance with ``signature``: signer, time, the Ed25519 bytes as
data, and the SHA-256 of the content they cover.
"""

from __future__ import annotations

import base64
from typing import Any

from ketadesk.core import readiness
from ketadesk.core.corrections import Corrected
from ketadesk.core.orders import SUBJECT_LABELS
from ketadesk.core.record_signing import SignedRecord
from ketadesk.reports.fhir import codes, medication
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
                "category": [codes.loinc(codes.PATIENT_CONSENT)],
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


def _authorised(b: Builder, subject: str) -> dict[str, str]:
    """What an approval of ``subject`` authorises: the infusion (baseline BP), the ketamine given (dose), else the
    visit itself (a discharge, or an infusion that never started)."""
    key = {readiness.BASELINE_BP: medication.PROCEDURE_KEY, readiness.DOSE_OVERRIDE: medication.KETAMINE_KEY}
    url = b.url(key[subject]) if subject in key else None
    return b.ref(url) if url is not None and b.has(url) else b.encounter_ref()


def _record_seal(b: Builder, kind: SignedRecord, subject_id: int, verifies: bool = False) -> dict[str, Any]:
    """A signed record's Provenance parts: the Ed25519 signature (base64) and the exact text it is over, contained.

    Empty for a record signed before record signatures existed (migration 0015): nothing to carry.
    """
    seal = b.record_seals.get((kind, subject_id))
    if seal is None:
        return {}
    code = codes.VERIFICATION_SIGNATURE if verifies else codes.AUTHOR_SIGNATURE
    signed = {
        "resourceType": "Binary",
        "id": "signed",
        "contentType": codes.SIGNED_TEXT_FORMAT,
        "data": base64.b64encode(seal.signed_text.encode("utf-8")).decode("ascii"),
    }
    return {
        "contained": [signed],
        "entity": [
            {
                "role": "source",
                "what": {"reference": "#signed", "display": f"The {kind.label} as signed (canonical JSON)"},
            }
        ],
        "signature": [
            {
                "type": [{"system": codes.SIGNATURE_TYPE, "code": code[0], "display": code[1]}],
                "when": when(seal.signed_at),
                "who": b.who(seal.signer),
                "targetFormat": codes.SIGNED_TEXT_FORMAT,
                "sigFormat": codes.SIGNATURE_FORMAT,
                "data": base64.b64encode(seal.digital).decode("ascii"),
            }
        ],
    }


def _provenance(
    b: Builder, key: str, at: Any, activity: str, agents: list[dict[str, Any]], target: dict[str, str], **more: Any
) -> str:
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        **({"contained": more.pop("contained")} if "contained" in more else {}),
        "target": [target],
        "recorded": when(at),
        "activity": {"text": activity},
        "agent": agents,
        **more,
    }
    return b.add(b.url(key), resource, ORDERS_SECTION)


def orders(b: Builder) -> list[str]:
    """Approvals, requests with their answers and verbal orders with their review, as Provenance.

    Each targets what it authorises; a physician's approval, answer or review carries the
    physician's digital signature over it, with the text signed.
    """
    v = b.visit
    lines = []
    for ack in v.acknowledgements:
        label = SUBJECT_LABELS.get(ack.subject, ack.subject.replace("_", " "))
        agents = [_agent(b, "author", ack.by)]
        if ack.entered_by and ack.entered_by != ack.by:
            agents.append(_agent(b, "enterer", ack.entered_by))
        text = f"{label}: acknowledged by {b.name(ack.by)} — {ack.note}"
        seal = _record_seal(b, SignedRecord.ACKNOWLEDGEMENT, ack.id)
        _provenance(b, f"acknowledgement {ack.id}", ack.at, text, agents, _authorised(b, ack.subject), **seal)
        lines.append(f"{text} ({when(ack.at)})")
    for request in v.approval_requests:
        agents = [_agent(b, "enterer", request.by)]
        text = f"Approval requested of {b.name(request.physician)}: {request.label} — {request.reason}"
        if request.values:
            text += f" ({request.values})"
        seal = {}
        if request.answer is not None:
            agents.insert(0, _agent(b, "author", request.answer.by))
            text += f"; {request.answer.decision.value} by {b.name(request.answer.by)} at {when(request.answer.at)}"
            if request.answer.reason:
                text += f": {request.answer.reason}"
            seal = _record_seal(b, SignedRecord.APPROVAL_ANSWER, request.id)
        target = _authorised(b, request.subject)
        _provenance(b, f"approval request {request.id}", request.at, text, agents, target, **seal)
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
            more = _record_seal(b, SignedRecord.ORDER_REVIEW, order.id, verifies=order.countersigned)
            if not more and order.countersigned:
                more["signature"] = [_signature(b, codes.VERIFICATION_SIGNATURE, order.review.by, order.review.at)]
        _provenance(b, f"verbal order {order.id}", order.at, text, agents, _authorised(b, order.subject), **more)
        lines.append(text)
    return lines


def _signature(b: Builder, kind: tuple[str, str], login: str, at: Any, seal: Seal | None = None) -> dict[str, Any]:
    signature: dict[str, Any] = {
        "type": [{"system": codes.SIGNATURE_TYPE, "code": kind[0], "display": kind[1]}],
        "when": when(at),
        "who": b.who(login),
    }
    if seal is not None and seal.digital:
        signature["targetFormat"] = codes.SIGNED_TEXT_FORMAT
        signature["sigFormat"] = codes.SIGNATURE_FORMAT
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
