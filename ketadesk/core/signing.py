"""What a signature covers, and how it is sealed.

The canonical content of a visit is a JSON text built from the record alone — sorted keys,
fixed number formats, UTC times — so the same record always gives the same text, and the
SHA-256 stored with the signature shows whether anything it covers changed afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ketadesk.core.clock import to_utc_iso
from ketadesk.core.local_time import in_zone
from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitDetail

VISIT_MEANING = "Reviewed; discharge approved"
ADDENDUM_MEANING = "Addendum written and signed by its author"


@dataclass(frozen=True, slots=True)
class Signature:
    """A signature as shown on screen and on every printout."""

    printed_name: str
    credentials: str
    meaning: str
    signed_at: datetime
    content_hash: str
    login: str = ""

    @property
    def manifestation(self) -> str:
        """The printed signature line (21 CFR 11.50: name, date and time, meaning)."""
        who = f"{self.printed_name}, {self.credentials}" if self.credentials else self.printed_name
        when = in_zone(self.signed_at).strftime("%Y-%m-%d %H:%M %Z")
        return f"Electronically signed by {who} on {when} — {self.meaning}"


@dataclass(frozen=True, slots=True)
class Addendum:
    """A correction or addition after signing: time-stamped, attributed, with a reason, signed."""

    id: int
    text: str
    reason: str
    at: datetime
    by: str
    signature: Signature | None


def canonical_json(content: dict[str, Any]) -> str:
    """Content as the one JSON text a signature seals: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _time(moment: datetime | None) -> str | None:
    return to_utc_iso(moment) if moment is not None else None


def canonical_visit(visit: VisitDetail) -> str:
    """The visit's signed content as canonical JSON (the "signed" step itself excluded)."""
    s = visit.summary
    content: dict[str, Any] = {
        "visit": {
            "id": s.id,
            "patient_id": s.patient_id,
            "mrn": s.mrn,
            "date": s.scheduled_date.isoformat(),
            "chair": s.chair,
            "position": s.position.label if s.position else None,
        },
        "events": [[e.phase.value, _time(e.at), e.by, e.reason] for e in visit.events if e.phase is not Phase.SIGNED],
        "weight_kg": visit.weight_kg,
        "dose": None
        if visit.dose is None
        else {
            "id": visit.dose.id,
            "mg_per_kg": visit.dose.mg_per_kg,
            "weight_kg": visit.dose.weight_kg,
            "dose_mg": visit.dose.dose_mg,
            "concentration": visit.dose.concentration_mg_per_ml,
            "volume_ml": visit.dose.volume_ml,
            "duration_min": visit.dose.duration_min,
            "rate_ml_per_h": visit.dose.rate_ml_per_h,
            "drug": visit.dose.drug,
            "route": visit.dose.route,
            "lot": visit.dose.lot_number,
            "at": _time(visit.dose.at),
            "by": visit.dose.by,
        },
        "vitals": [
            [
                v.id,
                _time(v.vitals.taken_at),
                v.vitals.sbp,
                v.vitals.dbp,
                v.vitals.hr,
                v.vitals.spo2,
                v.vitals.rr,
                v.vitals.temp_c,
                v.source.value,
                [a.value for a in v.alerts],
                v.is_baseline,
                v.entered_by,
                v.corrects_id,
                # A confirmed extreme is sealed too; a reading without one keeps its earlier form (old signatures hold).
                *([[e.value for e in v.confirmed_extremes]] if v.confirmed_extremes else []),
            ]
            for v in visit.vitals
        ],
        "checklist": [[c.checklist, c.item_key, c.checked, c.note, _time(c.at), c.by] for c in visit.checklist],
        "notes": [[n.id, n.kind, n.text, _time(n.at), n.by] for n in visit.notes],
        "acknowledgements": [
            # Who entered it is sealed too; a row entered by its author keeps its earlier form (old signatures hold).
            [a.id, a.subject, a.subject_id, a.note, _time(a.at), a.by, *([a.entered_by] if a.entered_by else [])]
            for a in visit.acknowledgements
        ],
        "scores": [[x.id, x.scale, x.total, [list(i) for i in x.items], _time(x.taken_at), x.by] for x in visit.scores],
        "adverse_events": [[e.id, e.kind.value, e.description, _time(e.onset_at), e.by] for e in visit.adverse_events],
        "interventions": [
            [i.id, i.drug, i.dose, i.route.value, _time(i.given_at), i.note, i.adverse_event_id, i.by]
            for i in visit.interventions
        ],
    }
    given = visit.dose_given
    if given is not None:  # sealed only when recorded: a visit signed before amounts were recorded keeps its hash
        content["dose_given"] = [
            given.id,
            given.dose_id,
            given.given_mg,
            given.calculated_mg,
            given.minutes_run,
            given.basis,
            _time(given.at),
            given.by,
        ]
    # Requests and verbal orders are sealed too, added only when present so earlier signatures hold.
    if visit.approval_requests:
        content["approval_requests"] = [
            [r.id, r.subject, r.subject_id, r.reason, r.values, r.physician, _time(r.at), r.by]
            + ([r.answer.decision.value, r.answer.reason, _time(r.answer.at), r.answer.by] if r.answer else [])
            for r in visit.approval_requests
        ]
    if visit.verbal_orders:
        content["verbal_orders"] = [
            [o.id, o.subject, o.subject_id, o.mode.value, o.text, o.values, o.physician, _time(o.at), o.by]
            + ([o.review.review.value, o.review.reason, _time(o.review.at), o.review.by] if o.review else [])
            for o in visit.verbal_orders
        ]
    if visit.corrections:
        # Sealed when there are any, so a visit signed before corrections were kept keeps its hash.
        content["corrections"] = [
            [c.id, c.record.value, c.original_id, c.replacement_id, c.reason, _time(c.at), c.by]
            for c in visit.corrections
        ]
    return canonical_json(content)


def canonical_addendum(visit_id: int, addendum_id: int, text: str, reason: str, at: datetime, by: str) -> str:
    """An addendum's signed content as canonical JSON."""
    return canonical_json(
        {
            "visit_id": visit_id,
            "addendum_id": addendum_id,
            "text": text,
            "reason": reason,
            "at": to_utc_iso(at),
            "by": by,
        }
    )


def content_hash(canonical: str) -> str:
    """SHA-256 of canonical content, as lowercase hex."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def visit_fingerprint(visit: VisitDetail) -> str:
    """The SHA-256 a signature of the visit records, of its canonical content (a review is compared by it)."""
    return content_hash(canonical_visit(visit))


def canonical_signature(
    *,
    visit_id: int,
    addendum_id: int | None,
    signer_id: int,
    printed_name: str,
    credentials: str,
    meaning: str,
    signed_at: str,
    content_hash: str,
    key_id: int,
) -> str:
    """What the Ed25519 signature is made over: the signature row itself, as canonical JSON.

    It holds the SHA-256 of the canonical content, so it covers that content (hash, then
    sign), and the visit, addendum, signer, printed name, meaning, time (``signed_at`` as
    stored, UTC ISO) and key, so a signature copied onto another visit or addendum, moved to
    another signer or re-dated no longer verifies (21 CFR 11.70: it cannot be excised,
    copied or transferred).
    """
    return canonical_json(
        {
            "v": 1,
            "visit_id": visit_id,
            "addendum_id": addendum_id,
            "signer_id": signer_id,
            "printed_name": printed_name,
            "credentials": credentials,
            "meaning": meaning,
            "signed_at": signed_at,
            "content_hash": content_hash,
            "key_id": key_id,
        }
    )
